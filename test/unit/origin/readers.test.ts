// The two readers against a scripted `ip` (no root needed): what they read when, and what they
// report. The real kernel is the business of test/netns/origin-*.test.ts.
import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor, sleep } from '../../support/wait.js';
import { InterfaceAddressOrigin, KernelTableOrigin, type OriginChange } from '../../../src/origin/index.js';
import { fakeIp, type FakeIp } from './fake-ip.js';
import { sampleLines } from './samples.js';

const SAMPLES = join(import.meta.dirname, 'samples');

// `ip … monitor …` follows the file `events`; every other call is logged to `calls` and answered
// from files the test writes: all.json, dev-NAME.json, route-4.json, route-6.json.
function scriptedIp(): FakeIp {
  return fakeIp(
    (dir) => `case "$*" in
  *monitor*) exec tail -n +1 -f '${dir}/events' ;;
esac
echo "$*" >> '${dir}/calls'
case "$*" in
  *"addr show dev "*) f='${dir}/dev-'"$(echo "$*" | sed 's/.* dev //')"'.json'
    if [ -f "$f" ]; then cat "$f"; else echo "Device \\"x\\" does not exist." >&2; exit 1; fi ;;
  *"addr show") cat '${dir}/all.json' ;;
  *"-4 route show"*) cat '${dir}/route-4.json' ;;
  *"-6 route show"*) cat '${dir}/route-6.json' ;;
esac`,
  );
}

const fakes: FakeIp[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  for (const f of fakes.splice(0)) f.remove();
});

function calls(fake: FakeIp): string[] {
  try {
    return readFileSync(join(fake.dir, 'calls'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
}

const monitor = { readyTimeoutMs: 10, minBackoffMs: 10 };
const monitorLines = sampleLines('monitor-addr-link.txt');

describe('InterfaceAddressOrigin (scripted ip)', () => {
  it('reads all at start, then only the interface an event concerns', async () => {
    const ip = scriptedIp();
    fakes.push(ip);
    writeFileSync(join(ip.dir, 'events'), '');
    copyFileSync(join(SAMPLES, 'addr-show.json'), join(ip.dir, 'all.json'));
    copyFileSync(join(SAMPLES, 'addr-show-dev-node0.json'), join(ip.dir, 'dev-node0.json'));
    const origin = new InterfaceAddressOrigin({ interfaces: [{ name: 'node0' }], ipPath: ip.path, netns: 'ns1', monitor });
    stops.push(() => origin.stop());
    const changes: OriginChange[] = [];
    origin.on('change', (c) => changes.push(c));
    await origin.start();
    expect(calls(ip)).toEqual(['-n ns1 -json addr show']);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.added.map((r) => r.prefix)).toContain('10.0.0.5/32');

    // Another interface's life: filtered out by the line filter alone.
    const veth = monitorLines.filter((l) => /^(Deleted )?[34]: veth7/.test(l));
    appendFileSync(join(ip.dir, 'events'), `${veth.join('\n')}\n`);
    await waitFor(() => origin.stats().lines >= veth.length, { what: 'the veth lines' });
    await sleep(30);
    expect(calls(ip)).toHaveLength(1);

    // node0 (index 5 in the sample) goes away: one read of node0 only, and a withdrawal.
    rmSync(join(ip.dir, 'dev-node0.json'));
    appendFileSync(join(ip.dir, 'events'), 'Deleted 5: node0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether 9e:9b:8b:4e:50:e5 brd ff:ff:ff:ff:ff:ff\n');
    await waitFor(() => changes.length === 2, { what: 'the withdrawal' });
    expect(calls(ip)).toEqual(['-n ns1 -json addr show', '-n ns1 -json addr show dev node0']);
    expect(changes[1]?.added).toEqual([]);
    expect(changes[1]?.removed.sort()).toEqual(changes[0]?.added.map((r) => r.prefix).sort());
    expect(origin.routes()).toEqual([]);
    expect(origin.stats()).toMatchObject({ fullReads: 1, deviceReads: { node0: 1 }, relevantLines: 1 });
  });

  it('start fails when ip cannot run', async () => {
    const origin = new InterfaceAddressOrigin({ interfaces: [{ name: 'node0' }], ipPath: '/nonexistent/ip', monitor });
    await expect(origin.start()).rejects.toThrow(/ENOENT/);
  });
});

describe('KernelTableOrigin (scripted ip)', () => {
  it('reads both families at start; lines of other tables are not read for', async () => {
    const ip = scriptedIp();
    fakes.push(ip);
    writeFileSync(join(ip.dir, 'events'), '');
    copyFileSync(join(SAMPLES, 'route-show-119-v4.json'), join(ip.dir, 'route-4.json'));
    copyFileSync(join(SAMPLES, 'route-show-119-v6.json'), join(ip.dir, 'route-6.json'));
    const origin = new KernelTableOrigin({ table: 119, ipPath: ip.path, monitor, scanIntervalMs: 0 });
    stops.push(() => origin.stop());
    const changes: OriginChange[] = [];
    origin.on('change', (c) => changes.push(c));
    await origin.start();
    expect(calls(ip)).toEqual(['-json -N -d -4 route show table 119', '-json -N -d -6 route show table 119']);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.added).toHaveLength(18);

    appendFileSync(join(ip.dir, 'events'), '10.244.11.0/24 via 10.70.0.2 dev eth1 table 120 \n10.244.12.0/24 via 10.70.0.2 dev eth1 \n');
    await waitFor(() => origin.stats().lines === 2, { what: 'two lines' });
    await sleep(30);
    expect(calls(ip)).toHaveLength(2);

    writeFileSync(join(ip.dir, 'route-6.json'), '[]');
    appendFileSync(join(ip.dir, 'events'), 'Deleted 2001:db8:244::/64 via 2001:db8:70::2 dev eth1 table 119 metric 1024 pref medium\n');
    await waitFor(() => changes.length === 2, { what: 'the withdrawal' });
    expect(changes[1]?.added).toEqual([]);
    expect(changes[1]?.removed).toHaveLength(7);
    expect(calls(ip)).toHaveLength(4);
  });
});

// The interface-address origin against the real kernel, in a namespace of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterfaceAddressOrigin } from '../../src/origin/index.js';
import { Lab, type Netns } from '../support/lab/lab.js';
import { RouteTracker } from './route-tracker.js';
import { sleep, waitFor } from '../support/wait.js';

let lab: Lab;
let ns: Netns;
const origins: InterfaceAddressOrigin[] = [];

function follow(options: Omit<ConstructorParameters<typeof InterfaceAddressOrigin>[0], 'netns'>): { origin: InterfaceAddressOrigin; tracker: RouteTracker } {
  const origin = new InterfaceAddressOrigin({ ...options, netns: ns.name });
  origins.push(origin);
  return { origin, tracker: new RouteTracker(origin) };
}

beforeAll(async () => {
  lab = Lab.create();
  ns = await lab.namespace('ifaddr');
});

afterAll(async () => {
  await Promise.all(origins.map((o) => o.stop()));
  await lab?.destroy();
});

describe('interface addresses (node0, host routes)', () => {
  let origin: InterfaceAddressOrigin;
  let tracker: RouteTracker;

  beforeAll(async () => {
    ({ origin, tracker } = follow({ interfaces: [{ name: 'node0' }] }));
    await origin.start();
  });

  it('starts empty without node0, then sees it appear with its /32', async () => {
    expect(tracker.prefixes()).toEqual([]);
    await ns.ip('link', 'add', 'node0', 'type', 'bridge');
    await ns.ip('addr', 'add', '10.0.0.5/32', 'dev', 'node0');
    await sleep(100);
    // Down: nothing yet.
    expect(tracker.prefixes()).toEqual([]);
    await ns.ip('link', 'set', 'node0', 'up');
    await tracker.waitFor(['10.0.0.5/32']);
    expect(tracker.routes.get('10.0.0.5/32')).toEqual({ prefix: '10.0.0.5/32', kind: 'unicast', nextHop: null, device: 'node0' });
  });

  it('a second address and an IPv6 global become routes; link-local ones never do', async () => {
    await ns.ip('addr', 'add', '10.0.0.6/32', 'dev', 'node0');
    await ns.ip('addr', 'add', '2001:db8::5/64', 'dev', 'node0', 'nodad');
    await ns.ip('addr', 'add', 'fe80::99/64', 'dev', 'node0', 'nodad');
    await tracker.waitFor(['10.0.0.5/32', '10.0.0.6/32', '2001:db8::5/128']);
    const shown = await ns.ip('-6', 'addr', 'show', 'dev', 'node0', 'scope', 'link');
    expect(shown).toContain('fe80::99');
    await sleep(100);
    expect(tracker.prefixes().some((p) => p.startsWith('fe80'))).toBe(false);
  });

  it('a removed address is withdrawn', async () => {
    await ns.ip('addr', 'del', '10.0.0.6/32', 'dev', 'node0');
    await tracker.waitFor(['10.0.0.5/32', '2001:db8::5/128']);
    expect(tracker.changes.at(-1)).toEqual({ added: [], removed: ['10.0.0.6/32'] });
  });

  it('link down withdraws everything; up brings back what the kernel kept', async () => {
    await ns.ip('link', 'set', 'node0', 'down');
    await tracker.waitFor([]);
    await ns.ip('link', 'set', 'node0', 'up');
    // Linux drops IPv6 addresses on link down (keep_addr_on_down=0); IPv4 ones stay.
    await tracker.waitFor(['10.0.0.5/32']);
    await ns.ip('addr', 'add', '2001:db8::5/64', 'dev', 'node0', 'nodad');
    await tracker.waitFor(['10.0.0.5/32', '2001:db8::5/128']);
  });

  it('deleting node0 withdraws its routes; re-creating it brings them back', async () => {
    await ns.ip('link', 'del', 'node0');
    await tracker.waitFor([]);
    await ns.batch(['link add node0 type bridge', 'addr add 10.0.0.5/32 dev node0', 'link set node0 up']);
    await tracker.waitFor(['10.0.0.5/32']);
  });

  it('renaming node0 away withdraws, renaming it back restores', async () => {
    await ns.ip('link', 'set', 'node0', 'down');
    await ns.ip('link', 'set', 'node0', 'name', 'node9');
    await ns.ip('link', 'set', 'node9', 'up');
    await tracker.waitFor([]);
    await ns.ip('link', 'set', 'node9', 'down');
    await ns.ip('link', 'set', 'node9', 'name', 'node0');
    await ns.ip('link', 'set', 'node0', 'up');
    await tracker.waitFor(['10.0.0.5/32']);
  });

  it('200 veth pairs coming and going cause no change and no re-read of node0', async () => {
    await sleep(50);
    const before = origin.stats();
    const changes = tracker.changes.length;
    const create: string[] = [];
    const remove: string[] = [];
    for (let i = 0; i < 200; i++) {
      create.push(`link add ctr${i} type veth peer name ctr${i}p`, `addr add 10.200.${i}.1/24 dev ctr${i}`, `link set ctr${i} up`, `link set ctr${i}p up`);
      remove.push(`link del ctr${i}`);
    }
    await ns.batch(create);
    await ns.batch(remove);
    // Every deletion is reported; wait until the monitor has read them all.
    await waitFor(() => origin.stats().lines - before.lines >= 1600, { what: 'the monitor lines of 200 veth deletions', timeoutMs: 20_000 });
    await sleep(200);
    const after = origin.stats();
    expect(after.relevantLines).toBe(before.relevantLines);
    expect(after.deviceReads.node0).toBe(before.deviceReads.node0);
    expect(after.fullReads).toBe(before.fullReads);
    expect(tracker.changes.length).toBe(changes);
    expect(tracker.prefixes()).toEqual(['10.0.0.5/32']);
  });

  it('a killed monitor is restarted and whatever changed meanwhile is caught up', async () => {
    const { monitorPid, monitorRestarts } = origin.stats();
    expect(monitorPid).not.toBeNull();
    process.kill(monitorPid ?? 0, 'SIGKILL');
    await ns.ip('addr', 'add', '10.0.0.7/32', 'dev', 'node0');
    await tracker.waitFor(['10.0.0.5/32', '10.0.0.7/32']);
    expect(origin.stats().monitorRestarts).toBe(monitorRestarts + 1);
    await ns.ip('addr', 'del', '10.0.0.7/32', 'dev', 'node0');
    await tracker.waitFor(['10.0.0.5/32']);
  });

  it('a new reader reads the current state at start', async () => {
    const late = follow({ interfaces: [{ name: 'node0' }] });
    await late.origin.start();
    expect(late.tracker.prefixes()).toEqual(['10.0.0.5/32']);
    expect(late.tracker.changes).toHaveLength(1);
    expect(late.origin.routes()).toEqual([...late.tracker.routes.values()]);
    await late.origin.stop();
  });
});

describe('interface addresses (patterns, subnets, down interfaces)', () => {
  it('eth* in subnet mode, advertised while down when told so', async () => {
    await ns.batch(['link add eth0 type veth peer name peer0', 'addr add 192.168.7.1/24 dev eth0', 'addr add 2001:db8:7::1/64 dev eth0 nodad']);
    const { origin, tracker } = follow({ interfaces: [{ name: 'eth*', mode: 'subnet', requireUp: false }] });
    await origin.start();
    expect(tracker.prefixes()).toEqual(['192.168.7.0/24', '2001:db8:7::/64']);
    await ns.ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'peer1');
    await ns.ip('addr', 'add', '192.168.8.1/24', 'dev', 'eth1');
    await tracker.waitFor(['192.168.7.0/24', '192.168.8.0/24', '2001:db8:7::/64']);
    expect(tracker.routes.get('192.168.8.0/24')?.device).toBe('eth1');
    await ns.ip('link', 'del', 'eth0');
    await tracker.waitFor(['192.168.8.0/24']);
    await origin.stop();
  });

  it('no change events after stop', async () => {
    const { origin, tracker } = follow({ interfaces: [{ name: 'eth1' }] });
    await origin.start();
    await origin.stop();
    const seen = tracker.changes.length;
    await ns.ip('link', 'set', 'eth1', 'up');
    await ns.ip('addr', 'add', '192.168.9.1/24', 'dev', 'eth1');
    await sleep(100);
    expect(tracker.changes.length).toBe(seen);
  });
});

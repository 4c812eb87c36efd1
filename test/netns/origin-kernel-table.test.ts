// The kernel-table origin against the real kernel, in a namespace of its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelTableOrigin, type KernelTableOriginOptions } from '../../src/origin/index.js';
import { Lab, type Netns } from '../support/lab/lab.js';
import { RouteTracker } from './route-tracker.js';
import { sleep, waitFor } from '../support/wait.js';

let lab: Lab;
let ns: Netns;
const origins: KernelTableOrigin[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'necod-origin-kt-'));

function follow(options: Omit<KernelTableOriginOptions, 'netns'>): { origin: KernelTableOrigin; tracker: RouteTracker } {
  const origin = new KernelTableOrigin({ ...options, netns: ns.name });
  origins.push(origin);
  return { origin, tracker: new RouteTracker(origin) };
}

beforeAll(async () => {
  lab = Lab.create();
  ns = await lab.namespace('ktable');
  await ns.batch([
    'link add eth1 type veth peer name eth1p',
    'addr add 10.70.0.1/24 dev eth1',
    'addr add 2001:db8:70::1/64 dev eth1 nodad',
    'link set eth1 up',
    'link set eth1p up',
    'route add 10.244.0.0/24 via 10.70.0.2 dev eth1 table 119',
    'route add blackhole 10.244.1.0/24 table 119',
    'route add 10.244.2.0/24 via 10.70.0.2 dev eth1 table 119 proto bird',
    'route add 2001:db8:244::/64 via 2001:db8:70::2 dev eth1 table 119',
    'route add 10.250.0.0/24 via 10.70.0.2 dev eth1 table 120',
    'route add 10.251.0.0/24 via 10.70.0.2 dev eth1',
  ]);
});

afterAll(async () => {
  await Promise.all(origins.map((o) => o.stop()));
  await lab?.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

describe('kernel table 119', () => {
  let origin: KernelTableOrigin;
  let tracker: RouteTracker;

  beforeAll(async () => {
    ({ origin, tracker } = follow({ table: 119 }));
    await origin.start();
  });

  it('reads the table at start: unicast via a gateway, blackhole, IPv6; other tables left alone', () => {
    expect(tracker.changes).toHaveLength(1);
    expect(tracker.prefixes()).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '2001:db8:244::/64']);
    expect(tracker.routes.get('10.244.0.0/24')).toEqual({ prefix: '10.244.0.0/24', kind: 'unicast', nextHop: '10.70.0.2', device: 'eth1' });
    expect(tracker.routes.get('10.244.1.0/24')).toEqual({ prefix: '10.244.1.0/24', kind: 'blackhole', nextHop: null, device: null });
    expect(tracker.routes.get('2001:db8:244::/64')).toEqual({ prefix: '2001:db8:244::/64', kind: 'unicast', nextHop: '2001:db8:70::2', device: 'eth1' });
    expect(origin.table).toBe(119);
  });

  it('follows routes added, replaced and deleted', async () => {
    await ns.ip('route', 'add', 'unreachable', '10.244.3.0/24', 'table', '119');
    await ns.ip('-6', 'route', 'add', 'blackhole', '2001:db8:245::/64', 'table', '119');
    await tracker.waitFor(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24', '2001:db8:244::/64', '2001:db8:245::/64']);
    expect(tracker.routes.get('10.244.3.0/24')?.kind).toBe('unreachable');
    expect(tracker.routes.get('2001:db8:245::/64')).toEqual({ prefix: '2001:db8:245::/64', kind: 'blackhole', nextHop: null, device: null });

    await ns.ip('route', 'replace', 'blackhole', '10.244.0.0/24', 'table', '119');
    await waitFor(() => tracker.routes.get('10.244.0.0/24')?.kind === 'blackhole', { what: '10.244.0.0/24 to become a blackhole' });

    await ns.ip('route', 'del', '10.244.3.0/24', 'table', '119');
    await ns.ip('-6', 'route', 'del', '2001:db8:245::/64', 'table', '119');
    await tracker.waitFor(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '2001:db8:244::/64']);
    expect(tracker.changes.at(-1)?.added).toEqual([]);
  });

  it('routes of other tables cause no event and no read', async () => {
    await sleep(50);
    const before = origin.stats();
    const changes = tracker.changes.length;
    const commands: string[] = [];
    for (let i = 0; i < 50; i++) commands.push(`route add 10.252.${i}.0/24 via 10.70.0.2 dev eth1 table 120`, `route add 10.253.${i}.0/24 via 10.70.0.2 dev eth1`);
    for (let i = 0; i < 50; i++) commands.push(`route del 10.252.${i}.0/24 table 120`, `route del 10.253.${i}.0/24`);
    await ns.batch(commands);
    await waitFor(() => origin.stats().lines - before.lines >= 200, { what: 'the monitor lines of 200 route changes' });
    await sleep(100);
    const after = origin.stats();
    expect(after.relevantLines).toBe(before.relevantLines);
    expect(after.reads).toBe(before.reads);
    expect(tracker.changes.length).toBe(changes);
  });

  it('a killed monitor is restarted and whatever changed meanwhile is caught up', async () => {
    const { monitorPid, monitorRestarts } = origin.stats();
    process.kill(monitorPid ?? 0, 'SIGKILL');
    await ns.ip('route', 'add', 'blackhole', '10.244.4.0/24', 'table', '119');
    await waitFor(() => tracker.routes.has('10.244.4.0/24'), { what: '10.244.4.0/24' });
    expect(origin.stats().monitorRestarts).toBe(monitorRestarts + 1);
    await ns.ip('route', 'del', 'blackhole', '10.244.4.0/24', 'table', '119');
    await waitFor(() => !tracker.routes.has('10.244.4.0/24'), { what: '10.244.4.0/24 gone' });
  });

  it('keeps up with a burst of changes', async () => {
    const add: string[] = [];
    for (let i = 0; i < 100; i++) add.push(`route add 10.245.${i}.0/24 via 10.70.0.2 dev eth1 table 119`);
    await ns.batch(add);
    await waitFor(() => tracker.routes.size === 104, { what: '100 new routes' });
    await ns.batch(add.map((c) => c.replace('route add', 'route del')));
    await waitFor(() => tracker.routes.size === 4, { what: '100 routes gone' });
  });
});

describe('kernel table options', () => {
  it('ignores routes of the given protocols, and only reads the given families', async () => {
    const { origin, tracker } = follow({ table: 119, families: ['ipv4'], ignoreProtocols: ['bird', 'kernel'] });
    await origin.start();
    expect(tracker.prefixes()).toEqual(['10.244.0.0/24', '10.244.1.0/24']);
    await ns.ip('route', 'add', '10.244.9.0/24', 'via', '10.70.0.2', 'dev', 'eth1', 'table', '119', 'proto', 'bird');
    await ns.ip('-6', 'route', 'add', '2001:db8:249::/64', 'via', '2001:db8:70::2', 'dev', 'eth1', 'table', '119');
    await ns.ip('route', 'add', '10.244.10.0/24', 'via', '10.70.0.2', 'dev', 'eth1', 'table', '119');
    await tracker.waitFor(['10.244.0.0/24', '10.244.1.0/24', '10.244.10.0/24']);
    await origin.stop();
  });

  it('a table named in rt_tables, not yet created, fills in later', async () => {
    const rtTables = join(tmp, 'rt_tables');
    writeFileSync(rtTables, '150 pods\n');
    const { origin, tracker } = follow({ table: 'pods', iproute2Dirs: [tmp] });
    await origin.start();
    expect(origin.table).toBe(150);
    expect(tracker.prefixes()).toEqual([]);
    await ns.ip('route', 'add', 'blackhole', '10.99.0.0/16', 'table', '150');
    await tracker.waitFor(['10.99.0.0/16']);
    await origin.stop();
  });

  it.each([['ipv4'], ['ipv6']] as const)('a table that does not exist yet is empty for %s, and fills in later', async (family) => {
    const table = family === 'ipv4' ? 151 : 152;
    const { origin, tracker } = follow({ table, families: [family] });
    await origin.start();
    expect(origin.stats().failedReads).toBe(0);
    expect(tracker.prefixes()).toEqual([]);
    const prefix = family === 'ipv4' ? '10.98.0.0/16' : '2001:db8:98::/48';
    await ns.ip(...(family === 'ipv4' ? [] : ['-6']), 'route', 'add', 'blackhole', prefix, 'table', String(table));
    await tracker.waitFor([prefix]);
    await origin.stop();
  });

  it('an unknown table name fails start', async () => {
    const { origin } = follow({ table: 'nosuch', iproute2Dirs: [join(tmp, 'absent')] });
    await expect(origin.start()).rejects.toThrow(/unknown routing table "nosuch"/);
  });

  it('rescans every scan interval', async () => {
    const { origin } = follow({ table: 119, scanIntervalMs: 50 });
    await origin.start();
    const reads = origin.stats().reads;
    await waitFor(() => origin.stats().reads >= reads + 3, { what: 'three rescans', timeoutMs: 2000 });
    await origin.stop();
  });
});

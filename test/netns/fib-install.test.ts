import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Fib } from '../../src/kernel/fib.js';
import { uni } from '../support/fixtures/kernel.js';
import { KernelLab, UPLINKS, fibPerTest, GROUPS_AND_WRITERS, WRITERS } from './kernel-lab.js';

const A = UPLINKS.a;
const B = UPLINKS.b;

describe.each(GROUPS_AND_WRITERS)('kernel FIB install (nexthop-groups %s, %s writer)', (groups, writer) => {
  const t = fibPerTest({ writer, nexthopGroups: groups, verifyIntervalMs: 0 });

  it('installs, replaces and deletes single-path and 2-way ECMP routes, IPv4 and IPv6', async () => {
    t.fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4));
    t.fib.set('10.9.1.0/24', uni('10.9.1.0/24', A.gw4, B.gw4));
    t.fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', A.gw6, B.gw6));
    t.fib.set('2001:db8:a::/48', uni('2001:db8:a::/48', B.gw6));
    await t.fib.settled();

    let v4 = await t.lab.routeMap({ proto: 200 });
    let v6 = await t.lab.routeMap({ v6: true, proto: 200 });
    expect(KernelLab.gateways(v4.get('10.9.0.0/24'))).toEqual([A.gw4]);
    expect(KernelLab.gateways(v4.get('10.9.1.0/24'))).toEqual([A.gw4, B.gw4]);
    expect(KernelLab.gateways(v6.get('2001:db8:9::/48'))).toEqual([A.gw6, B.gw6]);
    expect(KernelLab.gateways(v6.get('2001:db8:a::/48'))).toEqual([B.gw6]);
    expect(v4.get('10.9.1.0/24')?.metric).toBe(32);
    if (groups === 'on') {
      expect(v4.get('10.9.1.0/24')?.nhid).toBeGreaterThanOrEqual(200_000_000);
      expect(v6.get('2001:db8:9::/48')?.nhid).toBeGreaterThanOrEqual(200_000_000);
    } else {
      expect(v4.get('10.9.1.0/24')?.nhid).toBeUndefined();
      expect(await t.lab.nexthops()).toEqual([]);
    }
    expect(t.fib.route('10.9.1.0/24')?.state).toBe('installed');
    expect(t.fib.counters().routesInstalled).toBe(4);

    // Replace: ECMP → single path and back, single → ECMP.
    t.fib.set('10.9.1.0/24', uni('10.9.1.0/24', B.gw4));
    t.fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4, B.gw4));
    t.fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', A.gw6));
    await t.fib.settled();
    v4 = await t.lab.routeMap({ proto: 200 });
    v6 = await t.lab.routeMap({ v6: true, proto: 200 });
    expect(KernelLab.gateways(v4.get('10.9.1.0/24'))).toEqual([B.gw4]);
    expect(KernelLab.gateways(v4.get('10.9.0.0/24'))).toEqual([A.gw4, B.gw4]);
    expect(KernelLab.gateways(v6.get('2001:db8:9::/48'))).toEqual([A.gw6]);

    // Delete.
    t.fib.set('10.9.0.0/24', null);
    t.fib.set('2001:db8:a::/48', null);
    await t.fib.settled();
    v4 = await t.lab.routeMap({ proto: 200 });
    v6 = await t.lab.routeMap({ v6: true, proto: 200 });
    expect([...v4.keys()]).toEqual(['10.9.1.0/24']);
    expect([...v6.keys()]).toEqual(['2001:db8:9::/48']);
    expect(t.fib.route('10.9.0.0/24')).toBeUndefined();
    if (groups === 'on') {
      // Objects no route uses any more are gone: what is left is the routes' objects and their members.
      const objects = await t.lab.nexthops();
      const used = new Set<number>();
      for (const id of [v4.get('10.9.1.0/24')?.nhid, v6.get('2001:db8:9::/48')?.nhid]) {
        used.add(id!);
        for (const m of objects.find((o) => o.id === id)?.group ?? []) used.add(m.id);
      }
      expect(objects.map((n) => n.id).sort()).toEqual([...used].sort());
    }
  });

  it('installs blackhole and unreachable routes, and turns them into unicast and back', async () => {
    t.fib.set('192.0.2.0/24', { prefix: '192.0.2.0/24', kind: 'blackhole', nextHops: [] });
    t.fib.set('2001:db8:dead::/48', { prefix: '2001:db8:dead::/48', kind: 'unreachable', nextHops: [] });
    await t.fib.settled();
    expect((await t.lab.routeMap({ proto: 200 })).get('192.0.2.0/24')?.type).toBe('blackhole');
    expect((await t.lab.routeMap({ v6: true, proto: 200 })).get('2001:db8:dead::/48')?.type).toBe('unreachable');

    t.fib.set('192.0.2.0/24', uni('192.0.2.0/24', A.gw4, B.gw4));
    await t.fib.settled();
    expect(KernelLab.gateways((await t.lab.routeMap({ proto: 200 })).get('192.0.2.0/24'))).toEqual([A.gw4, B.gw4]);
    t.fib.set('192.0.2.0/24', { prefix: '192.0.2.0/24', kind: 'blackhole', nextHops: [] });
    await t.fib.settled();
    expect((await t.lab.routeMap({ proto: 200 })).get('192.0.2.0/24')?.type).toBe('blackhole');
  });

  it('writes a route changed twice within the window once', async () => {
    let lines = 0;
    t.fib.on('batch', (b: { lines: number }) => (lines += b.lines));
    t.fib.set('10.9.5.0/24', uni('10.9.5.0/24', A.gw4));
    t.fib.set('10.9.5.0/24', uni('10.9.5.0/24', B.gw4));
    t.fib.set('10.9.5.0/24', uni('10.9.5.0/24', A.gw4, B.gw4));
    await t.fib.settled();
    expect(KernelLab.gateways((await t.lab.routeMap({ proto: 200 })).get('10.9.5.0/24'))).toEqual([A.gw4, B.gw4]);
    // groups: two legs, one group, one route; inline: one route.
    expect(lines).toBe(groups === 'on' ? 4 : 1);
    expect(t.fib.counters().batches).toBe(1);
  });

  it('uses explicit devices and onlink next hops without a connected route', async () => {
    t.fib.set('10.9.6.0/24', { prefix: '10.9.6.0/24', kind: 'unicast', nextHops: [{ via: '10.77.0.1', dev: 'a0', onlink: true }] });
    await t.fib.settled();
    const r = (await t.lab.routeMap({ proto: 200 })).get('10.9.6.0/24');
    expect(KernelLab.gateways(r)).toEqual(['10.77.0.1']);
    expect(t.fib.route('10.9.6.0/24')).toMatchObject({ state: 'installed', error: null });
  });

  it('stop() removes every route and object of necod', async () => {
    t.fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4, B.gw4));
    t.fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', A.gw6, B.gw6));
    await t.fib.settled();
    await t.fib.stop();
    expect(await t.lab.routes({ proto: 200 })).toEqual([]);
    expect(await t.lab.routes({ v6: true, proto: 200 })).toEqual([]);
    expect(await t.lab.nexthops()).toEqual([]);
  });

  it('stop({keep}) leaves them for the next start', async () => {
    t.fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4, B.gw4));
    await t.fib.settled();
    await t.fib.stop({ keep: true });
    expect(KernelLab.gateways((await t.lab.routeMap({ proto: 200 })).get('10.9.0.0/24'))).toEqual([A.gw4, B.gw4]);
  });
});

describe.each(WRITERS)('kernel FIB in a table that does not exist yet (%s writer)', (writer) => {
  let lab: KernelLab;
  let fib: Fib;

  afterEach(async () => {
    await fib?.stop().catch(() => {});
    await lab.destroy();
  });

  it.each(['on', 'off'] as const)('starts with the table empty and installs IPv4 and IPv6 into it (nexthop-groups %s)', async (groups) => {
    lab = await KernelLab.create();
    for (const v of ['-4', '-6']) {
      const r = await lab.ip([v, 'route', 'show', 'table', '100']);
      expect(r.stderr).toMatch(/FIB table does not exist/);
    }
    fib = new Fib({ netns: lab.ns, writer, table: 100, nexthopGroups: groups, verifyIntervalMs: 0 });
    await fib.start();
    expect(fib.status().started).toBe(true);
    expect(fib.status().stale).toBe(0);
    fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4, B.gw4));
    fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', A.gw6));
    await fib.settled();
    expect(KernelLab.gateways((await lab.routeMap({ proto: 200, table: 100 })).get('10.9.0.0/24'))).toEqual([A.gw4, B.gw4]);
    expect(KernelLab.gateways((await lab.routeMap({ v6: true, proto: 200, table: 100 })).get('2001:db8:9::/48'))).toEqual([A.gw6]);
    // A verification of a family whose table is gone again reads it as empty, not as an error.
    await fib.verifyNow();
    expect(fib.route('10.9.0.0/24')?.state).toBe('installed');
    await fib.stop();
    expect((await lab.ip(['-4', 'route', 'show', 'table', '100'])).stdout.trim()).toBe('');
  });
});


describe('kernel FIB next-hop lookups', () => {
  let lab: KernelLab;
  let fib: Fib;
  let dir: string;

  afterEach(async () => {
    await fib?.stop().catch(() => {});
    await lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('looks up the devices of expected next hops at once, before any route asks for them', async () => {
    lab = await KernelLab.create();
    // An ip that logs its arguments, so that the lookups it ran can be read back.
    dir = mkdtempSync(join(tmpdir(), 'necod-ip-log-'));
    const log = join(dir, 'calls');
    const ip = join(dir, 'ip');
    writeFileSync(ip, `#!/bin/sh\necho "$*" >> ${log}\nexec ip "$@"\n`, { mode: 0o755 });
    fib = new Fib({ netns: lab.ns, ip, writer: 'netlink', verifyIntervalMs: 0 });
    await fib.start();
    const calls = (): string[] => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('route get'));
    expect(calls()).toEqual([]);
    fib.expectNextHops([A.gw4, B.gw6, 'fe80::1']);
    await fib.settled();
    expect(calls().map((l) => l.split(' ').at(-1)).sort()).toEqual([A.gw4, B.gw6].sort());
    // The routes that follow find their devices known: no lookup more.
    fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4));
    fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', B.gw6));
    await fib.settled();
    expect(fib.route('10.9.0.0/24')?.state).toBe('installed');
    expect(fib.route('2001:db8:9::/48')?.state).toBe('installed');
    expect(calls()).toHaveLength(2);
  });
});

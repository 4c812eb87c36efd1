import { describe, expect, it } from 'vitest';
import { Fib } from '../../src/kernel/fib.js';
import { uni } from '../support/fixtures/kernel.js';
import { KernelLab, UPLINKS, fibPerTest, GROUPS_AND_WRITERS, WRITERS } from './kernel-lab.js';
import { sleep, waitFor } from '../support/wait.js';

const A = UPLINKS.a;
const B = UPLINKS.b;
const N = 50;
const v4 = (i: number): string => `10.${100 + (i >> 8)}.${i & 255}.0/24`;

describe.each(GROUPS_AND_WRITERS)('kernel FIB repair (nexthop-groups %s, %s writer)', (groups, writer) => {
  const t = fibPerTest({ writer, nexthopGroups: groups, verifyIntervalMs: 0, retryMinMs: 100, retryMaxMs: 400 });

  it('restores routes flushed behind its back', async () => {
    for (let i = 0; i < N; i++) t.fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    t.fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', A.gw6, B.gw6));
    await t.fib.settled();
    // ip cannot flush routes on nexthop objects while the kernel reports their next hops too.
    if (groups === 'on') await t.lab.exec(['sysctl', '-qw', 'net.ipv4.nexthop_compat_mode=0']);
    await t.lab.must(['-4', 'route', 'flush', 'proto', '200']);
    await t.lab.must(['-6', 'route', 'flush', 'proto', '200']);
    await waitFor(async () => (await t.lab.routes({ proto: 200 })).length === N && (await t.lab.routes({ v6: true, proto: 200 })).length === 1, { what: 'routes restored' });
    for (const r of await t.lab.routes({ proto: 200 })) expect(await t.lab.gatewaysVia(r)).toEqual([A.gw4, B.gw4]);
    expect(t.fib.counters().restored).toBeGreaterThanOrEqual(N);
  });

  it('restores a single deleted route and, by verification, silently dropped ones', async () => {
    for (let i = 0; i < N; i++) t.fib.set(v4(i), uni(v4(i), A.gw4));
    await t.fib.settled();
    await t.lab.must(['route', 'del', v4(3), 'proto', '200']);
    await waitFor(async () => (await t.lab.routeMap({ proto: 200 })).has(v4(3)), { what: 'deleted route restored' });

    // Taking the uplink down drops its routes (and nexthop objects) without any notification.
    await t.lab.must(['link', 'set', A.dev, 'down']);
    await waitFor(async () => (await t.lab.routes({ proto: 200 })).length === 0, { what: 'kernel dropping the routes' });
    await waitFor(() => t.fib.route(v4(0))?.state === 'failed', { what: 'routes failed while the next hop is unreachable' });
    expect(t.fib.route(v4(0))?.error).toMatch(/10\.1\.0\.1/);
    await t.lab.must(['link', 'set', A.dev, 'up']);
    await waitFor(async () => (await t.lab.routes({ proto: 200 })).length === N, { what: 'routes back with the uplink', timeoutMs: 15_000 });
    await t.fib.settled();
    expect(t.fib.route(v4(0))?.state).toBe('installed');
  });

  it('notices a nexthop object or route removed while it was not looking, on verification', async () => {
    for (let i = 0; i < N; i++) t.fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    await t.fib.settled();
    if (groups === 'on') {
      const groupId = (await t.lab.routes({ proto: 200 }))[0]!.nhid!;
      await t.lab.must(['nexthop', 'del', 'id', String(groupId)]);
    } else {
      await t.lab.must(['route', 'del', v4(0), 'proto', '200']);
    }
    await t.fib.verifyNow();
    await waitFor(async () => (await t.lab.routes({ proto: 200 })).length === N, { what: 'routes restored' });
    for (const r of await t.lab.routes({ proto: 200 })) expect(KernelLab.gateways(r)).toEqual([A.gw4, B.gw4]);
  });
});

describe.each(GROUPS_AND_WRITERS)('kernel FIB failed writes (nexthop-groups %s, %s writer)', (groups, writer) => {
  const t = fibPerTest({ writer, nexthopGroups: groups, verifyIntervalMs: 0, retryMinMs: 100, retryMaxMs: 400 });

  it('reports a next hop without a connected route, and installs it once the interface is there', async () => {
    t.fib.set('10.9.0.0/24', uni('10.9.0.0/24', '10.3.0.1'));
    t.fib.set('10.9.1.0/24', uni('10.9.1.0/24', A.gw4, '10.3.0.1'));
    t.fib.set('10.9.2.0/24', uni('10.9.2.0/24', A.gw4));
    await t.fib.settled();
    expect(t.fib.route('10.9.0.0/24')).toMatchObject({ state: 'failed', error: expect.stringContaining('10.3.0.1') });
    // The usable half of an ECMP route goes in meanwhile.
    expect(t.fib.route('10.9.1.0/24')).toMatchObject({ state: 'installed', error: expect.stringContaining('not all next hops usable') });
    expect(t.fib.route('10.9.2.0/24')?.state).toBe('installed');
    expect(t.fib.status().failed).toBe(1);
    expect((await t.lab.routeMap({ proto: 200 })).has('10.9.0.0/24')).toBe(false);

    await t.lab.addUplink({ dev: 'c0', peer: 'c1', v4: '10.3.0.5/24', v6: '2001:db8:3::5/64' });
    await waitFor(async () => (await t.lab.routeMap({ proto: 200 })).has('10.9.0.0/24'), { what: 'route via the new interface' });
    await waitFor(async () => KernelLab.gateways((await t.lab.routeMap({ proto: 200 })).get('10.9.1.0/24')).length === 2, { what: 'ECMP over both' });
    await t.fib.settled();
    expect(t.fib.route('10.9.0.0/24')).toMatchObject({ state: 'installed', error: null });
  });

  it('counts and retries a write the kernel refuses (device gone), and never throws', async () => {
    t.fib.set('10.9.0.0/24', { prefix: '10.9.0.0/24', kind: 'unicast', nextHops: [{ via: '10.3.0.1', dev: 'c0', onlink: true }] });
    t.fib.set('10.9.1.0/24', uni('10.9.1.0/24', A.gw4, B.gw4));
    await t.fib.settled();
    expect(t.fib.route('10.9.0.0/24')).toMatchObject({ state: 'failed' });
    expect(t.fib.route('10.9.0.0/24')?.error).toMatch(/c0|[Dd]evice/);
    expect(t.fib.route('10.9.1.0/24')?.state).toBe('installed');
    const failures = t.fib.counters().failures;
    expect(failures).toBeGreaterThan(0);
    // Retried with backoff while the device is missing.
    await waitFor(() => t.fib.counters().retries >= 2, { what: 'retries' });

    await t.lab.addUplink({ dev: 'c0', peer: 'c1', v4: '10.3.0.5/24', v6: '2001:db8:3::5/64' });
    await waitFor(async () => (await t.lab.routeMap({ proto: 200 })).has('10.9.0.0/24'), { what: 'route installed once the device exists', timeoutMs: 15_000 });
    await waitFor(() => t.fib.route('10.9.0.0/24')?.state === 'installed', { what: 'state installed' });
    expect(t.fib.route('10.9.1.0/24')?.state).toBe('installed');
  });
});

describe.each(WRITERS)('kernel FIB bulk writes (%s writer)', (writer) => {
  const t = fibPerTest({ writer, verifyIntervalMs: 0, nexthopGroups: 'off' });

  it('keeps watching during a bulk write, reads nothing back, and hears none of its own additions', async () => {
    // A foreign route at necod's metric, known from the start-up read.
    await t.lab.must(['route', 'add', '10.9.0.0/24', 'via', B.gw4, 'proto', 'static', 'metric', '32']);
    await t.fib.verifyNow();
    const reads = t.fib.counters().verifications;
    const linesBefore = t.fib.status().monitor.lines;
    for (let i = 0; i < 3000; i++) t.fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    t.fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4));
    await t.fib.settled();
    expect((await t.lab.routes({ proto: 200 })).length).toBe(3000);
    expect(t.fib.route('10.9.0.0/24')?.state).toBe('failed');
    expect(t.fib.route(v4(2999))?.state).toBe('installed');
    // What ip accepted is what the kernel holds: no read-back after the write.
    expect(t.fib.counters().verifications).toBe(reads);
    // necod's 3000 additions echoed by the monitor were dropped before they became lines.
    expect(t.fib.status().monitor.lines - linesBefore).toBeLessThan(100);
    expect(t.fib.status().monitor.restarts).toBe(0);
    // A removal behind necod's back is noticed by the event, not a read-back.
    await t.lab.must(['route', 'del', v4(5), 'proto', '200']);
    await waitFor(async () => (await t.lab.routeMap({ proto: 200 })).has(v4(5)), { what: 'route restored' });
    expect(t.fib.counters().verifications).toBe(reads);
  });

  it('follows no route events while a bulk write streams in, and routes again afterwards', async () => {
    await t.fib.stop();
    t.fib = new Fib({ netns: t.lab.ns, writer, verifyIntervalMs: 0, nexthopGroups: 'off', bulkLines: 500 });
    await t.fib.start();
    const reads = t.fib.counters().verifications;
    for (let i = 0; i < 3000; i++) t.fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    await t.fib.settled();
    expect((await t.lab.routes({ proto: 200 })).length).toBe(3000);
    // Routes are followed again a little after the writing stopped; what ip accepted is what the
    // kernel holds, so nothing was read back.
    let n = 0;
    await waitFor(async () => {
      const seen = t.fib.status().monitor.lines;
      await t.lab.ip(['route', 'add', `10.250.${n++}.0/24`, 'dev', A.dev, 'proto', 'static']);
      await sleep(50);
      return t.fib.status().monitor.lines > seen;
    }, { what: 'route events followed again' });
    expect(t.fib.counters().verifications).toBe(reads);
    await t.lab.must(['route', 'del', v4(7), 'proto', '200']);
    await waitFor(async () => (await t.lab.routeMap({ proto: 200 })).has(v4(7)), { what: 'route restored' });
  });

  it('stops following route events when a table starts pouring in, before its first write', async () => {
    await t.fib.stop();
    t.fib = new Fib({ netns: t.lab.ns, writer, verifyIntervalMs: 0, nexthopGroups: 'off', bulkLines: 500 });
    await t.fib.start();
    const echoes = t.fib.status().monitor.echoes;
    // 1000 routes every few milliseconds (well over 50 a millisecond) for about 100 ms: a table
    // being received.
    for (let k = 0; k < 20; k++) {
      for (let i = k * 1000; i < (k + 1) * 1000; i++) t.fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
      await sleep(5);
    }
    await t.fib.settled();
    expect((await t.lab.routes({ proto: 200 })).length).toBe(20_000);
    // The monitor was swapped while nothing was written: ip printed none of the 20 000 back.
    expect(t.fib.status().monitor.echoes - echoes).toBe(0);
  });

  it('counts a table arriving in small batches as bulk too', async () => {
    await t.fib.stop();
    t.fib = new Fib({ netns: t.lab.ns, writer, verifyIntervalMs: 0, nexthopGroups: 'off', bulkLines: 500, batchMax: 200 });
    await t.fib.start();
    const batches: number[] = [];
    t.fib.on('batch', (b: { prefixes: number }) => batches.push(b.prefixes));
    const seen = t.fib.status().monitor.lines;
    for (let i = 0; i < 3000; i++) t.fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    await t.fib.settled();
    expect((await t.lab.routes({ proto: 200 })).length).toBe(3000);
    expect(Math.max(...batches)).toBeLessThanOrEqual(200);
    // Past the first 500 routes none came back as an event: ip stopped printing them.
    expect(t.fib.status().monitor.lines - seen).toBeLessThan(1000);
  });
});

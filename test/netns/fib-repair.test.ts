import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Fib } from '../../src/kernel/fib.js';
import type { DesiredRoute } from '../../src/kernel/types.js';
import { KernelLab, UPLINKS, waitUntil, GROUPS_AND_WRITERS, WRITERS } from './kernel-lab.js';

const A = UPLINKS.a;
const B = UPLINKS.b;
const N = 50;
const v4 = (i: number): string => `10.${100 + (i >> 8)}.${i & 255}.0/24`;

function uni(prefix: string, ...vias: string[]): DesiredRoute {
  return { prefix, kind: 'unicast', nextHops: vias.map((via) => ({ via, dev: null })) };
}

describe.each(GROUPS_AND_WRITERS)('kernel FIB repair (nexthop-groups %s, %s writer)', (groups, writer) => {
  let lab: KernelLab;
  let fib: Fib;

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = new Fib({ netns: lab.ns, writer, nexthopGroups: groups, verifyIntervalMs: 0, retryMinMs: 100, retryMaxMs: 400 });
    await fib.start();
  });

  afterEach(async () => {
    await fib.stop().catch(() => {});
    await lab.destroy();
  });

  it('restores routes flushed behind its back', async () => {
    for (let i = 0; i < N; i++) fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', A.gw6, B.gw6));
    await fib.settled();
    // ip cannot flush routes on nexthop objects while the kernel reports their next hops too.
    if (groups === 'on') await lab.exec(['sysctl', '-qw', 'net.ipv4.nexthop_compat_mode=0']);
    await lab.must(['-4', 'route', 'flush', 'proto', '200']);
    await lab.must(['-6', 'route', 'flush', 'proto', '200']);
    await waitUntil(async () => (await lab.routes({ proto: 200 })).length === N && (await lab.routes({ v6: true, proto: 200 })).length === 1, 'routes restored');
    for (const r of await lab.routes({ proto: 200 })) expect(await lab.gatewaysVia(r)).toEqual([A.gw4, B.gw4]);
    expect(fib.counters().restored).toBeGreaterThanOrEqual(N);
  });

  it('restores a single deleted route and, by verification, silently dropped ones', async () => {
    for (let i = 0; i < N; i++) fib.set(v4(i), uni(v4(i), A.gw4));
    await fib.settled();
    await lab.must(['route', 'del', v4(3), 'proto', '200']);
    await waitUntil(async () => (await lab.routeMap({ proto: 200 })).has(v4(3)), 'deleted route restored');

    // Taking the uplink down drops its routes (and nexthop objects) without any notification.
    await lab.must(['link', 'set', A.dev, 'down']);
    await waitUntil(async () => (await lab.routes({ proto: 200 })).length === 0, 'kernel dropping the routes');
    await waitUntil(() => fib.route(v4(0))?.state === 'failed', 'routes failed while the next hop is unreachable');
    expect(fib.route(v4(0))?.error).toMatch(/10\.1\.0\.1/);
    await lab.must(['link', 'set', A.dev, 'up']);
    await waitUntil(async () => (await lab.routes({ proto: 200 })).length === N, 'routes back with the uplink', 15_000);
    await fib.settled();
    expect(fib.route(v4(0))?.state).toBe('installed');
  });

  it('notices a nexthop object or route removed while it was not looking, on verification', async () => {
    for (let i = 0; i < N; i++) fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    await fib.settled();
    if (groups === 'on') {
      const groupId = (await lab.routes({ proto: 200 }))[0].nhid!;
      await lab.must(['nexthop', 'del', 'id', String(groupId)]);
    } else {
      await lab.must(['route', 'del', v4(0), 'proto', '200']);
    }
    await fib.verifyNow();
    await waitUntil(async () => (await lab.routes({ proto: 200 })).length === N, 'routes restored');
    for (const r of await lab.routes({ proto: 200 })) expect(KernelLab.gateways(r)).toEqual([A.gw4, B.gw4]);
  });
});

describe.each(GROUPS_AND_WRITERS)('kernel FIB failed writes (nexthop-groups %s, %s writer)', (groups, writer) => {
  let lab: KernelLab;
  let fib: Fib;

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = new Fib({ netns: lab.ns, writer, nexthopGroups: groups, verifyIntervalMs: 0, retryMinMs: 100, retryMaxMs: 400 });
    await fib.start();
  });

  afterEach(async () => {
    await fib.stop().catch(() => {});
    await lab.destroy();
  });

  it('reports a next hop without a connected route, and installs it once the interface is there', async () => {
    fib.set('10.9.0.0/24', uni('10.9.0.0/24', '10.3.0.1'));
    fib.set('10.9.1.0/24', uni('10.9.1.0/24', A.gw4, '10.3.0.1'));
    fib.set('10.9.2.0/24', uni('10.9.2.0/24', A.gw4));
    await fib.settled();
    expect(fib.route('10.9.0.0/24')).toMatchObject({ state: 'failed', error: expect.stringContaining('10.3.0.1') });
    // The usable half of an ECMP route goes in meanwhile.
    expect(fib.route('10.9.1.0/24')).toMatchObject({ state: 'installed', error: expect.stringContaining('not all next hops usable') });
    expect(fib.route('10.9.2.0/24')?.state).toBe('installed');
    expect(fib.status().failed).toBe(1);
    expect((await lab.routeMap({ proto: 200 })).has('10.9.0.0/24')).toBe(false);

    await lab.addUplink({ dev: 'c0', peer: 'c1', v4: '10.3.0.5/24', v6: '2001:db8:3::5/64' });
    await waitUntil(async () => (await lab.routeMap({ proto: 200 })).has('10.9.0.0/24'), 'route via the new interface');
    await waitUntil(async () => KernelLab.gateways((await lab.routeMap({ proto: 200 })).get('10.9.1.0/24')).length === 2, 'ECMP over both');
    await fib.settled();
    expect(fib.route('10.9.0.0/24')).toMatchObject({ state: 'installed', error: null });
  });

  it('counts and retries a write the kernel refuses (device gone), and never throws', async () => {
    fib.set('10.9.0.0/24', { prefix: '10.9.0.0/24', kind: 'unicast', nextHops: [{ via: '10.3.0.1', dev: 'c0', onlink: true }] });
    fib.set('10.9.1.0/24', uni('10.9.1.0/24', A.gw4, B.gw4));
    await fib.settled();
    expect(fib.route('10.9.0.0/24')).toMatchObject({ state: 'failed' });
    expect(fib.route('10.9.0.0/24')?.error).toMatch(/c0|[Dd]evice/);
    expect(fib.route('10.9.1.0/24')?.state).toBe('installed');
    const failures = fib.counters().failures;
    expect(failures).toBeGreaterThan(0);
    // Retried with backoff while the device is missing.
    await waitUntil(() => fib.counters().retries >= 2, 'retries');

    await lab.addUplink({ dev: 'c0', peer: 'c1', v4: '10.3.0.5/24', v6: '2001:db8:3::5/64' });
    await waitUntil(async () => (await lab.routeMap({ proto: 200 })).has('10.9.0.0/24'), 'route installed once the device exists', 15_000);
    await waitUntil(() => fib.route('10.9.0.0/24')?.state === 'installed', 'state installed');
    expect(fib.route('10.9.1.0/24')?.state).toBe('installed');
  });
});

describe.each(WRITERS)('kernel FIB bulk writes (%s writer)', (writer) => {
  let lab: KernelLab;
  let fib: Fib;

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = new Fib({ netns: lab.ns, writer, verifyIntervalMs: 0, nexthopGroups: 'off' });
    await fib.start();
  });

  afterEach(async () => {
    await fib.stop().catch(() => {});
    await lab.destroy();
  });

  it('keeps watching during a bulk write, reads nothing back, and hears none of its own additions', async () => {
    // A foreign route at necod's metric, known from the start-up read.
    await lab.must(['route', 'add', '10.9.0.0/24', 'via', B.gw4, 'proto', 'static', 'metric', '32']);
    await fib.verifyNow();
    const reads = fib.counters().verifications;
    const linesBefore = fib.status().monitor.lines;
    for (let i = 0; i < 3000; i++) fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4));
    await fib.settled();
    expect((await lab.routes({ proto: 200 })).length).toBe(3000);
    expect(fib.route('10.9.0.0/24')?.state).toBe('failed');
    expect(fib.route(v4(2999))?.state).toBe('installed');
    // What ip accepted is what the kernel holds: no read-back after the write.
    expect(fib.counters().verifications).toBe(reads);
    // necod's 3000 additions echoed by the monitor were dropped before they became lines.
    expect(fib.status().monitor.lines - linesBefore).toBeLessThan(100);
    expect(fib.status().monitor.restarts).toBe(0);
    // A removal behind necod's back is noticed by the event, not a read-back.
    await lab.must(['route', 'del', v4(5), 'proto', '200']);
    await waitUntil(async () => (await lab.routeMap({ proto: 200 })).has(v4(5)), 'route restored');
    expect(fib.counters().verifications).toBe(reads);
  });

  it('follows no route events while a bulk write streams in, and routes again afterwards', async () => {
    await fib.stop();
    fib = new Fib({ netns: lab.ns, writer, verifyIntervalMs: 0, nexthopGroups: 'off', bulkLines: 500 });
    await fib.start();
    const reads = fib.counters().verifications;
    for (let i = 0; i < 3000; i++) fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    await fib.settled();
    expect((await lab.routes({ proto: 200 })).length).toBe(3000);
    // Routes are followed again a little after the writing stopped; what ip accepted is what the
    // kernel holds, so nothing was read back.
    let n = 0;
    await waitUntil(async () => {
      const seen = fib.status().monitor.lines;
      await lab.ip(['route', 'add', `10.250.${n++}.0/24`, 'dev', A.dev, 'proto', 'static']);
      await new Promise((r) => setTimeout(r, 50));
      return fib.status().monitor.lines > seen;
    }, 'route events followed again');
    expect(fib.counters().verifications).toBe(reads);
    await lab.must(['route', 'del', v4(7), 'proto', '200']);
    await waitUntil(async () => (await lab.routeMap({ proto: 200 })).has(v4(7)), 'route restored');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Fib, type BatchReport } from '../../src/kernel/fib.js';
import type { DesiredRoute } from '../../src/kernel/types.js';
import { KernelLab, UPLINKS, waitUntil } from './kernel-lab.js';

const A = UPLINKS.a;
const B = UPLINKS.b;
const N = 300;
const v4 = (i: number): string => `10.${100 + (i >> 8)}.${i & 255}.0/24`;
const v6 = (i: number): string => `2001:db8:${(0x100 + i).toString(16)}::/48`;

function uni(prefix: string, ...vias: string[]): DesiredRoute {
  return { prefix, kind: 'unicast', nextHops: vias.map((via) => ({ via, dev: null })) };
}

async function allUse(lab: KernelLab, gws4: string[], gws6: string[]): Promise<boolean> {
  const r4 = await lab.routes({ proto: 200 });
  const r6 = await lab.routes({ v6: true, proto: 200 });
  return (
    r4.length === N && r6.length === N &&
    r4.every((r) => JSON.stringify(KernelLab.gateways(r)) === JSON.stringify(gws4)) &&
    r6.every((r) => JSON.stringify(KernelLab.gateways(r)) === JSON.stringify(gws6))
  );
}

describe.each(['on', 'off'] as const)('kernel FIB failover (nexthop-groups %s)', (groups) => {
  let lab: KernelLab;
  let fib: Fib;
  let batches: BatchReport[];

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = new Fib({ netns: lab.ns, nexthopGroups: groups, verifyIntervalMs: 0 });
    batches = [];
    fib.on('batch', (b: BatchReport) => batches.push(b));
    await fib.start();
    for (let i = 0; i < N; i++) {
      fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
      fib.set(v6(i), uni(v6(i), A.gw6, B.gw6));
    }
    await fib.settled();
    expect(await allUse(lab, [A.gw4, B.gw4], [A.gw6, B.gw6])).toBe(true);
    batches.length = 0;
  });

  afterEach(async () => {
    await fib.stop().catch(() => {});
    await lab.destroy();
  });

  it('a next hop declared down leaves every route using it, and comes back', async () => {
    fib.nextHopDown(A.gw4);
    fib.nextHopDown(A.gw6);
    await fib.settled();
    expect(await allUse(lab, [B.gw4], [B.gw6])).toBe(true);
    const routeLines = batches.reduce((n, b) => n + b.lines, 0);
    if (groups === 'on') {
      // One group change per family, then the unused legs go: no route is written at all.
      expect(batches[0].lines).toBeLessThanOrEqual(2);
      expect(routeLines).toBeLessThanOrEqual(4);
    } else {
      expect(routeLines).toBe(2 * N);
    }
    expect(fib.route(v4(7))).toMatchObject({ state: 'installed', error: expect.stringContaining('is down') });

    batches.length = 0;
    fib.nextHopUp(A.gw4);
    fib.nextHopUp(A.gw6);
    await fib.settled();
    expect(await allUse(lab, [A.gw4, B.gw4], [A.gw6, B.gw6])).toBe(true);
    if (groups === 'on') {
      // The same groups take the next hop back: a leg and a group change per family.
      expect(batches.reduce((n, b) => n + b.lines, 0)).toBeLessThanOrEqual(4);
    }
    expect(fib.route(v4(7))).toMatchObject({ state: 'installed', error: null });
  });

  it('the RIB withdrawing one next hop from every route in one window is one group change', async () => {
    for (let i = 0; i < N; i++) {
      fib.set(v4(i), uni(v4(i), B.gw4));
      fib.set(v6(i), uni(v6(i), B.gw6));
    }
    await fib.settled();
    expect(await allUse(lab, [B.gw4], [B.gw6])).toBe(true);
    const lines = batches.reduce((n, b) => n + b.lines, 0);
    expect(lines).toBe(groups === 'on' ? 4 : 2 * N);
  });

  it('follows the kernel when an uplink goes down and restores ECMP when it is back', async () => {
    const v = await lab.routes({ proto: 200 });
    expect(v).toHaveLength(N);
    await lab.must(['link', 'set', A.dev, 'down']);
    // The kernel itself drops the dead path (groups: the leg object; inline: marks it dead).
    await waitUntil(async () => allUse(lab, [B.gw4], [B.gw6]), 'routes on the remaining uplink');
    await lab.must(['link', 'set', A.dev, 'up']);
    await lab.must(['addr', 'replace', A.v6, 'dev', A.dev, 'nodad']);
    await waitUntil(async () => allUse(lab, [A.gw4, B.gw4], [A.gw6, B.gw6]), 'ECMP restored', 15_000);
    await fib.settled();
    expect(fib.status().failed).toBe(0);
  });
});

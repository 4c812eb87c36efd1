import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/host/batch-writers.js';
import { Fib, type BatchReport } from '../../src/kernel/fib.js';
import { uni } from '../support/fixtures/kernel.js';
import { KernelLab, UPLINKS, GROUPS_AND_WRITERS } from './kernel-lab.js';
import { waitFor } from '../support/wait.js';

const A = UPLINKS.a;
const B = UPLINKS.b;
const N = 300;
const v4 = (i: number): string => `10.${100 + (i >> 8)}.${i & 255}.0/24`;
const v6 = (i: number): string => `2001:db8:${(0x100 + i).toString(16)}::/48`;

async function allUse(lab: KernelLab, gws4: string[], gws6: string[]): Promise<boolean> {
  const r4 = await lab.routes({ proto: 200 });
  const r6 = await lab.routes({ v6: true, proto: 200 });
  return (
    r4.length === N && r6.length === N &&
    r4.every((r) => JSON.stringify(KernelLab.gateways(r)) === JSON.stringify(gws4)) &&
    r6.every((r) => JSON.stringify(KernelLab.gateways(r)) === JSON.stringify(gws6))
  );
}

describe.each(GROUPS_AND_WRITERS)('kernel FIB failover (nexthop-groups %s, %s writer)', (groups, writer) => {
  let lab: KernelLab;
  let fib: Fib;
  let batches: BatchReport[];

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = new Fib({ netns: lab.ns, writer, nexthopGroups: groups, verifyIntervalMs: 0 });
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
      expect(batches[0]?.lines).toBeLessThanOrEqual(2);
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

  it('keeps a failover plan per next hop that another writer can apply, and then writes nothing itself', async () => {
    const plan4 = fib.failoverPlan(A.gw4);
    const plan6 = fib.failoverPlan(A.gw6);
    if (groups === 'off') {
      expect(plan4).toBeNull();
      expect(plan6).toBeNull();
      return;
    }
    // One group holds A and B for each family: one line each, numbers only.
    expect(plan4?.lines).toEqual([expect.stringMatching(/^nexthop replace id \d+ group \d+ proto 200$/)]);
    expect(plan6?.lines).toEqual([expect.stringMatching(/^nexthop replace id \d+ group \d+ proto 200$/)]);
    expect(plan4?.changes).toEqual([{ op: 'nexthop-replace', obj: { type: 'group', id: expect.any(Number), members: [expect.any(Number)] } }]);
    expect(fib.failoverPlan(B.gw4)?.lines[0]).not.toBe(plan4?.lines[0]);
    const announced: Array<[string, readonly string[] | null]> = [];
    const off = fib.onFailoverPlan((via, plan) => announced.push([via, plan?.lines ?? null]));

    // Another thread (BFD) writes the plan through a writer of its own, then tells the FIB.
    const other = new BatchWriter({ netns: lab.ns, writers: 1 });
    const out = await other.runQuick([...(plan4?.lines ?? []), ...(plan6?.lines ?? [])]);
    await other.close();
    expect(out.errors.size).toBe(0);
    expect(await allUse(lab, [B.gw4], [B.gw6])).toBe(true);
    fib.nextHopDown(A.gw4, { applied: true });
    fib.nextHopDown(A.gw6, { applied: true });
    await fib.settled();
    expect(await allUse(lab, [B.gw4], [B.gw6])).toBe(true);
    // No group line written again; at most the legs of A, now unused, are deleted.
    expect(batches.reduce((n, b) => n + b.lines, 0)).toBeLessThanOrEqual(2);
    expect(fib.failoverPlan(A.gw4)).toBeNull();
    expect(announced).toContainEqual([A.gw4, null]);
    expect(announced).toContainEqual([B.gw4, null]);

    // Back up: the groups take A again and new plans are announced.
    fib.nextHopUp(A.gw4);
    fib.nextHopUp(A.gw6);
    await fib.settled();
    expect(await allUse(lab, [A.gw4, B.gw4], [A.gw6, B.gw6])).toBe(true);
    expect(fib.failoverPlan(A.gw4)?.lines).toEqual([expect.stringMatching(/^nexthop replace id \d+ group \d+ proto 200$/)]);
    expect(announced.some(([via, lines]) => via === A.gw4 && lines !== null)).toBe(true);
    off();
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
    await waitFor(async () => allUse(lab, [B.gw4], [B.gw6]), { what: 'routes on the remaining uplink' });
    await lab.must(['link', 'set', A.dev, 'up']);
    await lab.must(['addr', 'replace', A.v6, 'dev', A.dev, 'nodad']);
    await waitFor(async () => allUse(lab, [A.gw4, B.gw4], [A.gw6, B.gw6]), { what: 'ECMP restored', timeoutMs: 15_000 });
    await fib.settled();
    expect(fib.status().failed).toBe(0);
  });
});

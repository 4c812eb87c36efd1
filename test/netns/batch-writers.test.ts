import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/host/batch-writers.js';
import { KernelLab } from './kernel-lab.js';

const route = (i: number, dev = 'a0'): string => `route replace 10.${100 + (i >> 8)}.${i & 255}.0/24 proto 200 metric 32 table 254 via 10.1.0.1 dev ${dev}`;

describe('ip -batch writer', () => {
  let lab: KernelLab;
  let w: BatchWriter;

  beforeEach(async () => {
    lab = await KernelLab.create();
  });

  afterEach(async () => {
    await w?.close();
    await lab.destroy();
  });

  it.each([
    ['one writer', 1],
    ['two writers', 2],
  ])('maps refused lines back to their index with %s', async (_, writers) => {
    w = new BatchWriter({ netns: lab.ns, writers, parallelMin: 2 });
    const lines = [route(0), route(1, 'nosuch'), route(2), 'route replace 10.9.0.0/24 proto 200 via 10.77.0.1', route(3)];
    const out = await w.run({ lines });
    expect([...out.errors.keys()].sort((a, b) => a - b)).toEqual([1, 3]);
    expect(out.errors.get(1)).toMatch(/nosuch/);
    expect(out.errors.get(3)).toMatch(/unreachable|Nexthop has invalid gateway/i);
    expect(out.crashes).toBe(0);
    expect((await lab.routes({ proto: 200 })).length).toBe(3);
  });

  it('finds the line that makes ip exit and runs the rest', async () => {
    w = new BatchWriter({ netns: lab.ns });
    // ip exits on a nexthop object naming a device that does not exist.
    const lines = [route(0), 'nexthop replace id 7 via 10.1.0.1 dev nosuch proto 200', route(1), route(2), 'nexthop replace id 8 via 10.1.0.1 dev gone proto 200', route(3)];
    const out = await w.run({ lines });
    expect([...out.errors.keys()].sort()).toEqual([1, 4]);
    expect(out.errors.get(1)).toMatch(/nosuch/);
    expect(out.crashes).toBeGreaterThanOrEqual(2);
    expect((await lab.routes({ proto: 200 })).length).toBe(4);
  });

  it('splits large batches over parallel processes after the objects they need', async () => {
    w = new BatchWriter({ netns: lab.ns, writers: 3, parallelMin: 100 });
    const head = ['nexthop replace id 9 via 10.1.0.1 dev a0 proto 200'];
    const lines = [...head, ...Array.from({ length: 900 }, (_, i) => `route replace 10.${100 + (i >> 8)}.${i & 255}.0/24 proto 200 metric 32 table 254 nhid 9`)];
    const out = await w.run({ lines, barrier: 1 });
    expect(out.errors.size).toBe(0);
    expect(out.processes).toBe(4);
    expect((await lab.routes({ proto: 200 })).length).toBe(900);
  });

  it('runs urgent group changes through a long-lived ip', async () => {
    w = new BatchWriter({ netns: lab.ns });
    await w.run({ lines: ['nexthop replace id 1 via 10.1.0.1 dev a0 proto 200', 'nexthop replace id 2 via 10.2.0.1 dev b0 proto 200', 'nexthop replace id 3 group 1/2 proto 200'] });
    for (const g of ['2', '1/2', '1']) {
      const out = await w.runQuick([`nexthop replace id 3 group ${g} proto 200`]);
      expect(out.errors.size).toBe(0);
      expect((await lab.nexthops()).find((n) => n.id === 3)?.group?.map((m) => m.id).join('/')).toBe(g);
    }
    const bad = await w.runQuick(['nexthop replace id 3 group 1/99 proto 200', 'nexthop replace id 3 group 2 proto 200']);
    expect([...bad.errors.keys()]).toEqual([0]);
    expect((await lab.nexthops()).find((n) => n.id === 3)?.group?.map((m) => m.id)).toEqual([2]);
  });

  it('keeps its writers between batches, and maps errors of later batches to their own lines', async () => {
    w = new BatchWriter({ netns: lab.ns, writers: 1 });
    w.warm();
    const first = await w.run({ lines: [route(0), route(1)] });
    expect(first.errors.size).toBe(0);
    const second = await w.run({ lines: [route(2), route(3, 'nosuch'), route(4)] });
    expect([...second.errors.keys()]).toEqual([1]);
    expect(second.crashes).toBe(0);
    expect((await lab.routes({ proto: 200 })).length).toBe(4);
  });

  it('writes to a device re-created under the same name once recycled', async () => {
    w = new BatchWriter({ netns: lab.ns, writers: 1 });
    expect((await w.run({ lines: [route(0)] })).errors.size).toBe(0);
    await lab.must(['link', 'del', 'a0']);
    await lab.addUplink({ dev: 'a0', peer: 'a1', v4: '10.1.0.5/24', v6: '2001:db8:1::5/64' });
    w.recycle();
    const out = await w.run({ lines: [route(1)] });
    expect(out.errors.size).toBe(0);
    expect((await lab.routes({ proto: 200 })).map((r) => r.dev)).toEqual(['a0']);
  });

  it('refuses everything, without throwing, when ip cannot run', async () => {
    w = new BatchWriter({ ip: '/nonexistent/ip' });
    const out = await w.run({ lines: [route(0), route(1)] });
    expect(out.errors.size).toBe(2);
    expect(out.errors.get(0)).toMatch(/cannot run ip/);
  });
});

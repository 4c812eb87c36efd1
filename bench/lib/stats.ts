// Small helpers shared by the benchmarks: medians, timing and heap allocation.
import { GCProfiler } from 'node:v8';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

/**
 * Runs fn and reports wall time and bytes allocated on the V8 heap while it ran, from the
 * GC profiler's before/after heap sizes (allocation = growth between collections).
 */
export function measure(fn: () => void): { ms: number; allocated: number } {
  gc();
  const profiler = new GCProfiler();
  profiler.start();
  const before = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  fn();
  const t1 = process.hrtime.bigint();
  const after = process.memoryUsage().heapUsed;
  const data = profiler.stop();
  let allocated = 0;
  let last = before;
  for (const s of data?.statistics ?? []) {
    const used = (x: { heapSpaceStatistics: Array<{ spaceUsedSize: number }> }) => x.heapSpaceStatistics.reduce((a, b) => a + b.spaceUsedSize, 0);
    allocated += Math.max(0, used(s.beforeGC) - last);
    last = used(s.afterGC);
  }
  allocated += Math.max(0, after - last);
  return { ms: Number(t1 - t0) / 1e6, allocated };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

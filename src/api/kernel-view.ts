// What the API shows of the kernel side: one prefix's install state, and the FIB's summary.
import type { KernelSide } from '../routing/kernel-setup.js';
import type { KernelStateView } from './route-types.js';
import type { KernelView } from './routes/kernel.js';

/** A prefix's kernel state for the routes API (routes kept from a previous run show as pending). */
export function kernelStateOf(side: KernelSide | null, prefix: string): KernelStateView | undefined {
  if (!side) return undefined;
  const r = side.fib.route(prefix);
  if (!r) return { state: 'not-installed' };
  const state = r.state === 'stale' ? 'pending' : r.state;
  return r.error ? { state, error: r.error } : { state };
}

/** GET /v1/kernel. */
export function kernelView(side: KernelSide | null): KernelView {
  if (!side) return { enabled: false };
  return { enabled: true, status: side.fib.status(), pending: side.fib.routes({ state: 'pending', limit: 100 }), failed: side.fib.routes({ state: 'failed', limit: 100 }) };
}

/** The FIB's numbers for /v1/status and /metrics; null without kernel export. */
export interface KernelSummary {
  installed: number;
  pending: number;
  failed: number;
  converged: boolean;
  writes: number;
  failures: number;
  batches: number;
  retries: number;
  restored: number;
}

export function kernelSummary(side: KernelSide | null): KernelSummary | null {
  if (!side) return null;
  const s = side.fib.status();
  const c = s.counters;
  return {
    installed: c.routesInstalled,
    pending: s.pending,
    failed: s.failed,
    converged: s.converged,
    writes: c.writes,
    failures: c.failures,
    batches: c.batches,
    retries: c.retries,
    restored: c.restored,
  };
}

/**
 * First convergence, as GET /readyz and `Type=notify`-style waiting see it: every configured
 * neighbor is Established with its initial table in (End-of-RIB, or quiet without graceful
 * restart) or was given up on after the wait, and the kernel holds what the RIB wants. Once
 * reached it stays reached: a later flap is the metrics' business, not a reason to be taken
 * out of service. Pure apart from the latch.
 */
export interface ReadinessInput {
  /** Neighbors that should be up (not shut down, not disabled). */
  neighbors: Array<{ name: string; established: boolean; converged: boolean }>;
  /** The convergence wait ran out: neighbors not up by now are given up on. */
  waitedOut: boolean;
  /** null when necod does not write the kernel. */
  kernel: { converged: boolean; pending: number } | null;
}

export interface ReadinessState {
  ready: boolean;
  waitingFor: string[];
}

export function readinessOf(i: ReadinessInput): ReadinessState {
  const waitingFor: string[] = [];
  for (const n of i.neighbors) {
    if (n.converged || i.waitedOut) continue;
    waitingFor.push(n.established ? `neighbor ${n.name}: initial table (End-of-RIB)` : `neighbor ${n.name}: not Established`);
  }
  if (i.kernel && !i.kernel.converged) waitingFor.push('kernel: first convergence');
  else if (i.kernel && i.kernel.pending > 0) waitingFor.push(`kernel: ${i.kernel.pending} routes to write`);
  return { ready: waitingFor.length === 0, waitingFor };
}

/** Latches the first time the input reads ready. */
export class FirstConvergence {
  private reached = false;

  constructor(private readonly input: () => ReadinessInput) {}

  check(): ReadinessState {
    if (this.reached) return { ready: true, waitingFor: [] };
    const state = readinessOf(this.input());
    if (state.ready) this.reached = true;
    return state;
  }
}

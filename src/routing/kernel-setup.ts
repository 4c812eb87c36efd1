// The kernel side of a running necod: starts the FIB (which finds routes a previous run
// left), feeds it Loc-RIB changes, and tells it when the first convergence is reached.
import type { Logger } from 'pino';
import type { Family } from '../net/index.js';
import type { NecodConfig } from '../config/types.js';
import { Fib } from '../kernel/fib.js';
import type { RouteKeys } from '../rib/route-key.js';
import { FibFeed } from './fib-feed.js';
import type { RouteEngine } from './route-engine.js';

export interface KernelSide {
  fib: Fib;
  /** Families with routes of ours found at start: necod is restarting (RFC 4724 R and F bits). */
  preserved: Family[];
  /** Called when every neighbor sent End-of-RIB, or the wait ran out; safe to call twice. */
  converged(why: string): void;
  /** Calls `fn` once, when the first convergence is reached, with the reason. */
  onConverged(fn: (why: string) => void): void;
  stop(keep: boolean): Promise<void>;
}

/** `keys`: the RIB's route keys, so that routes reach the FIB by the RIB's slots (see FibFeed). */
export async function startKernel(config: NecodConfig, logger: Logger, keys: RouteKeys): Promise<KernelSide | null> {
  const k = config.kernel;
  if (!k.export) return null;
  const fib = new Fib({
    table: k.table,
    metric: k.metric,
    protocol: k.protocol,
    nexthopGroups: k.nexthopGroups,
    ecmpMax: k.ecmpMax,
    keepOnStop: k.keepOnStop,
    coalesceMs: k.coalesceMs,
    writers: k.writers,
    writer: k.writer,
    keys,
    logger,
  });
  await fib.start();
  const preserved = new Set<Family>();
  for (const r of fib.routes({ state: 'stale' })) preserved.add(r.prefix.includes(':') ? 'ipv6' : 'ipv4');
  let done = false;
  const convergedListeners: Array<(why: string) => void> = [];
  return {
    fib,
    preserved: [...preserved],
    converged(why: string) {
      if (done) return;
      done = true;
      logger.info({ why, kept: fib.status().stale }, 'first convergence: routes of a previous run not wanted now are removed');
      void fib.converged();
      for (const fn of convergedListeners) fn(why);
    },
    onConverged(fn) {
      convergedListeners.push(fn);
    },
    stop: (keep) => fib.stop({ keep }),
  };
}

/**
 * Connects the engine to the FIB and watches for the first convergence. The returned function
 * disconnects them: when necod stops, the sessions going down must not rewrite the kernel route
 * by route — the FIB's stop() keeps or removes everything at once.
 */
export function feedKernel(engine: RouteEngine, side: KernelSide, neighborNames: string[], waitMs: number): () => void {
  const feed = new FibFeed(engine.rib, side.fib, Number.MAX_SAFE_INTEGER);
  let connected = true;
  // A neighbor that is gone takes its address out of every nexthop group at once, one kernel
  // write whatever the number of routes, before the RIB's per-route withdrawals arrive. Not
  // while it restarts gracefully: then forwarding through it goes on (RFC 4724).
  engine.onSession((n, up, retained) => {
    if (!connected) return;
    if (up) side.fib.nextHopUp(n.address);
    else if (!retained) side.fib.nextHopDown(n.address);
  });
  const check = () => {
    if (neighborNames.every((n) => engine.routesOf(n)?.converged())) {
      side.converged('every neighbor sent its initial table');
      clearInterval(poll);
    }
  };
  engine.onChanges((keys) => {
    if (!connected) return;
    feed.apply(keys);
    check();
  });
  feed.applyAll();
  side.fib.expectNextHops(neighborNames.flatMap((n) => engine.sourceByName(n)?.peerAddress ?? []));
  // Neighbors without End-of-RIB converge by falling quiet, which no RIB change announces.
  const poll = setInterval(check, 500);
  poll.unref();
  if (neighborNames.length === 0) side.converged('no neighbors');
  const timer = setTimeout(() => {
    clearInterval(poll);
    side.converged(`no initial table from every neighbor within ${waitMs / 1000} s`);
  }, waitMs);
  timer.unref();
  return () => {
    connected = false;
    clearTimeout(timer);
    clearInterval(poll);
  };
}

/**
 * Feeds the event bus from the routing side: neighbor state changes from each session, route
 * changes from the engine's per-turn change list (bounded per turn, see events.ts), the kernel
 * side's write batches and first convergence, and BFD state changes. Neighbors added by a
 * reload are followed too, since the set reports them as they come.
 */
import type { BfdStateEvent } from '../bfd/messages.js';
import { diagName } from '../bfd/packet.js';
import { EventBus, ROUTE_EVENTS_PER_TURN } from './events.js';
import type { KernelSide } from './kernel-setup.js';
import type { NeighborSet } from './neighbor-set.js';
import type { RouteEngine } from './route-engine.js';

export function publishRoutingEvents(bus: EventBus, neighbors: NeighborSet, engine: RouteEngine): void {
  neighbors.onPeer((name, peer) => {
    peer.on('stateChange', (c) => bus.publish('neighbor', `${name}: ${c.from} -> ${c.to} (${c.reason})`, { neighbor: name, from: c.from, to: c.to, reason: c.reason }));
  });
  engine.onChanges((keys) => {
    if (!bus.watched) return;
    const shown = Math.min(keys.length, ROUTE_EVENTS_PER_TURN);
    for (let i = 0; i < shown; i++) {
      const key = keys[i] as number;
      const sel = engine.rib.selected(key);
      const prefix = engine.rib.keys.format(key);
      const best = sel ? (engine.rib.source(sel.sources[0] as number)?.name ?? null) : null;
      bus.publish('route', sel ? `${prefix} via ${best} (${sel.sources.length} paths)` : `${prefix} withdrawn`, {
        prefix,
        best,
        paths: sel ? sel.sources.length : 0,
      });
    }
    if (keys.length > shown) bus.publish('route', `${keys.length - shown} more routes changed`, { more: keys.length - shown });
  });
}

/** Kernel write batches (one event per batch, not per route) and the first convergence. */
export function publishKernelEvents(bus: EventBus, side: KernelSide): void {
  side.fib.on('batch', (b: { prefixes: number; lines: number; failures: number; ms: number }) => {
    if (!bus.watched) return;
    const refused = b.failures > 0 ? `, ${b.failures} refused` : '';
    bus.publish('kernel', `wrote ${b.lines} lines for ${b.prefixes} prefixes in ${b.ms.toFixed(1)} ms${refused}`, {
      prefixes: b.prefixes,
      lines: b.lines,
      failures: b.failures,
      ms: Math.round(b.ms * 1000) / 1000,
    });
  });
  side.onConverged((why) => bus.publish('kernel', `first convergence: ${why}`, { converged: true, why }));
}

/** A BFD transition, with the diagnostic and whether the kernel change was already written by the BFD process. */
export function publishBfdEvent(bus: EventBus, e: BfdStateEvent): void {
  bus.publish('bfd', `${e.id}: ${e.from} -> ${e.to} (${diagName(e.diag)})`, {
    peer: e.id,
    from: e.from,
    to: e.to,
    diag: diagName(e.diag),
    remoteDiag: diagName(e.remoteDiag),
    remoteAdminDown: e.remoteAdminDown,
    kernelApplied: e.downActionApplied,
    at: new Date(e.at).toISOString(),
  });
}

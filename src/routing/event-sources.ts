/**
 * Feeds the event bus from the routing side: neighbor state changes from each session and
 * route changes from the engine's per-turn change list (bounded per turn, see events.ts).
 * Neighbors added by a reload are followed too, since the set reports them as they come.
 */
import { EventBus, ROUTE_EVENTS_PER_TURN } from './events.js';
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

/**
 * What happens inside necod, as plain events for GET /v1/events (and `necod-cli watch`), like
 * `ip monitor` for necod: neighbor state changes, route changes, kernel milestones, and BFD
 * once it exists. A publisher with no subscriber costs one check; route changes are
 * published per prefix only up to a bound per turn, beyond it as one summary, so a full table
 * load cannot flood a watcher or the event loop.
 */

export type EventKind = 'neighbor' | 'route' | 'kernel' | 'bfd' | 'config';

export const EVENT_KINDS: readonly EventKind[] = ['neighbor', 'route', 'kernel', 'bfd', 'config'];

export interface NecodEvent {
  kind: EventKind;
  /** ISO 8601. */
  time: string;
  /** One line for people, as `necod-cli watch` prints it. */
  message: string;
  /** The same as data: neighbor, from, to, prefix, count, ... */
  data: Record<string, string | number | boolean | null>;
}

export type EventListener = (event: NecodEvent) => void;

/** Route changes of one turn published one by one up to this many, then as one summary event. */
export const ROUTE_EVENTS_PER_TURN = 100;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  get watched(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(kind: EventKind, message: string, data: NecodEvent['data'] = {}): void {
    if (this.listeners.size === 0) return;
    const event: NecodEvent = { kind, time: new Date().toISOString(), message, data };
    for (const l of this.listeners) l(event);
  }
}

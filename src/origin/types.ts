// The plain data every origin reader hands to the RIB: a route to advertise, and the changes
// to a reader's set of them. No reader state leaks out; a consumer needs nothing but these.
import type { Family, RouteKind } from '../net/index.js';

export type OriginFamily = Family;

export const ORIGIN_FAMILIES: readonly OriginFamily[] = ['ipv4', 'ipv6'];

export interface OriginRoute {
  /** Canonical text: "10.0.0.5/32", "2001:db8::/64" (always with a length, host bits zero). */
  prefix: string;
  kind: RouteKind;
  /** The gateway, for a unicast route that has one. */
  nextHop: string | null;
  /** The interface, for a unicast route that has one. */
  device: string | null;
}

/**
 * One change to a reader's route set. `added` holds new routes and routes whose attributes
 * changed (a consumer treats each as "set this prefix to this route"); `removed` holds the
 * prefixes that are gone. A prefix never appears in both.
 */
export interface OriginChange {
  added: OriginRoute[];
  removed: string[];
}

/** What every origin reader emits. */
export interface OriginEvents {
  change: [OriginChange];
}

/**
 * An origin reader as the daemon sees it. The routes read at start arrive as the first
 * 'change' event, so a consumer that listens before start() needs nothing else.
 */
export interface OriginReader {
  start(): Promise<void>;
  /** No 'change' event follows once this resolves. */
  stop(): Promise<void>;
  /** The routes advertised now. */
  routes(): OriginRoute[];
  on(event: 'change', listener: (change: OriginChange) => void): this;
}

export function sameRoute(a: OriginRoute, b: OriginRoute): boolean {
  return a.prefix === b.prefix && a.kind === b.kind && a.nextHop === b.nextHop && a.device === b.device;
}

export function familyOfPrefix(prefix: string): OriginFamily {
  return prefix.includes(':') ? 'ipv6' : 'ipv4';
}

/** The change that turns `before` into `after` (maps keyed by prefix); null when they are equal. */
export function diffRoutes(
  before: ReadonlyMap<string, OriginRoute>,
  after: ReadonlyMap<string, OriginRoute>,
): OriginChange | null {
  const added: OriginRoute[] = [];
  const removed: string[] = [];
  for (const [prefix, route] of after) {
    const old = before.get(prefix);
    if (old === undefined || !sameRoute(old, route)) added.push(route);
  }
  for (const prefix of before.keys()) if (!after.has(prefix)) removed.push(prefix);
  return added.length === 0 && removed.length === 0 ? null : { added, removed };
}

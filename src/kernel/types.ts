// The vocabulary of the kernel FIB: what the RIB asks for, and what necod has put in the kernel.
import type { RouteKind } from '../net/index.js';

/** A next hop as the RIB knows it; `dev` null means "find it from the connected route". */
export interface NextHop {
  via: string;
  dev: string | null;
  onlink?: boolean;
}

export interface DesiredRoute {
  /** "10.0.0.0/24" or "2001:db8::/48"; the FIB keys routes by number and does not need it. */
  prefix?: string;
  kind: RouteKind;
  nextHops: NextHop[];
}

/** A next hop whose device is known: what one nexthop object or one inline `nexthop` holds. */
export interface Leg {
  readonly via: string;
  readonly dev: string;
  readonly onlink: boolean;
  /** `via|dev|onlink`, unique per leg; sets are sorted by it. */
  readonly key: string;
}

/** A sorted, de-duplicated, interned set of legs: equal sets are the same object. */
export interface LegSet {
  readonly key: string;
  readonly legs: readonly Leg[];
}

/** What one prefix should look like in the kernel after next hops are resolved. */
export type Target =
  | { readonly kind: 'unicast'; readonly set: LegSet }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'unreachable' };

/**
 * One of necod's routes as it is in the kernel. `other` is a route with necod's protocol in a form
 * necod does not manage (a nexthop id outside its range, found at start-up): any target replaces it.
 */
export type InstalledRoute =
  | { readonly type: 'blackhole' }
  | { readonly type: 'unreachable' }
  | { readonly type: 'nhid'; readonly nhid: number }
  | { readonly type: 'inline'; readonly set: LegSet }
  | { readonly type: 'other'; readonly text: string };

/** A nexthop object in necod's id range. */
export type NexthopObject =
  | { readonly type: 'leg'; readonly id: number; readonly leg: Leg }
  | { readonly type: 'group'; readonly id: number; readonly members: readonly number[] };

/**
 * One kernel write, in the order the differ emits them. `K` is how a route is named: the FIB
 * uses the RIB's numeric route keys, tests and tools may use prefix text.
 */
export type Change<K = string> =
  | { readonly op: 'nexthop-replace'; readonly obj: NexthopObject }
  | { readonly op: 'nexthop-delete'; readonly id: number }
  | { readonly op: 'route-replace'; readonly prefix: K; readonly route: InstalledRoute }
  | { readonly op: 'route-delete'; readonly prefix: K };

export type NexthopMode = 'groups' | 'inline';

/** Where necod's routes live and how they are tagged; every line carries all three. */
export interface RouteTag {
  readonly protocol: number;
  readonly metric: number;
  readonly table: number;
}

export interface IdRange {
  readonly min: number;
  readonly max: number;
}

export type RouteStateName = 'installed' | 'pending' | 'failed' | 'stale';

/** A route as the API shows it. */
export interface RouteStatus {
  prefix: string;
  /** What the RIB asked for; null for a route kept from a previous run until convergence. */
  desired: DesiredRoute | null;
  state: RouteStateName;
  /** Why the last write failed, or which next hops could not be used. */
  error: string | null;
  /** Consecutive failed attempts. */
  failures: number;
  /** The kernel form: nexthop object id, next hops, or route type. */
  kernel: string | null;
}

export interface FibCounters {
  /** Lines written to `ip -batch`. */
  writes: number;
  /** Lines the kernel refused. */
  failures: number;
  batches: number;
  /** necod routes in the kernel now. */
  routesInstalled: number;
  /** Nexthop objects of necod in the kernel now. */
  nexthopObjects: number;
  /** Routes put back after something else removed them. */
  restored: number;
  retries: number;
  verifications: number;
}

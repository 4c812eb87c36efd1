// The vocabulary of the kernel FIB: what the RIB asks for, and what necod has put in the kernel.
// The forms of kernel writes live in src/host/kernel-change.ts, where the writers read them.
import type { LegSet } from '../host/kernel-change.js';
import type { RouteKind } from '../net/index.js';

export type { Change, FailoverPlan, InstalledRoute, Leg, LegSet, NexthopChange, NexthopObject, RouteTag } from '../host/kernel-change.js';

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

/** What one prefix should look like in the kernel after next hops are resolved. */
export type Target =
  | { readonly kind: 'unicast'; readonly set: LegSet }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'unreachable' };

export type NexthopMode = 'groups' | 'inline';

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

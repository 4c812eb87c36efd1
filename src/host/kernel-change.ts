// The vocabulary of kernel writes: nexthop legs and sets, the forms of an installed route, nexthop
// objects, the changes that move the kernel from one state to the next, and the tags every
// route carries. The FIB (src/kernel) computes changes in these terms; the writers here turn them
// into `ip -batch` lines or netlink messages. Types only.

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

/** A change of nexthop objects only: it names no route, so any writer can take it without a prefix codec. */
export type NexthopChange = Extract<Change<never>, { readonly op: 'nexthop-replace' | 'nexthop-delete' }>;

/**
 * A prepared failover: the nexthop-group changes that take one next hop out of every route, as
 * changes for the netlink writer and as the same `ip -batch` lines, with the tag they carry.
 * The FIB computes it; the BFD process writes it the moment that next hop's session fails.
 */
export interface FailoverPlan {
  readonly changes: readonly NexthopChange[];
  readonly lines: readonly string[];
  readonly tag: RouteTag;
}

/** Where necod's routes live and how they are tagged; every line carries all three. */
export interface RouteTag {
  readonly protocol: number;
  readonly metric: number;
  readonly table: number;
}

// What the kernel holds of necod's, read back and turned into the model's terms: at start-up
// (routes left by a previous run stay in place until convergence) and for periodic verification.
import { BLACKHOLE, UNREACHABLE, type FibModel } from './fib-model.js';
import type { IpContext } from '../host/ip-runner.js';
import { readNexthops, streamRoutes } from '../host/route-stream.js';
import { legKey, type LegTable } from './leg-set.js';
import { RTN_BLACKHOLE, RTN_UNICAST, RTN_UNREACHABLE, type KernelNexthop, type KernelRoute } from '../host/route-records.js';
import type { InstalledRoute, RouteTag } from './types.js';

export interface KernelSnapshot {
  /** necod's routes: its protocol, in its table. */
  routes: Map<string, KernelRoute>;
  /** Prefixes held in necod's table at necod's metric by another protocol → that protocol. */
  foreign: Map<string, number>;
  /** Every nexthop object; null when the kernel has none. */
  nexthops: KernelNexthop[] | null;
}

/**
 * Reads necod's routes of both families and the nexthop objects. With `foreign`, the whole table
 * is read once so that routes of other protocols at necod's metric are known too (a `route
 * replace` would overwrite them); otherwise the kernel filters by protocol.
 */
export async function readSnapshot(ctx: IpContext, tag: RouteTag, opts: { foreign: boolean }): Promise<KernelSnapshot> {
  const snap: KernelSnapshot = { routes: new Map(), foreign: new Map(), nexthops: null };
  snap.nexthops = await readNexthops(ctx);
  for (const v6 of [false, true]) {
    await streamRoutes(ctx, { v6, table: tag.table, protocol: opts.foreign ? undefined : tag.protocol }, (r) => {
      if (r.protocol === tag.protocol) snap.routes.set(r.prefix, r);
      else if (r.metric === tag.metric && isRouteType(r.type)) snap.foreign.set(r.prefix, r.protocol);
    });
  }
  return snap;
}

function isRouteType(type: number): boolean {
  // unicast and the "nowhere" types; local, broadcast and the like live in the local table.
  return type === RTN_UNICAST || type >= RTN_BLACKHOLE;
}

/** Objects in necod's id range: its own (by protocol) and those to leave alone. */
export function splitNexthops(nexthops: readonly KernelNexthop[], model: FibModel, protocol: number): { own: KernelNexthop[]; reserved: number[] } {
  const own: KernelNexthop[] = [];
  const reserved: number[] = [];
  for (const nh of nexthops) {
    if (!model.inRange(nh.id)) continue;
    if (nh.protocol === protocol) own.push(nh);
    else reserved.push(nh.id);
  }
  return { own, reserved };
}

/**
 * Puts necod's kernel objects into the model: legs first, then groups made only of those legs.
 * Returns the ids of objects of necod that the model cannot hold (odd kinds, groups with foreign
 * members); they are deleted once unused.
 */
export function loadObjects(model: FibModel, own: readonly KernelNexthop[], legs: LegTable): number[] {
  const strays: number[] = [];
  for (const nh of own) {
    if (nh.kind === 'leg' && nh.leg) model.putObject({ type: 'leg', id: nh.id, leg: legs.leg(nh.leg.via, nh.leg.dev, nh.leg.onlink) });
  }
  for (const nh of own) {
    if (nh.kind === 'group' && nh.members.every((m) => model.objects.get(m)?.type === 'leg')) {
      model.putObject({ type: 'group', id: nh.id, members: [...nh.members] });
    } else if (nh.kind !== 'leg') strays.push(nh.id);
  }
  return strays;
}

/** A kernel route in the model's terms. */
export function installedFromKernel(r: KernelRoute, model: FibModel, legs: LegTable): InstalledRoute {
  if (r.type === RTN_BLACKHOLE) return BLACKHOLE;
  if (r.type === RTN_UNREACHABLE) return UNREACHABLE;
  if (r.type !== RTN_UNICAST) return { type: 'other', text: `type ${r.type}` };
  if (r.nhid !== null) return model.objects.has(r.nhid) ? model.nhidRoute(r.nhid) : { type: 'other', text: `nhid ${r.nhid}` };
  const set = legs.set(r.legs.map((l) => legs.leg(l.via, l.dev, l.onlink)));
  if (!set) return { type: 'other', text: r.devOnly ? `dev ${r.devOnly}` : 'no next hop' };
  return model.inlineRoute(set);
}

/** Whether the model's route and the kernel's are the same thing. */
export function sameRoute(a: InstalledRoute | undefined, b: InstalledRoute | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'nhid':
      return b.type === 'nhid' && a.nhid === b.nhid;
    case 'inline':
      return b.type === 'inline' && a.set.key === b.set.key;
    case 'other':
      return b.type === 'other' && a.text === b.text;
    default:
      return true;
  }
}

/** Whether a kernel object matches the model's object of the same id. */
export function sameObject(model: FibModel, nh: KernelNexthop): boolean {
  const o = model.objects.get(nh.id);
  if (!o) return false;
  if (o.type === 'leg') return nh.kind === 'leg' && nh.leg !== null && nh.leg.via === o.leg.via && nh.leg.dev === o.leg.dev && nh.leg.onlink === o.leg.onlink;
  if (nh.kind !== 'group' || nh.members.length !== o.members.length) return false;
  // The kernel may list members in its own order.
  const a = [...nh.members].sort((x, y) => x - y);
  const b = [...o.members].sort((x, y) => x - y);
  return a.every((m, i) => m === b[i]);
}

/**
 * Whether a deletion the kernel reported removes (some of) the route necod has there now, rather
 * than being the late echo of an older state. IPv6 reports a multipath route's deletion one next
 * hop at a time, so a subset of the legs counts.
 */
export function deletionHits(mine: InstalledRoute, gone: KernelRoute): boolean {
  switch (mine.type) {
    case 'nhid':
      return gone.nhid === mine.nhid;
    case 'inline': {
      if (gone.nhid !== null || gone.legs.length === 0) return false;
      const keys = new Set(mine.set.legs.map((l) => l.key));
      return gone.legs.every((l) => keys.has(legKey(l.via, l.dev, l.onlink)));
    }
    case 'blackhole':
      return gone.type === RTN_BLACKHOLE;
    case 'unreachable':
      return gone.type === RTN_UNREACHABLE;
    case 'other':
      return true;
  }
}

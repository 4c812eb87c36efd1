// What the kernel holds of necod's, read back and turned into the model's terms: at start-up
// (routes left by a previous run stay in place until convergence) and for periodic verification.
import { BLACKHOLE, UNREACHABLE, type FibModel } from './fib-model.js';
import type { IpContext } from '../host/ip-runner.js';
import { readNexthops, streamRoutes } from '../host/route-stream.js';
import { legKey, type LegTable } from './leg-set.js';
import { RTN_BLACKHOLE, RTN_UNICAST, RTN_UNREACHABLE, type KernelNexthop, type KernelRoute } from '../host/route-records.js';
import type { InstalledRoute, RouteTag } from './types.js';

/**
 * Streams necod's routes of both families in its table into `onOwn`, one at a time, so that a full
 * table is compared as it is read and never held. With `onForeign`, the whole table is read so
 * that routes of other protocols at necod's metric are reported too (a `route replace` would
 * overwrite them); otherwise the kernel filters by protocol. A table that does not exist is empty.
 */
export async function streamOwnRoutes(ctx: IpContext, tag: RouteTag, onOwn: (r: KernelRoute) => void, onForeign?: (prefix: string, protocol: number) => void): Promise<void> {
  for (const v6 of [false, true]) {
    await streamRoutes(ctx, { v6, table: tag.table, protocol: onForeign ? undefined : tag.protocol }, (r) => {
      if (r.protocol === tag.protocol) onOwn(r);
      else if (onForeign && r.metric === tag.metric && isRouteType(r.type)) onForeign(r.prefix, r.protocol);
    });
  }
}

export { readNexthops };

function isRouteType(type: number): boolean {
  // unicast and the "nowhere" types; local, broadcast and the like live in the local table.
  return type === RTN_UNICAST || type >= RTN_BLACKHOLE;
}

/** Objects in necod's id range: its own (by protocol) and those to leave alone. */
export function splitNexthops<K>(nexthops: readonly KernelNexthop[], model: FibModel<K>, protocol: number): { own: KernelNexthop[]; reserved: number[] } {
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
export function loadObjects<K>(model: FibModel<K>, own: readonly KernelNexthop[], legs: LegTable): number[] {
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

const others = new Map<string, InstalledRoute>();

/** Routes of a form necod does not manage, one shared value per text (they are rare). */
function otherRoute(text: string): InstalledRoute {
  let r = others.get(text);
  if (!r) {
    if (others.size > 1000) others.clear();
    r = Object.freeze({ type: 'other', text });
    others.set(text, r);
  }
  return r;
}

/** A kernel route in the model's terms. */
export function installedFromKernel<K>(r: KernelRoute, model: FibModel<K>, legs: LegTable): InstalledRoute {
  if (r.type === RTN_BLACKHOLE) return BLACKHOLE;
  if (r.type === RTN_UNREACHABLE) return UNREACHABLE;
  if (r.type !== RTN_UNICAST) return otherRoute(`type ${r.type}`);
  if (r.nhid !== null) return model.objects.has(r.nhid) ? model.nhidRoute(r.nhid) : otherRoute(`nhid ${r.nhid}`);
  const set = legs.set(r.legs.map((l) => legs.leg(l.via, l.dev, l.onlink)));
  if (!set) return otherRoute(r.devOnly ? `dev ${r.devOnly}` : 'no next hop');
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
export function sameObject<K>(model: FibModel<K>, nh: KernelNexthop): boolean {
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

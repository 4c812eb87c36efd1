// The FIB differ: targets for some prefixes against the model of what is installed, to the
// ordered kernel changes that make them so. Pure: no I/O, no clock, deterministic output.
//
// Order of the output: new leg objects, then new or changed groups, then route changes in input
// order. Objects that end up unused are not deleted here: gcChanges() does that once the route
// changes are known to have succeeded, because deleting an object in the kernel also deletes any
// route still using it.
import type { FibModel } from './fib-model.js';
import { BLACKHOLE, UNREACHABLE } from './fib-model.js';
import type { Change, Leg, LegSet, NexthopChange, NexthopMode, NexthopObject, Target } from './types.js';

export interface DiffOptions {
  mode: NexthopMode;
}

export type TargetList<K = string> = Iterable<readonly [K, Target | null]>;

interface GroupTally {
  users: number;
  want: Map<string, { set: LegSet; count: number }>;
}

export function diffRoutes<K>(model: FibModel<K>, targets: TargetList<K>, opts: DiffOptions): Change<K>[] {
  const keys: K[] = [];
  const wanted: Array<Target | null> = [];
  for (const [k, t] of targets) {
    keys.push(k);
    wanted.push(t);
  }
  return diffKeyed(model, keys, wanted, opts);
}

/**
 * The same over parallel arrays, `targets[i]` for `keys[i]`: what the FIB calls for a batch, so
 * that a batch of 50 000 routes makes no pair per route.
 */
export function diffKeyed<K>(model: FibModel<K>, keys: readonly K[], targets: ReadonlyArray<Target | null>, opts: DiffOptions): Change<K>[] {
  const ids = new IdPlanner(model);
  const routeChanges: Change<K>[] = [];

  // A group whose users all change, most of them to the same set, is changed in place: one
  // object write instead of one route write per user. This is how a lost next hop costs one
  // line however many routes use it.
  const morphs = new Map<number, LegSet>();
  if (opts.mode === 'groups') {
    const tallies = new Map<number, GroupTally>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const target = targets[i];
      if (key === undefined) continue;
      const r = model.routes.get(key);
      if (r?.type !== 'nhid' || !model.isGroup(r.nhid)) continue;
      let t = tallies.get(r.nhid);
      if (!t) {
        t = { users: 0, want: new Map() };
        tallies.set(r.nhid, t);
      }
      t.users++;
      if (target?.kind === 'unicast') {
        const w = t.want.get(target.set.key);
        if (w) w.count++;
        else t.want.set(target.set.key, { set: target.set, count: 1 });
      }
    }
    for (const id of [...tallies.keys()].sort((a, b) => a - b)) {
      const t = tallies.get(id)!;
      if (t.users !== model.refs(id) || t.want.size === 0) continue;
      let best: { set: LegSet; count: number } | undefined;
      for (const w of t.want.values()) {
        if (!best || w.count > best.count || (w.count === best.count && w.set.key < best.set.key)) best = w;
      }
      if (best && best.set.key !== model.objectKey(id) && ids.morph(id, best.set)) morphs.set(id, best.set);
    }
  }

  for (let i = 0; i < keys.length; i++) {
    const prefix = keys[i];
    const target = targets[i];
    if (prefix === undefined || target === undefined) continue; // keys and targets run in step
    const r = model.routes.get(prefix);
    if (target === null) {
      if (r !== undefined) routeChanges.push({ op: 'route-delete', prefix });
      continue;
    }
    if (target.kind !== 'unicast') {
      if (r?.type !== target.kind) {
        routeChanges.push({ op: 'route-replace', prefix, route: target.kind === 'blackhole' ? BLACKHOLE : UNREACHABLE });
      }
      continue;
    }
    if (opts.mode === 'inline') {
      if (r?.type !== 'inline' || r.set.key !== target.set.key) {
        routeChanges.push({ op: 'route-replace', prefix, route: model.inlineRoute(target.set) });
      }
      continue;
    }
    if (r?.type === 'nhid') {
      const now = morphs.get(r.nhid)?.key ?? model.objectKey(r.nhid);
      if (now === target.set.key) continue;
    }
    const id = ids.objectFor(target.set);
    if (id === null) {
      // No id left in necod's range: inline next hops still give the prefix its paths.
      if (r?.type !== 'inline' || r.set.key !== target.set.key) {
        routeChanges.push({ op: 'route-replace', prefix, route: model.inlineRoute(target.set) });
      }
      continue;
    }
    routeChanges.push({ op: 'route-replace', prefix, route: model.nhidRoute(id) });
  }
  return [...ids.legChanges, ...ids.groupChanges, ...routeChanges];
}

/** Deletes every group, then every leg, that no route and no group uses any more. */
export function gcChanges<K>(model: FibModel<K>): Change<K>[] {
  const out: Change<K>[] = [];
  const freed = new Map<number, number>();
  const ids = [...model.objects.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const obj = model.objects.get(id)!;
    if (obj.type !== 'group' || model.refs(id) > 0) continue;
    out.push({ op: 'nexthop-delete', id });
    for (const m of obj.members) freed.set(m, (freed.get(m) ?? 0) + 1);
  }
  for (const id of ids) {
    const obj = model.objects.get(id)!;
    if (obj.type !== 'leg' || model.refs(id) > 0) continue;
    if (model.memberOf(id) - (freed.get(id) ?? 0) > 0) continue;
    out.push({ op: 'nexthop-delete', id });
  }
  return out;
}

/**
 * Next hops declared down: every group that holds one of them and something else loses it in
 * place. Routes on these groups need no write at all; routes left with nothing are the caller's
 * to re-target.
 */
export function downChanges<K>(model: FibModel<K>, down: ReadonlySet<string>): NexthopChange[] {
  const out: NexthopChange[] = [];
  for (const id of [...model.objects.keys()].sort((a, b) => a - b)) {
    const obj = model.objects.get(id)!;
    if (obj.type !== 'group') continue;
    const members = obj.members.filter((m) => {
      const leg = model.objects.get(m);
      return !(leg?.type === 'leg' && down.has(leg.leg.via));
    });
    if (members.length > 0 && members.length < obj.members.length) {
      out.push({ op: 'nexthop-replace', obj: { type: 'group', id, members } });
    }
  }
  return out;
}

/** Ids and object writes promised during one diff. */
class IdPlanner<K> {
  readonly legChanges: Change<K>[] = [];
  readonly groupChanges: Change<K>[] = [];
  private readonly taken = new Set<number>();
  private readonly newLegs = new Map<string, number>();
  private readonly groupFor = new Map<string, number | null>();
  private readonly morphed = new Map<number, string>();
  private readonly free: Generator<number>;
  private exhausted = false;

  constructor(private readonly model: FibModel<K>) {
    this.free = model.freeIds(this.taken);
  }

  morph(id: number, set: LegSet): boolean {
    const members = this.legIds(set.legs);
    if (members === null) return false;
    this.morphed.set(id, set.key);
    this.groupChanges.push({ op: 'nexthop-replace', obj: { type: 'group', id, members } });
    return true;
  }

  /** The object a route wanting this set should point at, made if needed; null if out of ids. */
  objectFor(set: LegSet): number | null {
    const [only] = set.legs;
    if (set.legs.length === 1 && only !== undefined) return this.legId(only);
    const known = this.groupFor.get(set.key);
    if (known !== undefined) return known;
    let id: number | null = null;
    for (const g of this.model.findGroups(set.key)) {
      if (!this.morphed.has(g)) {
        id = g;
        break;
      }
    }
    for (const [g, key] of this.morphed) if (key === set.key && (id === null || g < id)) id = g;
    if (id === null) {
      const mark = this.legChanges.length;
      const members = this.legIds(set.legs);
      const gid = members === null ? null : this.allocate();
      if (members !== null && gid !== null) {
        id = gid;
        const obj: NexthopObject = { type: 'group', id: gid, members };
        this.groupChanges.push({ op: 'nexthop-replace', obj });
      } else this.rollback(mark);
    }
    this.groupFor.set(set.key, id);
    return id;
  }

  /** Leg ids for all these legs, or null, promising nothing new, when the range cannot hold them. */
  private legIds(legs: readonly Leg[]): number[] | null {
    const mark = this.legChanges.length;
    const out: number[] = [];
    for (const l of legs) {
      const id = this.legId(l);
      if (id === null) {
        this.rollback(mark);
        return null;
      }
      out.push(id);
    }
    return out;
  }

  /** Legs for a group that cannot be made would be created only to be deleted again. */
  private rollback(mark: number): void {
    for (const c of this.legChanges.splice(mark)) {
      if (c.op === 'nexthop-replace' && c.obj.type === 'leg') this.newLegs.delete(c.obj.leg.key);
    }
  }

  private legId(leg: Leg): number | null {
    const known = this.model.findLeg(leg.key) ?? this.newLegs.get(leg.key);
    if (known !== undefined) return known;
    const id = this.allocate();
    if (id === null) return null;
    this.newLegs.set(leg.key, id);
    this.legChanges.push({ op: 'nexthop-replace', obj: { type: 'leg', id, leg } });
    return id;
  }

  private allocate(): number | null {
    if (this.exhausted) return null;
    const next = this.free.next();
    if (next.done) {
      this.exhausted = true;
      return null;
    }
    this.taken.add(next.value);
    return next.value;
  }
}

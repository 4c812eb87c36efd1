// necod's picture of its own part of the kernel: its routes and its nexthop objects, with the
// reference counts that say which objects are still in use. Pure data; no I/O. Routes are named
// by K: the slots of the FIB's route table, held in a typed-array column (InstalledRoutes), or
// prefix text in a plain Map (tests, tools). Objects are few (a handful of next-hop sets) and plain.
import type { LegTable } from './leg-set.js';
import type { Change, IdRange, InstalledRoute, Leg, LegSet, NexthopObject, Target } from './types.js';

/** What the model needs of a route map: a Map does, and so does InstalledRoutes. */
export interface RouteMap<K> extends Iterable<[K, InstalledRoute]> {
  get(key: K): InstalledRoute | undefined;
  set(key: K, route: InstalledRoute): unknown;
  delete(key: K): unknown;
  has(key: K): boolean;
  readonly size: number;
  keys(): Iterable<K>;
}

/** Who keeps IPv6 prefix ids alive: the RIB frees an id nobody holds (src/rib/route-key.ts). */
export interface KeyHolds {
  retain(key: number): void;
  release(key: number): void;
}

/**
 * Where installed routes live: a column of the FIB's per-route table (route-table.ts), indexed by
 * the slot the table gave the route, so that neither the differ nor the model hashes a key.
 */
export interface FormColumn {
  /** Id of the installed form of a slot, or -1. */
  form(slot: number): number;
  setForm(slot: number, id: number): void;
  /** Slots with a form. */
  readonly formCount: number;
  forEachForm(fn: (slot: number, id: number) => void): void;
}

/**
 * Installed routes by slot of the FIB's route table: per slot, the id of an interned route value
 * (the model shares one value per nexthop object, per inline next-hop set, and the blackhole and
 * unreachable singletons), so a million routes on a few next-hop sets cost 4 bytes each and no
 * object. A slot is only ever given a route while the table holds it (the FIB adds it first).
 */
export class InstalledRoutes implements RouteMap<number> {
  constructor(private readonly column: FormColumn) {}

  private readonly ids = new Map<InstalledRoute, number>();
  private forms: InstalledRoute[] = [];
  /** The last route set and its id: a batch sets the same shared value route after route. */
  private lastRoute: InstalledRoute | null = null;
  private lastId = -1;

  get size(): number {
    return this.column.formCount;
  }

  get(slot: number): InstalledRoute | undefined {
    const id = this.column.form(slot);
    return id < 0 ? undefined : this.forms[id];
  }

  set(slot: number, route: InstalledRoute): void {
    let id = route === this.lastRoute ? this.lastId : this.ids.get(route);
    if (id === undefined) {
      id = this.forms.length;
      this.forms.push(route);
      this.ids.set(route, id);
    }
    this.lastRoute = route;
    this.lastId = id;
    this.column.setForm(slot, id);
  }

  delete(slot: number): boolean {
    if (this.column.form(slot) < 0) return false;
    this.column.setForm(slot, -1);
    return true;
  }

  has(slot: number): boolean {
    return this.column.form(slot) >= 0;
  }

  keys(): number[] {
    const out: number[] = [];
    this.column.forEachForm((s) => out.push(s));
    return out;
  }

  *[Symbol.iterator](): Generator<[number, InstalledRoute]> {
    for (const s of this.keys()) {
      const r = this.get(s);
      if (r) yield [s, r];
    }
  }

  /** Calls fn for every route without making an entry object per route. */
  forEach(fn: (route: InstalledRoute, slot: number) => void): void {
    this.column.forEachForm((s, id) => {
      const form = this.forms[id];
      if (form !== undefined) fn(form, s);
    });
  }
}

export const BLACKHOLE: InstalledRoute = Object.freeze({ type: 'blackhole' });
export const UNREACHABLE: InstalledRoute = Object.freeze({ type: 'unreachable' });

export class ModelError extends Error {}

export class FibModel<K = string> {
  readonly objects = new Map<number, NexthopObject>();
  /** Ids inside necod's range that belong to someone else: never used, never touched. */
  readonly reserved = new Set<number>();
  /** Object id → key of the leg set it stands for (a leg is a set of one). */
  private readonly objectKeys = new Map<number, string>();
  private readonly legIds = new Map<string, number[]>();
  private readonly groupIds = new Map<string, number[]>();
  private readonly routeRefs = new Map<number, number>();
  private readonly memberRefs = new Map<number, number>();
  private readonly nhidRoutes = new Map<number, InstalledRoute>();
  private readonly inlineRoutes = new WeakMap<LegSet, InstalledRoute>();

  constructor(
    readonly range: IdRange,
    readonly legs: LegTable,
    readonly routes: RouteMap<K> = new Map<K, InstalledRoute>(),
  ) {}

  /** The shared route value "use nexthop object id". */
  nhidRoute(id: number): InstalledRoute {
    let r = this.nhidRoutes.get(id);
    if (!r) {
      r = Object.freeze({ type: 'nhid', nhid: id });
      this.nhidRoutes.set(id, r);
    }
    return r;
  }

  inlineRoute(set: LegSet): InstalledRoute {
    let r = this.inlineRoutes.get(set);
    if (!r) {
      r = Object.freeze({ type: 'inline', set });
      this.inlineRoutes.set(set, r);
    }
    return r;
  }

  inRange(id: number): boolean {
    return id >= this.range.min && id <= this.range.max;
  }

  /** Key of the leg set an object stands for; undefined for an id necod does not hold. */
  objectKey(id: number): string | undefined {
    return this.objectKeys.get(id);
  }

  /** The leg set an object stands for. */
  objectSet(id: number): LegSet | null {
    const obj = this.objects.get(id);
    if (!obj) return null;
    if (obj.type === 'leg') return this.legs.set([obj.leg]);
    const legs: Leg[] = [];
    for (const m of obj.members) {
      const leg = this.objects.get(m);
      if (leg?.type === 'leg') legs.push(leg.leg);
    }
    return this.legs.set(legs);
  }

  /** Lowest id of a leg object for this leg. */
  findLeg(legKey: string): number | undefined {
    return this.legIds.get(legKey)?.[0];
  }

  /** Ids of group objects standing for this set, ascending. */
  findGroups(setKey: string): readonly number[] {
    return this.groupIds.get(setKey) ?? [];
  }

  isGroup(id: number): boolean {
    return this.objects.get(id)?.type === 'group';
  }

  /** Routes pointing at this object. */
  refs(id: number): number {
    return this.routeRefs.get(id) ?? 0;
  }

  /** Groups holding this leg. */
  memberOf(id: number): number {
    return this.memberRefs.get(id) ?? 0;
  }

  /** Ids free for new objects, ascending; `taken` holds ids already promised in this round. */
  *freeIds(taken: ReadonlySet<number>): Generator<number> {
    for (let id = this.range.min; id <= this.range.max; id++) {
      if (!this.objects.has(id) && !this.reserved.has(id) && !taken.has(id)) yield id;
    }
  }

  /** Whether the installed route gives the prefix what the target asks (in either form). */
  satisfies(route: InstalledRoute | undefined, target: Target | null): boolean {
    if (target === null) return route === undefined;
    if (route === undefined) return false;
    switch (target.kind) {
      case 'blackhole':
      case 'unreachable':
        return route.type === target.kind;
      case 'unicast':
        if (route.type === 'inline') return route.set.key === target.set.key;
        if (route.type === 'nhid') return this.objectKeys.get(route.nhid) === target.set.key;
        return false;
    }
  }

  /** Applies one change that the kernel accepted. Throws where the kernel would have refused. */
  apply(change: Change<K>): void {
    switch (change.op) {
      case 'route-replace':
        this.setRoute(change.prefix, change.route);
        return;
      case 'route-delete':
        this.setRoute(change.prefix, undefined);
        return;
      case 'nexthop-replace':
        this.putObject(change.obj);
        return;
      case 'nexthop-delete':
        this.deleteObject(change.id);
        return;
    }
  }

  setRoute(prefix: K, route: InstalledRoute | undefined): void {
    if (route?.type === 'nhid' && !this.objects.has(route.nhid)) {
      throw new ModelError(`route ${String(prefix)} refers to missing nexthop ${route.nhid}`);
    }
    const old = this.routes.get(prefix);
    if (old?.type === 'nhid') this.addRef(this.routeRefs, old.nhid, -1);
    if (route === undefined) this.routes.delete(prefix);
    else {
      this.routes.set(prefix, route);
      if (route.type === 'nhid') this.addRef(this.routeRefs, route.nhid, 1);
    }
  }

  putObject(obj: NexthopObject): void {
    const old = this.objects.get(obj.id);
    if (old && old.type !== obj.type) {
      throw new ModelError(`nexthop ${obj.id} cannot change from ${old.type} to ${obj.type}`);
    }
    if (obj.type === 'group') {
      for (const m of obj.members) {
        if (this.objects.get(m)?.type !== 'leg') throw new ModelError(`group ${obj.id} member ${m} is not a leg`);
      }
    }
    if (old) this.unindex(old);
    this.objects.set(obj.id, obj);
    this.index(obj);
    if (obj.type === 'leg' && old) this.rekeyGroupsOf(obj.id);
  }

  deleteObject(id: number): void {
    const obj = this.objects.get(id);
    if (!obj) return;
    if (this.refs(id) > 0) throw new ModelError(`nexthop ${id} still used by ${this.refs(id)} routes`);
    if (this.memberOf(id) > 0) throw new ModelError(`nexthop ${id} still in ${this.memberOf(id)} groups`);
    this.unindex(obj);
    this.objects.delete(id);
    this.nhidRoutes.delete(id);
  }

  /**
   * Mirrors what the kernel does when an object disappears behind necod's back (its device went
   * away): routes on it go, groups lose it, groups left empty go with their routes. Returns the
   * prefixes whose kernel route is now gone or different.
   */
  forgetObject(id: number): K[] {
    const obj = this.objects.get(id);
    if (!obj) return [];
    const gone = new Set<number>([id]);
    const changedGroups = new Set<number>();
    if (obj.type === 'leg') {
      for (const other of [...this.objects.values()]) {
        if (other.type !== 'group' || !other.members.includes(id)) continue;
        const members = other.members.filter((m) => m !== id);
        if (members.length === 0) gone.add(other.id);
        else {
          this.putObject({ type: 'group', id: other.id, members });
          changedGroups.add(other.id);
        }
      }
    }
    const affected: K[] = [];
    const lost: K[] = [];
    for (const [prefix, route] of this.routes) {
      if (route.type !== 'nhid') continue;
      if (gone.has(route.nhid)) lost.push(prefix);
      else if (changedGroups.has(route.nhid)) affected.push(prefix);
    }
    for (const prefix of lost) this.setRoute(prefix, undefined);
    affected.push(...lost);
    for (const g of gone) {
      const o = this.objects.get(g);
      if (!o) continue;
      if (o.type === 'group') for (const m of o.members) this.addRef(this.memberRefs, m, -1);
      this.unindexKeys(o);
      this.objects.delete(g);
      this.nhidRoutes.delete(g);
      this.routeRefs.delete(g);
    }
    // A leg deleted while groups still count it: the loop above removed it from every group.
    this.memberRefs.delete(id);
    return affected;
  }

  /** Prefixes of routes that use any of these objects (a scan: only for rare events). */
  usersOf(ids: ReadonlySet<number>): K[] {
    const out: K[] = [];
    for (const [prefix, route] of this.routes) if (route.type === 'nhid' && ids.has(route.nhid)) out.push(prefix);
    return out;
  }

  private index(obj: NexthopObject): void {
    if (obj.type === 'group') for (const m of obj.members) this.addRef(this.memberRefs, m, 1);
    this.indexKeys(obj);
  }

  private unindex(obj: NexthopObject): void {
    if (obj.type === 'group') for (const m of obj.members) this.addRef(this.memberRefs, m, -1);
    this.unindexKeys(obj);
  }

  private indexKeys(obj: NexthopObject): void {
    const key = this.objectSet(obj.id)?.key ?? `empty:${obj.id}`;
    this.objectKeys.set(obj.id, key);
    const index = obj.type === 'leg' ? this.legIds : this.groupIds;
    const ids = index.get(key);
    if (!ids) index.set(key, [obj.id]);
    else {
      ids.push(obj.id);
      ids.sort((a, b) => a - b);
    }
  }

  private unindexKeys(obj: NexthopObject): void {
    const key = this.objectKeys.get(obj.id);
    if (key === undefined) return;
    this.objectKeys.delete(obj.id);
    const index = obj.type === 'leg' ? this.legIds : this.groupIds;
    const ids = index.get(key);
    if (!ids) return;
    const i = ids.indexOf(obj.id);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) index.delete(key);
  }

  private rekeyGroupsOf(legId: number): void {
    for (const g of this.objects.values()) {
      if (g.type === 'group' && g.members.includes(legId)) {
        this.unindexKeys(g);
        this.indexKeys(g);
      }
    }
  }

  private addRef(map: Map<number, number>, id: number, delta: number): void {
    const n = (map.get(id) ?? 0) + delta;
    if (n <= 0) map.delete(id);
    else map.set(id, n);
  }
}

// The routing table: an Adj-RIB-In per source (neighbor or local origin), the decision
// process, and the Loc-RIB. It knows nothing of sockets or the kernel; what changed is
// handed out as a list of route keys that consumers (FIB, export) compare with their own
// state. Prefixes are numbers, attribute sets and selections small interned ids.
import type { PrefixList } from '../bgp/wire/index.js';
import { AttrStore } from './attr-store.js';
import { DEFAULT_DECISION, selectPair, selectPaths, type Candidate, type DecisionOptions, type LossReason } from './decision.js';
import { PrefixTable } from './prefix-table.js';
import type { RouteAttrs } from './route-attrs.js';
import { IPV6_BASE, RouteKeys, familyOfKey } from './route-key.js';
import { HOLD_LOC } from './route-slots.js';
import type { RouteSource } from './route-source.js';
import { SelectionStore, type StoredSelection } from './selection-store.js';

/** Adj-RIB-In values carry the attribute id and, in this bit, the RFC 4724 stale mark. */
const STALE = 0x40000000;
const ATTR_MASK = STALE - 1;

export interface RoutePath {
  source: RouteSource;
  attrs: RouteAttrs;
  stale: boolean;
  /** best, multipath (part of the ECMP set) or lost with the reason */
  status: 'best' | 'multipath' | LossReason;
}

export interface RibStats {
  prefixes: number;
  attributeSets: number;
  selections: number;
  adjRibIn: Record<string, number>;
}

export class Rib {
  readonly keys = new RouteKeys();
  readonly attrs = new AttrStore();
  private readonly selections = new SelectionStore(this.attrs);
  private readonly sources: (RouteSource | undefined)[] = [];
  private readonly adjIn: (PrefixTable | undefined)[] = [];
  /** Indices of sources whose Adj-RIB-In is not empty: the only ones a lookup visits. */
  private active: number[] = [];
  /**
   * The Loc-RIB: per slot of keys.slots (shared with the kernel FIB, so a key is hashed once for
   * both), the selection id, -1 where the Loc-RIB has no route.
   */
  private locSel = new Int32Array(64).fill(-1);
  private locCount = 0;
  /** Prefixes per source: [IPv4, IPv6], kept as routes come and go (max-prefix checks read it per UPDATE). */
  private readonly counts: (Int32Array | undefined)[] = [];
  private changed = new Float64Array(1024);
  private changedCount = 0;
  private candSources = new Int32Array(16);
  private candAttrs = new Int32Array(16);

  constructor(private readonly decision: DecisionOptions = DEFAULT_DECISION) {}

  addSource(source: RouteSource): void {
    if (this.sources[source.index]) throw new RangeError(`source ${source.index} exists`);
    this.sources[source.index] = source;
    this.adjIn[source.index] = new PrefixTable();
    this.counts[source.index] = new Int32Array(2);
  }

  source(index: number): RouteSource | undefined {
    return this.sources[index];
  }

  sourceList(): RouteSource[] {
    return this.sources.filter((s): s is RouteSource => s !== undefined);
  }

  /** Withdraws everything a source holds and forgets it. */
  removeSource(index: number): void {
    this.withdrawAll(index);
    this.sources[index] = undefined;
    this.adjIn[index] = undefined;
    this.counts[index] = undefined;
    this.selections.forgetSource(index);
  }

  private refreshActive(): void {
    const out: number[] = [];
    for (let i = 0; i < this.adjIn.length; i++) if ((this.adjIn[i]?.size ?? 0) > 0) out.push(i);
    this.active = out;
  }

  /** Stores the prefixes of `list` with one attribute set (already imported) from a source. */
  announce(sourceIndex: number, list: PrefixList, attrs: RouteAttrs): void {
    const table = this.tableOf(sourceIndex);
    const wasEmpty = table.size === 0;
    for (let i = 0; i < list.count; i++) this.announceKey(sourceIndex, table, this.keys.keyAt(list, i), attrs.id);
    this.attrs.releaseIfUnused(attrs.id);
    if (wasEmpty && table.size > 0) this.refreshActive();
  }

  /** The same for keys already computed (local origins). */
  announceKeys(sourceIndex: number, keys: ArrayLike<number>, attrs: RouteAttrs): void {
    const table = this.tableOf(sourceIndex);
    const wasEmpty = table.size === 0;
    for (let i = 0; i < keys.length; i++) this.announceKey(sourceIndex, table, keys[i]!, attrs.id); // i < length
    this.attrs.releaseIfUnused(attrs.id);
    if (wasEmpty && table.size > 0) this.refreshActive();
  }

  private announceKey(sourceIndex: number, table: PrefixTable, key: number, attrId: number): void {
    const old = table.set(key, attrId);
    if (old === attrId) return; // same route again: nothing changes
    this.attrs.ref(attrId);
    if (old >= 0) this.attrs.unref(old & ATTR_MASK);
    if (old === -1) {
      this.keys.v6.retain(key);
      (this.counts[sourceIndex] as Int32Array)[key >= IPV6_BASE ? 1 : 0]!++; // two families, two slots
      if (this.active.indexOf(sourceIndex) < 0) this.active.push(sourceIndex);
    }
    this.recompute(key);
  }

  withdraw(sourceIndex: number, list: PrefixList): void {
    const table = this.tableOf(sourceIndex);
    for (let i = 0; i < list.count; i++) {
      const key = list.afi === 1 ? list.keys[i]! : this.keys.v6.findKey(list, i); // i < count
      if (key >= 0) this.withdrawKey(sourceIndex, table, key);
    }
    if (table.size === 0) this.refreshActive();
  }

  withdrawKeys(sourceIndex: number, keys: ArrayLike<number>): void {
    const table = this.tableOf(sourceIndex);
    for (let i = 0; i < keys.length; i++) this.withdrawKey(sourceIndex, table, keys[i]!); // i < length
    if (table.size === 0) this.refreshActive();
  }

  private withdrawKey(sourceIndex: number, table: PrefixTable, key: number): void {
    const old = table.delete(key);
    if (old < 0) return;
    (this.counts[sourceIndex] as Int32Array)[key >= IPV6_BASE ? 1 : 0]!--;
    this.attrs.unref(old & ATTR_MASK);
    this.recompute(key);
    this.keys.v6.release(key);
  }

  withdrawAll(sourceIndex: number): void {
    const table = this.adjIn[sourceIndex];
    if (!table || table.size === 0) return;
    this.withdrawKeys(sourceIndex, table.keyList());
  }

  /** RFC 4724 §4.2: keep a restarting neighbor's routes, marked stale. */
  markStale(sourceIndex: number, family?: 'ipv4' | 'ipv6'): number {
    const table = this.tableOf(sourceIndex);
    let n = 0;
    for (const key of table.keyList()) {
      if (family !== undefined && familyOfKey(key) !== family) continue;
      table.set(key, table.get(key) | STALE);
      n++;
    }
    return n;
  }

  /** Removes the routes still stale (End-of-RIB received, or the restart timer ran out), of one family or all. */
  sweepStale(sourceIndex: number, family?: 'ipv4' | 'ipv6'): number {
    const table = this.adjIn[sourceIndex];
    if (!table) return 0;
    const stale: number[] = [];
    table.forEach((key, value) => {
      if (value & STALE && (family === undefined || familyOfKey(key) === family)) stale.push(key);
    });
    this.withdrawKeys(sourceIndex, stale);
    return stale.length;
  }

  private tableOf(index: number): PrefixTable {
    const t = this.adjIn[index];
    if (!t) throw new RangeError(`no source ${index}`);
    return t;
  }

  /** Runs the decision process for one prefix and records a change in the Loc-RIB. */
  private recompute(key: number): void {
    const cs = this.candSources;
    const ca = this.candAttrs;
    let n = 0;
    const active = this.active;
    for (let k = 0; k < active.length; k++) {
      const s = active[k]!; // k < length; active holds sources with an Adj-RIB-In
      const v = (this.adjIn[s] as PrefixTable).get(key);
      if (v >= 0) {
        if (n === cs.length) this.growCandidates();
        this.candSources[n] = s;
        this.candAttrs[n] = v & ATTR_MASK;
        n++;
      }
    }
    // cs and ca hold n candidates (the loop above wrote them), hence the `!` reads below.
    let selId = -1;
    if (n === 1) selId = this.selections.single1(cs[0]!, ca[0]!);
    else if (n === 2) selId = this.selectTwo(cs[0]!, ca[0]!, cs[1]!, ca[1]!);
    else if (n > 2) {
      const cands: Candidate[] = [];
      for (let i = 0; i < n; i++) cands.push({ source: this.sources[cs[i]!] as RouteSource, attrs: this.attrs.get(ca[i]!) });
      const sel = selectPaths(cands, this.decision);
      selId = this.selections.multiPath(sel.chosen.map((i) => cs[i]!), sel.chosen.map((i) => ca[i]!));
    }
    const old = selId >= 0 ? this.locSet(key, selId) : this.locDelete(key);
    if (old === selId) return;
    if (selId >= 0) this.selections.ref(selId);
    if (old >= 0) this.selections.unref(old);
    this.noteChange(key);
  }

  /** Sets the Loc-RIB entry of key; returns the previous selection id or -1. */
  private locSet(key: number, selId: number): number {
    const s = this.keys.slots.hold(key, HOLD_LOC);
    if (s >= this.locSel.length) this.growLoc();
    const old = this.locSel[s]!; // grown above
    this.locSel[s] = selId;
    if (old < 0) this.locCount++;
    return old;
  }

  private locDelete(key: number): number {
    const s = this.keys.slots.find(key);
    if (s < 0) return -1;
    const old = this.locSel[s] ?? -1; // a slot only the FIB holds may lie beyond the column
    if (old < 0) return -1;
    this.locSel[s] = -1;
    this.locCount--;
    this.keys.slots.release(s, key, HOLD_LOC);
    return old;
  }

  private growLoc(): void {
    let cap = this.locSel.length * 2;
    while (cap < this.keys.slots.bound) cap *= 2;
    const next = new Int32Array(cap).fill(-1);
    next.set(this.locSel);
    this.locSel = next;
  }

  private readonly pairA: { source: RouteSource; attrs: RouteAttrs } = { source: undefined as unknown as RouteSource, attrs: undefined as unknown as RouteAttrs };
  private readonly pairB: { source: RouteSource; attrs: RouteAttrs } = { source: undefined as unknown as RouteSource, attrs: undefined as unknown as RouteAttrs };
  private readonly pairSrc = [0, 0];
  private readonly pairAttr = [0, 0];

  private selectTwo(sa: number, aa: number, sb: number, ab: number): number {
    this.pairA.source = this.sources[sa] as RouteSource;
    this.pairA.attrs = this.attrs.get(aa);
    this.pairB.source = this.sources[sb] as RouteSource;
    this.pairB.attrs = this.attrs.get(ab);
    const r = selectPair(this.pairA, this.pairB, this.decision);
    if (r === 0) return this.selections.single1(sa, aa);
    if (r === 1) return this.selections.single1(sb, ab);
    const first = r === 2;
    this.pairSrc[0] = first ? sa : sb;
    this.pairSrc[1] = first ? sb : sa;
    this.pairAttr[0] = first ? aa : ab;
    this.pairAttr[1] = first ? ab : aa;
    return this.selections.multiPath(this.pairSrc, this.pairAttr);
  }

  private growCandidates(): void {
    const size = this.candSources.length * 2;
    const s = new Int32Array(size);
    s.set(this.candSources);
    const a = new Int32Array(size);
    a.set(this.candAttrs);
    this.candSources = s;
    this.candAttrs = a;
  }

  private noteChange(key: number): void {
    if (this.changedCount === this.changed.length) {
      const next = new Float64Array(this.changed.length * 2);
      next.set(this.changed);
      this.changed = next;
    }
    this.changed[this.changedCount++] = key;
  }

  /** Route keys whose Loc-RIB entry changed since the last call (a key may repeat). */
  takeChanges(): Float64Array {
    const out = this.changed.slice(0, this.changedCount);
    this.changedCount = 0;
    if (this.changed.length > 65536) this.changed = new Float64Array(1024);
    return out;
  }

  get pendingChanges(): number {
    return this.changedCount;
  }

  /** The Loc-RIB entry: sources and attribute sets in use, best first; null when unrouted. */
  selected(key: number): StoredSelection | null {
    return this.selectedAt(this.keys.slots.find(key));
  }

  /** The Loc-RIB entry in a slot of keys.slots (keys.slots.find(key)); null when unrouted or s is -1. */
  selectedAt(s: number): StoredSelection | null {
    const id = s < 0 ? -1 : (this.locSel[s] ?? -1);
    return id < 0 ? null : this.selections.get(id);
  }

  /** Every path for a prefix with its status, for `show routes`. */
  paths(key: number): RoutePath[] {
    const cands: Candidate[] = [];
    const stale: boolean[] = [];
    for (let s = 0; s < this.adjIn.length; s++) {
      const v = this.adjIn[s]?.get(key) ?? -1;
      if (v >= 0) {
        cands.push({ source: this.sources[s] as RouteSource, attrs: this.attrs.get(v & ATTR_MASK) });
        stale.push((v & STALE) !== 0);
      }
    }
    const sel = selectPaths(cands, this.decision);
    return cands.map((c, i) => {
      const at = sel.chosen.indexOf(i);
      const status = at === 0 ? 'best' : at > 0 ? 'multipath' : (sel.lost.get(i) as LossReason);
      return { source: c.source, attrs: c.attrs, stale: stale[i] === true, status };
    });
  }

  /** Whether a source's Adj-RIB-In has key. */
  holds(sourceIndex: number, key: number): boolean {
    return (this.adjIn[sourceIndex]?.get(key) ?? -1) >= 0;
  }

  /** Adj-RIB-In lookup: the attribute set a source holds for key, or null. */
  adjRibInEntry(sourceIndex: number, key: number): { attrs: RouteAttrs; stale: boolean } | null {
    const v = this.adjIn[sourceIndex]?.get(key) ?? -1;
    return v < 0 ? null : { attrs: this.attrs.get(v & ATTR_MASK), stale: (v & STALE) !== 0 };
  }

  adjRibInSize(sourceIndex: number): number {
    return this.adjIn[sourceIndex]?.size ?? 0;
  }

  /** A source's prefixes of one family. */
  adjRibInCount(sourceIndex: number, family: 'ipv4' | 'ipv6'): number {
    return this.counts[sourceIndex]?.[family === 'ipv4' ? 0 : 1] ?? 0;
  }

  /** Stale routes a source still holds. */
  staleCount(sourceIndex: number): number {
    let n = 0;
    this.adjIn[sourceIndex]?.forEach((_key, value) => {
      if (value & STALE) n++;
    });
    return n;
  }

  forEachAdjRibIn(sourceIndex: number, fn: (key: number, attrs: RouteAttrs, stale: boolean) => void): void {
    this.adjIn[sourceIndex]?.forEach((key, v) => fn(key, this.attrs.get(v & ATTR_MASK), (v & STALE) !== 0));
  }

  /** Calls fn for every Loc-RIB entry. */
  forEachRoute(fn: (key: number, selection: StoredSelection) => void): void {
    this.keys.slots.forEach((key, s) => {
      const id = this.locSel[s] ?? -1; // a slot only the FIB holds may lie beyond the column
      if (id >= 0) fn(key, this.selections.get(id));
    });
  }

  get size(): number {
    return this.locCount;
  }

  stats(): RibStats {
    const adjRibIn: Record<string, number> = {};
    for (const s of this.sourceList()) adjRibIn[s.name] = this.adjIn[s.index]?.size ?? 0;
    return { prefixes: this.locCount, attributeSets: this.attrs.size, selections: this.selections.size, adjRibIn };
  }
}

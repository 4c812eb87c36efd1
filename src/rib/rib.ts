// The routing table: an Adj-RIB-In per source (neighbor or local origin), the decision
// process, and the Loc-RIB. It knows nothing of sockets or the kernel; what changed is
// handed out as a list of route keys that consumers (FIB, export) compare with their own
// state. Prefixes are numbers, attribute sets and selections small interned ids.
//
// Every table here is a column indexed by the key's slot in keys.slots (route-slots.ts): an
// UPDATE's prefix is hashed once, and each source's Adj-RIB-In and the Loc-RIB are then read
// by slot. Two neighbors sending the same full table share one table of keys.
import type { PrefixList } from '../bgp/wire/index.js';
import { AttrStore } from './attr-store.js';
import { DEFAULT_DECISION, selectPair, selectPaths, type Candidate, type DecisionOptions, type LossReason } from './decision.js';
import type { ImportResult } from './import.js';
import type { RouteAttrs } from './route-attrs.js';
import { IPV6_BASE, RouteKeys, familyOfKey } from './route-key.js';
import { HOLD_ADJ, HOLD_LOC } from './route-slots.js';
import type { RouteSource } from './route-source.js';
import { SelectionStore, type StoredSelection } from './selection-store.js';

/** Adj-RIB-In values carry the attribute id and, in this bit, the RFC 4724 stale mark. */
const STALE = 0x40000000;
const ATTR_MASK = STALE - 1;
/** An Adj-RIB-In column's value where the source has no route. */
const NONE = -1;

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
  /**
   * The Adj-RIB-Ins: per source, the attribute id (and STALE bit) by slot of keys.slots, NONE
   * where it has no route; a column is as long as the highest slot it has written. A slot keeps
   * the HOLD_ADJ hold while any source's column has a route there (the decision process counts
   * them on every change anyway, so no count is stored).
   */
  private readonly adjIn: (Int32Array | undefined)[] = [];
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
    this.adjIn[source.index] = new Int32Array(64).fill(NONE);
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
    for (let i = 0; i < this.adjIn.length; i++) if (this.adjRibInSize(i) > 0) out.push(i);
    this.active = out;
  }

  /** What importUpdate() made of one UPDATE, applied for a source: withdrawals, then announcements. */
  applyImport(sourceIndex: number, r: Pick<ImportResult, 'withdrawals' | 'announcements'>): void {
    for (const w of r.withdrawals) this.withdraw(sourceIndex, w);
    for (const a of r.announcements) this.announce(sourceIndex, a.list, this.attrs.intern(a.attrs));
  }

  /** Stores the prefixes of `list` with one attribute set (already imported) from a source. */
  announce(sourceIndex: number, list: PrefixList, attrs: RouteAttrs): void {
    this.tableOf(sourceIndex);
    const wasEmpty = this.adjRibInSize(sourceIndex) === 0;
    for (let i = 0; i < list.count; i++) this.announceKey(sourceIndex, this.keys.keyAt(list, i), attrs.id);
    this.attrs.releaseIfUnused(attrs.id);
    if (wasEmpty && this.adjRibInSize(sourceIndex) > 0) this.refreshActive();
  }

  /** The same for keys already computed (local origins). */
  announceKeys(sourceIndex: number, keys: ArrayLike<number>, attrs: RouteAttrs): void {
    this.tableOf(sourceIndex);
    const wasEmpty = this.adjRibInSize(sourceIndex) === 0;
    for (let i = 0; i < keys.length; i++) this.announceKey(sourceIndex, keys[i]!, attrs.id); // i < length
    this.attrs.releaseIfUnused(attrs.id);
    if (wasEmpty && this.adjRibInSize(sourceIndex) > 0) this.refreshActive();
  }

  private announceKey(sourceIndex: number, key: number, attrId: number): void {
    const s = this.keys.slots.hold(key, HOLD_ADJ); // the one probe of the keys for this prefix
    let col = this.adjIn[sourceIndex] as Int32Array; // tableOf() checked the source
    if (s >= col.length) col = this.growAdj(sourceIndex, s);
    const old = col[s]!; // grown above
    if (old === attrId) return; // same route again: nothing changes
    col[s] = attrId;
    this.attrs.ref(attrId);
    if (old >= 0) this.attrs.unref(old & ATTR_MASK);
    if (old === NONE) {
      this.keys.v6.retain(key);
      (this.counts[sourceIndex] as Int32Array)[key >= IPV6_BASE ? 1 : 0]!++; // two families, two slots
      if (this.active.indexOf(sourceIndex) < 0) this.active.push(sourceIndex);
    }
    this.recompute(s, key);
  }

  private growAdj(sourceIndex: number, s: number): Int32Array {
    const col = this.adjIn[sourceIndex] as Int32Array;
    let cap = col.length * 2;
    while (cap <= s) cap *= 2;
    const next = new Int32Array(cap).fill(NONE);
    next.set(col);
    this.adjIn[sourceIndex] = next;
    return next;
  }

  withdraw(sourceIndex: number, list: PrefixList): void {
    this.tableOf(sourceIndex);
    const slots = this.keys.slots;
    for (let i = 0; i < list.count; i++) {
      const key = list.afi === 1 ? list.keys[i]! : this.keys.v6.findKey(list, i); // i < count
      if (key >= 0) this.withdrawAt(sourceIndex, slots.find(key), key);
    }
    if (this.adjRibInSize(sourceIndex) === 0) this.refreshActive();
  }

  withdrawKeys(sourceIndex: number, keys: ArrayLike<number>): void {
    this.tableOf(sourceIndex);
    const slots = this.keys.slots;
    for (let i = 0; i < keys.length; i++) this.withdrawAt(sourceIndex, slots.find(keys[i]!), keys[i]!); // i < length
    if (this.adjRibInSize(sourceIndex) === 0) this.refreshActive();
  }

  /** Withdraws key (in slot s, -1 when it has none) from a source's Adj-RIB-In. */
  private withdrawAt(sourceIndex: number, s: number, key: number): void {
    const col = this.adjIn[sourceIndex] as Int32Array; // callers checked the source
    const old = s >= 0 && s < col.length ? col[s]! : NONE;
    if (old < 0) return;
    col[s] = NONE;
    (this.counts[sourceIndex] as Int32Array)[key >= IPV6_BASE ? 1 : 0]!--;
    this.attrs.unref(old & ATTR_MASK);
    // The last source to let go frees the slot (unless the FIB still holds it), and only then
    // may the IPv6 id go: the index keeps the key while the slot is held.
    if (this.recompute(s, key) === 0) this.keys.slots.release(s, HOLD_ADJ);
    this.keys.v6.release(key);
  }

  /** The keys and slots of a source's routes (optionally of one family, or only stale ones), one walk of the key index. */
  private routesOf(sourceIndex: number, family: 'ipv4' | 'ipv6' | undefined, staleOnly: boolean): { keys: number[]; slots: number[] } {
    const col = this.adjIn[sourceIndex];
    const keys: number[] = [];
    const slots: number[] = [];
    if (!col || this.adjRibInSize(sourceIndex) === 0) return { keys, slots };
    this.keys.slots.forEach((key, s) => {
      const v = s < col.length ? col[s]! : NONE;
      if (v < 0 || (staleOnly && (v & STALE) === 0)) return;
      if (family !== undefined && familyOfKey(key) !== family) return;
      keys.push(key);
      slots.push(s);
    });
    return { keys, slots };
  }

  private withdrawRoutes(sourceIndex: number, r: { keys: number[]; slots: number[] }): void {
    for (let i = 0; i < r.keys.length; i++) this.withdrawAt(sourceIndex, r.slots[i]!, r.keys[i]!); // i < length, same length
    if (this.adjRibInSize(sourceIndex) === 0) this.refreshActive();
  }

  withdrawAll(sourceIndex: number): void {
    // Collected first: freeing slots changes the index being walked.
    this.withdrawRoutes(sourceIndex, this.routesOf(sourceIndex, undefined, false));
  }

  /** RFC 4724 §4.2: keep a restarting neighbor's routes, marked stale. */
  markStale(sourceIndex: number, family?: 'ipv4' | 'ipv6'): number {
    const col = this.tableOf(sourceIndex);
    const r = this.routesOf(sourceIndex, family, false);
    for (const s of r.slots) col[s] = col[s]! | STALE; // slots routesOf() found in the column
    return r.slots.length;
  }

  /** Removes the routes still stale (End-of-RIB received, or the restart timer ran out), of one family or all. */
  sweepStale(sourceIndex: number, family?: 'ipv4' | 'ipv6'): number {
    if (!this.adjIn[sourceIndex]) return 0;
    const r = this.routesOf(sourceIndex, family, true);
    this.withdrawRoutes(sourceIndex, r);
    return r.keys.length;
  }

  private tableOf(index: number): Int32Array {
    const t = this.adjIn[index];
    if (!t) throw new RangeError(`no source ${index}`);
    return t;
  }

  /** A source's Adj-RIB-In value in slot s (-1 for none). */
  private adjAt(sourceIndex: number, s: number): number {
    const col = this.adjIn[sourceIndex];
    return col !== undefined && s >= 0 && s < col.length ? col[s]! : NONE;
  }

  /**
   * Runs the decision process for one prefix (key, in slot s) and records a change in the
   * Loc-RIB. Returns how many sources have a route for it.
   */
  private recompute(s: number, key: number): number {
    const cs = this.candSources;
    const ca = this.candAttrs;
    let n = 0;
    const active = this.active;
    for (let k = 0; k < active.length; k++) {
      const src = active[k]!; // k < length; active holds sources with an Adj-RIB-In
      const col = this.adjIn[src] as Int32Array;
      const v = s < col.length ? col[s]! : NONE;
      if (v >= 0) {
        if (n === cs.length) this.growCandidates();
        this.candSources[n] = src;
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
    const old = selId >= 0 ? this.locSet(s, selId) : this.locDelete(s);
    if (old === selId) return n;
    if (selId >= 0) this.selections.ref(selId);
    if (old >= 0) this.selections.unref(old);
    this.noteChange(key);
    return n;
  }

  /** Sets the Loc-RIB entry in slot s (held by an Adj-RIB-In); returns the previous selection id or -1. */
  private locSet(s: number, selId: number): number {
    if (s >= this.locSel.length) this.growLoc();
    const old = this.locSel[s]!; // grown above
    this.locSel[s] = selId;
    if (old < 0) {
      this.keys.slots.holdSlot(s, HOLD_LOC);
      this.locCount++;
    }
    return old;
  }

  private locDelete(s: number): number {
    const old = this.locSel[s] ?? -1; // a slot the Loc-RIB never had may lie beyond the column
    if (old < 0) return -1;
    this.locSel[s] = -1;
    this.locCount--;
    this.keys.slots.release(s, HOLD_LOC);
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
    const slot = this.keys.slots.find(key);
    for (let s = 0; s < this.adjIn.length; s++) {
      const v = this.adjAt(s, slot);
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
    return this.adjAt(sourceIndex, this.keys.slots.find(key)) >= 0;
  }

  /** Adj-RIB-In lookup: the attribute set a source holds for key, or null. */
  adjRibInEntry(sourceIndex: number, key: number): { attrs: RouteAttrs; stale: boolean } | null {
    const v = this.adjAt(sourceIndex, this.keys.slots.find(key));
    return v < 0 ? null : { attrs: this.attrs.get(v & ATTR_MASK), stale: (v & STALE) !== 0 };
  }

  adjRibInSize(sourceIndex: number): number {
    const c = this.counts[sourceIndex];
    return c === undefined ? 0 : c[0]! + c[1]!; // two families
  }

  /** A source's prefixes of one family. */
  adjRibInCount(sourceIndex: number, family: 'ipv4' | 'ipv6'): number {
    return this.counts[sourceIndex]?.[family === 'ipv4' ? 0 : 1] ?? 0;
  }

  /** Stale routes a source still holds. */
  staleCount(sourceIndex: number): number {
    const col = this.adjIn[sourceIndex];
    if (!col) return 0;
    let n = 0;
    for (let s = 0; s < col.length; s++) if (col[s]! >= 0 && (col[s]! & STALE) !== 0) n++; // s < length
    return n;
  }

  /** Calls fn for every route of a source's Adj-RIB-In; the RIB must not change meanwhile. */
  forEachAdjRibIn(sourceIndex: number, fn: (key: number, attrs: RouteAttrs, stale: boolean) => void): void {
    const col = this.adjIn[sourceIndex];
    if (!col || this.adjRibInSize(sourceIndex) === 0) return;
    this.keys.slots.forEach((key, s) => {
      const v = s < col.length ? col[s]! : NONE;
      if (v >= 0) fn(key, this.attrs.get(v & ATTR_MASK), (v & STALE) !== 0);
    });
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
    for (const s of this.sourceList()) adjRibIn[s.name] = this.adjRibInSize(s.index);
    return { prefixes: this.locCount, attributeSets: this.attrs.size, selections: this.selections.size, adjRibIn };
  }
}

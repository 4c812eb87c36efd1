// Interned route selections: which sources (and which of their attribute sets) a prefix
// uses, best first. A million prefixes learned from the same two ToRs share a handful of
// selections, so the Loc-RIB stores one small integer per prefix.
import type { AttrStore } from './attr-store.js';

export interface StoredSelection {
  readonly id: number;
  /** Source indices, best first. */
  readonly sources: readonly number[];
  /** Attribute set ids, parallel to sources. */
  readonly attrIds: readonly number[];
}

export class SelectionStore {
  private readonly byId: (StoredSelection | undefined)[] = [];
  private refs = new Int32Array(256);
  private readonly free: number[] = [];
  /** Single-path selections by source, then attribute id → selection id + 1. */
  private single: Int32Array[] = [];
  private readonly multi = new Map<string, number>();

  constructor(private readonly attrs: AttrStore) {}

  get(id: number): StoredSelection {
    const s = this.byId[id];
    if (!s) throw new RangeError(`no selection ${id}`);
    return s;
  }

  /** The selection of one path; allocation-free when it exists already. */
  single1(source: number, attrId: number): number {
    let row = this.single[source];
    if (!row || row.length <= attrId) {
      let size = row ? row.length : 64;
      while (size <= attrId) size *= 2;
      const next = new Int32Array(size);
      if (row) next.set(row);
      this.single[source] = row = next;
    }
    const found = row[attrId];
    if (found) return found - 1;
    const id = this.create([source], [attrId]);
    row[attrId] = id + 1;
    return id;
  }

  multiPath(sources: ArrayLike<number>, attrIds: ArrayLike<number>): number {
    // The two lists run in step; their lengths are checked here, so the reads carry `!`.
    if (sources.length === 1) return this.single1(sources[0]!, attrIds[0]!);
    if (sources.length === 2) return this.pair(sources, attrIds);
    let key = '';
    for (let i = 0; i < sources.length; i++) key += `${sources[i]}:${attrIds[i]},`;
    const found = this.multi.get(key);
    if (found !== undefined) return found;
    const id = this.create(sources, attrIds);
    this.multi.set(key, id);
    return id;
  }

  /** Two-path selections by (first source, first attr) then (second source, second attr): no string per lookup. */
  private readonly pairs = new Map<number, Map<number, number>>();

  private pair(sources: ArrayLike<number>, attrIds: ArrayLike<number>): number {
    const k1 = sources[0]! * 2 ** 30 + attrIds[0]!; // a pair: two of each
    const k2 = sources[1]! * 2 ** 30 + attrIds[1]!;
    let inner = this.pairs.get(k1);
    if (!inner) this.pairs.set(k1, (inner = new Map()));
    const found = inner.get(k2);
    if (found !== undefined) return found;
    const id = this.create(sources, attrIds);
    inner.set(k2, id);
    return id;
  }

  private create(sources: ArrayLike<number>, attrIds: ArrayLike<number>): number {
    const id = this.free.pop() ?? this.byId.length;
    if (id >= this.refs.length) {
      const next = new Int32Array(this.refs.length * 2);
      next.set(this.refs);
      this.refs = next;
    }
    this.byId[id] = { id, sources: Array.from(sources), attrIds: Array.from(attrIds) };
    this.refs[id] = 0;
    // A selection keeps its attribute sets alive, so their ids cannot be reused under it.
    for (let i = 0; i < attrIds.length; i++) this.attrs.ref(attrIds[i]!);
    return id;
  }

  ref(id: number): void {
    this.refs[id]!++; // ids come from create(), inside refs
  }

  unref(id: number): void {
    if (--this.refs[id]! > 0) return;
    const s = this.byId[id];
    if (!s) return;
    this.byId[id] = undefined;
    if (s.sources.length === 1) {
      const [source = -1] = s.sources;
      const row = this.single[source];
      if (row) row[s.attrIds[0]!] = 0;
    } else if (s.sources.length === 2) {
      const k1 = s.sources[0]! * 2 ** 30 + s.attrIds[0]!; // a pair: two of each
      const inner = this.pairs.get(k1);
      inner?.delete(s.sources[1]! * 2 ** 30 + s.attrIds[1]!);
      if (inner && inner.size === 0) this.pairs.delete(k1);
    } else {
      let key = '';
      for (let i = 0; i < s.sources.length; i++) key += `${s.sources[i]}:${s.attrIds[i]},`;
      this.multi.delete(key);
    }
    for (const a of s.attrIds) this.attrs.unref(a);
    this.free.push(id);
  }

  /** Forgets a selection made but never used by a prefix. */
  releaseIfUnused(id: number): void {
    if (this.refs[id] === 0 && this.byId[id]) {
      this.refs[id] = 1;
      this.unref(id);
    }
  }

  /** Drops the single-path cache of a source that goes away. */
  forgetSource(source: number): void {
    this.single[source] = new Int32Array(0);
  }

  get size(): number {
    return this.byId.length - this.free.length;
  }
}

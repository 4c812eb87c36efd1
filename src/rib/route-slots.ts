// Route slots: a small, stable integer per route key, shared by the Adj-RIB-Ins, the Loc-RIB and
// the kernel FIB, so that one hash table of keys serves them all and each keeps its per-route
// values in typed-array columns indexed by slot. The key of each slot is kept here, in a column of
// its own, and the hash table holds only slot numbers (id-buckets.ts): one 8-byte key and a 4-byte
// bucket at the table's load, instead of a key and value per bucket plus a key column per user. A full table
// from two neighbors costs about 17 bytes a route here and a byte of holds.
//
// Holders: each user sets its own bit on a slot while it keeps state there; the slot is freed when
// the last bit goes, and only then may it be given to another key. So the FIB keeps a slot past
// the Loc-RIB's withdrawal until the kernel's delete of it has reported, and a re-announcement of
// the same prefix meanwhile finds the same slot again, and the slot's key stays readable. Plain
// data, no I/O.
import { IdBuckets, NO_ID } from './id-buckets.js';
import { keyHash } from './prefix-table.js';

/** The Loc-RIB's hold on a slot. */
export const HOLD_LOC = 1;
/** The kernel FIB's hold on a slot. */
export const HOLD_FIB = 2;
/** The Adj-RIB-Ins' hold on a slot: set while any source's Adj-RIB-In has the key (the RIB tells which). */
export const HOLD_ADJ = 4;

const MIN_BUCKETS = 16;
const MAX_LOAD = 0.7;

// Slots come from the buckets or from callers that hold them, so they lie inside the columns: the
// typed-array reads carry `!`, as in prefix-table.ts, on the RIB's hottest path.

export class RouteSlots {
  private readonly table = new IdBuckets(MIN_BUCKETS);
  /** A held slot's hash, as the buckets placed it. */
  private readonly hashOf = (slot: number): number => keyHash(this.keyCol[slot]!);
  private keyCol = new Float64Array(64);
  private holdCol = new Uint8Array(64);
  private readonly free: number[] = [];
  private used = 0;
  private count = 0;

  /** Keys with a slot. */
  get size(): number {
    return this.count;
  }

  /** Slots ever handed out: every slot is below this (columns of users grow to it). */
  get bound(): number {
    return this.used;
  }

  get byteSize(): number {
    return this.table.byteSize + this.keyCol.byteLength + this.holdCol.byteLength;
  }

  /** The slot of key, or -1. */
  find(key: number): number {
    return this.table.buckets[this.place(key)]!; // NO_ID (-1) when absent
  }

  /** The key of a held slot. */
  keyOf(slot: number): number {
    return this.keyCol[slot]!;
  }

  /** The slot of key for `holder` (HOLD_LOC, HOLD_FIB, HOLD_ADJ), made when new: one probe of the keys. */
  hold(key: number, holder: number): number {
    if (this.count + 1 > this.table.buckets.length * MAX_LOAD) this.table.grow(this.hashOf);
    const i = this.place(key);
    const b = this.table.buckets[i]!;
    if (b !== NO_ID) {
      this.holdCol[b] = this.holdCol[b]! | holder;
      return b;
    }
    const s = this.free.length > 0 ? this.free.pop()! : this.used++; // length > 0
    if (s >= this.holdCol.length) this.grow();
    this.keyCol[s] = key;
    this.holdCol[s] = holder;
    this.table.buckets[i] = s;
    this.count++;
    return s;
  }

  /** The bucket holding key's slot, or the empty bucket where it goes. */
  private place(key: number): number {
    const { buckets, mask } = this.table;
    const keys = this.keyCol;
    let i = keyHash(key) & mask;
    for (;;) {
      const b = buckets[i]!;
      if (b === NO_ID || keys[b] === key) return i;
      i = (i + 1) & mask;
    }
  }

  /** Adds `holder`'s hold to a slot some other holder has (its key found by find()). */
  holdSlot(slot: number, holder: number): void {
    this.holdCol[slot] = this.holdCol[slot]! | holder; // a slot find() returned
  }

  /** Drops `holder`'s hold on a slot; the slot is freed when nobody holds it. Returns whether it was. */
  release(slot: number, holder: number): boolean {
    const h = this.holdCol[slot]! & ~holder; // callers pass slots they hold
    this.holdCol[slot] = h;
    if (h !== 0) return false;
    this.table.remove(slot, this.hashOf);
    this.count--;
    this.free.push(slot);
    return true;
  }

  /** Calls fn with every key and its slot, in slot order; slots must not be freed meanwhile. */
  forEach(fn: (key: number, slot: number) => void): void {
    const holds = this.holdCol;
    const keys = this.keyCol;
    for (let s = 0; s < this.used; s++) if (holds[s] !== 0) fn(keys[s]!, s);
  }

  /** Whether `holder` holds the slot. */
  holds(slot: number, holder: number): boolean {
    return slot >= 0 && slot < this.used && (this.holdCol[slot]! & holder) !== 0;
  }

  private grow(): void {
    const keys = new Float64Array(this.keyCol.length * 2);
    keys.set(this.keyCol);
    this.keyCol = keys;
    const holds = new Uint8Array(this.holdCol.length * 2);
    holds.set(this.holdCol);
    this.holdCol = holds;
  }
}

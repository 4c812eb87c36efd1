// Route slots: a small, stable integer per route key, shared by the Adj-RIB-Ins, the Loc-RIB and
// the kernel FIB, so that one hash table of keys serves them all and each keeps its per-route
// values in typed-array columns indexed by slot. A full table from two neighbors then costs one
// PrefixTable of keys (17–24 bytes a route) and a byte of holds instead of a PrefixTable each. The
// key of a slot is not kept here: whoever needs it by slot (the FIB, to name the route to the
// kernel) keeps a column, and a walk over one user's slots goes through forEach().
//
// Holders: each user sets its own bit on a slot while it keeps state there; the slot is freed when
// the last bit goes, and only then may it be given to another key. So the FIB keeps a slot past
// the Loc-RIB's withdrawal until the kernel's delete of it has reported, and a re-announcement of
// the same prefix meanwhile finds the same slot again. Plain data, no I/O.
import { PrefixTable } from './prefix-table.js';

/** The Loc-RIB's hold on a slot. */
export const HOLD_LOC = 1;
/** The kernel FIB's hold on a slot. */
export const HOLD_FIB = 2;
/** The Adj-RIB-Ins' hold on a slot: set while any source's Adj-RIB-In has the key (the RIB tells which). */
export const HOLD_ADJ = 4;

export class RouteSlots {
  private readonly index = new PrefixTable();
  private holdCol = new Uint8Array(64);
  private readonly free: number[] = [];
  private used = 0;

  /** Keys with a slot. */
  get size(): number {
    return this.index.size;
  }

  /** Slots ever handed out: every slot is below this (columns of users grow to it). */
  get bound(): number {
    return this.used;
  }

  get byteSize(): number {
    return this.index.byteSize + this.holdCol.byteLength;
  }

  /** The slot of key, or -1. */
  find(key: number): number {
    return this.index.get(key);
  }

  /** The slot of key for `holder` (HOLD_LOC, HOLD_FIB, HOLD_ADJ), made when new: one probe of the keys. */
  hold(key: number, holder: number): number {
    const next = this.free.length > 0 ? this.free[this.free.length - 1]! : this.used; // length > 0
    const s = this.index.getOrSet(key, next);
    if (s >= 0) {
      this.holdCol[s] = this.holdCol[s]! | holder; // s came from the index: within the columns
      return s;
    }
    if (this.free.length > 0) this.free.pop();
    else this.used++;
    if (next >= this.holdCol.length) this.grow();
    this.holdCol[next] = holder;
    return next;
  }

  /** Adds `holder`'s hold to a slot some other holder has (its key found by find()). */
  holdSlot(slot: number, holder: number): void {
    this.holdCol[slot] = this.holdCol[slot]! | holder; // a slot find() returned
  }

  /** Drops `holder`'s hold on key's slot; the slot is freed when nobody holds it. Returns whether it was. */
  release(slot: number, key: number, holder: number): boolean {
    const h = this.holdCol[slot]! & ~holder; // callers pass slots they hold
    this.holdCol[slot] = h;
    if (h !== 0) return false;
    this.index.delete(key);
    this.free.push(slot);
    return true;
  }

  /** Calls fn with every key and its slot; the index must not change meanwhile. */
  forEach(fn: (key: number, slot: number) => void): void {
    this.index.forEach(fn);
  }

  /** Whether `holder` holds the slot. */
  holds(slot: number, holder: number): boolean {
    return slot >= 0 && slot < this.used && (this.holdCol[slot]! & holder) !== 0;
  }

  private grow(): void {
    const holds = new Uint8Array(this.holdCol.length * 2);
    holds.set(this.holdCol);
    this.holdCol = holds;
  }
}

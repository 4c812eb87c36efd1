// The FIB's per-route bookkeeping, by slot of the route keys' shared slot index (RouteSlots in
// src/rib/route-slots.ts, which the Loc-RIB uses too): what the RIB wants for the prefix (an
// interned desired id), the route's state, its consecutive failures, the batch that last wrote it,
// and the id of the form installed in the kernel (which the model, fib-model.ts, interprets), in
// typed arrays. The key is hashed once, when the RIB hands it over, and in the same table the
// Loc-RIB uses; from then on the differ, the model and the writers name the route by its slot. The
// FIB holds its slots (HOLD_FIB) until the kernel no longer has the route, so a slot outlives the
// Loc-RIB's withdrawal while the delete is in flight and is never another prefix's meanwhile, and
// the slot's key stays readable in the index. A full table costs 15 bytes of columns per route
// here, no object and no string; errors are kept apart for the few routes that have one. Plain
// data, no I/O.
import type { KeyHolds } from './fib-model.js';
import { HOLD_FIB, type RouteSlots } from '../rib/route-slots.js';
import type { RouteStateName } from './types.js';

/** The RIB wants no route (a stale one, or one being removed). */
export const WANT_NONE = -1;

const STATES: readonly RouteStateName[] = ['pending', 'installed', 'failed', 'stale'];
const STATE_MASK = 3;
const DIRTY = 4;
const INFLIGHT = 8;
/** The FIB holds the slot (mirrors its HOLD_FIB bit in the slot index). */
const LIVE = 16;

export class RouteTable {
  private wantCol = new Int32Array(64);
  private genCol = new Int32Array(64);
  private flagCol = new Uint8Array(64);
  private failCol = new Uint8Array(64);
  private markCol = new Uint8Array(64);
  private formCol = new Int32Array(64).fill(-1);
  private forms = 0;
  private count = 0;

  /**
   * `slots`: the route keys' slot index, shared with the Loc-RIB; `holds` keeps the IPv6 prefix
   * ids of the keys held here alive in the RIB's index.
   */
  constructor(
    private readonly slots: RouteSlots,
    private readonly holds: KeyHolds | null = null,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Bytes held by the FIB's own columns (the slot index is the RIB's, see RouteSlots). */
  get byteSize(): number {
    return this.wantCol.byteLength + this.genCol.byteLength + this.flagCol.byteLength + this.failCol.byteLength + this.markCol.byteLength + this.formCol.byteLength;
  }

  /** The slot of a key the FIB holds, or -1. */
  slot(key: number): number {
    const s = this.slots.find(key);
    return s >= 0 && this.live(s) ? s : -1;
  }

  /** The slot of a key, made (pending, wanting nothing) when the FIB does not hold it yet. */
  add(key: number): number {
    return this.adopt(this.slots.hold(key, HOLD_FIB), key);
  }

  /** The same for a key whose slot in the index the caller found (s ≥ 0): no probe at all. */
  addAt(slot: number, key: number): number {
    if (this.inUse(slot)) return slot;
    this.slots.holdSlot(slot, HOLD_FIB);
    return this.adopt(slot, key);
  }

  private adopt(slot: number, key: number): number {
    if (slot >= this.flagCol.length) this.grow();
    if (this.live(slot)) return slot;
    this.count++;
    this.holds?.retain(key);
    this.wantCol[slot] = WANT_NONE;
    this.genCol[slot] = -1;
    this.flagCol[slot] = LIVE;
    this.failCol[slot] = 0;
    this.markCol[slot] = 0;
    this.formCol[slot] = -1;
    return slot;
  }

  /** A slot the FIB holds (a slot of the index may also be the Loc-RIB's alone). */
  inUse(slot: number): boolean {
    return slot >= 0 && slot < this.flagCol.length && this.live(slot);
  }

  private live(slot: number): boolean {
    return ((this.flagCol[slot] ?? 0) & LIVE) !== 0; // a slot of the index may lie beyond the columns
  }

  // A slot is an index add() returned (or a scan of live slots), so every column holds it: the
  // reads below use `!` rather than a check per access on the FIB's per-route path.

  remove(slot: number): void {
    this.setForm(slot, -1);
    const key = this.slots.keyOf(slot);
    this.flagCol[slot] = 0;
    this.count--;
    this.slots.release(slot, HOLD_FIB);
    this.holds?.release(key);
  }

  key(slot: number): number {
    return this.slots.keyOf(slot);
  }

  want(slot: number): number {
    return this.wantCol[slot]!;
  }

  setWant(slot: number, want: number): void {
    this.wantCol[slot] = want;
  }

  state(slot: number): RouteStateName {
    return STATES[this.flagCol[slot]! & STATE_MASK]!; // the mask keeps it within STATES
  }

  setState(slot: number, state: RouteStateName): void {
    this.flagCol[slot] = (this.flagCol[slot]! & ~STATE_MASK) | STATES.indexOf(state);
  }

  dirty(slot: number): boolean {
    return (this.flagCol[slot]! & DIRTY) !== 0;
  }

  setDirty(slot: number, on: boolean): void {
    this.flagCol[slot] = on ? this.flagCol[slot]! | DIRTY : this.flagCol[slot]! & ~DIRTY;
  }

  /** Its last write is prepared or in the kernel and has not reported yet. */
  inflight(slot: number): boolean {
    return (this.flagCol[slot]! & INFLIGHT) !== 0;
  }

  setInflight(slot: number, on: boolean): void {
    this.flagCol[slot] = on ? this.flagCol[slot]! | INFLIGHT : this.flagCol[slot]! & ~INFLIGHT;
  }

  /** Number of the last batch that wrote this route (verification skips newer ones). */
  gen(slot: number): number {
    return this.genCol[slot]!;
  }

  setGen(slot: number, gen: number): void {
    this.genCol[slot] = gen;
  }

  failures(slot: number): number {
    return this.failCol[slot]!;
  }

  setFailures(slot: number, n: number): void {
    this.failCol[slot] = Math.min(255, n);
  }

  /** A scratch mark per slot, for one pass of verification (which routes the kernel listed). */
  mark(slot: number): number {
    return this.markCol[slot]!;
  }

  setMark(slot: number, mark: number): void {
    this.markCol[slot] = mark;
  }

  /** Id of the form installed in the kernel (see InstalledRoutes), or -1. */
  form(slot: number): number {
    return this.formCol[slot]!;
  }

  setForm(slot: number, id: number): void {
    const was = this.formCol[slot]!;
    if (was < 0 && id >= 0) this.forms++;
    else if (was >= 0 && id < 0) this.forms--;
    this.formCol[slot] = id;
  }

  /** Slots with an installed form. */
  get formCount(): number {
    return this.forms;
  }

  forEachForm(fn: (slot: number, id: number) => void): void {
    const col = this.formCol;
    const flags = this.flagCol;
    for (let s = 0; s < col.length; s++) {
      const id = col[s]!;
      if (id >= 0 && (flags[s]! & LIVE) !== 0) fn(s, id);
    }
  }

  /** Calls fn with every slot in use; the table must not change meanwhile. */
  forEach(fn: (slot: number) => void): void {
    const flags = this.flagCol;
    for (let s = 0; s < flags.length; s++) if ((flags[s]! & LIVE) !== 0) fn(s);
  }

  /** Slots whose want is in `wants` (a scan: for rare events, a next hop going down). */
  slotsWanting(wants: ReadonlySet<number>): number[] {
    const out: number[] = [];
    const col = this.wantCol;
    const flags = this.flagCol;
    for (let s = 0; s < col.length; s++) if ((flags[s]! & LIVE) !== 0 && wants.has(col[s]!)) out.push(s);
    return out;
  }

  private grow(): void {
    let cap = this.flagCol.length * 2;
    while (cap < this.slots.bound) cap *= 2;
    const grown = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.wantCol = grown(this.wantCol, (n) => new Int32Array(n));
    this.genCol = grown(this.genCol, (n) => new Int32Array(n));
    this.flagCol = grown(this.flagCol, (n) => new Uint8Array(n));
    this.failCol = grown(this.failCol, (n) => new Uint8Array(n));
    this.markCol = grown(this.markCol, (n) => new Uint8Array(n));
    this.formCol = grown(this.formCol, (n) => new Int32Array(n).fill(-1));
  }
}

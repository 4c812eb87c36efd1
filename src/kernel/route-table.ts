// The FIB's per-route bookkeeping, keyed like the RIB (route key: IPv4 address × 64 + length, or
// an IPv6 prefix id) and stored by slot: what the RIB wants for the prefix (an interned desired
// id), the route's state, its consecutive failures, the batch that last wrote it, and the id of
// the form installed in the kernel (which the model, fib-model.ts, interprets), in typed arrays.
// The key is hashed once, here, when the RIB hands it over; from then on the differ, the model and
// the writers name the route by its slot. A full table costs a slot in a PrefixTable (17–24 bytes)
// and 23 bytes of columns per route, no object and no string; errors are kept apart for the few
// routes that have one. Plain data, no I/O.
import { PrefixTable } from '../rib/prefix-table.js';
import type { KeyHolds } from './fib-model.js';
import type { RouteStateName } from './types.js';

/** The RIB wants no route (a stale one, or one being removed). */
export const WANT_NONE = -1;

const STATES: readonly RouteStateName[] = ['pending', 'installed', 'failed', 'stale'];
const STATE_MASK = 3;
const DIRTY = 4;
const INFLIGHT = 8;

export class RouteTable {
  private readonly slots = new PrefixTable();
  private keyCol = new Float64Array(64);
  private wantCol = new Int32Array(64);
  private genCol = new Int32Array(64);
  private flagCol = new Uint8Array(64);
  private failCol = new Uint8Array(64);
  private markCol = new Uint8Array(64);
  private formCol = new Int32Array(64).fill(-1);
  private forms = 0;
  private readonly free: number[] = [];
  private used = 0;

  /** `holds` keeps the IPv6 prefix ids of the keys held here alive in the RIB's index. */
  constructor(private readonly holds: KeyHolds | null = null) {}

  get size(): number {
    return this.slots.size;
  }

  /** Bytes held by the arrays (for the bytes-per-route figure). */
  get byteSize(): number {
    return this.slots.byteSize + this.keyCol.byteLength + this.wantCol.byteLength + this.genCol.byteLength + this.flagCol.byteLength + this.failCol.byteLength + this.markCol.byteLength + this.formCol.byteLength;
  }

  /** The slot of a key, or -1. */
  slot(key: number): number {
    return this.slots.get(key);
  }

  /** The slot of a key, made (pending, wanting nothing) when new. */
  add(key: number): number {
    const next = this.free.length > 0 ? this.free[this.free.length - 1]! : this.used; // length > 0
    const s = this.slots.getOrSet(key, next);
    if (s >= 0) return s;
    const slot = next;
    if (this.free.length > 0) this.free.pop();
    else this.used++;
    if (slot >= this.keyCol.length) this.grow();
    this.holds?.retain(key);
    this.keyCol[slot] = key;
    this.wantCol[slot] = WANT_NONE;
    this.genCol[slot] = -1;
    this.flagCol[slot] = 0;
    this.failCol[slot] = 0;
    this.markCol[slot] = 0;
    this.formCol[slot] = -1;
    return slot;
  }

  // A slot is an index add() returned (or a scan below `used`), so every column holds it: the
  // reads below use `!` rather than a check per access on the FIB's per-route path.

  remove(slot: number): void {
    this.setForm(slot, -1);
    this.slots.delete(this.keyCol[slot]!);
    this.holds?.release(this.keyCol[slot]!);
    this.keyCol[slot] = -1;
    this.free.push(slot);
  }

  key(slot: number): number {
    return this.keyCol[slot]!;
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

  /** Whether the slot holds a route (a slot that was removed holds key -1). */
  inUse(slot: number): boolean {
    return slot < this.used && this.keyCol[slot]! >= 0;
  }

  /** Slots with an installed form. */
  get formCount(): number {
    return this.forms;
  }

  forEachForm(fn: (slot: number, id: number) => void): void {
    const col = this.formCol;
    for (let s = 0; s < this.used; s++) {
      const id = col[s]!;
      if (this.keyCol[s]! >= 0 && id >= 0) fn(s, id);
    }
  }

  /** Calls fn with every slot in use; the table must not change meanwhile. */
  forEach(fn: (slot: number) => void): void {
    for (let s = 0; s < this.used; s++) if (this.keyCol[s]! >= 0) fn(s);
  }

  /** Slots whose want is in `wants` (a scan: for rare events, a next hop going down). */
  slotsWanting(wants: ReadonlySet<number>): number[] {
    const out: number[] = [];
    const col = this.wantCol;
    for (let s = 0; s < this.used; s++) if (this.keyCol[s]! >= 0 && wants.has(col[s]!)) out.push(s);
    return out;
  }

  private grow(): void {
    const cap = this.keyCol.length * 2;
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.keyCol = grown(this.keyCol, (n) => new Float64Array(n));
    this.wantCol = grown(this.wantCol, (n) => new Int32Array(n));
    this.genCol = grown(this.genCol, (n) => new Int32Array(n));
    this.flagCol = grown(this.flagCol, (n) => new Uint8Array(n));
    this.failCol = grown(this.failCol, (n) => new Uint8Array(n));
    this.markCol = grown(this.markCol, (n) => new Uint8Array(n));
    this.formCol = grown(this.formCol, (n) => new Int32Array(n).fill(-1));
  }
}

// An open-addressing hash map from route key (a double: IPv4 address × 64 + length, or an
// IPv6 prefix id) to a 32-bit integer. Two typed arrays and no per-entry object: about
// 12 bytes a slot, 17–24 bytes an entry at the load factors used, where a Map of numbers
// costs several times that and feeds the garbage collector on every insert.

const EMPTY = -1; // keys are ≥ 0, so a negative key marks a free slot
const MIN_CAPACITY = 16;
const MAX_LOAD = 0.7;

// Every index below is masked by `mask` (capacity − 1) or bounded by the arrays' length, so the
// typed-array reads carry `!`: a check per probe would sit on the RIB's hottest path.

/** A 32-bit hash of a route key, for open addressing; IPv4 keys differ mostly in the middle bits, so the high and low parts are mixed. */
export function keyHash(key: number): number {
  const lo = key % 4294967296 | 0;
  const hi = (key / 4294967296) | 0;
  let h = Math.imul(lo ^ (hi * 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class PrefixTable {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 0) {
    let cap = MIN_CAPACITY;
    while (cap * MAX_LOAD < expected) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's arrays. */
  get byteSize(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  private slotOf(key: number): number {
    return keyHash(key) & this.mask;
  }

  /** The value for key, or `missing` (default -1). */
  get(key: number, missing = -1): number {
    const keys = this.keys;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === key) return this.values[i]!;
      if (k === EMPTY) return missing;
      i = (i + 1) & this.mask;
    }
  }

  has(key: number): boolean {
    const keys = this.keys;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === key) return true;
      if (k === EMPTY) return false;
      i = (i + 1) & this.mask;
    }
  }

  /** Sets key to value; returns the previous value or `missing` when the key was new. */
  set(key: number, value: number, missing = -1): number {
    if ((this.count + 1) > this.keys.length * MAX_LOAD) this.grow();
    const keys = this.keys;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === key) {
        const old = this.values[i]!;
        this.values[i] = value;
        return old;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.values[i] = value;
        this.count++;
        return missing;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Removes key; returns its value or `missing`. Backward-shift deletion keeps probes short without tombstones. */
  delete(key: number, missing = -1): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === EMPTY) return missing;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    const old = values[i]!;
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const k = keys[j]!;
      if (k === EMPTY) break;
      const home = this.slotOf(k);
      // Move j into the hole when its home slot does not lie cyclically in (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        keys[hole] = k;
        values[hole] = values[j]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = EMPTY;
    this.count--;
    return old;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    // Keys are distinct and the new table has room: each goes to the first free slot of its
    // probe, with no comparison and no load check (a full table grows through this 17 times).
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k === EMPTY) continue;
      let j = this.slotOf(k);
      while (keys[j] !== EMPTY) j = (j + 1) & mask;
      keys[j] = k;
      values[j] = oldValues[i]!;
    }
  }

  /** Calls fn for every entry; the table must not change meanwhile. */
  forEach(fn: (key: number, value: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k !== EMPTY) fn(k, this.values[i]!);
    }
  }

  /** All keys, in slot order. */
  keyList(): Float64Array {
    const out = new Float64Array(this.count);
    let n = 0;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k !== EMPTY) out[n++] = k;
    }
    return out;
  }

  clear(): void {
    this.keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.values = new Int32Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.count = 0;
  }
}

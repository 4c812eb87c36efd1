// The bucket array of an open-addressing table whose entries are small integer ids (route slots,
// IPv6 prefix ids): an Int32Array of ids, NO_ID where empty, probed linearly from a 32-bit hash.
// Its owner keeps what an id stands for and how it hashes, and does its own probing (it alone
// knows what equal means); this keeps what both tables would otherwise write twice: taking an id
// out with backward-shift deletion (no tombstones, so probes stay short under churn) and
// doubling. Plain data, no I/O.

export const NO_ID = -1;

export class IdBuckets {
  buckets: Int32Array;
  mask: number;

  constructor(size: number) {
    this.buckets = new Int32Array(size).fill(NO_ID);
    this.mask = size - 1;
  }

  get byteSize(): number {
    return this.buckets.byteLength;
  }

  /** Takes a stored id out; `hash(id)` is the hash it was placed by, for it and every other id. */
  remove(id: number, hash: (id: number) => number): void {
    const buckets = this.buckets;
    const mask = this.mask;
    let hole = hash(id) & mask;
    while (buckets[hole] !== id) hole = (hole + 1) & mask; // a stored id is in its probe run
    let j = (hole + 1) & mask;
    for (;;) {
      const other = buckets[j]!; // j is masked
      if (other === NO_ID) break;
      const home = hash(other) & mask;
      // Move j into the hole when its home bucket does not lie cyclically in (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        buckets[hole] = other;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    buckets[hole] = NO_ID;
  }

  /** Doubles the buckets; every id goes to the first empty bucket of its probe (ids are distinct). */
  grow(hash: (id: number) => number): void {
    const old = this.buckets;
    const buckets = new Int32Array(old.length * 2).fill(NO_ID);
    const mask = buckets.length - 1;
    for (let i = 0; i < old.length; i++) {
      const id = old[i]!; // i < length
      if (id === NO_ID) continue;
      let j = hash(id) & mask;
      while (buckets[j] !== NO_ID) j = (j + 1) & mask;
      buckets[j] = id;
    }
    this.buckets = buckets;
    this.mask = mask;
  }
}

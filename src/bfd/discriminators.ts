// Local discriminators (RFC 5880 §6.3): nonzero, unique among live sessions, and not handed
// out again while a remote may still address packets to a session that just went away.
// What it is not: the lookup of sessions by discriminator, which io.ts keeps beside its sockets.

/** Long enough for any remote to time out a session at the slow 1 s rate × 255. */
export const REUSE_QUARANTINE_MS = 300_000;

export class DiscriminatorPool {
  private readonly inUse = new Set<number>();
  /** Released discriminators and when, oldest first. */
  private readonly released = new Map<number, number>();

  constructor(private readonly random: () => number) {}

  allocate(now: number): number {
    for (const [discr, at] of this.released) {
      if (now - at < REUSE_QUARANTINE_MS) break;
      this.released.delete(discr);
    }
    // Random picks from 2^32 rarely collide; a bound keeps a broken random source from hanging.
    for (let tries = 0; tries < 1000; tries++) {
      const discr = Math.floor(this.random() * 0xffffffff) + 1;
      if (discr > 0xffffffff || this.inUse.has(discr) || this.released.has(discr)) continue;
      this.inUse.add(discr);
      return discr;
    }
    throw new Error('no free BFD discriminator');
  }

  release(discr: number, now: number): void {
    if (!this.inUse.delete(discr)) return;
    this.released.set(discr, now);
  }
}

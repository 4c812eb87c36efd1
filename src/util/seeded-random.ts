// A seeded random number step for pure state machines: the generator's state travels in the
// machine's own state, so a step stays a function of its inputs (jitter in the BGP FSM and the
// BFD session). Not for anything that needs unpredictability.

/** mulberry32: small, fast and good enough for jitter. Returns a value in [0, 1) and the next seed. */
export function nextRandom(seed: number): { value: number; seed: number } {
  const s = (seed + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, seed: s };
}

// A fuzz campaign: seeds, then `count` seeded mutations of them, each checked against the
// invariants. Mutation i of a run depends only on (seed, i) and the seed list, so a failure is
// replayed with the same seed, the same seed list and its index.
import { toHex, type CodecContext } from '../../src/bgp/wire/index.js';
import { checkMessage, type Outcome } from './check.js';
import { mutate } from './mutate.js';
import { rngFor } from './rng.js';
import type { FuzzSeed } from './seeds.js';

const SENTINELS = [0xa5, 0xff, 0x00, 0x5a];

export interface MutationCase {
  index: number;
  bytes: Uint8Array;
  ctx: CodecContext;
  source: string;
  steps: string[];
  sentinel: number;
}

export interface Failure {
  /** -1 for an unmutated seed */
  index: number;
  source: string;
  steps: string[];
  ctx: CodecContext;
  hex: string;
  failure: string;
}

export interface CampaignResult {
  mutations: number;
  elapsedMs: number;
  outcomes: Record<Outcome | 'threw', number>;
  /** How often each mutator was applied. */
  steps: Record<string, number>;
  failures: Failure[];
}

export function mutationAt(seeds: readonly FuzzSeed[], seed: number, index: number): MutationCase {
  const rng = rngFor(seed, index);
  const target = rng.pick(seeds);
  const donor = rng.pick(seeds);
  const m = mutate(target.bytes, donor.bytes, rng);
  return { index, bytes: m.bytes, ctx: target.ctx, source: target.source, steps: m.steps, sentinel: SENTINELS[index % SENTINELS.length]! }; // the modulus keeps it in range
}

export interface CampaignOptions {
  seeds: readonly FuzzSeed[];
  seed: number;
  count: number;
  /** Stop collecting (not running) after this many failures. */
  maxFailures?: number;
  /** Called every `progressEvery` mutations. */
  onProgress?: (done: number, result: CampaignResult) => void;
  progressEvery?: number;
}

export function runCampaign(o: CampaignOptions): CampaignResult {
  if (o.seeds.length === 0) throw new RangeError('no seeds to mutate');
  const result: CampaignResult = {
    mutations: 0,
    elapsedMs: 0,
    outcomes: { ok: 0, 'treat-as-withdraw': 0, 'attribute-discard': 0, notification: 0, incomplete: 0, threw: 0 },
    steps: {},
    failures: [],
  };
  const maxFailures = o.maxFailures ?? 20;
  const record = (c: Omit<MutationCase, 'sentinel'>, failure: string) => {
    if (result.failures.length < maxFailures) result.failures.push({ index: c.index, source: c.source, steps: c.steps, ctx: c.ctx, hex: toHex(c.bytes), failure });
  };
  // The seeds themselves first: real captures must satisfy the invariants unmutated.
  for (const s of o.seeds) {
    const v = checkMessage(s.bytes, s.ctx);
    if (v.failure) record({ index: -1, bytes: s.bytes, ctx: s.ctx, source: s.source, steps: [] }, v.failure);
  }
  const started = performance.now();
  for (let i = 0; i < o.count; i++) {
    const c = mutationAt(o.seeds, o.seed, i);
    const v = checkMessage(c.bytes, c.ctx, c.sentinel);
    result.outcomes[v.outcome ?? 'threw']++;
    for (const s of c.steps) result.steps[s] = (result.steps[s] ?? 0) + 1;
    if (v.failure) record(c, v.failure);
    result.mutations = i + 1;
    if (o.onProgress && o.progressEvery && (i + 1) % o.progressEvery === 0) {
      result.elapsedMs = performance.now() - started;
      o.onProgress(i + 1, result);
    }
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

// The fuzzer's own parts: seeded mutators that do what their names say, replayable mutations,
// and a seed loader that copes with a missing or half-written fixtures directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage, toHex } from '../../src/bgp/wire/index.js';
import { mutationAt } from '../../bench/fuzz/campaign.js';
import { readU16, updateLayout } from '../../bench/fuzz/layout.js';
import { MUTATORS, mutate } from '../../bench/fuzz/mutate.js';
import { Rng, rngFor } from '../../bench/fuzz/rng.js';
import { fixtureSeeds, generatedSeeds } from '../../bench/fuzz/seeds.js';
import { MANDATORY_2, NLRI_10_0_0, attr, update } from '../unit/wire/bytes.js';

const SEED_UPDATE = update({ attributes: MANDATORY_2 + attr(0xc0, 8, 'ffffff01') + attr(0xc0, 17, '02 01 fa56ea01'), nlri: NLRI_10_0_0 });
const DONOR = update({ attributes: MANDATORY_2 + attr(0xc0, 32, 'fa56ea01 00000001 00000002'), nlri: NLRI_10_0_0 });

function mutator(name: string) {
  const m = MUTATORS.find((x) => x.name === name);
  if (!m) throw new Error(`no mutator ${name}`);
  return m.mutate;
}

describe('mutators', () => {
  it('are deterministic for a seed and never change their input', () => {
    const copy = SEED_UPDATE.slice();
    for (let i = 0; i < 200; i++) {
      const a = mutate(SEED_UPDATE, DONOR, rngFor(9, i));
      const b = mutate(SEED_UPDATE, DONOR, rngFor(9, i));
      expect(toHex(a.bytes)).toBe(toHex(b.bytes));
      expect(a.steps).toEqual(b.steps);
      expect(a.steps.length).toBeGreaterThan(0);
    }
    expect(toHex(SEED_UPDATE)).toBe(toHex(copy));
  });

  it('each change an UPDATE', () => {
    for (const m of MUTATORS) {
      let changed = false;
      for (let i = 0; i < 20 && !changed; i++) {
        const out = m.mutate(SEED_UPDATE, new Rng(i + 1), DONOR);
        changed = out !== null && toHex(out) !== toHex(SEED_UPDATE);
      }
      if (m.name !== 'open-parameters') expect(changed, m.name).toBe(true);
    }
  });

  it('keep the length fields consistent when they move attributes around', () => {
    for (const name of ['splice-attribute', 'duplicate-attribute', 'drop-attribute']) {
      for (let i = 0; i < 20; i++) {
        const out = mutator(name)(SEED_UPDATE, new Rng(i + 1), DONOR);
        if (!out) throw new Error(`${name} did not apply`);
        expect(readU16(out, 16)).toBe(out.length);
        const layout = updateLayout(out);
        expect(layout?.attributesEnd).toBe(out.length - 4); // the NLRI is still the last 4 bytes
        expect(out.length).not.toBe(SEED_UPDATE.length);
      }
    }
  });

  it('repeat an attribute so the decoder sees a duplicate', () => {
    const out = mutator('duplicate-attribute')(SEED_UPDATE, new Rng(3), DONOR);
    if (!out) throw new Error('did not apply');
    const r = decodeMessage(out, { as4: false, addPath: { ipv4: false, ipv6: false }, extendedMessage: false });
    expect(r.outcome).toBe('attribute-discard');
    expect(r.outcome === 'attribute-discard' ? r.discarded.length : 0).toBe(1);
  });

  it('edit OPEN parameters only in an OPEN', () => {
    expect(mutator('open-parameters')(SEED_UPDATE, new Rng(1), DONOR)).toBeNull();
    const open = generatedSeeds(50, 4).find((s) => s.bytes[18] === 1 && s.bytes.length > 29);
    if (!open) throw new Error('no OPEN among the generated seeds');
    const out = mutator('open-parameters')(open.bytes, new Rng(2), DONOR);
    expect(out && toHex(out)).not.toBe(toHex(open.bytes));
  });

  it('replay a campaign mutation from its seed and index alone', () => {
    const seeds = generatedSeeds(30, 11);
    const a = mutationAt(seeds, 42, 1234);
    const b = mutationAt(generatedSeeds(30, 11), 42, 1234);
    expect(toHex(a.bytes)).toBe(toHex(b.bytes));
    expect(a.source).toBe(b.source);
  });
});

describe('seed loading', () => {
  it('finds no seeds, and no error, when the fixtures directory is missing', () => {
    expect(fixtureSeeds(join(tmpdir(), 'necod-no-such-fixtures'))).toEqual({ seeds: [], skipped: [] });
  });

  it('reads messages with their context and skips what it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'necod-fixtures-'));
    try {
      writeFileSync(
        join(dir, 'a.json'),
        JSON.stringify({
          messages: [
            { hex: toHex(SEED_UPDATE), context: { as4: true, addpath: { ipv4: true, ipv6: false }, extended_message: true } },
            { hex: 'ffffffffffffffffffffffffffffffff001304' },
            { context: {} },
          ],
        }),
      );
      writeFileSync(join(dir, 'b.json'), '{"messages": [');
      writeFileSync(join(dir, 'c.json'), '{"packets": []}');
      writeFileSync(join(dir, 'notes.txt'), 'not a fixture');
      const { seeds, skipped } = fixtureSeeds(dir);
      expect(seeds.map((s) => s.source)).toEqual(['a.json#0', 'a.json#1']);
      expect(seeds[0]?.ctx).toEqual({ as4: true, addPath: { ipv4: true, ipv6: false }, extendedMessage: true });
      expect(seeds[1]?.ctx).toEqual({ as4: false, addPath: { ipv4: false, ipv6: false }, extendedMessage: false });
      expect(toHex(seeds[0]!.bytes)).toBe(toHex(SEED_UPDATE));
      expect(skipped).toHaveLength(3);
      expect(skipped[0]).toBe('a.json#2: no hex');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates the same seeds for the same seed number', () => {
    expect(generatedSeeds(20, 5).map((s) => toHex(s.bytes))).toEqual(generatedSeeds(20, 5).map((s) => toHex(s.bytes)));
  });
});

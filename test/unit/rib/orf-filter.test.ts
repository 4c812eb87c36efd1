// The neighbor's Address Prefix ORF as a filter (RFC 5291 §4 actions, RFC 5292 matching).
import { describe, expect, it } from 'vitest';
import type { PrefixOrfEntry } from '../../../src/bgp/wire/index.js';
import { readIpv4 } from '../../../src/net/index.js';
import { applyOrfEntries, orfPermits } from '../../../src/rib/orf-filter.js';

function entry(over: Partial<PrefixOrfEntry> & Pick<PrefixOrfEntry, 'prefix' | 'length'>): PrefixOrfEntry {
  return { action: 'add', match: 'permit', sequence: 5, minLength: 0, maxLength: 0, ...over };
}
const v4 = (a: number, b: number, c: number, d: number, length: number) => ({ address: readIpv4(Uint8Array.of(a, b, c, d), 0), length });

describe('ORF filter', () => {
  it('matches exactly when minlen and maxlen are zero, and over the range otherwise', () => {
    const exact = applyOrfEntries([], [entry({ prefix: Uint8Array.of(10, 0, 0, 0), length: 8 })], false);
    expect(orfPermits(exact, v4(10, 0, 0, 0, 8))).toBe(true);
    expect(orfPermits(exact, v4(10, 1, 0, 0, 16))).toBe(false);
    const range = applyOrfEntries([], [entry({ prefix: Uint8Array.of(10, 0, 0, 0), length: 8, minLength: 16, maxLength: 24 })], false);
    expect(orfPermits(range, v4(10, 1, 0, 0, 16))).toBe(true);
    expect(orfPermits(range, v4(10, 1, 2, 0, 24))).toBe(true);
    expect(orfPermits(range, v4(10, 1, 2, 3, 32))).toBe(false);
    expect(orfPermits(range, v4(11, 1, 0, 0, 16))).toBe(false);
    // "ge 16" alone, as FRR sends it: up to the address size.
    const ge = applyOrfEntries([], [entry({ prefix: Uint8Array.of(10, 0, 0, 0), length: 8, minLength: 16 })], false);
    expect(orfPermits(ge, v4(10, 1, 2, 3, 32))).toBe(true);
  });

  it('lets the lowest sequence decide, denies what nothing matches, and follows remove and remove-all', () => {
    const deny = entry({ sequence: 5, match: 'deny', prefix: Uint8Array.of(10, 1, 0, 0), length: 16, minLength: 16, maxLength: 32 });
    const permit = entry({ sequence: 10, prefix: Uint8Array.of(10, 0, 0, 0), length: 8, minLength: 8, maxLength: 32 });
    const f = applyOrfEntries([], [permit, deny], false);
    expect(orfPermits(f, v4(10, 1, 5, 0, 24))).toBe(false);
    expect(orfPermits(f, v4(10, 2, 5, 0, 24))).toBe(true);
    expect(orfPermits(f, v4(192, 168, 0, 0, 24))).toBe(false);
    const removed = applyOrfEntries(f, [{ ...deny, action: 'remove' }], false);
    expect(orfPermits(removed, v4(10, 1, 5, 0, 24))).toBe(true);
    expect(applyOrfEntries(f, [{ ...deny, action: 'remove-all' }], false)).toEqual([]);
    expect(orfPermits([], v4(192, 168, 0, 0, 24))).toBe(true);
  });

  it('drops the whole filter when the entries were malformed', () => {
    const f = applyOrfEntries([], [entry({ prefix: Uint8Array.of(10, 0, 0, 0), length: 8 })], false);
    expect(applyOrfEntries(f, [], true)).toEqual([]);
  });
});

// Prefixes in src/net: one parser and formatter, host bits kept as written so that each caller
// decides, containment and masking on both families.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPrefix,
  hasHostBits,
  maskAddress,
  networkOf,
  parseAddress,
  parsePrefix,
  prefixContains,
  sameAddress,
  subnetOf,
  type IpAddress,
  type Prefix,
} from '../../../src/net/index.js';

const v4 = fc.integer({ min: 0, max: 0xffffffff });
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const prefix: fc.Arbitrary<Prefix> = fc.oneof(
  fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([address, length]) => ({ address, length })),
  fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([address, length]) => ({ address, length })),
);

/** The address's bits as a string of 0 and 1, for a reference answer. */
function bits(a: IpAddress): string {
  const b = typeof a === 'number' ? [a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff] : [...a];
  return b.map((x) => x.toString(2).padStart(8, '0')).join('');
}

describe('prefix text', () => {
  it('parse ∘ format is the identity, host bits included', () => {
    fc.assert(
      fc.property(prefix, (p) => {
        const back = parsePrefix(formatPrefix(p))!;
        expect(back.length).toBe(p.length);
        expect(sameAddress(back.address, p.address)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads address/length with a plain decimal length within the family', () => {
    expect(parsePrefix('10.0.0.0/24')).toEqual({ address: 0x0a000000, length: 24 });
    expect(formatPrefix(parsePrefix('2001:DB8:0:0::/48')!)).toBe('2001:db8::/48');
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/024', '10.0.0.0/', '10.0.0.0/x', '::/129', '::/-1', '/8', '10.0.0.0/8/8']) {
      expect(parsePrefix(bad), bad).toBeNull();
    }
  });
});

describe('host bits and containment', () => {
  it('masking clears exactly the bits past the length', () => {
    fc.assert(
      fc.property(prefix, (p) => {
        const masked = bits(maskAddress(p.address, p.length));
        const all = bits(p.address);
        expect(masked).toBe(all.slice(0, p.length) + '0'.repeat(all.length - p.length));
        expect(hasHostBits(p)).toBe(masked !== all);
        expect(hasHostBits(networkOf(p))).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('a prefix holds an address when their leading bits agree, and never one of the other family', () => {
    const pair = fc.oneof(
      fc.tuple(fc.tuple(v4, fc.integer({ min: 0, max: 32 })), v4),
      fc.tuple(fc.tuple(v6, fc.integer({ min: 0, max: 128 })), v6),
    );
    fc.assert(
      fc.property(pair, ([[address, length], other]) => {
        const p = { address, length } as Prefix;
        expect(prefixContains(p, other)).toBe(bits(address).slice(0, length) === bits(other).slice(0, length));
        expect(prefixContains(p, address)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    expect(prefixContains(parsePrefix('0.0.0.0/0')!, parseAddress('2001:db8::1')!)).toBe(false);
    expect(prefixContains(parsePrefix('::/0')!, parseAddress('10.0.0.1')!)).toBe(false);
  });

  it('gives the subnet of an interface address', () => {
    expect(formatPrefix(subnetOf('10.69.0.5', 26)!)).toBe('10.69.0.0/26');
    expect(formatPrefix(subnetOf('2001:db8:0:0:1::5', 64)!)).toBe('2001:db8::/64');
    expect(formatPrefix(subnetOf('2001:db8::5', 0)!)).toBe('::/0');
    expect(subnetOf('10.0.0.1', 33)).toBeNull();
    expect(subnetOf('10.0.0.1', -1)).toBeNull();
    expect(subnetOf('10.0.0.1', 1.5)).toBeNull();
    expect(subnetOf('10.0.0', 8)).toBeNull();
  });
});

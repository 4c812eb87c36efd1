// The one text parser and formatter per family (src/net): RFC 5952 output, strict input, and
// parse ∘ format the identity on every address.
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalAddress,
  formatAddress,
  formatIpv4,
  formatIpv6,
  isLinkLocal,
  isMulticast,
  parseAddress,
  parseIpv4,
  parseIpv6,
  unmapIpv4Text,
} from '../../../src/net/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
/** Addresses rich in zero groups, where the compression rules matter. */
const sparse16 = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((groups) => {
  const b = new Uint8Array(16);
  groups.forEach((g, i) => {
    b[2 * i] = g >>> 8;
    b[2 * i + 1] = g & 0xff;
  });
  return b;
});
const v6 = (text: string): string => formatIpv6(parseIpv6(text)!);

/**
 * Text made of `parts` joined by `separator`, or of any `alphabet` characters: near misses and
 * noise, for comparing what a parser accepts with node:net's answer.
 */
function textsOf(parts: fc.Arbitrary<string>, separator: string, most: number, alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.array(parts, { minLength: 1, maxLength: most }).map((ps) => ps.join(separator)),
    fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 46 }),
  );
}

describe('IPv4 text', () => {
  it('parse ∘ format is the identity', () => {
    fc.assert(fc.property(u32, (n) => parseIpv4(formatIpv4(n)) === n), { numRuns: 2000 });
  });

  it('takes exactly four decimal octets without leading zeros', () => {
    expect(parseIpv4('192.0.2.1')).toBe(0xc0000201);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1..3.4', '1.2.3.4.', ' 1.2.3.4', '1.2.3.+4', '1.2.3.0x1', '1.2.3.4/32']) {
      expect(parseIpv4(bad), bad).toBeNull();
    }
  });

  it('accepts what node:net accepts, nothing more', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '', 'a', '1e1'));
    const text = textsOf(octet, '.', 5, '0123456789.');
    fc.assert(fc.property(text, (s) => (parseIpv4(s) !== null) === isIPv4(s)), { numRuns: 3000 });
  });
});

describe('IPv6 text, RFC 5952', () => {
  it('parse ∘ format is the identity', () => {
    fc.assert(fc.property(fc.oneof(bytes16, sparse16), (b) => {
        expect([...(parseIpv6(formatIpv6(b)) ?? [])]).toEqual([...b]);
      }), { numRuns: 3000 });
  });

  it('compresses the longest run of zero groups, the first on a tie (§4.2.1, §4.2.3)', () => {
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(v6('0:0:0:0:0:0:0:0')).toBe('::');
    expect(v6('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(v6('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(v6('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
  });

  it('never compresses a single zero group (§4.2.2)', () => {
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(v6('1:0:2:0:3:0:4:0')).toBe('1:0:2:0:3:0:4:0');
  });

  it('writes lower case without leading zeros (§4.1, §4.3)', () => {
    expect(v6('2001:0DB8:00AB::0001')).toBe('2001:db8:ab::1');
    expect(v6('FE80::ABCD')).toBe('fe80::abcd');
  });

  it('writes an IPv4-mapped address with a dotted quad (§5), and reads both forms', () => {
    expect(v6('::ffff:c000:201')).toBe('::ffff:192.0.2.1');
    expect(v6('::FFFF:192.0.2.1')).toBe('::ffff:192.0.2.1');
    expect(v6('0:0:0:0:0:ffff:0:0')).toBe('::ffff:0.0.0.0');
    // Only ::ffff:0:0/96 is mapped; other embedded forms stay hex.
    expect(v6('::1.2.3.4')).toBe('::102:304');
    expect(v6('64:ff9b::192.0.2.1')).toBe('64:ff9b::c000:201');
  });

  it('every output is canonical: lower case, one "::" at most, standing for the longest run of two or more', () => {
    fc.assert(
      fc.property(fc.oneof(bytes16, sparse16), (b) => {
        const text = formatIpv6(b);
        if (text.startsWith('::ffff:') && text.includes('.')) return;
        expect(text).toBe(text.toLowerCase());
        expect(text.split('::').length).toBeLessThanOrEqual(2);
        for (const g of text.split(':')) if (g !== '') expect(g).toMatch(/^(0|[1-9a-f][0-9a-f]{0,3})$/);
        const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0));
        const runs = groups.map((_, i) => {
          let j = i;
          while (j < 8 && groups[j] === 0) j++;
          return j - i;
        });
        const longest = Math.max(...runs);
        if (longest < 2) expect(text).not.toContain('::');
        else {
          expect(text).toContain('::');
          const shown = text.split('::').map((h) => (h === '' ? 0 : h.split(':').length));
          expect(8 - (shown[0] ?? 0) - (shown[1] ?? 0)).toBe(longest);
          expect(shown[0]).toBe(runs.indexOf(longest)); // the first of equal runs
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads every way of writing an address to the same bytes', () => {
    const spelled = fc.tuple(fc.oneof(bytes16, sparse16), fc.boolean(), fc.boolean()).map(([b, upper, padded]) => {
      const groups = Array.from({ length: 8 }, (_, i) => (((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0)).toString(16));
      const text = groups.map((g) => (padded ? g.padStart(4, '0') : g)).join(':');
      return { b, text: upper ? text.toUpperCase() : text };
    });
    fc.assert(fc.property(spelled, ({ b, text }) => {
        expect([...(parseIpv6(text) ?? [])]).toEqual([...b]);
      }), { numRuns: 2000 });
  });

  it('refuses what is not an address, zones included', () => {
    for (const bad of ['', ':', '::::', ':::', '1:', ':1', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7:8::', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.04', 'fe80::1%eth0', '::/0', ' ::1']) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
  });

  it('accepts what node:net accepts (zones aside), nothing more', () => {
    const group = fc.oneof(fc.constantFrom('', '0', '00000', 'g', '1.2.3.4', '256.1.1.1'), fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)));
    const text = textsOf(group, ':', 10, '0123456789abcdefABCDEF:.');
    fc.assert(fc.property(text, (s) => (parseIpv6(s) !== null) === isIPv6(s)), { numRuns: 5000 });
  });
});

describe('either family', () => {
  it('reads, writes and classifies', () => {
    expect(parseAddress('10.0.0.1')).toBe(0x0a000001);
    expect(parseAddress('2001:db8::1')).toEqual(parseIpv6('2001:db8::1'));
    expect(parseAddress('node0')).toBeNull();
    expect(formatAddress(0x0a000001)).toBe('10.0.0.1');
    expect(canonicalAddress('2001:0db8::0001')).toBe('2001:db8::1');
    expect(canonicalAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalAddress('10.0.0.01')).toBeNull();
    expect(isLinkLocal(parseAddress('fe80::1')!)).toBe(true);
    expect(isLinkLocal(parseAddress('febf::1')!)).toBe(true);
    expect(isLinkLocal(parseAddress('fec0::1')!)).toBe(false);
    expect(isLinkLocal(parseAddress('169.254.1.1')!)).toBe(true);
    expect(isMulticast(parseAddress('239.1.1.1')!)).toBe(true);
    expect(isMulticast(parseAddress('ff02::1')!)).toBe(true);
    expect(isMulticast(parseAddress('10.1.1.1')!)).toBe(false);
  });

  it('keeps a canonical text as the same string', () => {
    const text = formatIpv6(parseIpv6('2001:db8::1')!);
    expect(canonicalAddress(text)).toBe(text);
  });
});

describe('dual-stack socket names', () => {
  it('an IPv4-mapped peer reads back as its IPv4 text; anything else is left alone', () => {
    expect(unmapIpv4Text('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(unmapIpv4Text('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(unmapIpv4Text('::ffff:c000:201')).toBe('::ffff:c000:201');
    expect(unmapIpv4Text('2001:db8::1')).toBe('2001:db8::1');
    expect(unmapIpv4Text('192.0.2.1')).toBe('192.0.2.1');
  });
});

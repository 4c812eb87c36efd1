// fast-check arbitraries for session contexts and prefix lists. They live under bench/ (built to
// dist/) because the fuzz runner seeds itself from the same generators as the property tests.
import fc from 'fast-check';
import { ipv4Key, type CodecContext, type Ipv4PrefixList, type Ipv6PrefixList } from '../../src/bgp/wire/index.js';

export const contextArb: fc.Arbitrary<CodecContext> = fc.record({
  as4: fc.boolean(),
  addPath: fc.record({ ipv4: fc.boolean(), ipv6: fc.boolean() }),
  extendedMessage: fc.boolean(),
});

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });

export interface PrefixListOptions {
  addPath: boolean;
  minLength?: number;
  maxLength: number;
  /** fast-check keeps arrays short unless told otherwise; 'max' spreads lengths up to maxLength. */
  size?: fc.SizeForArbitrary;
}

export function ipv4ListArb(o: PrefixListOptions): fc.Arbitrary<Ipv4PrefixList> {
  const entry = fc.record({ addr: u32, length: fc.integer({ min: 0, max: 32 }), pathId: u32 });
  return fc.array(entry, { minLength: o.minLength ?? 0, maxLength: o.maxLength, size: o.size }).map((entries) => ({
    afi: 1 as const,
    count: entries.length,
    keys: Float64Array.from(entries.map((e) => ipv4Key(e.addr, e.length))),
    pathIds: o.addPath ? Uint32Array.from(entries.map((e) => e.pathId)) : null,
  }));
}

/** IPv6 prefixes with host bits cleared, as the decoder returns them. */
export function ipv6ListArb(o: PrefixListOptions): fc.Arbitrary<Ipv6PrefixList> {
  const entry = fc.record({ addr: fc.uint8Array({ minLength: 16, maxLength: 16 }), length: fc.integer({ min: 0, max: 128 }), pathId: u32 });
  return fc.array(entry, { minLength: o.minLength ?? 0, maxLength: o.maxLength, size: o.size }).map((entries) => {
    const addrs = new Uint8Array(entries.length * 16);
    entries.forEach((e, i) => {
      for (let bit = e.length; bit < 128; bit++) e.addr[bit >> 3]! &= ~(0x80 >> (bit & 7));
      addrs.set(e.addr, i * 16);
    });
    return {
      afi: 2 as const,
      count: entries.length,
      addrs,
      lengths: Uint8Array.from(entries.map((e) => e.length)),
      pathIds: o.addPath ? Uint32Array.from(entries.map((e) => e.pathId)) : null,
    };
  });
}

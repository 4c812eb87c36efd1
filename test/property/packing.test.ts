// packAnnouncements / packWithdrawals: whatever the attributes, prefixes and context, every
// message fits the size limit and decodes, and together they carry exactly the input prefixes
// in order, each with the same attributes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeAttributes,
  findAttribute,
  packAnnouncements,
  packWithdrawals,
  type CodecContext,
  type PathAttribute,
  type PrefixList,
  type UpdateMessage,
} from '../../src/bgp/wire/index.js';
import { MP_V6, decodeAll } from '../support/fixtures/wire.js';
import { attributeSetArb, withMandatory } from '../../bench/fuzz/attribute-arbitraries.js';
import { canonicalAttributes, canonicalPrefixes } from '../../bench/fuzz/canonical.js';
import { contextArb, ipv4ListArb, ipv6ListArb } from '../../bench/fuzz/prefix-arbitraries.js';

const isMp = (a: PathAttribute) => a.name === 'MP_REACH_NLRI' || a.name === 'MP_UNREACH_NLRI';

function prefixListArb(ctx: CodecContext, minLength: number): fc.Arbitrary<PrefixList> {
  return fc.oneof(
    ipv4ListArb({ addPath: ctx.addPath.ipv4, minLength, maxLength: 3000, size: 'max' }),
    ipv6ListArb({ addPath: ctx.addPath.ipv6, minLength, maxLength: 2000, size: 'max' }),
  );
}

/** Attributes for an announcement that leave room for prefixes (at most 3000 bytes). */
function announcementArb(ctx: CodecContext): fc.Arbitrary<PathAttribute[]> {
  return attributeSetArb(ctx)
    .map((attrs) => withMandatory(attrs.filter((a) => !isMp(a)), true))
    .filter((attrs) => encodeAttributes(attrs, ctx).length <= 3000);
}

/** The prefixes a packed UPDATE carries, wherever the family puts them. */
function carried(msg: UpdateMessage, afi: number, field: 'announce' | 'withdraw'): string[] {
  if (afi === 1 && field === 'announce' && msg.nlri.count > 0) return canonicalPrefixes(msg.nlri);
  if (afi === 1 && field === 'withdraw') return canonicalPrefixes(msg.withdrawn);
  const mp = field === 'announce' ? findAttribute(msg.attributes, 'MP_REACH_NLRI')?.nlri : findAttribute(msg.attributes, 'MP_UNREACH_NLRI')?.withdrawn;
  if (!mp) throw new Error(`no ${field} NLRI in a packed UPDATE`);
  return canonicalPrefixes(mp);
}

describe('packing', () => {
  it('packAnnouncements carries exactly the input prefixes, in order, each message with the input attributes', () => {
    let split = 0;
    const arb = contextArb.chain((ctx) => fc.record({ ctx: fc.constant(ctx), attrs: announcementArb(ctx), nlri: prefixListArb(ctx, 0) }));
    fc.assert(
      fc.property(arb, ({ ctx, attrs, nlri }) => {
        const input = nlri.afi === 2 ? [...attrs, MP_V6] : attrs;
        const msgs = packAnnouncements(input, nlri, ctx);
        const decoded = decodeAll(msgs, ctx);
        if (msgs.length > 1) split++;
        expect(decoded.flatMap((m) => carried(m, nlri.afi, 'announce'))).toEqual(canonicalPrefixes(nlri));
        const expected = canonicalAttributes(attrs);
        for (const m of decoded) {
          expect(m.withdrawn.count).toBe(0);
          const mp = findAttribute(m.attributes, 'MP_REACH_NLRI');
          if (nlri.afi === 2) {
            // RFC 7606 §5.1: MP_REACH_NLRI first.
            expect(m.attributes[0]?.name).toBe('MP_REACH_NLRI');
            expect(mp?.nextHops).toEqual(['2001:db8::1', 'fe80::1']);
            expect(mp?.nlri?.count).toBeGreaterThan(0);
          } else {
            expect(mp).toBeUndefined();
            expect(m.nlri.count).toBeGreaterThan(0);
          }
          expect(canonicalAttributes(m.attributes.filter((a) => !isMp(a)))).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
    // The runs must have included lists that needed more than one message.
    expect(split).toBeGreaterThan(0);
  });

  it('packWithdrawals carries exactly the input prefixes, in order', () => {
    let split = 0;
    const arb = contextArb.chain((ctx) => fc.record({ ctx: fc.constant(ctx), list: prefixListArb(ctx, 0) }));
    fc.assert(
      fc.property(arb, ({ ctx, list }) => {
        const msgs = packWithdrawals(list, ctx);
        if (msgs.length > 1) split++;
        const decoded = decodeAll(msgs, ctx);
        expect(decoded.flatMap((m) => carried(m, list.afi, 'withdraw'))).toEqual(canonicalPrefixes(list));
        for (const m of decoded) {
          expect(m.nlri.count).toBe(0);
          expect(m.attributes.map((a) => a.name)).toEqual(list.afi === 1 ? [] : ['MP_UNREACH_NLRI']);
        }
      }),
      { numRuns: 60 },
    );
    expect(split).toBeGreaterThan(0);
  });
});

// Each path attribute and each capability on its own, so a failure names the one that broke:
// encode → decode gives it back under any session context.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { DEFAULT_CONTEXT, EMPTY_IPV4, type OpenMessage, type PathAttribute, type UpdateMessage } from '../../src/bgp/wire/index.js';
import { knownAttributeArbs, unknownAttributeArb, withMandatory } from '../../bench/fuzz/attribute-arbitraries.js';
import { capabilityArbs, encodable } from '../../bench/fuzz/message-arbitraries.js';
import { contextArb, ipv4ListArb } from '../../bench/fuzz/prefix-arbitraries.js';
import { expectRoundTrip } from './roundtrip.js';

/** Indexes the attribute arbitraries by the name of what they make (the list order is not relied on). */
const byName = new Map<string, (ctx: typeof DEFAULT_CONTEXT) => fc.Arbitrary<PathAttribute>>();
knownAttributeArbs(DEFAULT_CONTEXT).forEach((arb, i) => {
  const [sample] = fc.sample(arb, { numRuns: 1, seed: 1 });
  byName.set(sample!.name, (ctx) => knownAttributeArbs(ctx)[i]!);
});
byName.set('UNKNOWN', () => unknownAttributeArb);

describe('attribute round trip', () => {
  it('has an arbitrary for each of the 16 known attributes', () => {
    if (byName.size !== 17) throw new Error(`only ${[...byName.keys()].join(', ')}`);
  });

  for (const [name, make] of byName) {
    it(`holds for ${name}`, () => {
      // RFC 6793 §3: a 4-octet session discards AS4_PATH and AS4_AGGREGATOR (the decode tests show it).
      const contexts = name.startsWith('AS4_') ? contextArb.filter((ctx) => !ctx.as4) : contextArb;
      const arb = contexts.chain((ctx) =>
        fc
          .record({ attr: make(ctx), nlri: ipv4ListArb({ addPath: ctx.addPath.ipv4, maxLength: 3 }) })
          .map(({ attr, nlri }): UpdateMessage => ({ type: 'UPDATE', withdrawn: EMPTY_IPV4, attributes: withMandatory([attr], nlri.count > 0), nlri }))
          .filter((m) => encodable(m, ctx))
          .map((message) => ({ ctx, message })),
      );
      fc.assert(
        fc.property(arb, ({ ctx, message }) => expectRoundTrip(message, ctx)),
        { numRuns: 60 },
      );
    });
  }
});

describe('capability round trip', () => {
  for (const arb of capabilityArbs) {
    const [sample] = fc.sample(arb, { numRuns: 1, seed: 1 });
    it(`holds for ${sample!.name}`, () => {
      const open = fc
        .array(arb, { minLength: 1, maxLength: 3 })
        .map((capabilities): OpenMessage => ({ type: 'OPEN', version: 4, myAs: 65001, holdTime: 90, bgpId: 1, capabilities, capabilityGroups: [capabilities.length] }))
        .filter((m) => encodable(m, DEFAULT_CONTEXT));
      fc.assert(
        fc.property(open, (m) => expectRoundTrip(m, DEFAULT_CONTEXT)),
        { numRuns: 40 },
      );
    });
  }
});

// Every message type under random session contexts (4-octet AS, ADD-PATH per family, extended
// messages): encode → decode gives the message back, and re-encoding gives the same bytes.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { DEFAULT_CONTEXT } from '../../src/bgp/wire/index.js';
import { contextArb } from '../../bench/fuzz/prefix-arbitraries.js';
import { contextualMessageArb, encodable, keepaliveArb, notificationArb, openArb, routeRefreshArb, updateArb } from '../../bench/fuzz/message-arbitraries.js';
import { expectRoundTrip } from './roundtrip.js';

describe('message round trip', () => {
  it('holds for OPEN with any capabilities, grouping and RFC 9072 encoding', () => {
    fc.assert(
      fc.property(openArb.filter((m) => encodable(m, DEFAULT_CONTEXT)), (open) => expectRoundTrip(open, DEFAULT_CONTEXT)),
      { numRuns: 300 },
    );
  });

  it('holds for UPDATE with any attribute set under any context', () => {
    const arb = contextArb.chain((ctx) => updateArb(ctx).filter((m) => encodable(m, ctx)).map((message) => ({ ctx, message })));
    fc.assert(
      fc.property(arb, ({ ctx, message }) => expectRoundTrip(message, ctx)),
      { numRuns: 300 },
    );
  });

  it('holds for NOTIFICATION, KEEPALIVE and ROUTE-REFRESH', () => {
    fc.assert(
      fc.property(contextArb, fc.oneof(notificationArb, keepaliveArb, routeRefreshArb), (ctx, message) => expectRoundTrip(message, ctx)),
      { numRuns: 200 },
    );
  });

  it('holds for a mix of all message types and contexts', () => {
    fc.assert(
      fc.property(contextualMessageArb, ({ ctx, message }) => expectRoundTrip(message, ctx)),
      { numRuns: 200 },
    );
  });
});

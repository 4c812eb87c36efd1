// The round-trip law every property test checks: encode → decode gives back the message, and
// encoding what was decoded gives back the very same bytes.
import { expect } from 'vitest';
import { decodeMessage, encodeMessage, toHex, type BgpMessage, type CodecContext } from '../../src/bgp/wire/index.js';
import { canonicalMessage } from '../../bench/fuzz/canonical.js';

export function expectRoundTrip(message: BgpMessage, ctx: CodecContext): void {
  const bytes = encodeMessage(message, ctx);
  const r = decodeMessage(bytes, ctx);
  if (r.outcome !== 'ok') throw new Error(`decoded as ${r.outcome}: ${JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))}`);
  expect(r.length).toBe(bytes.length);
  expect(r.issues).toEqual([]);
  expect(r.discarded).toEqual([]);
  expect(canonicalMessage(r.message)).toEqual(canonicalMessage(message));
  expect(toHex(encodeMessage(r.message, ctx))).toBe(toHex(bytes));
}

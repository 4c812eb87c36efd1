// A bounded mutation-fuzzing run over real captures (when present) and generated messages: the
// decoder never throws, returns well-formed outcomes, and reads nothing outside its message.
// `node dist/bench/fuzz.js` runs the same campaign at scale.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT, decodeMessage, encodeNotification, type DecodeResult } from '../../src/bgp/wire/index.js';
import { runCampaign } from '../../bench/fuzz/campaign.js';
import { checkMessage, type Decoder } from '../../bench/fuzz/check.js';
import { MUTATORS } from '../../bench/fuzz/mutate.js';
import { fixtureSeeds, generatedSeeds } from '../../bench/fuzz/seeds.js';

describe('mutation fuzzing', () => {
  it('keeps every invariant over 20000 seeded mutations', () => {
    const seeds = [...fixtureSeeds().seeds, ...generatedSeeds(200, 20240601)];
    const result = runCampaign({ seeds, seed: 1, count: 20000 });
    expect(result.failures).toEqual([]);
    expect(result.outcomes.threw).toBe(0);
    // The mutations reach every outcome, and every mutator found something to do.
    for (const outcome of ['ok', 'treat-as-withdraw', 'attribute-discard', 'notification', 'incomplete'] as const) {
      expect(result.outcomes[outcome], outcome).toBeGreaterThan(0);
    }
    expect(Object.keys(result.steps).sort()).toEqual(MUTATORS.map((m) => m.name).sort());
  });
});

describe('the invariant check', () => {
  const notification = encodeNotification(6, 2, Uint8Array.of(0));

  it('passes the real decoder', () => {
    expect(checkMessage(notification, DEFAULT_CONTEXT)).toEqual({ outcome: 'ok', failure: null });
  });

  it('catches a decoder that reads one byte past the message', () => {
    const overReading: Decoder = (buf, ctx, offset = 0) => {
      const r = decodeMessage(buf, ctx, offset);
      if (r.outcome !== 'ok' || r.message.type !== 'NOTIFICATION') return r;
      return { ...r, message: { ...r.message, subcode: buf[offset + r.length] ?? 0 } };
    };
    expect(checkMessage(notification, DEFAULT_CONTEXT, 0xff, overReading).failure).toMatch(/sentinel bytes after the message/);
  });

  it('catches a decoder that reads its buffer from the start of the underlying memory', () => {
    const ignoresOffset: Decoder = (buf, ctx, offset) => decodeMessage(new Uint8Array(buf.buffer), ctx, offset);
    expect(checkMessage(notification, DEFAULT_CONTEXT, 0xa5, ignoresOffset).failure).toMatch(/view into a larger buffer/);
  });

  it('catches a decoder that throws, or returns a code outside 1..7', () => {
    const throwing: Decoder = () => {
      throw new TypeError('boom');
    };
    expect(checkMessage(notification, DEFAULT_CONTEXT, 0xa5, throwing)).toEqual({ outcome: null, failure: 'decode threw TypeError: boom' });
    const badCode: Decoder = (): DecodeResult => ({
      outcome: 'notification',
      notification: { code: 9, subcode: 0, data: new Uint8Array(0) },
      reason: 'x',
      messageType: null,
      length: null,
    });
    expect(checkMessage(notification, DEFAULT_CONTEXT, 0xa5, badCode).failure).toBe('NOTIFICATION code 9');
  });

  it('catches a decoder that writes to its input', () => {
    const scribbling: Decoder = (buf, ctx, offset) => {
      buf[0] = 0;
      return decodeMessage(buf, ctx, offset);
    };
    expect(checkMessage(notification.slice(), DEFAULT_CONTEXT, 0xa5, scribbling).failure).toBe('decode changed its input');
  });
});

// BFD control packets under random fields: encode → decode gives the packet back, and any
// mutation or truncation of valid bytes yields an outcome, never an exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STATE_NAMES, checkAuth, decodeControl, encodeControl, UNKNOWN_SEQUENCE, type AuthSection, type ControlPacket } from '../../src/bfd/packet.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const authArb: fc.Arbitrary<AuthSection | null> = fc.oneof(
  fc.constant(null),
  fc.record({ type: fc.constantFrom(4 as const, 5 as const), keyId: fc.integer({ min: 0, max: 255 }), sequence: u32, digest: fc.uint8Array({ minLength: 20, maxLength: 20 }) }),
  fc.record({ type: fc.constant(1 as const), keyId: fc.integer({ min: 0, max: 255 }), password: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

const packetArb: fc.Arbitrary<ControlPacket> = fc
  .record({
    version: fc.constant(1),
    diag: fc.integer({ min: 0, max: 31 }),
    state: fc.constantFrom(...STATE_NAMES),
    poll: fc.boolean(),
    final: fc.boolean(),
    controlPlaneIndependent: fc.boolean(),
    demand: fc.boolean(),
    multipoint: fc.constant(false),
    detectMult: fc.integer({ min: 1, max: 255 }),
    myDiscriminator: fc.integer({ min: 1, max: 0xffffffff }),
    yourDiscriminator: u32,
    desiredMinTxUs: u32,
    requiredMinRxUs: u32,
    requiredMinEchoRxUs: u32,
    auth: authArb,
  })
  .filter((p) => p.yourDiscriminator !== 0 || p.state === 'Down' || p.state === 'AdminDown');

describe('BFD packet properties', () => {
  it('encode → decode is the identity', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        expect(decodeControl(encodeControl(p))).toEqual({ outcome: 'ok', packet: p });
      }),
      { numRuns: 500 },
    );
  });

  it('mutated and truncated bytes never throw', () => {
    const mutation = fc.tuple(packetArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat());
    fc.assert(
      fc.property(mutation, ([p, edits, cut]) => {
        const bytes = Uint8Array.from(encodeControl(p, Buffer.from('k')));
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const sliced = bytes.subarray(0, bytes.length - (cut % (bytes.length + 1)));
        const r = decodeControl(sliced);
        expect(['ok', 'discard']).toContain(r.outcome);
        if (r.outcome === 'ok') checkAuth(r.packet, sliced, { type: 4, keyId: 0, key: Buffer.from('k') }, UNKNOWN_SEQUENCE);
      }),
      { numRuns: 2000 },
    );
  });
});

// The BFD control packet codec: RFC 5880 §4.1 layout, the §6.8.6 discards and the §6.7.4
// keyed SHA1 digests, checked against bytes written out by hand.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthType, UNKNOWN_SEQUENCE, checkAuth, controlToJson, decodeControl, encodeControl, type ControlPacket } from '../../../src/bfd/packet.js';

const base: ControlPacket = {
  version: 1,
  diag: 0,
  state: 'Up',
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  multipoint: false,
  detectMult: 3,
  myDiscriminator: 0x11223344,
  yourDiscriminator: 0x55667788,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 300_000,
  requiredMinEchoRxUs: 0,
  auth: null,
};

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('BFD control packet', () => {
  it('encodes the RFC 5880 §4.1 layout', () => {
    const bytes = encodeControl({ ...base, poll: true, diag: 3 });
    expect(Buffer.from(bytes).toString('hex')).toBe('23e00318' + '11223344' + '55667788' + '000493e0' + '000493e0' + '00000000');
  });

  it('decodes what it encodes', () => {
    const p = { ...base, final: true, controlPlaneIndependent: true, state: 'Init' as const };
    expect(decodeControl(encodeControl(p))).toEqual({ outcome: 'ok', packet: p });
  });

  const cases: [string, string, string][] = [
    ['too-short', '20c00318 11223344 55667788 000493e0 000493e0 000000', 'fewer than 24 bytes'],
    ['bad-version', '40c00318 11223344 55667788 000493e0 000493e0 00000000', 'version 2'],
    ['length-too-short', '20c00317 11223344 55667788 000493e0 000493e0 00000000', 'Length 23'],
    ['length-too-short', '20c40318 11223344 55667788 000493e0 000493e0 00000000', 'A bit with Length 24'],
    ['length-exceeds-payload', '20c00320 11223344 55667788 000493e0 000493e0 00000000', 'Length beyond the datagram'],
    ['detect-mult-zero', '20c00018 11223344 55667788 000493e0 000493e0 00000000', 'Detect Mult 0'],
    ['multipoint', '20c10318 11223344 55667788 000493e0 000493e0 00000000', 'M bit'],
    ['my-discriminator-zero', '20c00318 00000000 55667788 000493e0 000493e0 00000000', 'My Discriminator 0'],
    ['your-discriminator-zero', '20c00318 11223344 00000000 000493e0 000493e0 00000000', 'Up with Your Discriminator 0'],
    ['bad-auth-section', '20c4031c 11223344 55667788 000493e0 000493e0 00000000 04040100', 'SHA1 section of 4 bytes'],
  ];
  it.each(cases)('discards %s (%s)', (reason, bytes) => {
    const r = decodeControl(hex(bytes));
    expect(r.outcome).toBe('discard');
    if (r.outcome === 'discard') expect(r.reason).toBe(reason);
  });

  it('accepts Your Discriminator 0 in Down', () => {
    expect(decodeControl(hex('20400318 11223344 00000000 000f4240 000f4240 00000000')).outcome).toBe('ok');
  });

  it('ignores bytes after Length (the UDP payload may be padded)', () => {
    expect(decodeControl(hex('20400318 11223344 00000000 000f4240 000f4240 00000000 ffff')).outcome).toBe('ok');
  });
});

describe('keyed SHA1 (RFC 5880 §6.7.4)', () => {
  const key = Buffer.from('secret');
  const withAuth = (type: 4 | 5, sequence: number): ControlPacket => ({ ...base, auth: { type, keyId: 7, sequence, digest: new Uint8Array(20) } });

  it('digests the packet with the key padded to 20 bytes in the digest field', () => {
    const bytes = encodeControl(withAuth(AuthType.KeyedSha1, 42), key);
    expect(bytes.length).toBe(52);
    expect(Buffer.from(bytes.subarray(24, 32)).toString('hex')).toBe('041c0700' + '0000002a');
    const copy = Buffer.from(bytes);
    copy.fill(0, 32);
    key.copy(copy, 32);
    expect(Buffer.from(bytes.subarray(32)).equals(createHash('sha1').update(copy).digest())).toBe(true);
  });

  it('accepts the right key and rejects a wrong one, a missing section and an unexpected one', () => {
    const bytes = encodeControl(withAuth(AuthType.KeyedSha1, 1), key);
    const r = decodeControl(bytes);
    if (r.outcome !== 'ok') throw new Error(r.reason);
    const settings = { type: AuthType.KeyedSha1, keyId: 7, key };
    expect(checkAuth(r.packet, bytes, settings, UNKNOWN_SEQUENCE)).toEqual({ outcome: 'ok', sequence: { known: true, last: 1 } });
    expect(checkAuth(r.packet, bytes, { ...settings, key: Buffer.from('other') }, UNKNOWN_SEQUENCE)).toEqual({ outcome: 'discard', reason: 'auth-digest-mismatch' });
    expect(checkAuth(r.packet, bytes, { ...settings, keyId: 8 }, UNKNOWN_SEQUENCE)).toEqual({ outcome: 'discard', reason: 'auth-key-id-mismatch' });
    expect(checkAuth(r.packet, bytes, { ...settings, type: AuthType.MeticulousKeyedSha1 }, UNKNOWN_SEQUENCE)).toEqual({ outcome: 'discard', reason: 'auth-type-mismatch' });
    expect(checkAuth(r.packet, bytes, null, UNKNOWN_SEQUENCE)).toEqual({ outcome: 'discard', reason: 'auth-unexpected' });
    expect(checkAuth(base, encodeControl(base), settings, UNKNOWN_SEQUENCE)).toEqual({ outcome: 'discard', reason: 'auth-missing' });
  });

  it('keeps the sequence inside a window of 3 × Detect Mult, strictly increasing when meticulous', () => {
    const check = (type: 4 | 5, seq: number, last: number) => {
      const bytes = encodeControl(withAuth(type, seq), key);
      const r = decodeControl(bytes);
      if (r.outcome !== 'ok') throw new Error(r.reason);
      return checkAuth(r.packet, bytes, { type, keyId: 7, key }, { known: true, last }).outcome;
    };
    expect(check(4, 100, 100)).toBe('ok');
    expect(check(4, 109, 100)).toBe('ok');
    expect(check(4, 110, 100)).toBe('discard');
    expect(check(4, 99, 100)).toBe('discard');
    expect(check(5, 100, 100)).toBe('discard');
    expect(check(5, 101, 100)).toBe('ok');
    expect(check(5, 3, 0xfffffffe)).toBe('ok');
  });
});

describe('decode JSON', () => {
  it('names the stable keys', () => {
    expect(controlToJson(encodeControl({ ...base, state: 'Down', yourDiscriminator: 0, diag: 1 }))).toEqual({
      version: 1,
      diag: 1,
      diag_name: 'Control Detection Time Expired',
      state: 'Down',
      poll: false,
      final: false,
      control_plane_independent: false,
      authentication_present: false,
      demand: false,
      multipoint: false,
      detect_mult: 3,
      length: 24,
      my_discriminator: 0x11223344,
      your_discriminator: 0,
      desired_min_tx_interval_us: 300_000,
      required_min_rx_interval_us: 300_000,
      required_min_echo_rx_interval_us: 0,
      outcome: 'ok',
    });
    expect(controlToJson(hex('20c00018 11223344 55667788 000493e0 000493e0 00000000'))).toMatchObject({ outcome: 'discard', reason: 'detect-mult-zero' });
    expect(controlToJson(hex('2040'))).toEqual({ outcome: 'discard', reason: 'too-short' });
  });
});

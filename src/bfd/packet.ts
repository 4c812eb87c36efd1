// The BFD control packet of RFC 5880 §4.1: encoding, decoding with the stateless reception
// checks of §6.8.6, and the keyed SHA1 / meticulous keyed SHA1 authentication of §6.7.4.
// Every discard is a typed outcome naming its reason; nothing here throws on wire input.
// What it is not: the session lookup by discriminator and the state machine (session.ts),
// or sockets (io.ts). Demand mode and echo are parsed as bits only; necod uses neither.
import { createHash, timingSafeEqual } from 'node:crypto';

export type BfdStateName = 'AdminDown' | 'Down' | 'Init' | 'Up';
export const STATE_NAMES: readonly BfdStateName[] = ['AdminDown', 'Down', 'Init', 'Up'];

/** RFC 5880 §4.1 diagnostic codes. */
export const Diag = {
  None: 0,
  ControlDetectionTimeExpired: 1,
  EchoFunctionFailed: 2,
  NeighborSignaledSessionDown: 3,
  ForwardingPlaneReset: 4,
  PathDown: 5,
  ConcatenatedPathDown: 6,
  AdministrativelyDown: 7,
  ReverseConcatenatedPathDown: 8,
} as const;

const DIAG_NAMES = [
  'No Diagnostic',
  'Control Detection Time Expired',
  'Echo Function Failed',
  'Neighbor Signaled Session Down',
  'Forwarding Plane Reset',
  'Path Down',
  'Concatenated Path Down',
  'Administratively Down',
  'Reverse Concatenated Path Down',
];

export function diagName(diag: number): string {
  return DIAG_NAMES[diag] ?? `Reserved (${diag})`;
}

/** RFC 5880 §4.1 Auth Type values. */
export const AuthType = { SimplePassword: 1, KeyedMd5: 2, MeticulousKeyedMd5: 3, KeyedSha1: 4, MeticulousKeyedSha1: 5 } as const;
export type ShaAuthType = typeof AuthType.KeyedSha1 | typeof AuthType.MeticulousKeyedSha1;

export type AuthSection =
  | { type: typeof AuthType.SimplePassword; keyId: number; password: Uint8Array }
  | { type: 2 | 3 | ShaAuthType; keyId: number; sequence: number; digest: Uint8Array };

export interface ControlPacket {
  version: number;
  diag: number;
  state: BfdStateName;
  poll: boolean;
  final: boolean;
  controlPlaneIndependent: boolean;
  demand: boolean;
  multipoint: boolean;
  detectMult: number;
  myDiscriminator: number;
  yourDiscriminator: number;
  /** Microseconds, as on the wire. */
  desiredMinTxUs: number;
  requiredMinRxUs: number;
  requiredMinEchoRxUs: number;
  /** Present when the A bit is set. */
  auth: AuthSection | null;
}

export type DiscardReason =
  | 'too-short'
  | 'bad-version'
  | 'length-too-short'
  | 'length-exceeds-payload'
  | 'bad-auth-section'
  | 'detect-mult-zero'
  | 'multipoint'
  | 'my-discriminator-zero'
  | 'your-discriminator-zero'
  | 'unknown-discriminator'
  | 'auth-missing'
  | 'auth-unexpected'
  | 'auth-type-mismatch'
  | 'auth-key-id-mismatch'
  | 'auth-digest-mismatch'
  | 'auth-sequence-out-of-window';

export type DecodeOutcome =
  | { outcome: 'ok'; packet: ControlPacket }
  /** `packet` is whatever could be read before the check failed, for logs and the decoder. */
  | { outcome: 'discard'; reason: DiscardReason; packet: ControlPacket | null };

const HEADER_LENGTH = 24;
const SHA1_AUTH_LENGTH = 28;
const SHA1_DIGEST_LENGTH = 20;
const MD5_AUTH_LENGTH = 24;

/**
 * Decodes one control packet (the UDP payload) with the checks of RFC 5880 §6.8.6 that need
 * no session. A Your Discriminator of zero is only acceptable in Down or AdminDown.
 */
export function decodeControl(bytes: Uint8Array): DecodeOutcome {
  if (bytes.length < HEADER_LENGTH) return { outcome: 'discard', reason: 'too-short', packet: null };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [b0 = 0, b1 = 0, detectMult = 0, length = 0] = bytes; // the header's 24 bytes are there
  const authPresent = (b1 & 0x04) !== 0;
  const packet: ControlPacket = {
    version: b0 >>> 5,
    diag: b0 & 0x1f,
    state: STATE_NAMES[b1 >>> 6]!, // two bits index the four names
    poll: (b1 & 0x20) !== 0,
    final: (b1 & 0x10) !== 0,
    controlPlaneIndependent: (b1 & 0x08) !== 0,
    demand: (b1 & 0x02) !== 0,
    multipoint: (b1 & 0x01) !== 0,
    detectMult,
    myDiscriminator: view.getUint32(4),
    yourDiscriminator: view.getUint32(8),
    desiredMinTxUs: view.getUint32(12),
    requiredMinRxUs: view.getUint32(16),
    requiredMinEchoRxUs: view.getUint32(20),
    auth: null,
  };
  const discard = (reason: DiscardReason): DecodeOutcome => ({ outcome: 'discard', reason, packet });
  if (packet.version !== 1) return discard('bad-version');
  if (length < (authPresent ? HEADER_LENGTH + 2 : HEADER_LENGTH)) return discard('length-too-short');
  if (length > bytes.length) return discard('length-exceeds-payload');
  if (authPresent) {
    const auth = decodeAuth(bytes.subarray(HEADER_LENGTH, length));
    if (auth === null) return discard('bad-auth-section');
    packet.auth = auth;
  }
  if (packet.detectMult === 0) return discard('detect-mult-zero');
  if (packet.multipoint) return discard('multipoint');
  if (packet.myDiscriminator === 0) return discard('my-discriminator-zero');
  if (packet.yourDiscriminator === 0 && packet.state !== 'Down' && packet.state !== 'AdminDown') return discard('your-discriminator-zero');
  return { outcome: 'ok', packet };
}

/** The auth section after the header, up to the packet's Length; null when malformed. */
function decodeAuth(section: Uint8Array): AuthSection | null {
  if (section.length < 3) return null;
  const [type = 0, len = 0, keyId = 0] = section; // three bytes, checked above
  if (len > section.length || len < 3) return null;
  if (type === AuthType.SimplePassword) {
    // §4.2: a password of 1 to 16 bytes.
    if (len < 4 || len > 19) return null;
    return { type, keyId, password: section.slice(3, len) };
  }
  const expected = type === AuthType.KeyedSha1 || type === AuthType.MeticulousKeyedSha1 ? SHA1_AUTH_LENGTH : type === 2 || type === 3 ? MD5_AUTH_LENGTH : 0;
  if (expected === 0 || len !== expected) return null;
  const sequence = new DataView(section.buffer, section.byteOffset + 4, 4).getUint32(0);
  return { type: type as 2 | 3 | ShaAuthType, keyId, sequence, digest: section.slice(8, len) };
}

/** The wire form. With `auth` a SHA1 section, its digest is computed here (§6.7.4). */
export function encodeControl(packet: ControlPacket, key?: Uint8Array): Uint8Array {
  const authLength = packet.auth === null ? 0 : packet.auth.type === AuthType.SimplePassword ? 3 + packet.auth.password.length : packet.auth.type <= 3 ? MD5_AUTH_LENGTH : SHA1_AUTH_LENGTH;
  const out = new Uint8Array(HEADER_LENGTH + authLength);
  const view = new DataView(out.buffer);
  out[0] = ((packet.version & 0x07) << 5) | (packet.diag & 0x1f);
  out[1] =
    (STATE_NAMES.indexOf(packet.state) << 6) |
    (packet.poll ? 0x20 : 0) |
    (packet.final ? 0x10 : 0) |
    (packet.controlPlaneIndependent ? 0x08 : 0) |
    (packet.auth !== null ? 0x04 : 0) |
    (packet.demand ? 0x02 : 0) |
    (packet.multipoint ? 0x01 : 0);
  out[2] = packet.detectMult & 0xff;
  out[3] = out.length;
  view.setUint32(4, packet.myDiscriminator >>> 0);
  view.setUint32(8, packet.yourDiscriminator >>> 0);
  view.setUint32(12, packet.desiredMinTxUs >>> 0);
  view.setUint32(16, packet.requiredMinRxUs >>> 0);
  view.setUint32(20, packet.requiredMinEchoRxUs >>> 0);
  const auth = packet.auth;
  if (auth === null) return out;
  out[24] = auth.type;
  out[25] = authLength;
  out[26] = auth.keyId & 0xff;
  if (auth.type === AuthType.SimplePassword) {
    out.set(auth.password, 27);
    return out;
  }
  view.setUint32(28, auth.sequence >>> 0);
  if ((auth.type === AuthType.KeyedSha1 || auth.type === AuthType.MeticulousKeyedSha1) && key !== undefined) {
    out.set(sha1Digest(out, key), 32);
  } else {
    out.set(auth.digest.subarray(0, authLength - 8), 32);
  }
  return out;
}

/** §6.7.4: SHA1 over the packet with the key, zero-padded to 20 bytes, in the digest field. */
function sha1Digest(packetBytes: Uint8Array, key: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(packetBytes.subarray(0, HEADER_LENGTH + SHA1_AUTH_LENGTH));
  copy.fill(0, 32, 32 + SHA1_DIGEST_LENGTH);
  copy.set(key.subarray(0, SHA1_DIGEST_LENGTH), 32);
  return createHash('sha1').update(copy).digest();
}

/** What the receiving side of a session knows about authentication (§6.8.1). */
export interface AuthSettings {
  type: ShaAuthType;
  keyId: number;
  /** 1 to 20 bytes. */
  key: Uint8Array;
}

/** bfd.RcvAuthSeq and bfd.AuthSeqKnown. */
export interface ReceiveSequence {
  known: boolean;
  last: number;
}

export const UNKNOWN_SEQUENCE: ReceiveSequence = Object.freeze({ known: false, last: 0 });

export type AuthOutcome = { outcome: 'ok'; sequence: ReceiveSequence } | { outcome: 'discard'; reason: DiscardReason };

/**
 * The authentication steps of §6.8.6 and §6.7.4 for a decoded packet: A bit against the
 * session's setting, type, key id, digest, then the sequence window (3 × Detect Mult wide;
 * meticulous demands a strictly larger number). `bytes` is the received payload.
 */
export function checkAuth(packet: ControlPacket, bytes: Uint8Array, settings: AuthSettings | null, seq: ReceiveSequence): AuthOutcome {
  const auth = packet.auth;
  if (settings === null) return auth === null ? { outcome: 'ok', sequence: seq } : { outcome: 'discard', reason: 'auth-unexpected' };
  if (auth === null) return { outcome: 'discard', reason: 'auth-missing' };
  if (auth.type === AuthType.SimplePassword || auth.type !== settings.type) return { outcome: 'discard', reason: 'auth-type-mismatch' };
  if (auth.keyId !== settings.keyId) return { outcome: 'discard', reason: 'auth-key-id-mismatch' };
  const expected = sha1Digest(bytes, settings.key);
  if (auth.digest.length !== expected.length || !timingSafeEqual(auth.digest, expected)) return { outcome: 'discard', reason: 'auth-digest-mismatch' };
  if (seq.known) {
    const meticulous = auth.type === AuthType.MeticulousKeyedSha1;
    const ahead = (auth.sequence - seq.last) >>> 0;
    const low = meticulous ? 1 : 0;
    if (ahead < low || ahead > 3 * packet.detectMult) return { outcome: 'discard', reason: 'auth-sequence-out-of-window' };
  }
  return { outcome: 'ok', sequence: { known: true, last: auth.sequence } };
}

/** The stable JSON view of `necod-cli decode --bfd` (docs/decode-json.md). */
export function controlToJson(bytes: Uint8Array): Record<string, unknown> {
  const result = decodeControl(bytes);
  const p = result.packet;
  const json: Record<string, unknown> = {};
  if (p !== null) {
    json.version = p.version;
    json.diag = p.diag;
    json.diag_name = diagName(p.diag);
    json.state = p.state;
    json.poll = p.poll;
    json.final = p.final;
    json.control_plane_independent = p.controlPlaneIndependent;
    json.authentication_present = p.auth !== null || (result.outcome === 'discard' && result.reason === 'bad-auth-section');
    json.demand = p.demand;
    json.multipoint = p.multipoint;
    json.detect_mult = p.detectMult;
    json.length = bytes[3];
    json.my_discriminator = p.myDiscriminator;
    json.your_discriminator = p.yourDiscriminator;
    json.desired_min_tx_interval_us = p.desiredMinTxUs;
    json.required_min_rx_interval_us = p.requiredMinRxUs;
    json.required_min_echo_rx_interval_us = p.requiredMinEchoRxUs;
    if (p.auth !== null) json.auth = authToJson(p.auth);
  }
  json.outcome = result.outcome;
  if (result.outcome === 'discard') json.reason = result.reason;
  return json;
}

const AUTH_TYPE_NAMES: Record<number, string> = {
  1: 'simple-password',
  2: 'keyed-md5',
  3: 'meticulous-keyed-md5',
  4: 'keyed-sha1',
  5: 'meticulous-keyed-sha1',
};

function authToJson(auth: AuthSection): Record<string, unknown> {
  const base = { type: auth.type, type_name: AUTH_TYPE_NAMES[auth.type], key_id: auth.keyId };
  if (auth.type === AuthType.SimplePassword) return { ...base, password_hex: Buffer.from(auth.password).toString('hex') };
  return { ...base, sequence: auth.sequence, digest_hex: Buffer.from(auth.digest).toString('hex') };
}

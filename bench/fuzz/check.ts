// The invariants every input must satisfy, whatever its bytes: the decoder returns one of its
// five outcomes and never throws, the outcome is well formed, its JSON view can be printed, an
// `ok` message can be sent again and read back, and nothing outside the message's bytes changes
// the result (the decoder reads only buf[offset, offset + length)).
import {
  decodeMessage,
  decodeResultToJSON,
  encodeMessage,
  toHex,
  type BgpMessage,
  type CodecContext,
  type DecodeResult,
} from '../../src/bgp/wire/index.js';

export type Decoder = (buf: Uint8Array, ctx: CodecContext, offset?: number) => DecodeResult;
export type Outcome = DecodeResult['outcome'];

export interface Verdict {
  /** null when the decoder threw */
  outcome: Outcome | null;
  /** what was wrong, or null when every invariant held */
  failure: string | null;
}

const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['ok', 'treat-as-withdraw', 'attribute-discard', 'notification', 'incomplete']);
/** Bytes of sentinel put before and after the message when checking that nothing past it is read. */
const PAD = 32;

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function isByte(n: unknown): boolean {
  return Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 255;
}

/** What is wrong with the shape of a result, or null. */
function shapeProblem(r: DecodeResult, bytes: Uint8Array): string | null {
  const headerLength = bytes.length >= 18 ? (bytes[16]! << 8) | bytes[17]! : -1;
  switch (r.outcome) {
    case 'incomplete':
      return Number.isInteger(r.needed) && r.needed > bytes.length && r.needed <= 0xffff ? null : `incomplete needs ${r.needed} with ${bytes.length} bytes in`;
    case 'notification': {
      const n = r.notification;
      if (!Number.isInteger(n.code) || n.code < 1 || n.code > 7) return `NOTIFICATION code ${n.code}`;
      if (!isByte(n.subcode)) return `NOTIFICATION subcode ${n.subcode}`;
      if (!(n.data instanceof Uint8Array)) return 'NOTIFICATION data is not a Uint8Array';
      if (typeof r.reason !== 'string') return 'no reason';
      if (r.length !== null && r.length !== headerLength) return `notification length ${r.length}, header says ${headerLength}`;
      return null;
    }
    default: {
      if (r.length !== headerLength) return `${r.outcome} length ${r.length}, header says ${headerLength}`;
      if (r.outcome === 'ok' && r.issues.length > 0) return 'ok with issues';
      if (r.outcome === 'treat-as-withdraw' && !r.issues.some((i) => i.action === 'treat-as-withdraw')) return 'treat-as-withdraw without such an issue';
      if (r.outcome === 'attribute-discard' && (r.discarded.length === 0 || r.issues.some((i) => i.action !== 'attribute-discard'))) {
        return 'attribute-discard without a discarded attribute, or with a stronger issue';
      }
      if (r.outcome === 'ok' && r.discarded.length > 0) return 'ok with discarded attributes';
      for (const { notification: n, action } of r.issues) {
        if (n === null) {
          if (action !== 'attribute-discard') return `${action} issue without a notification`;
          continue;
        }
        if (n.code !== 3 || !isByte(n.subcode) || !(n.data instanceof Uint8Array)) return `issue with notification ${n.code}/${n.subcode}`;
      }
      return null;
    }
  }
}

function jsonText(r: DecodeResult): string {
  const text = JSON.stringify(decodeResultToJSON(r));
  if (typeof text !== 'string') throw new TypeError('JSON.stringify gave no text');
  return text;
}

/**
 * An `ok` message must encode (a RangeError for size aside), and what necod sends it must read
 * back as `ok` and encode to the same bytes again: the first encoding may normalize (reserved
 * bits, host bits of prefixes), after that encode ∘ decode is the identity.
 */
function reencodingProblem(message: BgpMessage, ctx: CodecContext, decode: Decoder): string | null {
  let first: Uint8Array;
  try {
    first = encodeMessage(message, ctx);
  } catch (err) {
    return err instanceof RangeError ? null : `re-encoding threw ${describe(err)}`;
  }
  const again = decode(first, ctx);
  if (again.outcome !== 'ok') return `re-encoded message decodes as ${again.outcome}: ${toHex(first)}`;
  const second = encodeMessage(again.message, ctx);
  if (Buffer.compare(first, second) !== 0) return `re-encoding is not stable: ${toHex(first)} then ${toHex(second)}`;
  return null;
}

/**
 * Checks every invariant for `bytes` under `ctx`. `sentinel` fills the space around the message
 * in the bounds checks; callers vary it, since a decoder reading past its end may happen to see
 * what it expects in any one value.
 */
export function checkMessage(bytes: Uint8Array, ctx: CodecContext, sentinel = 0xa5, decode: Decoder = decodeMessage): Verdict {
  const before = bytes.slice();
  let r: DecodeResult;
  try {
    r = decode(bytes, ctx);
  } catch (err) {
    return { outcome: null, failure: `decode threw ${describe(err)}` };
  }
  if (!OUTCOMES.has(r.outcome)) return { outcome: null, failure: `unknown outcome ${String(r.outcome)}` };
  const verdict = (failure: string | null): Verdict => ({ outcome: r.outcome, failure });
  if (Buffer.compare(before, bytes) !== 0) return verdict('decode changed its input');
  const shape = shapeProblem(r, bytes);
  if (shape) return verdict(shape);

  let json: string;
  try {
    json = jsonText(r);
  } catch (err) {
    return verdict(`JSON view threw ${describe(err)}`);
  }

  if (r.outcome === 'ok') {
    const problem = reencodingProblem(r.message, ctx, decode);
    if (problem) return verdict(problem);
  }

  // The same bytes as a view into a larger buffer full of sentinel…
  const big = new Uint8Array(PAD + bytes.length + PAD).fill(sentinel);
  big.set(bytes, PAD);
  try {
    const inView = jsonText(decode(big.subarray(PAD, PAD + bytes.length), ctx));
    if (inView !== json) return verdict(`result differs when the bytes are a view into a larger buffer: ${inView}`);
    // …and at an offset with sentinel after them: a complete message must not read past its end.
    if (r.outcome !== 'incomplete') {
      const atOffset = jsonText(decode(big, ctx, PAD));
      if (atOffset !== json) return verdict(`result differs with sentinel bytes after the message: ${atOffset}`);
    }
  } catch (err) {
    return verdict(`decoding inside a larger buffer threw ${describe(err)}`);
  }
  return verdict(null);
}

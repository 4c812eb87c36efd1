// Where the length fields of a message sit, found without trusting them more than needed: the
// mutators use this to aim at the fields that matter (RFC 4271 §4.1-§4.3). It never throws and
// stops at the first attribute that does not fit.

export const HEADER = 19;

export interface AttributeSpan {
  start: number;
  /** 3, or 4 with the Extended Length bit */
  headerLength: number;
  /** offset just past the value */
  end: number;
  flags: number;
  code: number;
}

export interface UpdateLayout {
  withdrawnLengthAt: number;
  attributesLengthAt: number;
  attributesStart: number;
  attributesEnd: number;
  attributes: AttributeSpan[];
  nlriStart: number;
}

export function messageType(b: Uint8Array): number {
  return b[18] ?? -1;
}

export function readU16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

/** Sets the header length to the actual size (capped at 65535), as a well-behaved sender would. */
export function fixHeaderLength(b: Uint8Array): void {
  if (b.length >= HEADER) writeU16(b, 16, Math.min(b.length, 0xffff));
}

export function parseAttributes(b: Uint8Array, start: number, end: number): AttributeSpan[] {
  const spans: AttributeSpan[] = [];
  let pos = start;
  while (pos + 3 <= end) {
    const flags = b[pos]!; // pos + 3 <= end
    const headerLength = flags & 0x10 ? 4 : 3;
    if (pos + headerLength > end) break;
    const len = headerLength === 4 ? readU16(b, pos + 2) : b[pos + 2]!;
    const valueEnd = pos + headerLength + len;
    if (valueEnd > end) break;
    spans.push({ start: pos, headerLength, end: valueEnd, flags, code: b[pos + 1]! });
    pos = valueEnd;
  }
  return spans;
}

/** The layout of an UPDATE whose two body length fields still fit the message, else null. */
export function updateLayout(b: Uint8Array): UpdateLayout | null {
  if (messageType(b) !== 2 || b.length < HEADER + 4) return null;
  const withdrawnLength = readU16(b, HEADER);
  const attributesLengthAt = HEADER + 2 + withdrawnLength;
  if (attributesLengthAt + 2 > b.length) return null;
  const attributesStart = attributesLengthAt + 2;
  const attributesEnd = attributesStart + readU16(b, attributesLengthAt);
  if (attributesEnd > b.length) return null;
  return {
    withdrawnLengthAt: HEADER,
    attributesLengthAt,
    attributesStart,
    attributesEnd,
    attributes: parseAttributes(b, attributesStart, attributesEnd),
    nlriStart: attributesEnd,
  };
}

export function insertAt(b: Uint8Array, at: number, piece: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + piece.length);
  out.set(b.subarray(0, at), 0);
  out.set(piece, at);
  out.set(b.subarray(at), at + piece.length);
  return out;
}

export function removeRange(b: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(b.length - (to - from));
  out.set(b.subarray(0, from), 0);
  out.set(b.subarray(to), from);
  return out;
}

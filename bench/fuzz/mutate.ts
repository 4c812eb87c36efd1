// Deterministic, seeded mutators for BGP messages. Blind ones (bit flips, byte sets, truncation)
// find what nobody thought of; aimed ones edit the length fields a decoder must not trust (header,
// withdrawn routes, total attribute length, attribute headers, AS_PATH segment counts, OPEN
// parameters) or rearrange attributes (splice one from another message, repeat, drop), which
// reaches the RFC 7606 paths a random byte almost never does.
import {
  HEADER,
  fixHeaderLength,
  insertAt,
  messageType,
  readU16,
  removeRange,
  updateLayout,
  writeU16,
  type AttributeSpan,
} from './layout.js';
import type { Rng } from './rng.js';

/** Returns the mutated copy, or null when the mutator does not apply to this message. */
export type Mutator = (b: Uint8Array, rng: Rng, donor: Uint8Array) => Uint8Array | null;

const INTERESTING_8 = [0, 1, 2, 3, 4, 5, 0x7f, 0x80, 0xfe, 0xff];
const KNOWN_ATTRIBUTE_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 32];

function near16(cur: number, rng: Rng): number {
  const choices = [0, 1, cur - 1, cur + 1, cur - 2, cur + 2, cur + 4, 0xff, 0x100, 0x7fff, 0xffff, rng.below(0x10000)];
  return rng.pick(choices) & 0xffff;
}

function near8(cur: number, rng: Rng): number {
  return rng.pick([...INTERESTING_8, cur - 1, cur + 1, rng.below(256)]) & 0xff;
}

/** Adds `delta` to the total path attribute length and the header length after an edit inside the attributes. */
function adjustUpdateLengths(b: Uint8Array, attributesLengthAt: number, delta: number): Uint8Array | null {
  const total = readU16(b, attributesLengthAt) + delta;
  if (total < 0 || total > 0xffff || b.length > 0xffff) return null;
  writeU16(b, attributesLengthAt, total);
  fixHeaderLength(b);
  return b;
}

function pickAttribute(b: Uint8Array, rng: Rng): { span: AttributeSpan; attributesLengthAt: number } | null {
  const layout = updateLayout(b);
  if (!layout || layout.attributes.length === 0) return null;
  return { span: rng.pick(layout.attributes), attributesLengthAt: layout.attributesLengthAt };
}

const bitFlip: Mutator = (b, rng) => {
  const out = b.slice();
  for (let n = rng.between(1, 4); n > 0; n--) out[rng.below(out.length)]! ^= 1 << rng.below(8);
  return out;
};

const byteSet: Mutator = (b, rng) => {
  const out = b.slice();
  for (let n = rng.between(1, 3); n > 0; n--) {
    // Past the marker most of the time: a broken marker stops everything at the first check.
    const at = b.length > HEADER && rng.chance(0.9) ? rng.between(16, b.length - 1) : rng.below(b.length);
    out[at] = near8(out[at]!, rng);
  }
  return out;
};

const truncate: Mutator = (b, rng) => (b.length > 1 ? b.slice(0, rng.below(b.length)) : null);

/** Cuts the message and makes the header agree, so the body decoders see the short body. */
const truncateConsistent: Mutator = (b, rng) => {
  if (b.length <= HEADER) return null;
  const out = b.slice(0, rng.between(HEADER, b.length - 1));
  fixHeaderLength(out);
  return out;
};

const extend: Mutator = (b, rng) => {
  const tail = new Uint8Array(rng.between(1, 16));
  for (let i = 0; i < tail.length; i++) tail[i] = rng.chance(0.5) ? 0 : rng.below(256);
  const out = insertAt(b, b.length, tail);
  fixHeaderLength(out);
  return out;
};

const headerLength: Mutator = (b, rng) => {
  if (b.length < HEADER) return null;
  const out = b.slice();
  writeU16(out, 16, rng.pick([near16(b.length, rng), 0, 18, 19, 4096, 4097, 65535]));
  return out;
};

const headerType: Mutator = (b, rng) => {
  if (b.length < HEADER) return null;
  const out = b.slice();
  out[18] = rng.pick([0, 1, 2, 3, 4, 5, 6, rng.below(256)]);
  return out;
};

const withdrawnLength: Mutator = (b, rng) => {
  if (messageType(b) !== 2 || b.length < HEADER + 2) return null;
  const out = b.slice();
  writeU16(out, HEADER, near16(readU16(b, HEADER), rng));
  return out;
};

const attributesLength: Mutator = (b, rng) => {
  const layout = updateLayout(b);
  if (!layout) return null;
  const out = b.slice();
  writeU16(out, layout.attributesLengthAt, near16(readU16(b, layout.attributesLengthAt), rng));
  return out;
};

const attributeFlags: Mutator = (b, rng) => {
  const picked = pickAttribute(b, rng);
  if (!picked) return null;
  const out = b.slice();
  out[picked.span.start]! ^= rng.pick([0x80, 0x40, 0x20, 0x10, 0x08, 0xc0]);
  return out;
};

const attributeLength: Mutator = (b, rng) => {
  const picked = pickAttribute(b, rng);
  if (!picked) return null;
  const { span } = picked;
  const out = b.slice();
  const valueLength = span.end - span.start - span.headerLength;
  if (span.headerLength === 4) writeU16(out, span.start + 2, near16(valueLength, rng));
  else out[span.start + 2] = near8(valueLength, rng);
  return out;
};

const attributeType: Mutator = (b, rng) => {
  const picked = pickAttribute(b, rng);
  if (!picked) return null;
  const out = b.slice();
  out[picked.span.start + 1] = rng.chance(0.7) ? rng.pick(KNOWN_ATTRIBUTE_CODES) : rng.below(256);
  return out;
};

/** Edits the count or type of one segment of an AS_PATH or AS4_PATH (RFC 7606 §7.2, RFC 6793 §6). */
const segmentHeader: Mutator = (b, rng) => {
  const layout = updateLayout(b);
  const paths = layout?.attributes.filter((a) => a.code === 2 || a.code === 17) ?? [];
  if (paths.length === 0) return null;
  const span = rng.pick(paths);
  // Segment headers, walked as 2-octet and as 4-octet ASNs: the mutation does not know the session.
  const size = rng.chance(0.5) ? 2 : 4;
  const heads: number[] = [];
  for (let p = span.start + span.headerLength; p + 2 <= span.end; p += 2 + b[p + 1]! * size) heads.push(p);
  if (heads.length === 0) return null;
  const at = rng.pick(heads);
  const out = b.slice();
  if (rng.chance(0.7)) out[at + 1] = rng.pick([0, 1, 255, out[at + 1]! - 1, out[at + 1]! + 1, rng.below(256)]) & 0xff;
  else out[at] = rng.pick([0, 1, 2, 3, 4, 5, rng.below(256)]);
  return out;
};

/** Moves one attribute from another message into this one, at an attribute boundary. */
const spliceAttribute: Mutator = (b, rng, donor) => {
  const target = updateLayout(b);
  const source = updateLayout(donor);
  if (!target || !source || source.attributes.length === 0) return null;
  const piece = rng.pick(source.attributes);
  const boundaries = [target.attributesStart, ...target.attributes.map((a) => a.end)];
  const out = insertAt(b, rng.pick(boundaries), donor.subarray(piece.start, piece.end));
  return adjustUpdateLengths(out, target.attributesLengthAt, piece.end - piece.start);
};

/** Repeats an attribute (RFC 7606 §3(g)), right after itself or at the end. */
const duplicateAttribute: Mutator = (b, rng) => {
  const layout = updateLayout(b);
  if (!layout || layout.attributes.length === 0) return null;
  const span = rng.pick(layout.attributes);
  const at = rng.chance(0.5) ? span.end : layout.attributesEnd;
  const out = insertAt(b, at, b.slice(span.start, span.end));
  return adjustUpdateLengths(out, layout.attributesLengthAt, span.end - span.start);
};

/** Drops an attribute, often a mandatory one (RFC 7606 §3(d)). */
const dropAttribute: Mutator = (b, rng) => {
  const layout = updateLayout(b);
  if (!layout || layout.attributes.length === 0) return null;
  const span = rng.pick(layout.attributes);
  const out = removeRange(b, span.start, span.end);
  return adjustUpdateLengths(out, layout.attributesLengthAt, -(span.end - span.start));
};

/** Edits the first prefix length of withdrawn routes, NLRI, or an MP attribute's NLRI. */
const prefixLength: Mutator = (b, rng) => {
  const layout = updateLayout(b);
  if (!layout) return null;
  const spots: number[] = [];
  if (layout.attributesLengthAt > HEADER + 2) spots.push(HEADER + 2);
  if (layout.nlriStart < b.length) spots.push(layout.nlriStart);
  for (const a of layout.attributes) {
    const v = a.start + a.headerLength;
    if (a.code === 15 && v + 3 < a.end) spots.push(v + 3);
    if (a.code === 14 && v + 4 < a.end) {
      const nlri = v + 4 + b[v + 3]! + 1;
      if (nlri < a.end) spots.push(nlri);
      spots.push(v + 3); // the next hop length octet
    }
  }
  if (spots.length === 0) return null;
  const out = b.slice();
  out[rng.pick(spots)] = rng.pick([0, 1, 8, 24, 32, 33, 64, 128, 129, 255, rng.below(256)]);
  return out;
};

/** Edits the OPEN optional parameters length, a parameter length or a capability length. */
const openParameters: Mutator = (b, rng) => {
  if (messageType(b) !== 1 || b.length < 29) return null;
  const out = b.slice();
  const spots = [28];
  // Each walk below stops two bytes before the end, so the length octets it reads are there.
  for (let p = 29; p + 2 <= b.length; p += 2 + b[p + 1]!) {
    spots.push(p + 1);
    if (b[p] === 2) for (let c = p + 2; c + 2 <= Math.min(b.length, p + 2 + b[p + 1]!); c += 2 + b[c + 1]!) spots.push(c + 1, c);
  }
  const at = rng.pick(spots);
  out[at] = near8(out[at]!, rng);
  return out;
};

/**
 * The mutators with how often each is drawn. The aimed ones weigh more: they apply to fewer
 * messages (most need an UPDATE) and reach deeper than a random byte.
 */
export const MUTATORS: ReadonlyArray<{ name: string; weight: number; mutate: Mutator }> = [
  { name: 'bit-flip', weight: 2, mutate: bitFlip },
  { name: 'byte-set', weight: 2, mutate: byteSet },
  { name: 'truncate', weight: 1, mutate: truncate },
  { name: 'truncate-consistent', weight: 1, mutate: truncateConsistent },
  { name: 'extend', weight: 1, mutate: extend },
  { name: 'header-length', weight: 1, mutate: headerLength },
  { name: 'header-type', weight: 1, mutate: headerType },
  { name: 'withdrawn-length', weight: 2, mutate: withdrawnLength },
  { name: 'attributes-length', weight: 2, mutate: attributesLength },
  { name: 'attribute-flags', weight: 3, mutate: attributeFlags },
  { name: 'attribute-length', weight: 3, mutate: attributeLength },
  { name: 'attribute-type', weight: 3, mutate: attributeType },
  { name: 'segment-header', weight: 3, mutate: segmentHeader },
  { name: 'splice-attribute', weight: 3, mutate: spliceAttribute },
  { name: 'duplicate-attribute', weight: 3, mutate: duplicateAttribute },
  { name: 'drop-attribute', weight: 3, mutate: dropAttribute },
  { name: 'prefix-length', weight: 3, mutate: prefixLength },
  { name: 'open-parameters', weight: 3, mutate: openParameters },
];

const TOTAL_WEIGHT = MUTATORS.reduce((sum, m) => sum + m.weight, 0);

function pickMutator(rng: Rng): (typeof MUTATORS)[number] {
  let r = rng.below(TOTAL_WEIGHT);
  for (const m of MUTATORS) {
    if (r < m.weight) return m;
    r -= m.weight;
  }
  return MUTATORS[0]!; // r < the total weight: the loop has returned
}

export interface Mutation {
  bytes: Uint8Array;
  /** Names of the mutators applied, in order. */
  steps: string[];
}

/**
 * Applies one to three mutators to `seed`. A mutator that does not apply to the message is
 * skipped and another drawn; a bit flip is the fallback, so at least one step is always applied.
 */
export function mutate(seed: Uint8Array, donor: Uint8Array, rng: Rng): Mutation {
  let bytes = seed;
  const steps: string[] = [];
  const want = rng.chance(0.6) ? 1 : rng.between(2, 3);
  for (let tries = 0; steps.length < want && tries < 20; tries++) {
    const m = pickMutator(rng);
    if (bytes.length === 0) break;
    const next = m.mutate(bytes, rng, donor);
    if (next === null) continue;
    bytes = next;
    steps.push(m.name);
  }
  if (steps.length === 0) return { bytes: seed.length ? bitFlip(seed, rng, donor) ?? seed : seed, steps: ['bit-flip'] };
  return { bytes, steps };
}

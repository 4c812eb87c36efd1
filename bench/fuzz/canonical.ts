// A plain, comparable form of a message, so "decode(encode(m)) gives back m" can be checked with
// one deep equality. Prefix lists become text (with their path ids), bytes become hex, and the two
// things the encoder decides for itself are normalized: the Extended Length bit (set whenever the
// value needs it) and AS_PATH segments longer than 255 ASNs (written as several segments).
import { AttrFlag, formatPrefixes, toHex, type AsPathSegment, type BgpMessage, type PathAttribute, type PrefixList } from '../../src/bgp/wire/index.js';

function isPrefixList(v: object): v is PrefixList {
  return 'afi' in v && 'count' in v && ('keys' in v || 'addrs' in v);
}

function prefixText(list: PrefixList): string[] {
  return formatPrefixes(list).map((p, i) => (list.pathIds ? `${p}#${list.pathIds[i]}` : p));
}

function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return `hex:${toHex(v)}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    if (isPrefixList(v)) return { afi: v.afi, prefixes: prefixText(v) };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function splitSegments(segments: readonly AsPathSegment[]): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  for (const s of segments) for (let i = 0; i < s.asns.length; i += 255) out.push({ type: s.type, asns: s.asns.slice(i, i + 255) });
  return out;
}

function canonicalAttribute(a: PathAttribute): unknown {
  const value = a.name === 'AS_PATH' || a.name === 'AS4_PATH' ? splitSegments(a.value) : a.value;
  return { name: a.name, code: a.code, flags: a.flags & 0xf0 & ~AttrFlag.EXTENDED_LENGTH, value: plain(value) };
}

export function canonicalAttributes(attrs: readonly PathAttribute[]): unknown[] {
  return attrs.map(canonicalAttribute);
}

export function canonicalMessage(m: BgpMessage): unknown {
  if (m.type === 'UPDATE') {
    return { type: m.type, withdrawn: plain(m.withdrawn), attributes: canonicalAttributes(m.attributes), nlri: plain(m.nlri) };
  }
  return plain(m);
}

/** The same for a prefix list alone (packing checks). */
export function canonicalPrefixes(list: PrefixList): string[] {
  return prefixText(list);
}

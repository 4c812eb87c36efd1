// Outbound Route Filters as they travel in a ROUTE-REFRESH (RFC 5291 §4) and the Address
// Prefix ORF entries (RFC 5292 §3). Bytes to plain data and back; what a speaker does with
// the entries (keeping a filter per neighbor, matching prefixes) lives in src/rib/orf-filter.ts.
// A malformed ORF never throws: it is reported in `malformed` so the refresh itself can
// still be answered.
import { formatIpv4, formatIpv6, readIpv4 } from './address.js';
import { Afi } from './constants.js';
import type { ByteWriter } from './writer.js';

/** RFC 5292 §2 (Address Prefix ORF) and the pre-standard code FRR and Cisco still send. */
export const OrfType = { ADDRESS_PREFIX: 64, ADDRESS_PREFIX_CISCO: 128 } as const;

/** RFC 5291 §4. */
export const WhenToRefresh = { IMMEDIATE: 1, DEFER: 2 } as const;

export type OrfAction = 'add' | 'remove' | 'remove-all';
export type OrfMatch = 'permit' | 'deny';

const ACTIONS: readonly OrfAction[] = ['add', 'remove', 'remove-all'];
const EMPTY = new Uint8Array(0);

/** One Address Prefix ORF entry; `remove-all` carries only action and match (RFC 5291 §4). */
export interface PrefixOrfEntry {
  action: OrfAction;
  match: OrfMatch;
  sequence: number;
  /** RFC 5292 §3: both 0 means the prefix itself only. */
  minLength: number;
  maxLength: number;
  /** Address bytes, host bits as received, 4 or 16 long. */
  prefix: Uint8Array;
  length: number;
}

/** The entries of one ORF type in a refresh. */
export interface OrfGroup {
  type: number;
  /** Decoded entries for the prefix types; null for a type necod does not read. */
  entries: PrefixOrfEntry[] | null;
  /** The entries' bytes as received when they were not read (unknown type or malformed); else empty. */
  raw: Uint8Array;
  /** Why the entries could not be read, or null. */
  malformed: string | null;
}

export interface RefreshOrf {
  whenToRefresh: number;
  groups: OrfGroup[];
  /** The ORF section itself does not add up (a group overruns the message), or null. */
  malformed: string | null;
}

export function isPrefixOrfType(type: number): boolean {
  return type === OrfType.ADDRESS_PREFIX || type === OrfType.ADDRESS_PREFIX_CISCO;
}

/** Reads the ORF section buf[start, end) of a ROUTE-REFRESH for this AFI. */
export function decodeRefreshOrf(buf: Uint8Array, start: number, end: number, afi: number): RefreshOrf {
  const out: RefreshOrf = { whenToRefresh: buf[start], groups: [], malformed: null };
  let p = start + 1;
  while (p < end) {
    if (p + 3 > end) {
      out.malformed = `ORF type header truncated at offset ${p - start}`;
      break;
    }
    const type = buf[p];
    const len = (buf[p + 1] << 8) | buf[p + 2];
    const from = p + 3;
    if (from + len > end) {
      out.malformed = `ORF type ${type} length ${len} overruns the message`;
      break;
    }
    const group: OrfGroup = { type, entries: null, raw: EMPTY, malformed: null };
    if (isPrefixOrfType(type)) {
      const r = decodePrefixEntries(buf, from, from + len, afi);
      group.entries = r.entries;
      group.malformed = r.malformed;
    }
    if (group.entries === null || group.malformed !== null) group.raw = buf.slice(from, from + len);
    out.groups.push(group);
    p = from + len;
  }
  return out;
}

function addressBytes(afi: number): number | null {
  return afi === Afi.IPV4 ? 4 : afi === Afi.IPV6 ? 16 : null;
}

function decodePrefixEntries(buf: Uint8Array, start: number, end: number, afi: number): { entries: PrefixOrfEntry[]; malformed: string | null } {
  const entries: PrefixOrfEntry[] = [];
  const size = addressBytes(afi);
  if (size === null) return { entries, malformed: `address prefix ORF for AFI ${afi}` };
  const maxBits = size * 8;
  let p = start;
  while (p < end) {
    const common = buf[p];
    // RFC 5291 §4: 0 ADD, 1 REMOVE, 2 REMOVE-ALL. FRR and Cisco write REMOVE-ALL as 3 (0xC0),
    // always without a type-specific part, so 3 is read as REMOVE-ALL too.
    const action = ACTIONS[Math.min(common >>> 6, 2)] as OrfAction;
    const match: OrfMatch = common & 0x20 ? 'deny' : 'permit';
    p++;
    if (action === 'remove-all') {
      entries.push({ action, match, sequence: 0, minLength: 0, maxLength: 0, prefix: new Uint8Array(size), length: 0 });
      continue;
    }
    if (p + 7 > end) return { entries, malformed: 'address prefix ORF entry truncated' };
    const sequence = readIpv4(buf, p);
    const minLength = buf[p + 4];
    const maxLength = buf[p + 5];
    const length = buf[p + 6];
    p += 7;
    const n = (length + 7) >> 3;
    if (length > maxBits) return { entries, malformed: `ORF prefix length ${length}` };
    if (p + n > end) return { entries, malformed: 'ORF prefix truncated' };
    // RFC 5292 §3: length <= minlen <= maxlen <= address size, zero meaning "not set" (both
    // zero: the prefix alone; FRR leaves one of them zero for "ge N" or "le N" alone).
    const lengthsOk = (minLength === 0 || (length <= minLength && minLength <= maxBits)) && (maxLength === 0 || (length <= maxLength && maxLength <= maxBits && (minLength === 0 || minLength <= maxLength)));
    if (!lengthsOk) {
      return { entries, malformed: `ORF prefix /${length} with minlen ${minLength}, maxlen ${maxLength}` };
    }
    const prefix = new Uint8Array(size);
    prefix.set(buf.subarray(p, p + n));
    p += n;
    entries.push({ action, match, sequence, minLength, maxLength, prefix, length });
  }
  return { entries, malformed: null };
}

/** Writes When-to-refresh and every group (entries re-encoded for the prefix types). */
export function encodeRefreshOrf(orf: RefreshOrf, w: ByteWriter): void {
  w.u8(orf.whenToRefresh);
  for (const g of orf.groups) {
    w.u8(g.type);
    const lenAt = w.skip(2);
    if (g.entries && g.malformed === null) for (const e of g.entries) writePrefixEntry(e, w);
    else w.bytes(g.raw);
    w.setU16(lenAt, w.length - lenAt - 2);
  }
}

function writePrefixEntry(e: PrefixOrfEntry, w: ByteWriter): void {
  w.u8((ACTIONS.indexOf(e.action) << 6) | (e.match === 'deny' ? 0x20 : 0));
  if (e.action === 'remove-all') return;
  const n = (e.length + 7) >> 3;
  w.u32(e.sequence).u8(e.minLength).u8(e.maxLength).u8(e.length).bytes(e.prefix.subarray(0, n));
}

const WHEN_NAMES: Record<number, string> = { 1: 'immediate', 2: 'defer' };

export function prefixOrfEntryText(e: PrefixOrfEntry): string {
  return `${e.prefix.length === 4 ? formatIpv4(readIpv4(e.prefix, 0)) : formatIpv6(e.prefix)}/${e.length}`;
}

export function refreshOrfToJSON(orf: RefreshOrf): Record<string, unknown> {
  return {
    when_to_refresh: WHEN_NAMES[orf.whenToRefresh] ?? orf.whenToRefresh,
    groups: orf.groups.map((g) => ({
      type: g.type,
      ...(g.entries
        ? {
            entries: g.entries.map((e) =>
              e.action === 'remove-all'
                ? { action: e.action, match: e.match }
                : { action: e.action, match: e.match, sequence: e.sequence, prefix: prefixOrfEntryText(e), min_length: e.minLength, max_length: e.maxLength },
            ),
          }
        : { value: Buffer.from(g.raw).toString('hex') }),
      ...(g.malformed ? { malformed: g.malformed } : {}),
    })),
    ...(orf.malformed ? { malformed: orf.malformed } : {}),
  };
}

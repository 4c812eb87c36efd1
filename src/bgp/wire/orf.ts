// Outbound Route Filters as they travel in a ROUTE-REFRESH (RFC 5291 §4) and the Address
// Prefix ORF entries (RFC 5292 §3). Bytes to plain data and back; what a speaker does with
// the entries (keeping a filter per neighbor, matching prefixes) lives in src/rib/orf-filter.ts.
// A malformed ORF never throws: it is reported in `malformed` so the refresh itself can
// still be answered.
import { formatIpv4, formatIpv6, readIpv4 } from '../../net/index.js';
import { Afi } from './constants.js';
import type { WireReader } from './reader.js';
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

/** Raised inside the ORF readers; caught here and reported as `malformed`. */
class OrfFault extends Error {}
const orfFault = (reason: string): OrfFault => new OrfFault(reason);

/** Reads the ORF part of a ROUTE-REFRESH (what `r` has left) for this AFI. */
export function decodeRefreshOrf(body: WireReader, afi: number): RefreshOrf {
  const r = body.sub(body.remaining, 'ORF', orfFault);
  const out: RefreshOrf = { whenToRefresh: r.u8('When-to-refresh'), groups: [], malformed: null };
  try {
    while (!r.done) {
      const type = r.u8('ORF type');
      const entries = r.sub(r.u16(`ORF type ${type} length`), `ORF type ${type} entries`);
      const from = entries.pos;
      const group: OrfGroup = { type, entries: null, raw: EMPTY, malformed: null };
      if (isPrefixOrfType(type)) {
        try {
          group.entries = decodePrefixEntries(entries, afi);
        } catch (err) {
          if (!(err instanceof OrfFault)) throw err;
          group.malformed = err.message;
        }
      }
      if (group.entries === null || group.malformed !== null) group.raw = entries.buf.slice(from, entries.end);
      out.groups.push(group);
    }
  } catch (err) {
    if (!(err instanceof OrfFault)) throw err;
    out.malformed = err.message;
  }
  return out;
}

function addressBytes(afi: number): number | null {
  return afi === Afi.IPV4 ? 4 : afi === Afi.IPV6 ? 16 : null;
}

/** Address Prefix ORF entries (RFC 5292 §3) until `r` is done; a partial list on error is not kept. */
function decodePrefixEntries(r: WireReader, afi: number): PrefixOrfEntry[] {
  const entries: PrefixOrfEntry[] = [];
  const size = addressBytes(afi);
  if (size === null) r.fail(`address prefix ORF for AFI ${afi}`);
  const maxBits = size * 8;
  while (!r.done) {
    const common = r.u8('ORF entry common part');
    // RFC 5291 §4: 0 ADD, 1 REMOVE, 2 REMOVE-ALL. FRR and Cisco write REMOVE-ALL as 3 (0xC0),
    // always without a type-specific part, so 3 is read as REMOVE-ALL too.
    const action = ACTIONS[Math.min(common >>> 6, 2)] as OrfAction;
    const match: OrfMatch = common & 0x20 ? 'deny' : 'permit';
    if (action === 'remove-all') {
      entries.push({ action, match, sequence: 0, minLength: 0, maxLength: 0, prefix: new Uint8Array(size), length: 0 });
      continue;
    }
    const sequence = r.u32('ORF sequence');
    const minLength = r.u8('ORF minlen');
    const maxLength = r.u8('ORF maxlen');
    const length = r.u8('ORF prefix length');
    if (length > maxBits) r.fail(`ORF prefix length ${length}`);
    // RFC 5292 §3: length <= minlen <= maxlen <= address size, zero meaning "not set" (both
    // zero: the prefix alone; FRR leaves one of them zero for "ge N" or "le N" alone).
    const lengthsOk =
      (minLength === 0 || (length <= minLength && minLength <= maxBits)) &&
      (maxLength === 0 || (length <= maxLength && maxLength <= maxBits && (minLength === 0 || minLength <= maxLength)));
    if (!lengthsOk) r.fail(`ORF prefix /${length} with minlen ${minLength}, maxlen ${maxLength}`);
    const prefix = new Uint8Array(size);
    const n = (length + 7) >> 3;
    prefix.set(r.buf.subarray(r.take(n, 'ORF prefix'), r.pos));
    entries.push({ action, match, sequence, minLength, maxLength, prefix, length });
  }
  return entries;
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

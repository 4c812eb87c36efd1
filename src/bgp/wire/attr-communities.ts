// COMMUNITIES (RFC 1997), EXTENDED_COMMUNITIES (RFC 4360), LARGE_COMMUNITY (RFC 8092).
import { formatIpv4, readIpv4 } from '../../net/index.js';
import { AttributeFault, defineAttribute } from './attribute-descriptor.js';
import type { LargeCommunity } from './attribute-types.js';
import { AttrCode, AttrFlag, UpdateSubcode } from './constants.js';
import type { WireReader } from './reader.js';

const OPTIONAL_TRANSITIVE = AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE;

/** Well-known communities (IANA registry) by value. */
export const WELL_KNOWN_COMMUNITIES: ReadonlyMap<number, string> = new Map([
  [0xffff0000, 'GRACEFUL_SHUTDOWN'],
  [0xffff0001, 'ACCEPT_OWN'],
  [0xffff0002, 'ROUTE_FILTER_TRANSLATED_v4'],
  [0xffff0003, 'ROUTE_FILTER_v4'],
  [0xffff0004, 'ROUTE_FILTER_TRANSLATED_v6'],
  [0xffff0005, 'ROUTE_FILTER_v6'],
  [0xffff0006, 'LLGR_STALE'],
  [0xffff0007, 'NO_LLGR'],
  [0xffff0008, 'accept-own-nexthop'],
  [0xffff029a, 'BLACKHOLE'],
  [0xffffff01, 'NO_EXPORT'],
  [0xffffff02, 'NO_ADVERTISE'],
  [0xffffff03, 'NO_EXPORT_SUBCONFED'],
  [0xffffff04, 'NOPEER'],
]);

const WELL_KNOWN_BY_NAME = new Map([...WELL_KNOWN_COMMUNITIES].map(([v, n]) => [n.toUpperCase(), v]));

/** A well-known community by name, in any case and with "-" for "_" (daemons print them differently). */
export function wellKnownCommunity(name: string): number | undefined {
  return WELL_KNOWN_BY_NAME.get(name.toUpperCase().replace(/-/g, '_'));
}

export function formatCommunity(c: number): string {
  return `${c >>> 16}:${c & 0xffff}`;
}

/** Accepts "65000:100" or a well-known name such as "NO_EXPORT". */
export function parseCommunity(s: string): number | null {
  const named = wellKnownCommunity(s);
  if (named !== undefined) return named;
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const hi = Number(m[1]);
  const lo = Number(m[2]);
  if (hi > 0xffff || lo > 0xffff) return null;
  return ((hi << 16) >>> 0) + lo;
}

function multipleOf(r: WireReader, n: number, what: string): void {
  // RFC 7606 §7.8, §7.14; RFC 8092 §6: a non-zero multiple of the element size.
  const len = r.remaining;
  if (len === 0 || len % n !== 0) {
    throw new AttributeFault(UpdateSubcode.OPTIONAL_ATTRIBUTE_ERROR, `${what} length ${len} is not a non-zero multiple of ${n}`);
  }
}

export const COMMUNITIES = defineAttribute({
  code: AttrCode.COMMUNITIES,
  name: 'COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.8',
  decode(r) {
    multipleOf(r, 4, 'COMMUNITIES');
    const out: number[] = [];
    while (!r.done) out.push(r.u32('community'));
    return out;
  },
  encode(v, w) {
    for (const c of v) w.u32(c);
  },
  toJSON: (v) => v.map(formatCommunity),
});

export const LARGE_COMMUNITY = defineAttribute({
  code: AttrCode.LARGE_COMMUNITY,
  name: 'LARGE_COMMUNITY',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'treat-as-withdraw',
  rule: 'RFC 8092 §6',
  decode(r) {
    multipleOf(r, 12, 'LARGE_COMMUNITY');
    const out: LargeCommunity[] = [];
    while (!r.done) out.push([r.u32('global administrator'), r.u32('local data 1'), r.u32('local data 2')]);
    return out;
  },
  encode(v, w) {
    for (const [g, a, b] of v) w.u32(g).u32(a).u32(b);
  },
  toJSON: (v) => v.map(([g, a, b]) => `${g}:${a}:${b}`),
});

export const EXTENDED_COMMUNITIES = defineAttribute({
  code: AttrCode.EXTENDED_COMMUNITIES,
  name: 'EXTENDED_COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE,
  onError: 'treat-as-withdraw',
  rule: 'RFC 7606 §7.14',
  decode(r) {
    multipleOf(r, 8, 'EXTENDED_COMMUNITIES');
    return r.rest();
  },
  encode(v, w) {
    w.bytes(v);
  },
  toJSON(v) {
    const out: unknown[] = [];
    for (let p = 0; p < v.length; p += 8) out.push(describeExtendedCommunity(v.subarray(p, p + 8)));
    return out;
  },
});

/** A readable form of the common RFC 4360 / RFC 5668 types; anything else as hex. */
export function describeExtendedCommunity(c: Uint8Array): { type: string; value: string; hex: string } {
  const hex = Buffer.from(c).toString('hex');
  const [type = 0, sub = 0, b2 = 0, b3 = 0, , , b6 = 0, b7 = 0] = c;
  const kind = sub === 0x02 ? 'route-target' : sub === 0x03 ? 'route-origin' : null;
  const high = type & 0x3f; // ignore the IANA-authority and transitive bits
  if (kind && high === 0x00) return { type: kind, value: `${(b2 << 8) | b3}:${readIpv4(c, 4)}`, hex };
  if (kind && high === 0x01) return { type: kind, value: `${formatIpv4(readIpv4(c, 2))}:${(b6 << 8) | b7}`, hex };
  if (kind && high === 0x02) return { type: kind, value: `${readIpv4(c, 2)}:${(b6 << 8) | b7}`, hex };
  return { type: `0x${type.toString(16).padStart(2, '0')}:0x${sub.toString(16).padStart(2, '0')}`, value: hex, hex };
}

// OPEN capabilities (RFC 5492), one descriptor per code. Unknown ones keep their bytes.
import { CapabilityCode } from './constants.js';
import type { WireReader } from './reader.js';
import { ByteWriter } from './writer.js';

export interface AfiSafi {
  afi: number;
  safi: number;
}

/** RFC 7911 §4: 1 receive, 2 send, 3 both; RFC 5291 §3 uses the same values for ORF. */
export type AddPathMode = 1 | 2 | 3;

/** One AFI/SAFI of the ORF capability (RFC 5291 §3): the ORF types and who sends them. */
export interface OrfFamily extends AfiSafi {
  orfs: Array<{ type: number; mode: AddPathMode }>;
}

export type Capability =
  | { name: 'MULTIPROTOCOL'; code: 1; afi: number; safi: number }
  | { name: 'ROUTE_REFRESH'; code: 2 }
  | { name: 'OUTBOUND_ROUTE_FILTERING'; code: 3; families: OrfFamily[] }
  | { name: 'EXTENDED_NEXT_HOP'; code: 5; entries: Array<AfiSafi & { nextHopAfi: number }> }
  | { name: 'EXTENDED_MESSAGE'; code: 6 }
  | {
      name: 'GRACEFUL_RESTART';
      code: 64;
      /** R bit: the sender has restarted (RFC 4724 §3) */
      restarting: boolean;
      /** N bit: the sender supports NOTIFICATION handling in GR (RFC 8538 §2) */
      notification: boolean;
      restartTime: number;
      families: Array<AfiSafi & { forwarding: boolean }>;
    }
  | { name: 'FOUR_OCTET_AS'; code: 65; asn: number }
  | { name: 'ADD_PATH'; code: 69; entries: Array<AfiSafi & { mode: AddPathMode }> }
  | { name: 'ENHANCED_ROUTE_REFRESH'; code: 70 }
  | { name: 'LONG_LIVED_GRACEFUL_RESTART'; code: 71; families: Array<AfiSafi & { forwarding: boolean; staleTime: number }> }
  | { name: 'FQDN'; code: 73; hostname: string; domain: string }
  | { name: 'ROUTE_REFRESH_CISCO'; code: 128 }
  | { name: 'UNKNOWN'; code: number; value: Uint8Array };

export type CapabilityName = Capability['name'];

/** A capability value that does not parse; the OPEN is answered with 2/0 (RFC 5492 §3 leaves it open). */
export class CapabilityFault extends Error {}

export const capabilityFault = (reason: string): CapabilityFault => new CapabilityFault(reason);

interface CapabilityDescriptor {
  code: number;
  name: CapabilityName;
  /** Reads the whole value from `r`, a reader over exactly the capability's value. */
  decode(r: WireReader): Capability;
  encode(c: Capability, w: ByteWriter): void;
  toJSON(c: Capability): Record<string, unknown>;
}

/** A value whose length is not what the capability's layout allows. */
function need(r: WireReader, ok: boolean, what: string): void {
  if (!ok) r.fail(`${what} capability with length ${r.remaining}`);
}

const SEND_RECEIVE = (m: AddPathMode) => (m === 1 ? 'receive' : m === 2 ? 'send' : 'both');


function empty<N extends 'ROUTE_REFRESH' | 'EXTENDED_MESSAGE' | 'ENHANCED_ROUTE_REFRESH' | 'ROUTE_REFRESH_CISCO'>(
  name: N,
  code: 2 | 6 | 70 | 128,
): CapabilityDescriptor {
  return {
    code,
    name,
    decode(r) {
      need(r, r.done, name);
      return { name, code } as Capability;
    },
    encode() {},
    toJSON: () => ({}),
  };
}

const DESCRIPTORS: CapabilityDescriptor[] = [
  {
    code: CapabilityCode.MULTIPROTOCOL,
    name: 'MULTIPROTOCOL',
    decode(r) {
      need(r, r.remaining === 4, 'multiprotocol');
      const afi = r.u16('AFI');
      r.take(1, 'reserved');
      return { name: 'MULTIPROTOCOL', code: 1, afi, safi: r.u8('SAFI') };
    },
    encode(c, w) {
      if (c.name === 'MULTIPROTOCOL') w.u16(c.afi).u8(0).u8(c.safi);
    },
    toJSON: (c) => (c.name === 'MULTIPROTOCOL' ? { afi: c.afi, safi: c.safi } : {}),
  },
  empty('ROUTE_REFRESH', 2),
  {
    code: CapabilityCode.OUTBOUND_ROUTE_FILTERING,
    name: 'OUTBOUND_ROUTE_FILTERING',
    decode(r) {
      const families: OrfFamily[] = [];
      while (!r.done) {
        const afi = r.u16('ORF AFI');
        r.take(1, 'ORF reserved');
        const safi = r.u8('ORF SAFI');
        const count = r.u8('number of ORFs');
        const orfs = [];
        for (let i = 0; i < count; i++) {
          const type = r.u8('ORF type');
          const mode = r.u8('ORF send/receive');
          if (mode < 1 || mode > 3) r.fail(`ORF send/receive value ${mode}`);
          orfs.push({ type, mode: mode as AddPathMode });
        }
        families.push({ afi, safi, orfs });
      }
      return { name: 'OUTBOUND_ROUTE_FILTERING', code: 3, families };
    },
    encode(c, w) {
      if (c.name !== 'OUTBOUND_ROUTE_FILTERING') return;
      for (const f of c.families) {
        w.u16(f.afi).u8(0).u8(f.safi).u8(f.orfs.length);
        for (const o of f.orfs) w.u8(o.type).u8(o.mode);
      }
    },
    toJSON: (c) =>
      c.name === 'OUTBOUND_ROUTE_FILTERING'
        ? { families: c.families.map((f) => ({ afi: f.afi, safi: f.safi, orfs: f.orfs.map((o) => ({ type: o.type, send_receive: SEND_RECEIVE(o.mode) })) })) }
        : {},
  },
  {
    code: CapabilityCode.EXTENDED_NEXT_HOP,
    name: 'EXTENDED_NEXT_HOP',
    decode(r) {
      need(r, r.remaining % 6 === 0, 'extended next hop');
      const entries = [];
      while (!r.done) entries.push({ afi: r.u16('AFI'), safi: r.u16('SAFI'), nextHopAfi: r.u16('next hop AFI') });
      return { name: 'EXTENDED_NEXT_HOP', code: 5, entries };
    },
    encode(c, w) {
      if (c.name === 'EXTENDED_NEXT_HOP') for (const x of c.entries) w.u16(x.afi).u16(x.safi).u16(x.nextHopAfi);
    },
    toJSON: (c) => (c.name === 'EXTENDED_NEXT_HOP' ? { entries: c.entries.map((x) => ({ afi: x.afi, safi: x.safi, next_hop_afi: x.nextHopAfi })) } : {}),
  },
  empty('EXTENDED_MESSAGE', 6),
  {
    code: CapabilityCode.GRACEFUL_RESTART,
    name: 'GRACEFUL_RESTART',
    decode(r) {
      need(r, r.remaining >= 2 && (r.remaining - 2) % 4 === 0, 'graceful restart');
      const head = r.u16('restart flags and time');
      const families = [];
      while (!r.done) families.push({ afi: r.u16('AFI'), safi: r.u8('SAFI'), forwarding: (r.u8('AFI flags') & 0x80) !== 0 });
      return {
        name: 'GRACEFUL_RESTART',
        code: 64,
        restarting: (head & 0x8000) !== 0,
        notification: (head & 0x4000) !== 0,
        restartTime: head & 0x0fff,
        families,
      };
    },
    encode(c, w) {
      if (c.name !== 'GRACEFUL_RESTART') return;
      w.u16((c.restarting ? 0x8000 : 0) | (c.notification ? 0x4000 : 0) | (c.restartTime & 0x0fff));
      for (const f of c.families) w.u16(f.afi).u8(f.safi).u8(f.forwarding ? 0x80 : 0);
    },
    toJSON: (c) =>
      c.name === 'GRACEFUL_RESTART'
        ? { restarting: c.restarting, notification: c.notification, restart_time: c.restartTime, families: c.families }
        : {},
  },
  {
    code: CapabilityCode.FOUR_OCTET_AS,
    name: 'FOUR_OCTET_AS',
    decode(r) {
      need(r, r.remaining === 4, '4-octet AS');
      return { name: 'FOUR_OCTET_AS', code: 65, asn: r.u32('AS number') };
    },
    encode(c, w) {
      if (c.name === 'FOUR_OCTET_AS') w.u32(c.asn);
    },
    toJSON: (c) => (c.name === 'FOUR_OCTET_AS' ? { asn: c.asn } : {}),
  },
  {
    code: CapabilityCode.ADD_PATH,
    name: 'ADD_PATH',
    decode(r) {
      need(r, !r.done && r.remaining % 4 === 0, 'ADD-PATH');
      const entries = [];
      while (!r.done) {
        const afi = r.u16('AFI');
        const safi = r.u8('SAFI');
        const mode = r.u8('send/receive');
        if (mode < 1 || mode > 3) r.fail(`ADD-PATH send/receive value ${mode}`);
        entries.push({ afi, safi, mode: mode as AddPathMode });
      }
      return { name: 'ADD_PATH', code: 69, entries };
    },
    encode(c, w) {
      if (c.name === 'ADD_PATH') for (const x of c.entries) w.u16(x.afi).u8(x.safi).u8(x.mode);
    },
    toJSON: (c) =>
      c.name === 'ADD_PATH'
        ? { entries: c.entries.map((x) => ({ afi: x.afi, safi: x.safi, send_receive: SEND_RECEIVE(x.mode) })) }
        : {},
  },
  empty('ENHANCED_ROUTE_REFRESH', 70),
  {
    code: CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
    name: 'LONG_LIVED_GRACEFUL_RESTART',
    decode(r) {
      need(r, r.remaining % 7 === 0, 'long-lived graceful restart');
      const families = [];
      while (!r.done) {
        families.push({ afi: r.u16('AFI'), safi: r.u8('SAFI'), forwarding: (r.u8('flags') & 0x80) !== 0, staleTime: r.u24('long-lived stale time') });
      }
      return { name: 'LONG_LIVED_GRACEFUL_RESTART', code: 71, families };
    },
    encode(c, w) {
      if (c.name === 'LONG_LIVED_GRACEFUL_RESTART') for (const f of c.families) w.u16(f.afi).u8(f.safi).u8(f.forwarding ? 0x80 : 0).u24(f.staleTime);
    },
    toJSON: (c) =>
      c.name === 'LONG_LIVED_GRACEFUL_RESTART'
        ? { families: c.families.map((f) => ({ afi: f.afi, safi: f.safi, forwarding: f.forwarding, stale_time: f.staleTime })) }
        : {},
  },
  {
    code: CapabilityCode.FQDN,
    name: 'FQDN',
    decode(r) {
      const text = (field: string) => Buffer.from(r.bytes(r.u8(`${field} length`), field)).toString('utf8');
      const hostname = text('FQDN hostname');
      return { name: 'FQDN', code: 73, hostname, domain: text('FQDN domain') };
    },
    encode(c, w) {
      if (c.name !== 'FQDN') return;
      const h = Buffer.from(c.hostname, 'utf8').subarray(0, 255);
      const d = Buffer.from(c.domain, 'utf8').subarray(0, 255);
      w.u8(h.length).bytes(h).u8(d.length).bytes(d);
    },
    toJSON: (c) => (c.name === 'FQDN' ? { hostname: c.hostname, domain: c.domain } : {}),
  },
  empty('ROUTE_REFRESH_CISCO', 128),
];

const BY_CODE = new Map(DESCRIPTORS.map((d) => [d.code, d]));

/** Decodes a capability value; `r` covers exactly the value and fails with CapabilityFault. */
export function decodeCapability(code: number, r: WireReader): Capability {
  const d = BY_CODE.get(code);
  if (!d) return { name: 'UNKNOWN', code, value: r.rest() };
  return d.decode(r);
}

/** Writes code, length and value. */
export function encodeCapability(c: Capability, w: ByteWriter): void {
  w.u8(c.code);
  const lenAt = w.skip(1);
  const start = w.length;
  if (c.name === 'UNKNOWN') w.bytes(c.value);
  else BY_CODE.get(c.code)?.encode(c, w);
  const len = w.length - start;
  if (len > 255) throw new RangeError(`capability ${c.code} value is ${len} bytes`);
  w.setU8(lenAt, len);
}

export function capabilityToJSON(c: Capability): Record<string, unknown> {
  if (c.name === 'UNKNOWN') return { code: c.code, name: 'UNKNOWN', value: Buffer.from(c.value).toString('hex') };
  const d = BY_CODE.get(c.code);
  return { code: c.code, name: c.name, ...(d ? d.toJSON(c) : {}) };
}

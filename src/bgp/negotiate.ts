// What necod says in its OPEN, what it accepts in the peer's, and what the two agree on.
// Pure: settings and decoded OPENs in, plain data out.
import type { Family } from '../net/index.js';
import {
  AS_TRANS,
  CapabilityCode,
  ErrorCode,
  OpenSubcode,
  OrfType,
  Safi,
  afiOf,
  encodeCapability,
  encodeOpen,
  familyOf,
  makeContext,
  openAsn,
  type AddPathMode,
  type Capability,
  type CapabilityName,
  type CodecContext,
  type NotificationSpec,
  type OpenMessage,
} from './wire/index.js';
// The codec's index leaves its byte writer out; the 2/7 data needs one.
import { ByteWriter } from './wire/writer.js';

export type AddPathSetting = 'receive' | 'send' | 'both';

export interface GracefulRestartSettings {
  /** Seconds, 0..4095 (12 bits, RFC 4724 §3). */
  restartTime: number;
  /** R bit: necod itself has just restarted. */
  restarting: boolean;
  /** Families whose forwarding state survived a restart of necod (F bit). */
  forwarding: readonly Family[];
}

export interface CapabilitySettings {
  fourOctetAs: boolean;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  gracefulRestart: GracefulRestartSettings | null;
  /** Families not listed do not use ADD-PATH. */
  addPath: Partial<Record<Family, AddPathSetting>>;
  extendedMessage: boolean;
  fqdn: { hostname: string; domain: string } | null;
  /** Say that necod takes Address Prefix ORF (RFC 5292) for each family and filters what it sends. */
  prefixOrf: boolean;
}

/** One neighbor's settings as far as the OPEN exchange is concerned. */
export interface SessionSettings {
  /** BGP Identifier as an unsigned 32-bit number. */
  routerId: number;
  localAs: number;
  /** The AS the peer must announce. */
  remoteAs: number;
  /** Seconds: 0, or at least 3 (RFC 4271 §4.2). */
  holdTime: number;
  /** Seconds; 0 means a third of the negotiated hold time. */
  keepaliveTime: number;
  families: readonly Family[];
  capabilities: CapabilitySettings;
  /**
   * Capabilities the peer must send or be refused with 2/7 (RFC 5492 §5). Empty by default:
   * a peer lacking a capability simply does without it.
   */
  requiredCapabilities?: readonly CapabilityName[];
}

export const DEFAULT_CAPABILITIES: CapabilitySettings = Object.freeze({
  fourOctetAs: true,
  routeRefresh: true,
  enhancedRouteRefresh: true,
  gracefulRestart: null,
  addPath: Object.freeze({}),
  extendedMessage: false,
  fqdn: null,
  prefixOrf: false,
});

/** As FRR: a hostname longer than this is cut. */
const MAX_FQDN_HOSTNAME = 64;

function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let cut = Math.max(0, maxBytes);
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

const ADD_PATH_MODE: Record<AddPathSetting, AddPathMode> = { receive: 1, send: 2, both: 3 };

/** The OPEN necod sends to this neighbor. */
export function buildOpen(s: SessionSettings): Omit<OpenMessage, 'capabilityGroups'> {
  const caps: Capability[] = [];
  for (const f of s.families) caps.push({ name: 'MULTIPROTOCOL', code: 1, afi: afiOf(f), safi: Safi.UNICAST });
  const c = s.capabilities;
  if (c.routeRefresh || c.enhancedRouteRefresh) caps.push({ name: 'ROUTE_REFRESH', code: 2 });
  if (c.enhancedRouteRefresh) caps.push({ name: 'ENHANCED_ROUTE_REFRESH', code: 70 });
  if (c.extendedMessage) caps.push({ name: 'EXTENDED_MESSAGE', code: 6 });
  if (c.prefixOrf) {
    // RFC 5291 §3: receive (1) only; necod never asks a neighbor to filter for it.
    const families = s.families.map((f) => ({ afi: afiOf(f), safi: Safi.UNICAST, orfs: [{ type: OrfType.ADDRESS_PREFIX, mode: 1 as const }] }));
    caps.push({ name: 'OUTBOUND_ROUTE_FILTERING', code: 3, families });
  }
  if (c.gracefulRestart) {
    const gr = c.gracefulRestart;
    caps.push({
      name: 'GRACEFUL_RESTART',
      code: 64,
      restarting: gr.restarting,
      notification: false,
      restartTime: Math.min(Math.max(gr.restartTime, 0), 0x0fff),
      families: s.families.map((f) => ({ afi: afiOf(f), safi: Safi.UNICAST, forwarding: gr.forwarding.includes(f) })),
    });
  }
  // An ASN above 65535 cannot be spoken without the capability, whatever the switch says.
  if (c.fourOctetAs || s.localAs > 0xffff) caps.push({ name: 'FOUR_OCTET_AS', code: 65, asn: s.localAs });
  const addPath = s.families
    .filter((f) => c.addPath[f] !== undefined)
    .map((f) => ({ afi: afiOf(f), safi: Safi.UNICAST, mode: ADD_PATH_MODE[c.addPath[f] as AddPathSetting] }));
  if (addPath.length) caps.push({ name: 'ADD_PATH', code: 69, entries: addPath });
  const open: Omit<OpenMessage, 'capabilityGroups'> = {
    type: 'OPEN',
    version: 4,
    // RFC 6793 §4.1: AS_TRANS stands in for an ASN that needs four octets.
    myAs: s.localAs > 0xffff ? AS_TRANS : s.localAs,
    holdTime: s.holdTime,
    bgpId: s.routerId,
    capabilities: caps,
  };
  if (c.fqdn) {
    // All capabilities share one optional parameter of at most 255 octets (without RFC 9072,
    // which not every peer reads): the FQDN gets what the others leave.
    const used = encodeOpen(open).length - OPEN_FIXED_LENGTH;
    const room = Math.max(0, 255 - 2 - used - 4);
    const hostname = cutUtf8(c.fqdn.hostname, Math.min(MAX_FQDN_HOSTNAME, room));
    const domain = cutUtf8(c.fqdn.domain, room - Buffer.byteLength(hostname, 'utf8'));
    caps.push({ name: 'FQDN', code: 73, hostname, domain });
  }
  return open;
}

/** Header, version, My AS, hold time, identifier, parameters length, capabilities parameter header. */
const OPEN_FIXED_LENGTH = 19 + 10 + 2;

/** Why a peer's OPEN is refused: the NOTIFICATION to send and a line for the log. */
export interface OpenRefusal {
  notification: NotificationSpec;
  reason: string;
}

function refuse(subcode: number, reason: string, data: Uint8Array = new Uint8Array(0)): OpenRefusal {
  return { notification: { code: ErrorCode.OPEN_MESSAGE, subcode, data }, reason };
}

function has(open: OpenMessage, name: CapabilityName): boolean {
  return open.capabilities.some((c) => c.name === name);
}

/** The peer's ASN as necod understands it: an OLD speaker (four-octet AS off) ignores the capability. */
export function peerAsn(s: SessionSettings, open: OpenMessage): number {
  return s.capabilities.fourOctetAs || s.localAs > 0xffff ? openAsn(open) : open.myAs;
}

/** RFC 4271 §6.2 checks that need the configuration; null when the OPEN is acceptable. */
export function checkPeerOpen(s: SessionSettings, open: OpenMessage): OpenRefusal | null {
  const asn = peerAsn(s, open);
  // RFC 7607 §2: AS 0 is never acceptable.
  if (asn === 0) return refuse(OpenSubcode.BAD_PEER_AS, 'peer announces AS 0');
  if (asn !== s.remoteAs) return refuse(OpenSubcode.BAD_PEER_AS, `peer announces AS ${asn}, expected ${s.remoteAs}`);
  const four = open.capabilities.find((c) => c.name === 'FOUR_OCTET_AS');
  // RFC 6793 §4.1: My AS holds the ASN itself or AS_TRANS; anything else contradicts the capability.
  if (four && four.name === 'FOUR_OCTET_AS' && (s.capabilities.fourOctetAs || s.localAs > 0xffff)) {
    if (open.myAs !== AS_TRANS && open.myAs !== four.asn) {
      return refuse(OpenSubcode.BAD_PEER_AS, `My AS ${open.myAs} contradicts the four-octet AS ${four.asn}`);
    }
  }
  if (open.bgpId === 0) return refuse(OpenSubcode.BAD_BGP_IDENTIFIER, 'BGP Identifier 0.0.0.0');
  // RFC 6286 §2.2: the identifier must be unique within the AS; eBGP peers may share ours.
  if (asn === s.localAs && open.bgpId === s.routerId) return refuse(OpenSubcode.BAD_BGP_IDENTIFIER, 'peer uses our own BGP Identifier');
  if (open.holdTime === 1 || open.holdTime === 2) {
    return refuse(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${open.holdTime} is neither 0 nor at least 3`);
  }
  const missing = (s.requiredCapabilities ?? []).filter((name) => !has(open, name));
  if (missing.length) {
    // RFC 5492 §5: the data lists the capabilities that are needed, as necod would send them.
    const ours = buildOpen(s).capabilities;
    const w = new ByteWriter(32);
    for (const name of missing) {
      const cap = ours.find((c) => c.name === name) ?? ({ name: 'UNKNOWN', code: capabilityCode(name), value: new Uint8Array(0) } as Capability);
      encodeCapability(cap, w);
    }
    return refuse(OpenSubcode.UNSUPPORTED_CAPABILITY, `peer lacks required capabilities: ${missing.join(', ')}`, w.finish());
  }
  return null;
}

function capabilityCode(name: CapabilityName): number {
  return (CapabilityCode as Record<string, number>)[name] ?? 0;
}

export interface PeerGracefulRestart {
  restartTime: number;
  restarting: boolean;
  notification: boolean;
  /** Negotiated families whose forwarding state the peer kept across its restart. */
  forwarding: Family[];
}

/** Everything the two OPENs settled, for the session, the RIB and the API. */
export interface NegotiatedSession {
  peerAs: number;
  peerRouterId: number;
  /** Seconds; 0 means no hold timer and no keepalives. */
  holdTime: number;
  keepaliveTime: number;
  families: Family[];
  as4: boolean;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  /** Families whose Address Prefix ORF the peer may send and necod applies (RFC 5291 §3). */
  prefixOrf: Family[];
  /** Set when both sides sent the capability. */
  gracefulRestart: PeerGracefulRestart | null;
  addPath: { receive: Record<Family, boolean>; send: Record<Family, boolean> };
  extendedMessage: boolean;
  peerHostname: string | null;
  peerDomain: string | null;
  /** How necod decodes what the peer sends. */
  rx: CodecContext;
  /** How necod encodes what it sends. */
  tx: CodecContext;
  peerCapabilities: Capability[];
}

/** RFC 4271 §4.2: the smaller hold time; keepalive a third of it unless configured smaller. */
export function negotiateTimers(ourHold: number, theirHold: number, configuredKeepalive: number): { holdTime: number; keepaliveTime: number } {
  const holdTime = Math.min(ourHold, theirHold);
  if (holdTime === 0) return { holdTime: 0, keepaliveTime: 0 };
  const third = Math.max(1, Math.floor(holdTime / 3));
  const keepaliveTime = configuredKeepalive > 0 ? Math.min(configuredKeepalive, third) : third;
  return { holdTime, keepaliveTime };
}

/** RFC 4760 §8: a peer without any Multiprotocol capability speaks IPv4 unicast only. */
export function openFamilies(open: Pick<OpenMessage, 'capabilities'>): Family[] {
  const out: Family[] = [];
  let sawMp = false;
  for (const c of open.capabilities) {
    if (c.name !== 'MULTIPROTOCOL') continue;
    sawMp = true;
    const f = familyOf(c.afi, c.safi);
    if (f && !out.includes(f)) out.push(f);
  }
  return sawMp ? out : ['ipv4'];
}

function addPathModes(open: Pick<OpenMessage, 'capabilities'>): Partial<Record<Family, AddPathMode>> {
  const out: Partial<Record<Family, AddPathMode>> = {};
  for (const c of open.capabilities) {
    if (c.name !== 'ADD_PATH') continue;
    for (const e of c.entries) {
      const f = familyOf(e.afi, e.safi);
      if (f) out[f] = e.mode;
    }
  }
  return out;
}

/** Families for which an OPEN says it can receive or send the Address Prefix ORF. */
function orfFamilies(open: Pick<OpenMessage, 'capabilities'>, role: 'receive' | 'send'): Family[] {
  const out: Family[] = [];
  for (const c of open.capabilities) {
    if (c.name !== 'OUTBOUND_ROUTE_FILTERING') continue;
    for (const x of c.families) {
      const f = familyOf(x.afi, x.safi);
      const o = x.orfs.find((y) => y.type === OrfType.ADDRESS_PREFIX);
      if (f && o && (role === 'receive' ? canReceive(o.mode) : canSend(o.mode))) out.push(f);
    }
  }
  return out;
}

const canReceive = (m: AddPathMode | undefined) => m === 1 || m === 3;
const canSend = (m: AddPathMode | undefined) => m === 2 || m === 3;

/** The session two OPENs describe; call after checkPeerOpen accepted the peer's. */
export function negotiate(s: SessionSettings, ours: Pick<OpenMessage, 'capabilities' | 'holdTime'>, theirs: OpenMessage): NegotiatedSession {
  const mine = new Set(ours.capabilities.map((c) => c.name));
  const both = (name: CapabilityName) => mine.has(name) && has(theirs, name);
  const ourFamilies = openFamilies(ours);
  const families = openFamilies(theirs).filter((f) => ourFamilies.includes(f));
  // Keep the configured order (ipv4 first) whatever order the peer used.
  families.sort((a, b) => ourFamilies.indexOf(a) - ourFamilies.indexOf(b));

  const ourAddPath = addPathModes(ours);
  const theirAddPath = addPathModes(theirs);
  const receive = { ipv4: false, ipv6: false };
  const send = { ipv4: false, ipv6: false };
  for (const f of families) {
    // RFC 7911 §4: path ids flow from a side that said send to one that said receive.
    receive[f] = canReceive(ourAddPath[f]) && canSend(theirAddPath[f]);
    send[f] = canSend(ourAddPath[f]) && canReceive(theirAddPath[f]);
  }

  const as4 = both('FOUR_OCTET_AS');
  // RFC 8654 §3: necod can take large messages once it said so; it sends them only to a peer that did too.
  const weExtended = mine.has('EXTENDED_MESSAGE');
  const extendedMessage = weExtended && has(theirs, 'EXTENDED_MESSAGE');
  const peerRefresh = has(theirs, 'ROUTE_REFRESH') || has(theirs, 'ROUTE_REFRESH_CISCO');
  const routeRefresh = mine.has('ROUTE_REFRESH') && peerRefresh;
  const enhancedRouteRefresh = routeRefresh && both('ENHANCED_ROUTE_REFRESH');

  let gracefulRestart: PeerGracefulRestart | null = null;
  const gr = theirs.capabilities.find((c) => c.name === 'GRACEFUL_RESTART');
  if (gr && gr.name === 'GRACEFUL_RESTART' && mine.has('GRACEFUL_RESTART')) {
    const forwarding: Family[] = [];
    for (const x of gr.families) {
      const f = familyOf(x.afi, x.safi);
      if (f && x.forwarding && families.includes(f)) forwarding.push(f);
    }
    gracefulRestart = { restartTime: gr.restartTime, restarting: gr.restarting, notification: gr.notification, forwarding };
  }
  const prefixOrf = routeRefresh ? orfFamilies(ours, 'receive').filter((f) => families.includes(f) && orfFamilies(theirs, 'send').includes(f)) : [];
  const fqdn = theirs.capabilities.find((c) => c.name === 'FQDN');
  const timers = negotiateTimers(ours.holdTime, theirs.holdTime, s.keepaliveTime);
  return {
    peerAs: peerAsn(s, theirs),
    peerRouterId: theirs.bgpId,
    holdTime: timers.holdTime,
    keepaliveTime: timers.keepaliveTime,
    families,
    as4,
    routeRefresh,
    enhancedRouteRefresh,
    prefixOrf,
    gracefulRestart,
    addPath: { receive, send },
    extendedMessage,
    peerHostname: fqdn && fqdn.name === 'FQDN' ? fqdn.hostname : null,
    peerDomain: fqdn && fqdn.name === 'FQDN' ? fqdn.domain : null,
    rx: makeContext({ as4, addPath: receive, extendedMessage: weExtended }),
    tx: makeContext({ as4, addPath: send, extendedMessage }),
    peerCapabilities: theirs.capabilities,
  };
}

// What every peer runner (BIRD, FRR, GoBGP, ExaBGP) accepts and reports, in one vocabulary, so a
// test can swap one real peer for another.

export type Family = 'ipv4' | 'ipv6';

/** RFC 4271 FSM state names. Daemon-specific states (BIRD "Down", FRR "Clearing") map to Idle. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export interface RouteAttrs {
  /** Next hop to announce; runners may rewrite it (eBGP next-hop-self), see README. */
  nextHop?: string;
  /** "asn:value", e.g. "65001:100". */
  communities?: string[];
  /** "global:local1:local2", e.g. "65001:1:2". */
  largeCommunities?: string[];
  med?: number;
  localPref?: number;
}

export interface RouteSpec extends RouteAttrs {
  prefix: string;
}

/** A route as a daemon sees it in its RIB. */
export interface Route {
  prefix: string;
  nextHop: string | null;
  asPath: number[];
  communities: string[];
  largeCommunities: string[];
  localPref: number | null;
  med: number | null;
  /** Neighbor address the route came from; null when the daemon originated it. */
  peer: string | null;
  /** Selected as best by the daemon. */
  best: boolean;
}

export interface NeighborSpec {
  address: string;
  remoteAs: number;
  /** Source address of the session (BIRD `local`, FRR `update-source`, GoBGP local-address). */
  localAddress?: string;
  /** The neighbor is beyond a router, not on a shared link (BIRD `multihop`; iBGP elsewhere needs nothing). */
  multihop?: boolean;
  passive?: boolean;
  /** Remote TCP port (default 179). */
  port?: number;
  /** Hold time in seconds (keepalive = hold / 3). BIRD and FRR refuse values 1 and 2. */
  holdTime?: number;
  routeReflectorClient?: boolean;
  addPath?: 'rx' | 'tx' | 'both';
  gracefulRestart?: boolean;
  /**
   * Restart time announced in the graceful restart capability, seconds (BIRD `graceful restart
   * time`, necod `graceful-restart-time`, GoBGP and ExaBGP alike; default 120). FRR sets it for
   * the whole daemon and ignores it here.
   */
  gracefulRestartTime?: number;
  /**
   * BFD to this neighbor, tied to its BGP session (BIRD `bfd on` with a `protocol bfd`, FRR
   * bgpd `neighbor X bfd profile` with bfdd beside it); `false` is written out where a daemon
   * has a knob; absent: no BFD.
   */
  bfd?: false | BfdSpec;
  /** Address families on this session; default: the family of `address`. */
  families?: Family[];
  /** Interface for link-local neighbors (BIRD `interface`, FRR needs `address%iface`). */
  iface?: string;
}

export interface BfdSpec {
  /** Desired min TX and required min RX, milliseconds. */
  intervalMs: number;
  multiplier: number;
  auth?: { type: 'keyed-sha1' | 'meticulous-keyed-sha1'; keyId: number; secret: string };
}

export interface SpeakerSpec {
  asn: number;
  routerId: string;
  /** TCP port to listen on (default 179). */
  listenPort?: number;
  /** Route reflector cluster id (used when a neighbor is a route-reflector client). */
  clusterId?: string;
  neighbors: NeighborSpec[];
  /** Routes originated from the start (static routes). */
  routes?: RouteSpec[];
}

/** The daemon's view of the last NOTIFICATION on a session. */
export interface LastError {
  direction: 'sent' | 'received' | 'unknown';
  code: number | null;
  subcode: number | null;
  /** RFC 8203 shutdown communication, when the daemon shows one. */
  message: string | null;
  /** The daemon's own wording, for assertions and failure output. */
  text: string;
}

export interface BgpPeer {
  readonly kind: 'bird' | 'frr' | 'gobgp' | 'exabgp' | 'necod';
  readonly ns: string;
  readonly spec: SpeakerSpec;
  start(): Promise<void>;
  stop(): Promise<void>;
  sessionState(neighbor: string): Promise<SessionState>;
  routes(family: Family): Promise<Route[]>;
  lastError(neighbor: string): Promise<LastError | null>;
  announce(prefix: string, attrs?: RouteAttrs): Promise<void>;
  withdraw(prefix: string): Promise<void>;
  /** Administrative shutdown of one session, with an RFC 8203 message where supported. */
  disableNeighbor(neighbor: string, message?: string): Promise<void>;
  enableNeighbor(neighbor: string): Promise<void>;
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

export function neighborFamilies(n: NeighborSpec): Family[] {
  return n.families ?? [familyOf(n.address)];
}

const STATES: Record<string, SessionState> = {
  idle: 'Idle',
  connect: 'Connect',
  active: 'Active',
  opensent: 'OpenSent',
  openconfirm: 'OpenConfirm',
  established: 'Established',
};

/** "Established", "established", "BGP_FSM_ESTABLISHED", "ESTABLISHED" → "Established"; unknown → Idle. */
export function normalizeState(raw: string): SessionState {
  const key = raw.toLowerCase().replace(/^bgp_fsm_/, '').replace(/[^a-z]/g, '');
  return STATES[key] ?? 'Idle';
}

/** Code/subcode names as RFC 4271, 4486 and 6608 spell them; BIRD prints only these texts. */
export const NOTIFICATION_TEXTS: readonly (readonly [number, number, string])[] = [
  [1, 0, 'Invalid message header'],
  [1, 1, 'Connection not synchronized'],
  [1, 2, 'Bad message length'],
  [1, 3, 'Bad message type'],
  [2, 0, 'Invalid OPEN message'],
  [2, 1, 'Unsupported version number'],
  [2, 2, 'Bad peer AS'],
  [2, 3, 'Bad BGP identifier'],
  [2, 4, 'Unsupported optional parameter'],
  [2, 5, 'Authentication failure'],
  [2, 6, 'Unacceptable hold time'],
  [2, 7, 'Required capability missing'],
  [2, 8, 'No supported AFI/SAFI'],
  [2, 11, 'Role mismatch'],
  [3, 0, 'Invalid UPDATE message'],
  [3, 1, 'Malformed attribute list'],
  [3, 2, 'Unrecognized well-known attribute'],
  [3, 3, 'Missing mandatory attribute'],
  [3, 4, 'Invalid attribute flags'],
  [3, 5, 'Invalid attribute length'],
  [3, 6, 'Invalid ORIGIN attribute'],
  [3, 7, 'AS routing loop'],
  [3, 8, 'Invalid NEXT_HOP attribute'],
  [3, 9, 'Optional attribute error'],
  [3, 10, 'Invalid network field'],
  [3, 11, 'Malformed AS_PATH'],
  [4, 0, 'Hold timer expired'],
  [5, 0, 'Finite state machine error'],
  [5, 1, 'Unexpected message in OpenSent state'],
  [5, 2, 'Unexpected message in OpenConfirm state'],
  [5, 3, 'Unexpected message in Established state'],
  [6, 0, 'Cease'],
  [6, 1, 'Maximum number of prefixes reached'],
  [6, 2, 'Administrative shutdown'],
  [6, 3, 'Peer de-configured'],
  [6, 4, 'Administrative reset'],
  [6, 5, 'Connection rejected'],
  [6, 6, 'Other configuration change'],
  [6, 7, 'Connection collision resolution'],
  [6, 8, 'Out of Resources'],
  [7, 0, 'Invalid ROUTE-REFRESH message'],
  [7, 1, 'Invalid ROUTE-REFRESH message length'],
];

export function codeForText(text: string): { code: number; subcode: number } | null {
  const t = text.trim().toLowerCase();
  for (const [code, subcode, name] of NOTIFICATION_TEXTS) {
    if (name.toLowerCase() === t) return { code, subcode };
  }
  return null;
}

/** Small JSON narrowing helpers: parsed daemon output is `unknown` until checked. */
export type Json = unknown;

export function isObject(v: Json): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function field(v: Json, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new Error(`${what}: output is not JSON: ${text.slice(0, 300)}`, { cause: err });
  }
}

const WELL_KNOWN_COMMUNITIES: Record<string, string> = {
  'graceful-shutdown': '65535:0',
  'accept-own': '65535:1',
  'llgr-stale': '65535:6',
  'no-llgr': '65535:7',
  blackhole: '65535:666',
  'no-export': '65535:65281',
  noexport: '65535:65281',
  'no-advertise': '65535:65282',
  noadvertise: '65535:65282',
  'local-as': '65535:65283',
  'no-export-subconfed': '65535:65283',
  'no-peer': '65535:65284',
  nopeer: '65535:65284',
  internet: '0:0',
};

/** Communities as "asn:value" numbers; daemons print some well-known ones by name. */
export function normalizeCommunity(c: string): string {
  return WELL_KNOWN_COMMUNITIES[c.toLowerCase()] ?? c;
}

/** A 32-bit community value (GoBGP prints these) as "asn:value". */
export function communityFromNumber(n: number): string {
  return `${Math.floor(n / 65536)}:${n % 65536}`;
}

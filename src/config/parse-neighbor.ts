/** Reads one entry of `neighbors:` and checks the fields of that entry against each other. */
import type { ConfigReader, MappingReader } from './mapping-reader.js';
import type { BfdDefaults, CapabilitiesConfig, MaxPrefixesConfig, NeighborConfig } from './types.js';
import { readNeighborBfd } from './parse-bfd.js';
import type { Located } from './yaml-file.js';
import { readFamilies } from './read-families.js';
import { NEIGHBOR_ROUTING_KEYS, readNeighborRouting } from './parse-neighbor-routing.js';
import type { Reference } from './references.js';
import { familyName } from '../net/index.js';
import type { IpText } from './ip-text.js';
import {
  asNumber,
  boolean,
  holdTime as holdTimeCheck,
  hostAddress,
  integerIn,
  neighborName,
  oneOf,
} from './value-checks.js';
import {
  BGP_PORT,
  DEFAULT_CONNECT_RETRY_TIME,
  DEFAULT_DELAY_OPEN_TIME,
  DEFAULT_HOLD_TIME,
  EBGP_DEFAULT_TTL,
  IBGP_DEFAULT_TTL,
  MAX_ASN,
  MAX_GRACEFUL_RESTART_TIME,
} from './defaults.js';

export const NEIGHBOR_KEYS = [
  'name',
  'address',
  'remote-as',
  'local-address',
  'port',
  'passive',
  'hold-time',
  'keepalive-time',
  'connect-retry-time',
  'delay-open-time',
  'families',
  'multihop',
  'shutdown',
  'max-prefixes',
  'capabilities',
  'graceful-restart-time',
  'bfd',
  ...NEIGHBOR_ROUTING_KEYS,
] as const;

export const CAPABILITY_KEYS = [
  'four-octet-as',
  'route-refresh',
  'enhanced-route-refresh',
  'graceful-restart',
  'add-path',
  'extended-message',
  'prefix-orf',
] as const;

export const MAX_PREFIXES_KEYS = ['limit', 'restart-time'] as const;

const ADD_PATH_MODES = ['none', 'receive', 'send', 'both'] as const;
const MAX_TWO_OCTET_AS = 65535;
const seconds = integerIn(1, 65535);
const secondsOrZero = integerIn(0, 65535);

/** What a neighbor takes from the rest of the file. */
export interface NeighborContext {
  /** The global `asn`, undefined when it is itself invalid; decides iBGP or eBGP. */
  localAsn: number | undefined;
  /** graceful-restart.restart-time, the default of graceful-restart-time; undefined when invalid. */
  gracefulRestartTime: number | undefined;
  /** Collects the policy names used, checked once every policy is known. */
  policyRefs: Reference[];
  /** The top-level `bfd:` defaults; undefined when that block is itself invalid. */
  bfd: BfdDefaults | undefined;
}

/** A neighbor entry as read: the fields checks across neighbors need, even when others are wrong. */
export interface NeighborEntry {
  entry: MappingReader;
  name: string | undefined;
  address: IpText | undefined;
  passive: boolean | undefined;
  /** undefined when the entry has errors; they are in the reader's error list. */
  config: NeighborConfig | undefined;
}

/** Returns undefined when the entry is not even a mapping. */
export function parseNeighbor(reader: ConfigReader, at: Located, context: NeighborContext): NeighborEntry | undefined {
  const { localAsn } = context;
  const errorsBefore = reader.errors.length;
  const entry = reader.mapping(at, NEIGHBOR_KEYS);
  if (entry === null) return undefined;

  const name = entry.required('name', neighborName);
  const address = entry.required('address', hostAddress);
  const remoteAs = entry.required('remote-as', asNumber);
  const localAddress = entry.optional('local-address', hostAddress, null);
  const port = entry.optional('port', integerIn(1, 65535), BGP_PORT);
  const passive = entry.optional('passive', boolean, false);
  const holdTime = entry.optional('hold-time', holdTimeCheck, DEFAULT_HOLD_TIME);
  const keepaliveTime = entry.optional('keepalive-time', seconds, null);
  const connectRetryTime = entry.optional('connect-retry-time', seconds, DEFAULT_CONNECT_RETRY_TIME);
  const delayOpenTime = entry.optional('delay-open-time', secondsOrZero, DEFAULT_DELAY_OPEN_TIME);
  const families = readFamilies(reader, entry);
  const multihop = entry.optional('multihop', integerIn(1, 255), null);
  const shutdown = entry.optional('shutdown', boolean, false);
  const maxPrefixes = readMaxPrefixes(entry);
  const capabilities = readCapabilities(entry, remoteAs, localAsn);
  const gracefulRestartTime = entry.optional(
    'graceful-restart-time',
    integerIn(1, MAX_GRACEFUL_RESTART_TIME),
    context.gracefulRestartTime,
  );
  const routing = readNeighborRouting(entry, { address, families, remoteAs, localAsn }, context.policyRefs);
  const bfd = readNeighborBfd(entry, context.bfd, {
    address,
    localAddress,
    bgpMultihop: multihop !== undefined && multihop !== null && multihop > 1,
    subnetLength: routing?.nextHopSubnetLength,
  });

  if (address !== undefined && localAddress !== undefined && localAddress !== null) {
    checkSameFamily(entry, address, localAddress);
  }
  if (holdTime !== undefined && keepaliveTime !== undefined && keepaliveTime !== null) {
    checkKeepalive(entry, holdTime, keepaliveTime);
  }

  const partial = (config: NeighborConfig | undefined): NeighborEntry => ({ entry, name, address, passive, config });
  if (
    reader.errors.length > errorsBefore ||
    name === undefined ||
    address === undefined ||
    remoteAs === undefined ||
    localAddress === undefined ||
    port === undefined ||
    passive === undefined ||
    holdTime === undefined ||
    keepaliveTime === undefined ||
    connectRetryTime === undefined ||
    delayOpenTime === undefined ||
    families === undefined ||
    multihop === undefined ||
    shutdown === undefined ||
    maxPrefixes === undefined ||
    capabilities === undefined ||
    gracefulRestartTime === undefined ||
    routing === undefined ||
    bfd === undefined
  ) {
    return partial(undefined);
  }
  return partial({
    name,
    address: address.text,
    remoteAs,
    localAddress: localAddress?.text ?? null,
    port,
    passive,
    holdTime,
    keepaliveTime: keepaliveTime ?? Math.floor(holdTime / 3),
    connectRetryTime,
    delayOpenTime,
    families: families ?? [address.family],
    multihop: multihop ?? (remoteAs === localAsn ? IBGP_DEFAULT_TTL : EBGP_DEFAULT_TTL),
    shutdown,
    maxPrefixes,
    capabilities,
    gracefulRestartTime,
    ...routing,
    bfd,
  });
}

function readMaxPrefixes(entry: MappingReader): MaxPrefixesConfig | null | undefined {
  const block = entry.mapping('max-prefixes', MAX_PREFIXES_KEYS);
  if (block === null || block === undefined) return block;
  const limit = block.required('limit', integerIn(1, MAX_ASN));
  const restartTime = block.optional('restart-time', secondsOrZero, 0);
  return limit === undefined || restartTime === undefined ? undefined : { limit, restartTime };
}

function readCapabilities(
  entry: MappingReader,
  remoteAs: number | undefined,
  localAsn: number | undefined,
): CapabilitiesConfig | undefined {
  const block = entry.mapping('capabilities', CAPABILITY_KEYS);
  if (block === undefined) return undefined;
  if (block === null) {
    return {
      fourOctetAs: true,
      routeRefresh: true,
      enhancedRouteRefresh: true,
      gracefulRestart: true,
      addPath: 'none',
      extendedMessage: false,
      prefixOrf: false,
    };
  }
  const fourOctetAs = block.optional('four-octet-as', boolean, true);
  const routeRefresh = block.optional('route-refresh', boolean, true);
  // RFC 7313 builds enhanced route refresh on route refresh, so it follows route-refresh by default.
  const enhancedRouteRefresh = block.optional('enhanced-route-refresh', boolean, routeRefresh ?? true);
  const gracefulRestart = block.optional('graceful-restart', boolean, true);
  const addPath = block.optional('add-path', oneOf(ADD_PATH_MODES), 'none');
  const extendedMessage = block.optional('extended-message', boolean, false);
  const prefixOrf = block.optional('prefix-orf', boolean, false);
  if (routeRefresh === false && enhancedRouteRefresh === true) {
    block.reject('enhanced-route-refresh', 'enhanced-route-refresh needs route-refresh: true (RFC 7313)');
  }
  if (fourOctetAs === false) checkTwoOctetAs(block, remoteAs, localAsn);
  if (
    !block.valid('enhanced-route-refresh') ||
    !block.valid('four-octet-as') ||
    fourOctetAs === undefined ||
    routeRefresh === undefined ||
    enhancedRouteRefresh === undefined ||
    gracefulRestart === undefined ||
    addPath === undefined ||
    extendedMessage === undefined ||
    prefixOrf === undefined
  ) {
    return undefined;
  }
  if (prefixOrf && routeRefresh === false) block.reject('prefix-orf', 'prefix-orf needs route-refresh: true (ORF travels in ROUTE-REFRESH, RFC 5291 §4)');
  if (!block.valid('prefix-orf')) return undefined;
  return { fourOctetAs, routeRefresh, enhancedRouteRefresh, gracefulRestart, addPath, extendedMessage, prefixOrf };
}

function checkSameFamily(entry: MappingReader, address: IpText, localAddress: IpText): void {
  if (address.family === localAddress.family) return;
  entry.reject(
    'local-address',
    `${localAddress.text} is ${familyName(localAddress.family)} but address ${address.text} is ${familyName(address.family)}; ` +
      'both ends of a session use the same family',
  );
}

function checkKeepalive(entry: MappingReader, holdTime: number, keepaliveTime: number): void {
  if (holdTime === 0 || keepaliveTime < holdTime) return;
  entry.reject(
    'keepalive-time',
    `keepalive-time (${keepaliveTime}) must be less than hold-time (${holdTime}); usually it is a third of it`,
  );
}

/** Without the four-octet AS capability an AS number above 65535 cannot be carried (RFC 6793). */
function checkTwoOctetAs(block: MappingReader, remoteAs: number | undefined, localAsn: number | undefined): void {
  const wide = [
    remoteAs !== undefined && remoteAs > MAX_TWO_OCTET_AS ? `remote-as ${remoteAs}` : null,
    localAsn !== undefined && localAsn > MAX_TWO_OCTET_AS ? `asn ${localAsn}` : null,
  ].filter((text): text is string => text !== null);
  if (wide.length === 0) return;
  block.reject(
    'four-octet-as',
    `four-octet-as: false cannot work with ${wide.join(' and ')}, which need four octets (RFC 6793)`,
  );
}


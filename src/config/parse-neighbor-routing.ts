/**
 * The keys of a neighbor that decide what its routes become: route reflection, import and
 * export filters, and the receive-side NEXT_HOP rule with the next hops of IPv6 routes.
 */
import type { IpText } from './ip-text.js';
import type { MappingReader } from './mapping-reader.js';
import { RESERVED_POLICY_NAMES } from './parse-policies.js';
import { familyName } from '../net/index.js';
import type { Reference } from './references.js';
import type { Family } from '../net/index.js';
import type { ExportFilter, ImportFilter, NeighborConfig } from './types.js';
import {
  accept,
  boolean,
  hostAddress,
  integerIn,
  interfaceName,
  mismatch,
  neighborName,
  type ValueCheck,
} from './value-checks.js';

export const NEIGHBOR_ROUTING_KEYS = [
  'route-reflector-client',
  'import',
  'export',
  'next-hop-rewrite',
  'next-hop-subnet-length',
  'interface',
  'ipv6-next-hop',
] as const;

export type NeighborRouting = Pick<
  NeighborConfig,
  | 'routeReflectorClient'
  | 'import'
  | 'export'
  | 'nextHopRewrite'
  | 'nextHopSubnetLength'
  | 'interface'
  | 'ipv6NextHop'
>;

/** What the other keys of the entry say, each undefined when invalid. */
export interface NeighborFacts {
  address: IpText | undefined;
  /** null: not written, so the family of the address. */
  families: Family[] | null | undefined;
  remoteAs: number | undefined;
  localAsn: number | undefined;
}

/** A filter keyword, or else a policy name whose policy must exist (checked once all are read). */
function filterCheck<K extends string>(keywords: readonly K[]): ValueCheck<K | { policy: string }> {
  const expected = `${keywords.join(', ')} or a policy name`;
  return {
    expected,
    check: (value) => {
      if ((keywords as readonly unknown[]).includes(value)) return accept(value as K);
      // `import: local` is a keyword in the wrong place, not the name of a policy.
      const reserved = (RESERVED_POLICY_NAMES as readonly unknown[]).includes(value);
      return !reserved && neighborName.check(value).ok ? accept({ policy: String(value) }) : mismatch(expected, value);
    },
  };
}

const importCheck = filterCheck(['all', 'none'] as const);
const exportCheck = filterCheck(['local', 'all', 'none'] as const);

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address));
}

/** undefined when some key is invalid; policy names used are added to `policyRefs`. */
export function readNeighborRouting(
  entry: MappingReader,
  facts: NeighborFacts,
  policyRefs: Reference[],
): NeighborRouting | undefined {
  const routeReflectorClient = entry.optional('route-reflector-client', boolean, false);
  const importFilter: ImportFilter | undefined = entry.optional('import', importCheck, 'all');
  const exportFilter: ExportFilter | undefined = entry.optional('export', exportCheck, 'local');
  // A route from a neighbor on this host (MetalLB on 127.0.0.1) would get 127.0.0.1 as its next
  // hop, which the kernel refuses: such a neighbor keeps the next hops it sends unless told otherwise.
  const nextHopRewrite = entry.optional('next-hop-rewrite', boolean, !isLoopback(facts.address?.text));
  const nextHopSubnetLength = entry.optional('next-hop-subnet-length', integerIn(0, 128), null);
  const interfaceValue = entry.optional('interface', interfaceName, null);
  const ipv6NextHop = entry.optional('ipv6-next-hop', hostAddress, null);

  for (const [key, filter] of [
    ['import', importFilter],
    ['export', exportFilter],
  ] as const) {
    if (typeof filter === 'object') {
      policyRefs.push({ name: filter.policy, path: entry.pathOf(key), line: entry.lineOf(key) });
    }
  }
  if (routeReflectorClient === true) checkReflectorClient(entry, facts);
  if (nextHopSubnetLength !== undefined && nextHopSubnetLength !== null) {
    checkSubnetLength(entry, facts.address, nextHopSubnetLength);
  }
  if (interfaceValue !== undefined && interfaceValue !== null) checkInterface(entry, facts.address, interfaceValue);
  if (ipv6NextHop !== undefined && ipv6NextHop !== null) checkIpv6NextHop(entry, facts, ipv6NextHop);

  if (
    NEIGHBOR_ROUTING_KEYS.some((key) => !entry.valid(key)) ||
    routeReflectorClient === undefined ||
    importFilter === undefined ||
    exportFilter === undefined ||
    nextHopRewrite === undefined ||
    nextHopSubnetLength === undefined ||
    interfaceValue === undefined ||
    ipv6NextHop === undefined
  ) {
    return undefined;
  }
  return {
    routeReflectorClient,
    import: importFilter,
    export: exportFilter,
    nextHopRewrite,
    nextHopSubnetLength,
    interface: interfaceValue,
    ipv6NextHop: ipv6NextHop?.text ?? null,
  };
}

/** RFC 4456 reflects between iBGP peers only; toward eBGP every route is advertised anyway. */
function checkReflectorClient(entry: MappingReader, facts: NeighborFacts): void {
  const { remoteAs, localAsn } = facts;
  if (remoteAs === undefined || localAsn === undefined || remoteAs === localAsn) return;
  entry.reject(
    'route-reflector-client',
    `route reflection (RFC 4456) is between iBGP neighbors, but remote-as ${remoteAs} is not asn ${localAsn}`,
  );
}

function checkSubnetLength(entry: MappingReader, address: IpText | undefined, length: number): void {
  if (address === undefined || address.family === 'ipv6' || length <= 32) return;
  entry.reject(
    'next-hop-subnet-length',
    `next-hop-subnet-length (${length}) is longer than an IPv4 address; for ${address.text} it is 0..32`,
  );
}

/** A link-local address already names its interface; a second, different name is a mistake. */
function checkInterface(entry: MappingReader, address: IpText | undefined, name: string): void {
  if (address?.zone === null || address?.zone === undefined || address.zone === name) return;
  entry.reject('interface', `address ${address.text} is on interface ${address.zone}, but interface is ${name}`);
}

function checkIpv6NextHop(entry: MappingReader, facts: NeighborFacts, nextHop: IpText): void {
  if (nextHop.family !== 'ipv6') {
    const family = familyName(nextHop.family);
    entry.reject('ipv6-next-hop', `${nextHop.text} is ${family}; ipv6-next-hop takes an IPv6 address`);
    return;
  }
  const families = facts.families ?? (facts.address === undefined ? undefined : [facts.address.family]);
  if (families === undefined || families.includes('ipv6')) return;
  entry.reject(
    'ipv6-next-hop',
    `ipv6-next-hop is only used for IPv6 routes, but the session carries ${families.join(', ')} only ` +
      '(add ipv6 to families)',
  );
}

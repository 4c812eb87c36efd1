// Which routes an interface's addresses stand for: pure, from `ip -json addr show` records.
import type { IpAddress, IpInterface } from '../host/ip-records.js';
import { formatPrefix, hostPrefix, isLinkLocalIpv6, parseIpv6, subnetOf, parseAddress } from '../net/index.js';
import { ORIGIN_FAMILIES, type OriginFamily, type OriginRoute } from './types.js';

/** host: each address as a /32 or /128; subnet: the connected prefix (the peer's, for a peer address). */
export type AddressMode = 'host' | 'subnet';

export interface InterfaceSpec {
  /** An interface name, or a pattern with `*` (any run of characters) and `?` (one character). */
  name: string;
  /** Default host. */
  mode?: AddressMode;
  /** Advertise only while the interface is up (admin up, carrier not lost). Default true. */
  requireUp?: boolean;
  /** Default both. */
  families?: readonly OriginFamily[];
}

/** An InterfaceSpec with every default filled in. */
export interface InterfaceRule {
  name: string;
  mode: AddressMode;
  requireUp: boolean;
  families: readonly OriginFamily[];
  match: (ifname: string) => boolean;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function isPattern(name: string): boolean {
  return name.includes('*') || name.includes('?');
}

// Linux interface names: up to 15 bytes, no whitespace, '/' or ':'.
const NAME_RE = /^[^\s/:]{1,15}$/;
const PATTERN_RE = /^[^\s/:]{1,64}$/;

/** Throws for a name or pattern no interface can have. */
export function toRule(spec: InterfaceSpec): InterfaceRule {
  if (!(isPattern(spec.name) ? PATTERN_RE : NAME_RE).test(spec.name)) {
    throw new Error(`${JSON.stringify(spec.name)} is not a valid interface name or pattern`);
  }
  const re = isPattern(spec.name) ? globToRegExp(spec.name) : null;
  return {
    name: spec.name,
    mode: spec.mode ?? 'host',
    requireUp: spec.requireUp ?? true,
    families: spec.families ?? ORIGIN_FAMILIES,
    match: re === null ? (ifname) => ifname === spec.name : (ifname) => re.test(ifname),
  };
}

/** The first rule that names the interface, as with BIRD's interface patterns. */
export function ruleFor(rules: readonly InterfaceRule[], ifname: string): InterfaceRule | null {
  for (const rule of rules) if (rule.match(ifname)) return rule;
  return null;
}

/**
 * Up as BIRD's direct protocol sees it: administratively up and an operational state of UP or
 * UNKNOWN (what dummy interfaces and port-less bridges report), not DOWN/LOWERLAYERDOWN/….
 */
export function isInterfaceUp(iface: IpInterface): boolean {
  return iface.flags.includes('UP') && (iface.operState === 'UP' || iface.operState === 'UNKNOWN');
}

/**
 * Whether an address can stand for a route at all. Host- and link-scope addresses (loopback,
 * fe80::/10, uplink addresses given `scope link` on purpose) are never advertised — as in
 * BIRD's direct protocol; nor are addresses not yet or never usable (IPv6 DAD).
 */
export function isAdvertisable(address: IpAddress): boolean {
  if (address.scope === 'host' || address.scope === 'link') return false;
  if (address.tentative || address.dadFailed) return false;
  const v6 = address.family === 'ipv6' ? parseIpv6(address.local) : null;
  return !(v6 !== null && isLinkLocalIpv6(v6));
}

function addressPrefix(address: IpAddress, mode: AddressMode): string | null {
  if (mode === 'host') {
    const a = parseAddress(address.local);
    return a === null ? null : formatPrefix(hostPrefix(a));
  }
  const p = subnetOf(address.peer ?? address.local, address.prefixLength);
  return p === null ? null : formatPrefix(p);
}

/** The routes one interface's addresses stand for under a rule, in address order, without duplicates. */
export function interfaceRoutes(iface: IpInterface, rule: InterfaceRule): OriginRoute[] {
  if (rule.requireUp && !isInterfaceUp(iface)) return [];
  const routes: OriginRoute[] = [];
  const seen = new Set<string>();
  for (const address of iface.addresses) {
    if (!rule.families.includes(address.family) || !isAdvertisable(address)) continue;
    const prefix = addressPrefix(address, rule.mode);
    if (prefix === null || seen.has(prefix)) continue;
    seen.add(prefix);
    routes.push({ prefix, kind: 'unicast', nextHop: null, device: iface.name });
  }
  return routes;
}

/**
 * The route set of several interfaces. A prefix two interfaces share goes to the one with the
 * lowest index, so the result does not depend on the order of reads.
 */
export function mergeInterfaceRoutes(perInterface: Iterable<{ index: number; routes: readonly OriginRoute[] }>): Map<string, OriginRoute> {
  const ordered = [...perInterface].sort((a, b) => a.index - b.index);
  const merged = new Map<string, OriginRoute>();
  for (const { routes } of ordered) {
    for (const route of routes) if (!merged.has(route.prefix)) merged.set(route.prefix, route);
  }
  return merged;
}

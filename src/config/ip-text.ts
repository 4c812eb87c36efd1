// An IP address as the configuration holds it: canonical text (src/net's formatter, so equal
// addresses compare equal as strings and match what the codec and the kernel print), the
// family, an IPv6 zone kept apart, and the properties the checks ask about.
import {
  addressFamily,
  formatAddress,
  isIpv4MappedAddress,
  isLinkLocal,
  isMulticast,
  isUnspecified,
  parseAddress,
} from '../net/index.js';
import type { Family } from '../net/index.js';

/** An IP address from the configuration, in canonical text so that equal addresses compare equal. */
export interface IpText {
  /** IPv4 dotted quad, or IPv6 compressed lower case followed by `%zone` when a zone was given. */
  text: string;
  family: Family;
  /** The IPv6 zone (interface name) without the `%`, or null. */
  zone: string | null;
  unspecified: boolean;
  multicast: boolean;
  /** fe80::/10: only reachable through a named interface. */
  linkLocal: boolean;
  /** ::ffff:a.b.c.d, an IPv4 address in IPv6 clothing. */
  v4Mapped: boolean;
}

/** The characters a zone may hold (as node:net accepts them, so the socket calls will too). */
const ZONE = /^[0-9a-zA-Z\-.:]+$/;

/** Parses an address without prefix length; null when `text` is not one. */
export function parseIpText(text: string): IpText | null {
  const percent = text.indexOf('%');
  const zone = percent >= 0 ? text.slice(percent + 1) : null;
  if (zone !== null && !ZONE.test(zone)) return null;
  const address = parseAddress(percent >= 0 ? text.slice(0, percent) : text);
  if (address === null) return null;
  const family = addressFamily(address);
  if (zone !== null && family === 'ipv4') return null;
  const canonical = formatAddress(address);
  return {
    text: zone === null ? canonical : `${canonical}%${zone}`,
    family,
    zone,
    unspecified: isUnspecified(address),
    multicast: isMulticast(address),
    // A link-local IPv4 address (169.254/16) is an ordinary next hop to the checks that ask.
    linkLocal: family === 'ipv6' && isLinkLocal(address),
    v4Mapped: isIpv4MappedAddress(address),
  };
}

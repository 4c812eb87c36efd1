import { isIP } from 'node:net';
import { Address4, Address6 } from 'ip-address';
import type { AddressFamily } from './types.js';

const LINK_LOCAL = new Address6('fe80::/10');
const V4_MAPPED = new Address6('::ffff:0:0/96');

/** An IP address from the configuration, in canonical text so that equal addresses compare equal. */
export interface IpText {
  /** IPv4 dotted quad, or IPv6 compressed lower case followed by `%zone` when a zone was given. */
  text: string;
  family: AddressFamily;
  /** The IPv6 zone (interface name) without the `%`, or null. */
  zone: string | null;
  unspecified: boolean;
  multicast: boolean;
  /** fe80::/10: only reachable through a named interface. */
  linkLocal: boolean;
  /** ::ffff:a.b.c.d, an IPv4 address in IPv6 clothing. */
  v4Mapped: boolean;
}

/** Parses an address without prefix length; null when `text` is not one. */
export function parseIpText(text: string): IpText | null {
  // node:net accepts exactly the address forms the socket calls will accept later (no prefix, no
  // leading zeros in IPv4); ip-address then gives the canonical text and the address properties.
  const version = isIP(text);
  if (version === 4) {
    const address = new Address4(text);
    return {
      text: address.correctForm(),
      family: 'ipv4',
      zone: null,
      unspecified: text === '0.0.0.0',
      multicast: address.isMulticast(),
      linkLocal: false,
      v4Mapped: false,
    };
  }
  if (version === 6) {
    const percent = text.indexOf('%');
    const zone = percent >= 0 ? text.slice(percent + 1) : null;
    const address = new Address6(percent >= 0 ? text.slice(0, percent) : text);
    const canonical = address.correctForm();
    return {
      text: zone === null ? canonical : `${canonical}%${zone}`,
      family: 'ipv6',
      zone,
      unspecified: canonical === '::',
      multicast: address.isMulticast(),
      linkLocal: address.isInSubnet(LINK_LOCAL),
      v4Mapped: address.isInSubnet(V4_MAPPED),
    };
  }
  return null;
}

// An IP address of either family in the codec's own form: a number for IPv4, 16 bytes for
// IPv6, so that the family is `typeof` and no conversion stands between the wire, the RIB and
// the text edges. Text in and out goes through the one parser and formatter of each family.
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { formatIpv6, isIpv4Mapped, isLinkLocalIpv6, parseIpv6 } from './ipv6.js';

export type Family = 'ipv4' | 'ipv6';

/** IPv4: unsigned 32-bit number; IPv6: 16 bytes, network order. */
export type IpAddress = number | Uint8Array;

export function addressFamily(a: IpAddress): Family {
  return typeof a === 'number' ? 'ipv4' : 'ipv6';
}

/** The family of address or prefix text, by its shape alone (an IPv6 text has a colon). */
export function familyOfText(text: string): Family {
  return text.includes(':') ? 'ipv6' : 'ipv4';
}

export function maxPrefixLength(family: Family): number {
  return family === 'ipv4' ? 32 : 128;
}

export function familyName(family: Family): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** Either family's text; null when it is neither (a zone or a prefix length is not an address). */
export function parseAddress(text: string): IpAddress | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

export function formatAddress(a: IpAddress): string {
  return typeof a === 'number' ? formatIpv4(a) : formatIpv6(a);
}

/**
 * The canonical text of an address (RFC 5952 for IPv6), or null when `text` is none. Text that
 * is already canonical comes back as the same string, so callers can compare and keep it.
 */
export function canonicalAddress(text: string): string | null {
  const a = parseAddress(text);
  if (a === null) return null;
  if (typeof a === 'number') return text; // the parser takes only the canonical dotted quad
  const out = formatIpv6(a);
  return out === text ? text : out;
}

/** 169.254.0.0/16 or fe80::/10. */
export function isLinkLocal(a: IpAddress): boolean {
  return typeof a === 'number' ? a >>> 16 === 0xa9fe : isLinkLocalIpv6(a);
}

/** 224.0.0.0/4 or ff00::/8. */
export function isMulticast(a: IpAddress): boolean {
  return typeof a === 'number' ? a >>> 28 === 0xe : a[0] === 0xff;
}

/** 0.0.0.0 or ::. */
export function isUnspecified(a: IpAddress): boolean {
  return typeof a === 'number' ? a === 0 : a.every((b) => b === 0);
}

export function isIpv4MappedAddress(a: IpAddress): boolean {
  return typeof a !== 'number' && isIpv4Mapped(a);
}

/** The address as 4 or 16 bytes (for byte-wise comparison and ordering). */
export function addressBytes(a: IpAddress): Uint8Array {
  return typeof a === 'number' ? Uint8Array.of(a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff) : a;
}

/**
 * An IPv4 peer as a dual-stack socket names it ("::ffff:192.0.2.1") back to its IPv4 text; any
 * other text is returned as it is.
 */
export function unmapIpv4Text(text: string): string {
  return text.length > 7 && text.slice(0, 7).toLowerCase() === '::ffff:' && text.includes('.') ? text.slice(7) : text;
}

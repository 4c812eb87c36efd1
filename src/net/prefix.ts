// A prefix is an address and a length, in the address's binary form (see address.ts). The one
// prefix parser and formatter; host bits are kept as written so that each caller decides
// whether they are an error (configuration, `ip` output) or to be cleared (RFC 4271 §4.3 NLRI).
import { addressFamily, formatAddress, maxPrefixLength, parseAddress, type IpAddress } from './address.js';
import { ipv4Mask } from './ipv4.js';

export interface Prefix {
  readonly address: IpAddress;
  readonly length: number;
}

/** "10.0.0.0/24", "2001:db8::/32": a decimal length without leading zeros, within the family's. */
export function parsePrefix(text: string): Prefix | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseAddress(text.slice(0, slash));
  if (address === null) return null;
  const length = parseLength(text.slice(slash + 1));
  if (length === null || length > maxPrefixLength(addressFamily(address))) return null;
  return { address, length };
}

/** "0".."128" without leading zeros ("/024" is more likely a typo than a way to write 24). */
export function parseLength(text: string): number | null {
  return /^(0|[1-9]\d{0,2})$/.test(text) ? Number(text) : null;
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.address)}/${p.length}`;
}

/** `a` with the bits past `length` cleared; a new array for IPv6. */
export function maskAddress(a: IpAddress, length: number): IpAddress {
  if (typeof a === 'number') return (a & ipv4Mask(length)) >>> 0;
  const out = a.slice();
  for (let bit = length; bit < 128; bit++) out[bit >> 3]! &= ~(0x80 >> (bit & 7)); // bit < 128: inside the 16 bytes
  return out;
}

/** The network of a prefix: the same length, host bits cleared. */
export function networkOf(p: Prefix): Prefix {
  return { address: maskAddress(p.address, p.length), length: p.length };
}

export function hasHostBits(p: Prefix): boolean {
  return !sameAddress(p.address, maskAddress(p.address, p.length));
}

export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the first `bits` bits of two addresses of one family agree. */
export function sameLeadingBits(a: IpAddress, b: IpAddress, bits: number): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    return typeof a === 'number' && typeof b === 'number' && ((a ^ b) & ipv4Mask(bits)) === 0;
  }
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((a[whole] ?? 0) ^ (b[whole] ?? 0)) & mask) === 0;
}

/** Whether the prefix holds the address (same family, leading bits equal). */
export function prefixContains(p: Prefix, a: IpAddress): boolean {
  return sameLeadingBits(p.address, a, p.length);
}

/** The host route of an address: /32 or /128. */
export function hostPrefix(a: IpAddress): Prefix {
  return { address: a, length: maxPrefixLength(addressFamily(a)) };
}

/**
 * The network that `address` with this prefix length lies in, host bits cleared ("10.69.0.5",
 * 26 → 10.69.0.0/26); null when the address is not one or the length does not fit its family.
 */
export function subnetOf(address: string, length: number): Prefix | null {
  const a = parseAddress(address);
  if (a === null || !Number.isInteger(length) || length < 0 || length > maxPrefixLength(addressFamily(a))) return null;
  return { address: maskAddress(a, length), length };
}

/** Whether address text lies in the prefix; false for text that is no address. */
export function prefixContainsText(p: Prefix, address: string): boolean {
  const a = parseAddress(address);
  return a !== null && prefixContains(p, a);
}

// Canonical prefix text, so that the same prefix read from two places compares equal as a string.
import { isIP } from 'node:net';
import { Address4, Address6 } from 'ip-address';
import type { OriginFamily } from './types.js';

export function familyOfAddress(address: string): OriginFamily | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** `address/length` with the host bits cleared, in canonical text; null if either is invalid. */
export function networkPrefix(address: string, length: number): string | null {
  const family = familyOfAddress(address);
  if (family === null || !Number.isInteger(length) || length < 0) return null;
  if (family === 'ipv4') {
    if (length > 32) return null;
    return `${new Address4(`${address}/${length}`).startAddress().correctForm()}/${length}`;
  }
  if (length > 128) return null;
  return `${new Address6(`${address}/${length}`).startAddress().correctForm()}/${length}`;
}

/** The host route of an address: /32 or /128. */
export function hostPrefix(address: string): string | null {
  const family = familyOfAddress(address);
  if (family === null) return null;
  return networkPrefix(address, family === 'ipv4' ? 32 : 128);
}

/**
 * A destination as iproute2 prints it — "default", a bare address (a host route) or
 * address/length — as a canonical prefix of the given family; null if it is none of these.
 */
export function destinationPrefix(dst: string, family: OriginFamily): string | null {
  if (dst === 'default') return family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  const slash = dst.indexOf('/');
  const address = slash < 0 ? dst : dst.slice(0, slash);
  if (familyOfAddress(address) !== family) return null;
  if (slash < 0) return hostPrefix(address);
  const lengthText = dst.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return null;
  return networkPrefix(address, Number(lengthText));
}

const LINK_LOCAL_V6 = new Address6('fe80::/10');

export function isIpv6LinkLocal(address: string): boolean {
  return familyOfAddress(address) === 'ipv6' && new Address6(address).isInSubnet(LINK_LOCAL_V6);
}

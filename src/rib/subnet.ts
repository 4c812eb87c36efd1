// Address-in-subnet tests for the receive-side NEXT_HOP rule, on text addresses as the
// codec hands them over (one call per UPDATE, not per prefix).
import { parseIpv4, parseIpv6 } from '../bgp/wire/index.js';

export interface Subnet {
  family: 'ipv4' | 'ipv6';
  /** 4 or 16 bytes */
  bytes: Uint8Array;
  length: number;
}

function toBytes(address: string): Uint8Array | null {
  const v4 = parseIpv4(address);
  if (v4 !== null) return Uint8Array.of(v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff);
  return parseIpv6(address);
}

/** The subnet of `address` with the given prefix length ("10.69.0.5", 26 → 10.69.0.0/26). */
export function subnetOf(address: string, length: number): Subnet | null {
  const bytes = toBytes(address);
  if (!bytes) return null;
  const max = bytes.length * 8;
  if (length < 0 || length > max) return null;
  const masked = bytes.slice();
  for (let bit = length; bit < max; bit++) masked[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { family: bytes.length === 4 ? 'ipv4' : 'ipv6', bytes: masked, length };
}

export function inSubnet(address: string, subnet: Subnet): boolean {
  const bytes = toBytes(address);
  if (!bytes || bytes.length !== subnet.bytes.length) return false;
  const full = subnet.length >> 3;
  for (let i = 0; i < full; i++) if (bytes[i] !== subnet.bytes[i]) return false;
  const rest = subnet.length & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[full] ?? 0) & mask) === subnet.bytes[full];
}

export function formatSubnet(s: Subnet): string {
  if (s.family === 'ipv4') return `${[...s.bytes].join('.')}/${s.length}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((s.bytes[i] ?? 0) << 8) | (s.bytes[i + 1] ?? 0)).toString(16));
  return `${groups.join(':')}/${s.length}`;
}

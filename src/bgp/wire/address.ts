// IPv4 addresses travel as unsigned 32-bit numbers, IPv6 addresses as 16-byte arrays or
// RFC 5952 strings. Formatting happens only at the edges (JSON, logs, CLI).
import { isIPv4, isIPv6 } from 'node:net';

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export function parseIpv4(s: string): number | null {
  if (!isIPv4(s)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = s.split('.').map(Number); // isIPv4 has seen four parts
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** The caller has checked that `at + 4` bytes are there (a hot read: no second check). */
export function readIpv4(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

export function writeIpv4(b: Uint8Array, at: number, n: number): void {
  b[at] = n >>> 24;
  b[at + 1] = (n >>> 16) & 0xff;
  b[at + 2] = (n >>> 8) & 0xff;
  b[at + 3] = n & 0xff;
}

/** RFC 5952: lower case, longest run (≥2) of zero groups compressed, first such run on ties. */
export function formatIpv6(b: Uint8Array, at = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[at + 2 * i] ?? 0) << 8) | (b[at + 2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) {
    // No run of two or more zero groups: nothing to compress (RFC 5952 §4.2.2).
    return groups.map((g) => g.toString(16)).join(':');
  }
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':');
  const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16)).join(':');
  return `${head}::${tail}`;
}

export function parseIpv6(s: string): Uint8Array | null {
  if (!isIPv6(s)) return null;
  let text = s;
  const out = new Uint8Array(16);
  // Embedded dotted quad in the last 32 bits.
  const lastColon = text.lastIndexOf(':');
  const tailPart = text.slice(lastColon + 1);
  let extra: number[] = [];
  if (tailPart.includes('.')) {
    const v4 = parseIpv4(tailPart);
    if (v4 === null) return null;
    extra = [v4 >>> 16, v4 & 0xffff];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = text.includes('::') ? text.split('::') : [text, null];
  const lg = left ? left.split(':') : [];
  const rg = right === null ? [] : right ? right.split(':') : [];
  const fill = right === null ? 0 : 8 - lg.length - rg.length;
  const groups = [...lg, ...Array<string>(fill).fill('0'), ...rg].map((g) => parseInt(g, 16));
  if (extra.length) groups.splice(6, 2, ...extra);
  if (groups.length !== 8) return null;
  groups.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

export function isLinkLocalIpv6(b: Uint8Array, at = 0): boolean {
  return b[at] === 0xfe && ((b[at + 1] ?? 0) & 0xc0) === 0x80;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array | null {
  const clean = s.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null;
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

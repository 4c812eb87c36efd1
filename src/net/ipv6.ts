// IPv6 addresses as 16-byte arrays in network order, the form the codec reads off the wire
// (prefix lists keep them back to back, 16 bytes each, hence the offsets). The one IPv6 text
// parser and the one RFC 5952 formatter. Zones ("%eth0") are not addresses: the text edges
// that accept them (config) split them off before calling here.
import { formatIpv4, parseIpv4 } from './ipv4.js';

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * RFC 4291 §2.2 text: eight groups of 1–4 hex digits, one "::" standing for one or more zero
 * groups, and optionally a dotted quad as the last 32 bits. Null for anything else.
 */
export function parseIpv6(text: string): Uint8Array | null {
  const n = text.length;
  if (n < 2 || n > 45) return null;
  const words = new Uint16Array(8);
  let count = 0;
  let gap = -1; // how many groups came before the "::"
  let i = 0;
  if (text.charCodeAt(0) === 58 /* : */) {
    if (text.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let j = i;
    let v = 0;
    for (; j < n && j - i < 5; j++) {
      const d = hexDigit(text.charCodeAt(j));
      if (d < 0) break;
      v = v * 16 + d;
    }
    if (j < n && text.charCodeAt(j) === 46 /* . */) {
      // The embedded IPv4 form ("::ffff:192.0.2.1") fills the last two groups.
      const v4 = count <= 6 ? parseIpv4(text.slice(i)) : null;
      if (v4 === null) return null;
      words[count++] = v4 >>> 16;
      words[count++] = v4 & 0xffff;
      i = n;
      break;
    }
    if (j === i || j - i > 4 || count === 8) return null;
    words[count++] = v;
    i = j;
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return null;
    if (++i === n) return null; // a lone trailing ":"
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return null; // "::" only once
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return null;
  const out = new Uint8Array(16);
  const tail = gap < 0 ? 0 : count - gap; // groups after the "::", placed at the end
  for (let k = 0; k < count; k++) {
    const at = gap < 0 || k < gap ? k : 8 - tail + (k - gap);
    out[2 * at] = words[k]! >>> 8; // k < count ≤ 8
    out[2 * at + 1] = words[k]! & 0xff;
  }
  return out;
}

/**
 * RFC 5952 §4 text: lower case, no leading zeros, the longest run of two or more zero groups as
 * "::" (the first on a tie, a single zero group written out), and per §5 an IPv4-mapped address
 * (::ffff:0:0/96) with its last 32 bits as a dotted quad. Reads 16 bytes from `at`.
 */
export function formatIpv6(b: Uint8Array, at = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((b[at + 2 * i] ?? 0) << 8) | (b[at + 2 * i + 1] ?? 0));
  if (isIpv4Mapped(b, at)) return `::ffff:${formatIpv4((((w[6] ?? 0) << 16) >>> 0) + (w[7] ?? 0))}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(w);
  return `${hex(w.slice(0, bestStart))}::${hex(w.slice(bestStart + bestLen))}`;
}

/** fe80::/10: reachable only through a named interface. */
export function isLinkLocalIpv6(b: Uint8Array, at = 0): boolean {
  return b[at] === 0xfe && ((b[at + 1] ?? 0) & 0xc0) === 0x80;
}

/** ::ffff:0:0/96, an IPv4 address in IPv6 clothing (RFC 4291 §2.5.5.2). */
export function isIpv4Mapped(b: Uint8Array, at = 0): boolean {
  for (let i = 0; i < 10; i++) if (b[at + i] !== 0) return false;
  return b[at + 10] === 0xff && b[at + 11] === 0xff;
}

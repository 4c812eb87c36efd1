// Prefix text as `ip` prints and reads it: bare host addresses for /32 and /128, "default",
// and one canonical form (RFC 5952 for IPv6) so that what necod writes and what it reads back
// compare as plain strings. The addresses themselves are src/net's; only iproute2's ways of
// writing a destination live here.
import { addressFamily, formatPrefix, hasHostBits, hostPrefix, parseAddress, parsePrefix, subnetOf, type Family, type Prefix } from '../net/index.js';

/** "10.0.0.0/24" or a bare host address (as `ip` prints /32 and /128). Host bits must be zero. */
export function parseIpPrefix(s: string): Prefix | null {
  let p: Prefix | null;
  if (s.includes('/')) p = parsePrefix(s);
  else {
    const a = parseAddress(s);
    p = a === null ? null : hostPrefix(a);
  }
  return p !== null && !hasHostBits(p) ? p : null;
}

/**
 * Whether s is an IPv4 prefix already in canonical form with zero host bits, read without
 * allocating: this is the check every route of a full table goes through.
 */
function isCanonicalV4Prefix(s: string): boolean {
  let addr = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return false; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return false;
    } else if (c === 46 /* . */ || c === 47 /* / */) {
      if (digits === 0) return false;
      addr = addr * 256 + octet;
      octet = 0;
      digits = 0;
      if (c === 47) break;
      if (++dots > 3) return false;
    } else return false;
  }
  if (dots !== 3 || i >= n) return false;
  let len = 0;
  let lenDigits = 0;
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57 || (lenDigits > 0 && len === 0)) return false;
    len = len * 10 + (c - 48);
    if (++lenDigits > 2) return false;
  }
  if (lenDigits === 0 || len > 32) return false;
  return len === 32 || addr % 2 ** (32 - len) === 0;
}

/**
 * The canonical text of a prefix, or null when it is not one (bad syntax, host bits set). The
 * common IPv4 case that is already canonical returns its input, so a full table costs no new
 * strings.
 */
export function canonicalPrefix(s: string): string | null {
  if (isCanonicalV4Prefix(s)) return s;
  const p = parsePrefix(s);
  if (!p || hasHostBits(p)) return null;
  const out = formatPrefix(p);
  return out === s ? s : out;
}

/** A prefix as `ip` prints it ("default", no "/32" on host routes) back to necod's form. */
export function prefixFromIp(text: string, v6: boolean): string | null {
  if (text === 'default') return v6 ? '::/0' : '0.0.0.0/0';
  const p = parseIpPrefix(text);
  if (!p || (addressFamily(p.address) === 'ipv6') !== v6) return null;
  return formatPrefix(p);
}

/**
 * A destination as iproute2 prints it — "default", a bare address (a host route) or
 * address/length — as a canonical prefix of the given family; null if it is none of these.
 * Host bits set are cleared, as the kernel's own route lookup would.
 */
export function destinationPrefix(dst: string, family: Family): string | null {
  if (dst === 'default') return family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  const slash = dst.indexOf('/');
  const a = parseAddress(slash < 0 ? dst : dst.slice(0, slash));
  if (a === null || addressFamily(a) !== family) return null;
  if (slash < 0) return formatPrefix(hostPrefix(a));
  const lengthText = dst.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return null;
  const p = subnetOf(dst.slice(0, slash), Number(lengthText));
  return p === null ? null : formatPrefix(p);
}

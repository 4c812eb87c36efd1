// Address and prefix text in the one form `ip` prints (RFC 5952 for IPv6), so that what necod
// writes and what it reads back compare as plain strings; and the destinations of `ip` output
// (bare host addresses, "default") read as prefixes. Text only: the RIB keys prefixes as numbers.

/** An address as 16-bit words: 2 for IPv4, 8 for IPv6. */
export interface Address {
  readonly v6: boolean;
  readonly words: readonly number[];
}

export interface Prefix {
  readonly addr: Address;
  readonly len: number;
}

const V4_OCTET = /^(0|[1-9]\d{0,2})$/;

function parseV4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    bytes.push(n);
  }
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes; // four, checked above
  return [(b0 << 8) | b1, (b2 << 8) | b3];
}

function parseV6(s: string): number[] | null {
  if (s.length < 2 || s.length > 45) return null;
  let tail: number[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    // An embedded IPv4 tail ("::ffff:192.0.2.1") stands for the last two words.
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    text = s.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const [front = '', rest = ''] = halves;
  const head = parseGroups(front);
  if (!head) return null;
  if (halves.length === 1) {
    const words = [...head, ...tail];
    return words.length === 8 ? words : null;
  }
  const back = parseGroups(rest);
  if (!back) return null;
  const fill = 8 - head.length - back.length - tail.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...back, ...tail];
}

export function parseAddress(s: string): Address | null {
  if (s.includes(':')) {
    const words = parseV6(s);
    return words ? { v6: true, words } : null;
  }
  const words = parseV4(s);
  return words ? { v6: false, words } : null;
}

export function formatAddress(a: Address): string {
  const w = a.words;
  if (!a.v6) {
    const [w0 = 0, w1 = 0] = w;
    return `${w0 >> 8}.${w0 & 255}.${w1 >> 8}.${w1 & 255}`;
  }
  // RFC 5952: the longest run of two or more zero words becomes "::", the first one on a tie.
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
  const hex = (ws: readonly number[]): string => ws.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(w);
  return `${hex(w.slice(0, bestStart))}::${hex(w.slice(bestStart + bestLen))}`;
}

/** "10.0.0.0/24" or a bare host address (as `ip` prints /32 and /128). Host bits must be zero. */
export function parsePrefix(s: string): Prefix | null {
  const slash = s.indexOf('/');
  const addr = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return null;
  const max = addr.v6 ? 128 : 32;
  let len = max;
  if (slash >= 0) {
    const l = s.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(l)) return null;
    len = Number(l);
    if (len > max) return null;
  }
  for (let bit = len; bit < max; bit++) {
    if ((addr.words[bit >> 4] ?? 0) & (0x8000 >> (bit & 15))) return null;
  }
  return { addr, len };
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.addr)}/${p.len}`;
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
  if (s.indexOf('/') < 0) return null;
  const p = parsePrefix(s);
  if (!p) return null;
  const out = formatPrefix(p);
  return out === s ? s : out;
}

/** The canonical text of an address, or null. */
export function canonicalAddress(s: string): string | null {
  const a = parseAddress(s);
  if (!a) return null;
  if (!a.v6) return s;
  const out = formatAddress(a);
  return out === s ? s : out;
}

/** A prefix as `ip` prints it ("default", no "/32" on host routes) back to necod's form. */
export function prefixFromIp(text: string, v6: boolean): string | null {
  if (text === 'default') return v6 ? '::/0' : '0.0.0.0/0';
  const p = parsePrefix(text);
  if (!p || p.addr.v6 !== v6) return null;
  return formatPrefix(p);
}

export function isV6(prefixOrAddress: string): boolean {
  return prefixOrAddress.includes(':');
}

export function isLinkLocal(a: Address): boolean {
  return a.v6 ? ((a.words[0] ?? 0) & 0xffc0) === 0xfe80 : a.words[0] === 0xa9fe;
}

export function prefixContains(p: Prefix, a: Address): boolean {
  if (p.addr.v6 !== a.v6) return false;
  let bits = p.len;
  for (let i = 0; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((p.addr.words[i] ?? 0) & mask) !== ((a.words[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** "ipv4", "ipv6", or null for text that is no address. */
export function familyOfAddress(address: string): 'ipv4' | 'ipv6' | null {
  const a = parseAddress(address);
  return a === null ? null : a.v6 ? 'ipv6' : 'ipv4';
}

/** `address/length` with the host bits cleared, in canonical text; null if either is invalid. */
export function networkPrefix(address: string, length: number): string | null {
  const a = parseAddress(address);
  if (a === null || !Number.isInteger(length) || length < 0 || length > (a.v6 ? 128 : 32)) return null;
  const words = a.words.map((w, i) => {
    const bits = length - i * 16;
    return bits >= 16 ? w : bits <= 0 ? 0 : w & ((0xffff << (16 - bits)) & 0xffff);
  });
  return formatPrefix({ addr: { v6: a.v6, words }, len: length });
}

/** The host route of an address: /32 or /128. */
export function hostPrefix(address: string): string | null {
  const a = parseAddress(address);
  return a === null ? null : networkPrefix(address, a.v6 ? 128 : 32);
}

/**
 * A destination as iproute2 prints it — "default", a bare address (a host route) or
 * address/length — as a canonical prefix of the given family; null if it is none of these.
 * Host bits set are cleared, as the kernel's own route lookup would.
 */
export function destinationPrefix(dst: string, family: 'ipv4' | 'ipv6'): string | null {
  if (dst === 'default') return family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  const slash = dst.indexOf('/');
  const address = slash < 0 ? dst : dst.slice(0, slash);
  if (familyOfAddress(address) !== family) return null;
  if (slash < 0) return hostPrefix(address);
  const lengthText = dst.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return null;
  return networkPrefix(address, Number(lengthText));
}

export function isIpv6LinkLocal(address: string): boolean {
  const a = parseAddress(address);
  return a !== null && a.v6 && isLinkLocal(a);
}

// IPv4 addresses as unsigned 32-bit numbers, the form the codec reads off the wire and the RIB
// keys prefixes by (address × 64 + length). The one IPv4 text parser and formatter; nothing
// here knows about prefixes (see prefix.ts) or allocates on the read path.

/** "192.0.2.1" → 0xc0000201; null unless four decimal octets 0..255 without leading zeros. */
export function parseIpv4(text: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // "010" is octal to some parsers and decimal to others: refuse it rather than guess.
      if (digits > 0 && octet === 0) return null;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** The four bytes at `at`, which the caller has checked are there (a codec read: no second check). */
export function readIpv4(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

export function writeIpv4(b: Uint8Array, at: number, n: number): void {
  b[at] = n >>> 24;
  b[at + 1] = (n >>> 16) & 0xff;
  b[at + 2] = (n >>> 8) & 0xff;
  b[at + 3] = n & 0xff;
}

/** The network mask of a prefix length 0..32 as a number (0 for /0). */
export function ipv4Mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/**
 * IP prefixes in the configuration ("10.0.0.0/24"): checked and turned into one canonical text,
 * so that equal prefixes compare equal as strings.
 */
import { Address4, Address6 } from 'ip-address';
import { parseIpText } from './ip-text.js';
import type { AddressFamily } from './types.js';
import { accept, mismatch, reject, type ValueCheck } from './value-checks.js';

export interface PrefixText {
  /** Canonical network address, "/", length: "10.0.0.0/8", "2001:db8::/32". */
  text: string;
  family: AddressFamily;
  length: number;
}

export function maxPrefixLength(family: AddressFamily): number {
  return family === 'ipv4' ? 32 : 128;
}

const EXPECTED = 'a prefix such as 10.0.0.0/24 or 2001:db8::/48';

export const prefixCheck: ValueCheck<PrefixText> = {
  expected: EXPECTED,
  check: (value) => {
    if (typeof value !== 'string') return mismatch(EXPECTED, value);
    const slash = value.indexOf('/');
    const address = parseIpText(slash < 0 ? value : value.slice(0, slash));
    if (address === null) return mismatch(EXPECTED, value);
    if (slash < 0) {
      const host = address.family === 'ipv4' ? 32 : 128;
      return mismatch(EXPECTED, value, ` (a prefix needs a length: ${address.text}/${host} for one address)`);
    }
    if (address.zone !== null) return reject(`${value}: a prefix has no %zone`);
    const lengthText = value.slice(slash + 1);
    const max = maxPrefixLength(address.family);
    // No leading zeros: "/024" is more likely a typo than a way to write 24.
    const length = /^(0|[1-9]\d{0,2})$/.test(lengthText) ? Number(lengthText) : NaN;
    if (!(length <= max)) {
      return reject(`${value}: the length of an ${familyName(address.family)} prefix is 0..${max}`);
    }
    const network = networkOf(address.text, address.family, length);
    const text = `${network}/${length}`;
    if (network !== address.text) return reject(`${value} has host bits set; did you mean ${text}?`);
    return accept({ text, family: address.family, length });
  },
};

function networkOf(address: string, family: AddressFamily, length: number): string {
  const withLength = `${address}/${length}`;
  const parsed = family === 'ipv4' ? new Address4(withLength) : new Address6(withLength);
  return parsed.startAddress().correctForm();
}

export function familyName(family: AddressFamily): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

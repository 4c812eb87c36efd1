/**
 * IP prefixes in the configuration ("10.0.0.0/24"): checked and turned into one canonical text,
 * so that equal prefixes compare equal as strings.
 */
import { familyName, formatPrefix, hasHostBits, maxPrefixLength, networkOf, parseAddress, parseLength } from '../net/index.js';
import { parseIpText } from './ip-text.js';
import type { Family } from '../net/index.js';
import { accept, mismatch, reject, type ValueCheck } from './value-checks.js';

export interface PrefixText {
  /** Canonical network address, "/", length: "10.0.0.0/8", "2001:db8::/32". */
  text: string;
  family: Family;
  length: number;
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
      const host = maxPrefixLength(address.family);
      return mismatch(EXPECTED, value, ` (a prefix needs a length: ${address.text}/${host} for one address)`);
    }
    if (address.zone !== null) return reject(`${value}: a prefix has no %zone`);
    const max = maxPrefixLength(address.family);
    const length = parseLength(value.slice(slash + 1)) ?? NaN;
    if (!(length <= max)) {
      return reject(`${value}: the length of an ${familyName(address.family)} prefix is 0..${max}`);
    }
    const a = parseAddress(address.text);
    if (a === null) return mismatch(EXPECTED, value); // not reached: the text parsed above
    const p = { address: a, length };
    const text = formatPrefix(networkOf(p));
    if (hasHostBits(p)) return reject(`${value} has host bits set; did you mean ${text}?`);
    return accept({ text, family: address.family, length });
  },
};

/**
 * Communities as written in the configuration: "65000:100" or a well-known name (RFC 1997), and
 * large communities "64600:1:2" (RFC 8092). They come out as the numbers the wire carries.
 */
import { formatCommunity, wellKnownCommunity } from '../bgp/wire/index.js';
import type { LargeCommunityValue } from './types.js';
import { accept, mismatch, reject, type ValueCheck } from './value-checks.js';

const COMMUNITY_EXPECTED = 'a community such as 65000:100 or a well-known name such as NO_EXPORT';
const LARGE_EXPECTED = 'a large community such as 64600:1:2';

export const communityCheck: ValueCheck<number> = {
  expected: COMMUNITY_EXPECTED,
  check: (value) => {
    if (typeof value !== 'string') return mismatch(COMMUNITY_EXPECTED, value);
    const named = wellKnownCommunity(value);
    if (named !== undefined) return accept(named);
    const parts = numberParts(value);
    if (parts === null || parts.length !== 2) {
      const hint = parts?.length === 3 ? ' (three parts: write it under large-communities)' : '';
      return mismatch(COMMUNITY_EXPECTED, value, hint);
    }
    const [high = 0, low = 0] = parts; // two parts, checked above
    if (high > 0xffff || low > 0xffff) return reject(`${value}: each half of a community is 0..65535`);
    return accept(high * 0x10000 + low);
  },
};

export const largeCommunityCheck: ValueCheck<LargeCommunityValue> = {
  expected: LARGE_EXPECTED,
  check: (value) => {
    if (typeof value !== 'string') return mismatch(LARGE_EXPECTED, value);
    const parts = numberParts(value);
    const [a, b, c] = parts ?? [];
    if (parts === null || a === undefined || b === undefined || c === undefined || parts.length !== 3) return mismatch(LARGE_EXPECTED, value);
    if (parts.some((part) => part > 0xffffffff)) {
      return reject(`${value}: each part of a large community is 0..4294967295`);
    }
    return accept([a, b, c]);
  },
};

/** "a:b:c" as numbers, or null when a part is not a plain decimal number. */
function numberParts(text: string): number[] | null {
  const parts = text.split(':');
  if (!parts.every((part) => /^\d{1,10}$/.test(part))) return null;
  return parts.map(Number);
}

export { formatCommunity };

export function formatLargeCommunity(value: LargeCommunityValue): string {
  return value.join(':');
}

// The Address Prefix ORF a neighbor installed on necod's export toward it (RFC 5291, RFC 5292):
// entries in, a filter out, and the one question the exporter asks, "may this prefix go?".
// Pure plain data. The wire form of the entries is src/bgp/wire/orf.ts; keeping the filter
// per session and re-sending after a change is src/routing/peer-routes.ts.
import type { PrefixOrfEntry } from '../bgp/wire/index.js';
import { readIpv4, sameLeadingBits, type IpAddress, type Prefix } from '../net/index.js';

export interface OrfRule {
  sequence: number;
  permit: boolean;
  address: IpAddress;
  length: number;
  /** Effective length range a matching route must fall in. */
  ge: number;
  le: number;
}

/** Rules in sequence order; an empty filter is no filter (everything goes). */
export type OrfFilter = readonly OrfRule[];

function toRule(e: PrefixOrfEntry): OrfRule {
  const bits = e.prefix.length * 8;
  // RFC 5292 §3: minlen and maxlen both zero is the prefix alone. A peer that sets only one
  // (FRR does for "ge N" without "le") means the other end of the range, as a prefix list does.
  const ge = e.minLength || e.length;
  const le = e.maxLength || (e.minLength ? bits : e.length);
  // The entry's prefix is 4 or 16 bytes (wire/orf.ts reads it at its family's full size).
  const address = e.prefix.length === 4 ? readIpv4(e.prefix, 0) : e.prefix;
  return { sequence: e.sequence, permit: e.match === 'permit', address, length: e.length, ge, le };
}

function sameRule(a: OrfRule, b: OrfRule): boolean {
  if (a.sequence !== b.sequence || a.length !== b.length || a.ge !== b.ge || a.le !== b.le || a.permit !== b.permit) return false;
  return sameLeadingBits(a.address, b.address, a.length);
}

/**
 * Applies one refresh's entries in order (RFC 5291 §4: ADD, REMOVE, REMOVE-ALL). A malformed
 * list drops the whole filter: the neighbor still filters what it receives, and sending too
 * much is safe where sending too little is not.
 */
export function applyOrfEntries(current: OrfFilter, entries: readonly PrefixOrfEntry[], malformed: boolean): OrfFilter {
  if (malformed) return [];
  let rules = [...current];
  for (const e of entries) {
    if (e.action === 'remove-all') {
      rules = [];
      continue;
    }
    const rule = toRule(e);
    rules = rules.filter((r) => !sameRule(r, rule));
    if (e.action === 'add') rules.push(rule);
  }
  return rules.sort((a, b) => a.sequence - b.sequence);
}

/**
 * Rules in sequence order, the first that matches decides (RFC 5292); a prefix no rule matches
 * is not sent, the implicit deny of the prefix list the neighbor built the entries from.
 */
export function orfPermits(filter: OrfFilter, p: Prefix): boolean {
  if (filter.length === 0) return true;
  for (const r of filter) {
    if (p.length < r.ge || p.length > r.le || p.length < r.length) continue;
    // Leading bits of two families never agree, so a rule of the other family is passed over.
    if (sameLeadingBits(r.address, p.address, r.length)) return r.permit;
  }
  return false;
}

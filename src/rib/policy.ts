// A small declarative policy: ordered rules of matches and actions, no language. A rule
// whose actions include accept or reject ends the evaluation; other matching rules apply
// their changes and evaluation goes on; the default decides at the end.
import type { LargeCommunity, Origin, PathAttribute } from '../bgp/wire/index.js';
import { addressFamily, maxPrefixLength, parsePrefix, prefixContains, type Prefix } from '../net/index.js';

export interface PrefixMatch {
  /** "10.0.0.0/8" */
  prefix: string;
  /** Match lengths from ge to le; without either, the exact length only. */
  ge?: number;
  le?: number;
}

export interface PolicyMatch {
  prefixes?: PrefixMatch[];
  /** Any of these communities (numbers, see parseCommunity). */
  communities?: number[];
  largeCommunities?: LargeCommunity[];
  /** Neighbor names (or local origin names such as "static"). */
  neighbors?: string[];
  origin?: Origin;
}

export interface PolicyActions {
  action?: 'accept' | 'reject';
  localPref?: number;
  med?: number;
  addCommunities?: number[];
  removeCommunities?: number[];
  addLargeCommunities?: LargeCommunity[];
  removeLargeCommunities?: LargeCommunity[];
  /** An address, or "self" (export: the session's local address). */
  nextHop?: string;
  /** Advertise, but never write into the kernel. */
  noInstall?: boolean;
}

export interface PolicyRule {
  match: PolicyMatch;
  then: PolicyActions;
}

export interface Policy {
  name: string;
  rules: PolicyRule[];
  defaultAction: 'accept' | 'reject';
}

interface CompiledPrefix {
  prefix: Prefix;
  ge: number;
  le: number;
}

export interface CompiledPolicy {
  readonly policy: Policy;
  /** True when some rule looks at the prefix: then it is evaluated per prefix. */
  readonly perPrefix: boolean;
  readonly prefixMatchers: (CompiledPrefix[] | null)[];
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const prefixMatchers = policy.rules.map((r) =>
    r.match.prefixes
      ? r.match.prefixes.map((m): CompiledPrefix => {
          const p = parsePrefix(m.prefix);
          if (!p) throw new RangeError(`not a prefix: ${m.prefix}`);
          const ge = m.ge ?? p.length;
          const le = m.le ?? (m.ge !== undefined ? maxPrefixLength(addressFamily(p.address)) : p.length);
          return { prefix: p, ge, le };
        })
      : null,
  );
  return { policy, perPrefix: prefixMatchers.some((m) => m !== null), prefixMatchers };
}

/** The rule's prefix holds `p` (so the family is the same) and `p`'s length is in [ge, le]. */
function prefixMatches(p: Prefix, m: CompiledPrefix): boolean {
  return p.length >= m.ge && p.length <= m.le && prefixContains(m.prefix, p.address);
}

export interface PolicySubject {
  attributes: readonly PathAttribute[];
  neighbor: string;
  prefix: Prefix | null;
}

export interface PolicyOutcome {
  accepted: boolean;
  /** The changes of every matching rule, merged in order. */
  actions: PolicyActions;
}

function hasCommunity(attrs: readonly PathAttribute[], wanted: number[]): boolean {
  for (const a of attrs) if (a.name === 'COMMUNITIES') return a.value.some((c) => wanted.includes(c));
  return false;
}

function hasLarge(attrs: readonly PathAttribute[], wanted: LargeCommunity[]): boolean {
  for (const a of attrs) {
    if (a.name === 'LARGE_COMMUNITY') return a.value.some((c) => wanted.some((w) => w[0] === c[0] && w[1] === c[1] && w[2] === c[2]));
  }
  return false;
}

export function evaluatePolicy(cp: CompiledPolicy, subject: PolicySubject): PolicyOutcome {
  const actions: PolicyActions = {};
  const rules = cp.policy.rules;
  for (const [r, { match, then }] of rules.entries()) {
    if (match.neighbors && !match.neighbors.includes(subject.neighbor)) continue;
    if (match.origin !== undefined) {
      const origin = subject.attributes.find((a) => a.name === 'ORIGIN');
      if (!origin || origin.value !== match.origin) continue;
    }
    if (match.communities && !hasCommunity(subject.attributes, match.communities)) continue;
    if (match.largeCommunities && !hasLarge(subject.attributes, match.largeCommunities)) continue;
    const pm = cp.prefixMatchers[r];
    if (pm) {
      if (!subject.prefix) continue;
      const p = subject.prefix;
      if (!pm.some((m) => prefixMatches(p, m))) continue;
    }
    mergeActions(actions, then);
    if (then.action) return { accepted: then.action === 'accept', actions };
  }
  return { accepted: cp.policy.defaultAction === 'accept', actions };
}

function mergeActions(into: PolicyActions, from: PolicyActions): void {
  if (from.localPref !== undefined) into.localPref = from.localPref;
  if (from.med !== undefined) into.med = from.med;
  if (from.nextHop !== undefined) into.nextHop = from.nextHop;
  if (from.noInstall !== undefined) into.noInstall = from.noInstall;
  if (from.addCommunities) into.addCommunities = [...(into.addCommunities ?? []), ...from.addCommunities];
  if (from.removeCommunities) into.removeCommunities = [...(into.removeCommunities ?? []), ...from.removeCommunities];
  if (from.addLargeCommunities) into.addLargeCommunities = [...(into.addLargeCommunities ?? []), ...from.addLargeCommunities];
  if (from.removeLargeCommunities) into.removeLargeCommunities = [...(into.removeLargeCommunities ?? []), ...from.removeLargeCommunities];
}

/** Applies the attribute changes of a policy outcome (next hop and noInstall are the caller's). */
export function applyAttributeActions(attrs: readonly PathAttribute[], a: PolicyActions, make: (name: 'LOCAL_PREF' | 'MULTI_EXIT_DISC' | 'COMMUNITIES' | 'LARGE_COMMUNITY', value: number | number[] | LargeCommunity[]) => PathAttribute): PathAttribute[] {
  let out = [...attrs];
  const replace = (name: PathAttribute['name'], attr: PathAttribute | null) => {
    const i = out.findIndex((x) => x.name === name);
    if (attr === null) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = attr;
    else out = insertInCodeOrder(out, attr);
  };
  if (a.localPref !== undefined) replace('LOCAL_PREF', make('LOCAL_PREF', a.localPref));
  if (a.med !== undefined) replace('MULTI_EXIT_DISC', make('MULTI_EXIT_DISC', a.med));
  if (a.addCommunities || a.removeCommunities) {
    const cur = (out.find((x) => x.name === 'COMMUNITIES')?.value as number[] | undefined) ?? [];
    let next = cur.filter((c) => !(a.removeCommunities ?? []).includes(c));
    for (const c of a.addCommunities ?? []) if (!next.includes(c)) next = [...next, c];
    replace('COMMUNITIES', next.length ? make('COMMUNITIES', next) : null);
  }
  if (a.addLargeCommunities || a.removeLargeCommunities) {
    const same = (x: LargeCommunity, y: LargeCommunity) => x[0] === y[0] && x[1] === y[1] && x[2] === y[2];
    const cur = (out.find((x) => x.name === 'LARGE_COMMUNITY')?.value as LargeCommunity[] | undefined) ?? [];
    let next = cur.filter((c) => !(a.removeLargeCommunities ?? []).some((r) => same(r, c)));
    for (const c of a.addLargeCommunities ?? []) if (!next.some((x) => same(x, c))) next = [...next, c];
    replace('LARGE_COMMUNITY', next.length ? make('LARGE_COMMUNITY', next) : null);
  }
  return out;
}

/** Keeps attributes sorted by type code, the order speakers conventionally send. */
export function insertInCodeOrder(attrs: PathAttribute[], attr: PathAttribute): PathAttribute[] {
  const i = attrs.findIndex((x) => x.code > attr.code);
  return i < 0 ? [...attrs, attr] : [...attrs.slice(0, i), attr, ...attrs.slice(i)];
}

export const ACCEPT_ALL: Policy = { name: 'accept-all', rules: [], defaultAction: 'accept' };

/** Reads one rule of a policy: its `match` conditions and its `then` actions. */
import { isMap } from 'yaml';
import { communityCheck, formatCommunity, formatLargeCommunity, largeCommunityCheck } from './community-text.js';
import { parseIpText } from './ip-text.js';
import type { ConfigReader, MappingReader } from './mapping-reader.js';
import { familyName, maxPrefixLength } from '../net/index.js';
import { prefixCheck } from './prefix-text.js';
import type { Reference } from './references.js';
import type {
  OriginCode,
  PolicyActionsConfig,
  PolicyMatchConfig,
  PolicyRuleConfig,
  PrefixMatchConfig,
} from './types.js';
import {
  accept,
  boolean,
  hostAddress,
  integerIn,
  mismatch,
  neighborName,
  oneOf,
  uint32,
  type ValueCheck,
} from './value-checks.js';
import type { Located } from './yaml-file.js';

export const RULE_KEYS = ['match', 'then'] as const;
export const MATCH_KEYS = ['prefixes', 'communities', 'large-communities', 'neighbors', 'origin'] as const;
export const ACTION_KEYS = [
  'action',
  'local-pref',
  'med',
  'add-communities',
  'remove-communities',
  'add-large-communities',
  'remove-large-communities',
  'next-hop',
  'no-install',
] as const;
export const PREFIX_MATCH_KEYS = ['prefix', 'ge', 'le'] as const;

const ORIGINS = ['igp', 'egp', 'incomplete'] as const;
const ORIGIN_CODES: Record<(typeof ORIGINS)[number], OriginCode> = { igp: 0, egp: 1, incomplete: 2 };
// An empty list in a match would match nothing, and in an action do nothing: both are mistakes.
const EMPTY_MATCH = 'an empty list matches no route; leave the key out to match any';
const EMPTY_ACTION = 'an empty list changes nothing; leave the key out';

const communityList = (emptyMessage: string) =>
  ({ expected: 'communities such as 65000:100', show: formatCommunity, emptyMessage }) as const;
const largeCommunityList = (emptyMessage: string) =>
  ({ expected: 'large communities such as 64600:1:2', show: formatLargeCommunity, emptyMessage }) as const;

const nextHopCheck: ValueCheck<string> = {
  expected: 'self or an IP address',
  check: (value) => {
    if (value === 'self') return accept('self');
    if (typeof value !== 'string' || parseIpText(value) === null) return mismatch(nextHopCheck.expected, value);
    const address = hostAddress.check(value);
    return address.ok ? accept(address.value.text) : address;
  },
};

/** undefined when the rule has errors; references to neighbors are added to `neighborRefs` either way. */
export function readRule(reader: ConfigReader, at: Located, neighborRefs: Reference[]): PolicyRuleConfig | undefined {
  const rule = reader.mapping(at, RULE_KEYS);
  if (rule === null) return undefined;
  const match = readMatch(reader, rule, neighborRefs);
  const then = readActions(rule);
  return match === undefined || then === undefined ? undefined : { match, then };
}

function readMatch(
  reader: ConfigReader,
  rule: MappingReader,
  neighborRefs: Reference[],
): PolicyMatchConfig | undefined {
  const block = rule.mapping('match', MATCH_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return {};
  const prefixes = readPrefixMatches(reader, block);
  const communities = block.valueList('communities', communityCheck, communityList(EMPTY_MATCH));
  const largeCommunities = block.valueList('large-communities', largeCommunityCheck, largeCommunityList(EMPTY_MATCH));
  const neighbors = block.valueList('neighbors', neighborName, {
    expected: 'neighbor names',
    show: (name) => name,
    emptyMessage: EMPTY_MATCH,
    each: (name, item) => neighborRefs.push({ name, path: item.path, line: item.line }),
  });
  const origin = block.optional('origin', oneOf(ORIGINS), null);
  if (
    prefixes === undefined ||
    communities === undefined ||
    largeCommunities === undefined ||
    neighbors === undefined ||
    origin === undefined
  ) {
    return undefined;
  }
  // Only written conditions appear, so that the engine can test for them with `!== undefined`.
  const match: PolicyMatchConfig = {};
  if (prefixes !== null) match.prefixes = prefixes;
  if (communities !== null) match.communities = communities;
  if (largeCommunities !== null) match.largeCommunities = largeCommunities;
  if (neighbors !== null) match.neighbors = neighbors;
  if (origin !== null) match.origin = ORIGIN_CODES[origin];
  return match;
}

function readPrefixMatches(reader: ConfigReader, block: MappingReader): PrefixMatchConfig[] | null | undefined {
  const items = block.list('prefixes', 'prefixes such as 10.0.0.0/8 or {prefix: 10.0.0.0/8, ge: 24, le: 32}');
  if (items === null || items === undefined) return items;
  if (items.length === 0) {
    block.reject('prefixes', EMPTY_MATCH);
    return undefined;
  }
  const matches = items.map((item) => readPrefixMatch(reader, item));
  return matches.every((match) => match !== undefined) ? matches : undefined;
}

/** A plain prefix matches exactly that prefix; the mapping form adds a range of lengths. */
function readPrefixMatch(reader: ConfigReader, item: Located): PrefixMatchConfig | undefined {
  if (!isMap(reader.file.resolve(item.node))) {
    const prefix = reader.value(item, prefixCheck);
    return prefix === undefined ? undefined : { prefix: prefix.text, ge: prefix.length, le: prefix.length };
  }
  const block = reader.mapping(item, PREFIX_MATCH_KEYS);
  if (block === null) return undefined;
  const prefix = block.required('prefix', prefixCheck);
  const ge = block.optional('ge', integerIn(0, 128), null);
  const le = block.optional('le', integerIn(0, 128), null);
  if (prefix === undefined || ge === undefined || le === undefined) return undefined;
  const max = maxPrefixLength(prefix.family);
  const family = familyName(prefix.family);
  const checkLength = (key: 'ge' | 'le', value: number | null): boolean => {
    if (value === null) return true;
    if (value > max) block.reject(key, `${key} (${value}) is longer than an ${family} prefix (0..${max})`);
    else if (value < prefix.length) {
      block.reject(key, `${key} (${value}) must be at least the length of ${prefix.text} (${prefix.length})`);
    } else return true;
    return false;
  };
  if (!checkLength('ge', ge) || !checkLength('le', le)) return undefined;
  if (ge !== null && le !== null && le < ge) {
    block.reject('le', `le (${le}) must be at least ge (${ge})`);
    return undefined;
  }
  // As in BIRD's 10.0.0.0/8{24,32}: ge alone reaches to host routes, le alone starts at the prefix.
  return { prefix: prefix.text, ge: ge ?? prefix.length, le: le ?? (ge === null ? prefix.length : max) };
}

function readActions(rule: MappingReader): PolicyActionsConfig | undefined {
  const block = rule.mapping('then', ACTION_KEYS);
  if (block === undefined) return undefined;
  if (block === null) {
    rule.reject('then', 'a rule needs a then: with at least one action');
    return undefined;
  }
  const action = block.optional('action', oneOf(['accept', 'reject'] as const), null);
  const localPref = block.optional('local-pref', uint32, null);
  const med = block.optional('med', uint32, null);
  const addCommunities = block.valueList('add-communities', communityCheck, communityList(EMPTY_ACTION));
  const removeCommunities = block.valueList('remove-communities', communityCheck, communityList(EMPTY_ACTION));
  const largeList = largeCommunityList(EMPTY_ACTION);
  const addLarge = block.valueList('add-large-communities', largeCommunityCheck, largeList);
  const removeLarge = block.valueList('remove-large-communities', largeCommunityCheck, largeList);
  const nextHop = block.optional('next-hop', nextHopCheck, null);
  const noInstall = block.optional('no-install', boolean, null);
  const given = ACTION_KEYS.some((key) => block.has(key));
  // A misspelt action is reported as such; "no action" would only repeat it.
  if (!given && block.unknownKeys === 0) {
    rule.reject('then', `a rule needs at least one action (${ACTION_KEYS.join(', ')})`);
  }
  if (
    !given ||
    action === undefined ||
    localPref === undefined ||
    med === undefined ||
    addCommunities === undefined ||
    removeCommunities === undefined ||
    addLarge === undefined ||
    removeLarge === undefined ||
    nextHop === undefined ||
    noInstall === undefined
  ) {
    return undefined;
  }
  const then: PolicyActionsConfig = {};
  if (action !== null) then.action = action;
  if (localPref !== null) then.localPref = localPref;
  if (med !== null) then.med = med;
  if (addCommunities !== null) then.addCommunities = addCommunities;
  if (removeCommunities !== null) then.removeCommunities = removeCommunities;
  if (addLarge !== null) then.addLargeCommunities = addLarge;
  if (removeLarge !== null) then.removeLargeCommunities = removeLarge;
  if (nextHop !== null) then.nextHop = nextHop;
  if (noInstall !== null) then.noInstall = noInstall;
  return then;
}

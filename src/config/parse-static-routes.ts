/** Reads `originate.static:`, routes necod originates itself (BIRD: `protocol static`). */
import { communityCheck, formatCommunity, formatLargeCommunity, largeCommunityCheck } from './community-text.js';
import { DEFAULT_LOCAL_PREF } from './defaults.js';
import { FirstUse } from './first-use.js';
import type { ConfigReader, MappingReader } from './mapping-reader.js';
import { familyName } from '../net/index.js';
import { prefixCheck, type PrefixText } from './prefix-text.js';
import type { StaticRouteConfig, StaticTarget } from './types.js';
import { boolean, hostAddress, interfaceName, uint32 } from './value-checks.js';
import type { Located } from './yaml-file.js';

export const STATIC_ROUTE_KEYS = [
  'prefix',
  'via',
  'blackhole',
  'unreachable',
  'device',
  'communities',
  'large-communities',
  'local-pref',
  'med',
] as const;

const TARGET_KEYS = ['via', 'blackhole', 'unreachable', 'device'] as const;
const ONE_TARGET = `a static route has exactly one of ${TARGET_KEYS.join(', ')}`;

/** null when absent, undefined when some route has errors. */
export function readStaticRoutes(reader: ConfigReader, block: MappingReader): StaticRouteConfig[] | undefined {
  const items = block.list('static', 'static routes, each {prefix: ..., via: ...}');
  if (items === undefined) return undefined;
  const prefixes = new FirstUse(reader);
  const routes = (items ?? []).map((item) => readStaticRoute(reader, item, prefixes));
  return routes.every((route) => route !== undefined) ? routes : undefined;
}

function readStaticRoute(reader: ConfigReader, item: Located, prefixes: FirstUse): StaticRouteConfig | undefined {
  const entry = reader.mapping(item, STATIC_ROUTE_KEYS);
  if (entry === null) return undefined;
  const prefix = entry.required('prefix', prefixCheck);
  const target = readTarget(entry, prefix);
  const communities = entry.valueList('communities', communityCheck, {
    expected: 'communities such as 65000:100',
    show: formatCommunity,
  });
  const largeCommunities = entry.valueList('large-communities', largeCommunityCheck, {
    expected: 'large communities such as 64600:1:2',
    show: formatLargeCommunity,
  });
  const localPref = entry.optional('local-pref', uint32, DEFAULT_LOCAL_PREF);
  const med = entry.optional('med', uint32, null);
  const unique =
    prefix === undefined ||
    prefixes.claim(
      prefix.text,
      { path: entry.at.path, line: entry.lineOf('prefix') },
      (first) => `${prefix.text} is already the prefix of ${first.path} (line ${first.line})`,
      { path: entry.pathOf('prefix'), line: entry.lineOf('prefix') },
    );
  if (
    !unique ||
    prefix === undefined ||
    target === undefined ||
    communities === undefined ||
    largeCommunities === undefined ||
    localPref === undefined ||
    med === undefined
  ) {
    return undefined;
  }
  return {
    prefix: prefix.text,
    family: prefix.family,
    target,
    communities: communities ?? [],
    largeCommunities: largeCommunities ?? [],
    localPref,
    med,
  };
}

function readTarget(entry: MappingReader, prefix: PrefixText | undefined): StaticTarget | undefined {
  const via = entry.optional('via', hostAddress, null);
  const blackhole = entry.optional('blackhole', boolean, false);
  const unreachable = entry.optional('unreachable', boolean, false);
  const device = entry.optional('device', interfaceName, null);
  // `blackhole: false` chooses nothing, so that a generated file may write every key.
  const chosen = TARGET_KEYS.filter(
    (key) => entry.has(key) && entry.valid(key) && !isFalse(key, blackhole, unreachable),
  );
  const [first, second] = chosen;
  if (first !== undefined && second !== undefined) {
    entry.reject(second, `${first} and ${second} cannot both be given: ${ONE_TARGET}`);
    return undefined;
  }
  // An invalid or misspelt target is reported as such; "no target" would only repeat it.
  const written = TARGET_KEYS.some((key) => entry.has(key) && !entry.valid(key)) || entry.unknownKeys > 0;
  if (chosen.length === 0 && !written) {
    reportMissing(entry);
    return undefined;
  }
  if (via === undefined || blackhole === undefined || unreachable === undefined || device === undefined) {
    return undefined;
  }
  if (via !== null) {
    if (prefix !== undefined && via.family !== prefix.family) {
      entry.reject(
        'via',
        `${via.text} is ${familyName(via.family)} but ${prefix.text} is ${familyName(prefix.family)}; ` +
          'a next hop is of the family of its prefix',
      );
      return undefined;
    }
    return { kind: 'via', address: via.text };
  }
  if (device !== null) return { kind: 'device', device };
  return blackhole ? { kind: 'blackhole' } : { kind: 'unreachable' };
}

function isFalse(key: string, blackhole: boolean | undefined, unreachable: boolean | undefined): boolean {
  return (key === 'blackhole' && blackhole === false) || (key === 'unreachable' && unreachable === false);
}

function reportMissing(entry: MappingReader): void {
  const hint = TARGET_KEYS.some((key) => entry.has(key)) ? ' (false chooses nothing)' : '';
  entry.fail(`${ONE_TARGET}${hint}`);
}

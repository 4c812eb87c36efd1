/** Reads `policies:`, the named declarative policies that neighbors use for import and export. */
import type { ConfigReader, MappingReader } from './mapping-reader.js';
import { readRule } from './parse-policy-rule.js';
import type { Reference } from './references.js';
import type { PolicyConfig, PolicyRuleConfig } from './types.js';
import { accept, mismatch, neighborName, oneOf, reject, type ValueCheck } from './value-checks.js';
import type { Located } from './yaml-file.js';

export const POLICY_KEYS = ['default', 'rules'] as const;
/** The other values of a neighbor's import and export, which a policy name must not shadow. */
export const RESERVED_POLICY_NAMES = ['all', 'none', 'local'] as const;
export const DEFAULT_POLICY_ACTION = 'accept';

export interface PolicyEntries {
  /** Every name given, even of a policy with errors, so that references to it are no further error. */
  names: string[];
  /** undefined when some policy has errors. */
  policies: PolicyConfig[] | undefined;
  /** Neighbor names in `match.neighbors`, to be checked once the neighbors are read. */
  neighborRefs: Reference[];
}

export function readPolicies(reader: ConfigReader, top: MappingReader): PolicyEntries {
  const result: PolicyEntries = { names: [], policies: undefined, neighborRefs: [] };
  const entries = top.namedEntries('policies', 'policy names to policies');
  if (entries === undefined) return result;
  const policies: PolicyConfig[] = [];
  let valid = true;
  for (const entry of entries ?? []) {
    result.names.push(entry.key);
    const name = policyName.check(entry.key);
    if (!name.ok) reader.error(entry.value.path, entry.keyLine, name.message);
    const policy = readPolicy(reader, entry.key, entry.value, result.neighborRefs);
    if (!name.ok || policy === undefined) valid = false;
    else policies.push(policy);
  }
  if (valid) result.policies = policies;
  return result;
}

/** The same characters as a neighbor name, so that policy names need no quoting in API paths. */
const policyName: ValueCheck<string> = {
  expected: 'a policy name made of letters, digits, "_", "." and "-"',
  check: (value) => {
    if (typeof value === 'string' && (RESERVED_POLICY_NAMES as readonly string[]).includes(value)) {
      return reject(`"${value}" cannot name a policy: it is a value of import and export by itself`);
    }
    return neighborName.check(value).ok ? accept(String(value)) : mismatch(policyName.expected, value);
  },
};

function readPolicy(
  reader: ConfigReader,
  name: string,
  at: Located,
  neighborRefs: Reference[],
): PolicyConfig | undefined {
  const block = reader.mapping(at, POLICY_KEYS);
  if (block === null) return undefined;
  const defaultAction = block.optional('default', oneOf(['accept', 'reject'] as const), DEFAULT_POLICY_ACTION);
  const items = block.list('rules', 'rules, each {match: ..., then: ...}');
  if (items === undefined || defaultAction === undefined) return undefined;
  const rules: (PolicyRuleConfig | undefined)[] = (items ?? []).map((item) => readRule(reader, item, neighborRefs));
  if (!rules.every((rule) => rule !== undefined)) return undefined;
  return { name, defaultAction, rules };
}

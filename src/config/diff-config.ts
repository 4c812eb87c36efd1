/**
 * What changed between two configurations, for a reload (SIGHUP): the daemon starts added
 * neighbors, stops removed ones, decides per changed key whether a session must be reset, and
 * which neighbors' routes must be filtered again. Keys are named as in necod.yaml (`hold-time`,
 * `capabilities.add-path`), not as in the code.
 */
import type { NecodConfig, NeighborConfig, OriginateConfig, PolicyConfig } from './types.js';

export interface ConfigDiff {
  /**
   * Global keys that changed: router-id, asn, cluster-id, listen, api.socket, log.level,
   * decision.max-paths, graceful-restart.stale-time, ...
   */
  global: string[];
  neighbors: NeighborDiff;
  policies: PolicyDiff;
  /** Keys of `originate:` whose routes changed: interfaces, static, kernel-tables. Order does not count. */
  originate: string[];
  /** Keys of `kernel:` that changed: table, metric, protocol, ... */
  kernel: string[];
  /** False when the two configurations are equal. */
  changed: boolean;
}

export interface NeighborDiff {
  /** Names, in the order of the new configuration. */
  added: string[];
  /** Names, in the order of the old configuration. */
  removed: string[];
  /** Names of neighbors in both with some setting changed, in the order of the new configuration. */
  changed: string[];
  /** For each name in `changed`, the keys that differ (`hold-time`, `max-prefixes.limit`). */
  changedKeys: Record<string, string[]>;
  /**
   * Neighbors in both whose import filter changed: the `import` setting, or the content of the
   * policy it names. Their received routes must be filtered again.
   */
  importChanged: string[];
  /** The same for export: the routes advertised to them must be computed again. */
  exportChanged: string[];
}

export interface PolicyDiff {
  /** Names, in the order of the new configuration. */
  added: string[];
  /** Names, in the order of the old configuration. */
  removed: string[];
  /** Names of policies in both whose default or rules changed, in the order of the new configuration. */
  changed: string[];
}

export function diffConfig(before: NecodConfig, after: NecodConfig): ConfigDiff {
  const policies = diffPolicies(before.policies, after.policies);
  const neighbors = diffNeighbors(before.neighbors, after.neighbors, new Set(policies.changed));
  const originate = diffOriginate(before.originate, after.originate);
  const kernel = changedKeys(before.kernel, after.kernel);
  const global = changedKeys(globalPart(before), globalPart(after));
  const changed =
    global.length > 0 ||
    neighbors.added.length > 0 ||
    neighbors.removed.length > 0 ||
    neighbors.changed.length > 0 ||
    neighbors.importChanged.length > 0 ||
    neighbors.exportChanged.length > 0 ||
    policies.added.length + policies.removed.length + policies.changed.length > 0 ||
    originate.length > 0 ||
    kernel.length > 0;
  return { global, neighbors, policies, originate, kernel, changed };
}

/** The settings outside the sections that have their own part of the diff. */
function globalPart(config: NecodConfig): object {
  const { neighbors: _neighbors, policies: _policies, originate: _originate, kernel: _kernel, ...global } = config;
  return global;
}

function diffNeighbors(
  before: readonly NeighborConfig[],
  after: readonly NeighborConfig[],
  changedPolicies: ReadonlySet<string>,
): NeighborDiff {
  const oldByName = new Map(before.map((neighbor) => [neighbor.name, neighbor]));
  const newNames = new Set(after.map((neighbor) => neighbor.name));
  const diff: NeighborDiff = {
    added: [],
    removed: [],
    changed: [],
    changedKeys: {},
    importChanged: [],
    exportChanged: [],
  };
  for (const neighbor of after) {
    const old = oldByName.get(neighbor.name);
    if (old === undefined) {
      diff.added.push(neighbor.name);
      continue;
    }
    const keys = changedKeys(old, neighbor);
    if (keys.length > 0) {
      diff.changed.push(neighbor.name);
      diff.changedKeys[neighbor.name] = keys;
    }
    if (filterChanged(old.import, neighbor.import, changedPolicies)) diff.importChanged.push(neighbor.name);
    if (filterChanged(old.export, neighbor.export, changedPolicies)) diff.exportChanged.push(neighbor.name);
  }
  diff.removed = before.filter((neighbor) => !newNames.has(neighbor.name)).map((neighbor) => neighbor.name);
  return diff;
}

function filterChanged(
  before: NeighborConfig['export'],
  after: NeighborConfig['export'],
  changedPolicies: ReadonlySet<string>,
): boolean {
  if (JSON.stringify(before) !== JSON.stringify(after)) return true;
  return typeof after === 'object' && changedPolicies.has(after.policy);
}

function diffPolicies(before: readonly PolicyConfig[], after: readonly PolicyConfig[]): PolicyDiff {
  const oldByName = new Map(before.map((policy) => [policy.name, policy]));
  const newNames = new Set(after.map((policy) => policy.name));
  const diff: PolicyDiff = { added: [], removed: [], changed: [] };
  for (const policy of after) {
    const old = oldByName.get(policy.name);
    if (old === undefined) diff.added.push(policy.name);
    else if (JSON.stringify(old) !== JSON.stringify(policy)) diff.changed.push(policy.name);
  }
  diff.removed = before.filter((policy) => !newNames.has(policy.name)).map((policy) => policy.name);
  return diff;
}

/** Each list is a set of origins: reordering them announces the same routes. */
function diffOriginate(before: OriginateConfig, after: OriginateConfig): string[] {
  const changed: string[] = [];
  const compare = <T>(key: string, a: readonly T[], b: readonly T[], identity: (item: T) => string) => {
    const sorted = (items: readonly T[]) =>
      JSON.stringify([...items].sort((x, y) => compareText(identity(x), identity(y))));
    if (sorted(a) !== sorted(b)) changed.push(key);
  };
  compare('interfaces', before.interfaces, after.interfaces, (origin) => origin.name);
  compare('static', before.static, after.static, (route) => route.prefix);
  compare('kernel-tables', before.kernelTables, after.kernelTables, (origin) => String(origin.table));
  return changed;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Leaf keys that differ between two plain objects; lists and null-vs-object count as one leaf. */
export function changedKeys(before: object, after: object, prefix = ''): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const key of keys) {
    const a: unknown = Reflect.get(before, key);
    const b: unknown = Reflect.get(after, key);
    const path = prefix + kebabCase(key);
    if (isPlainObject(a) && isPlainObject(b)) changed.push(...changedKeys(a, b, `${path}.`));
    else if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(path);
  }
  return changed;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The configuration's keys are the kebab-case of its fields: holdTime ↔ hold-time. */
function kebabCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

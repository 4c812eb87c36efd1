/**
 * What changed between two configurations, for a reload (SIGHUP): the daemon starts added
 * neighbors, stops removed ones, and decides per changed key whether a session must be reset.
 * Keys are named as in necod.yaml (`hold-time`, `capabilities.add-path`), not as in the code.
 */
import type { NecodConfig, NeighborConfig } from './types.js';

export interface ConfigDiff {
  /** Global keys that changed: router-id, asn, listen, api.socket, log.level. */
  global: string[];
  neighbors: NeighborDiff;
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
}

export function diffConfig(before: NecodConfig, after: NecodConfig): ConfigDiff {
  const { neighbors: neighborsBefore, ...globalBefore } = before;
  const { neighbors: neighborsAfter, ...globalAfter } = after;
  const global = changedKeys(globalBefore, globalAfter);
  const neighbors = diffNeighbors(neighborsBefore, neighborsAfter);
  const changed =
    global.length > 0 || neighbors.added.length > 0 || neighbors.removed.length > 0 || neighbors.changed.length > 0;
  return { global, neighbors, changed };
}

function diffNeighbors(before: readonly NeighborConfig[], after: readonly NeighborConfig[]): NeighborDiff {
  const oldByName = new Map(before.map((neighbor) => [neighbor.name, neighbor]));
  const newNames = new Set(after.map((neighbor) => neighbor.name));
  const diff: NeighborDiff = { added: [], removed: [], changed: [], changedKeys: {} };
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
  }
  diff.removed = before.filter((neighbor) => !newNames.has(neighbor.name)).map((neighbor) => neighbor.name);
  return diff;
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

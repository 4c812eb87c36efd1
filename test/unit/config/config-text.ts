/** Builders for configuration texts whose line numbers the tests can count on. */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ConfigError, type KernelConfig, type NecodConfig, type NeighborConfig } from '../../../src/config/index.js';

export const FILE = 'necod.yaml';

/** Joins lines into a file; line N of the result is `lines[N - 1]`. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The kernel section when the file says nothing about it (docs/config-reference.md). */
export const KERNEL_DEFAULTS: KernelConfig = {
  table: 254,
  metric: 32,
  protocol: 'necod',
  nexthopGroups: 'auto',
  ecmpMax: 8,
  keepOnStop: false,
  coalesceMs: 5,
  writers: 2,
  writer: 'auto',
  export: true,
};

/** Lines 1-2: router-id and asn 64600. */
export const GLOBAL = ['router-id: 10.0.0.1', 'asn: 64600'];

/**
 * A file with one neighbor: lines 1-2 global, 3 `neighbors:`, 4 `- name: tor1`, 5 address,
 * 6 remote-as, so that `extra` starts at line 7 (indent it by four spaces).
 */
export function oneNeighbor(...extra: string[]): string {
  return yaml(...GLOBAL, 'neighbors:', '  - name: tor1', '    address: 10.69.0.1', '    remote-as: 64600', ...extra);
}

export function parsedConfig(text: string): NecodConfig {
  const result = parseConfig(text, FILE);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${JSON.stringify(result.errors, null, 2)}`);
  return result.config;
}

export function parsedNeighbor(text: string): NeighborConfig {
  const config = parsedConfig(text);
  expect(config.neighbors).toHaveLength(1);
  return config.neighbors[0]!;
}

export function configErrors(text: string): ConfigError[] {
  const result = parseConfig(text, FILE);
  if (result.ok) throw new Error(`expected errors, got a valid config:\n${JSON.stringify(result.config, null, 2)}`);
  return result.errors;
}

/** The one error of `text`, which must have exactly one. */
export function onlyError(text: string): ConfigError {
  const errors = configErrors(text);
  expect(errors, JSON.stringify(errors, null, 2)).toHaveLength(1);
  return errors[0]!;
}

/**
 * A one-neighbor file with `key: written` (replacing a required key in place), and the line of
 * that key. It listens, because a passive neighbor needs that; `after` lines follow at the end.
 */
export function withKey(key: string, written: string, ...after: string[]): { text: string; line: number } {
  const lines = oneNeighbor().trimEnd().split('\n');
  let index = lines.findIndex((line) => line.replace('- ', '  ').trimStart().startsWith(`${key}:`));
  if (index < 0) {
    lines.push(`    ${key}:`);
    index = lines.length - 1;
  }
  lines[index] = lines[index]!.replace(/:.*/, `: ${written}`.trimEnd());
  return { text: yaml(...lines, 'listen: {}', ...after), line: index + 1 };
}

/** A written value and the field it gives. */
export type Good = [string, unknown];
/** A written value and the message of the one error it gives. */
export type Bad = [string, string];

/** One neighbor key: values it accepts, values it refuses. */
export interface NeighborKeyCase {
  key: string;
  field: keyof NeighborConfig;
  good: Good[];
  bad: Bad[];
}

/**
 * For each key: every good value gives its field; every bad one gives exactly one error, at the
 * key's path and line; no value at all is refused. `after` lines end each file (policies the
 * keys may name), so the neighbor's lines stay put.
 */
export function describeNeighborKeys(cases: readonly NeighborKeyCase[], ...after: string[]): void {
  describe.each(cases)('parseConfig: neighbor key $key', ({ key, field, good, bad }) => {
    it.each(good)(`accepts ${key}: %s`, (written, expected) => {
      expect(parsedNeighbor(withKey(key, written, ...after).text)[field]).toEqual(expected);
    });

    it.each(bad)(`rejects ${key}: %s`, (written, message) => {
      const { text, line } = withKey(key, written, ...after);
      expect(onlyError(text)).toEqual({ path: `neighbors[0].${key}`, line, message });
    });

    it(`rejects ${key} without a value`, () => {
      const { text, line } = withKey(key, '', ...after);
      const error = onlyError(text);
      expect(error).toMatchObject({ path: `neighbors[0].${key}`, line });
      expect(error.message).toMatch(/got nothing$/);
    });
  });
}

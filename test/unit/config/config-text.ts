/** Builders for configuration texts whose line numbers the tests can count on. */
import { expect } from 'vitest';
import { parseConfig, type ConfigError, type NecodConfig, type NeighborConfig } from '../../../src/config/index.js';

export const FILE = 'necod.yaml';

/** Joins lines into a file; line N of the result is `lines[N - 1]`. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

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

/** docs/configuration.md must stay true: its examples parse, and it documents every key. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { API_KEYS, LISTEN_KEYS, LOG_KEYS, TOP_LEVEL_KEYS } from '../../../src/config/parse-config.js';
import { CAPABILITY_KEYS, MAX_PREFIXES_KEYS, NEIGHBOR_KEYS } from '../../../src/config/parse-neighbor.js';

const reference = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
const examples = [...reference.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);

describe('docs/configuration.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples.map((text, index) => [index, text]))('example %i is a valid configuration', (_index, text) => {
    const result = parseConfig(text, 'example.yaml');
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('shows the usual server with two iBGP ToR neighbors in AS 64600', () => {
    const result = parseConfig(examples[0], 'example.yaml');
    expect(result.ok && result.config.asn).toBe(64600);
    expect(result.ok && result.config.neighbors.map((n) => [n.name, n.remoteAs])).toEqual([
      ['tor1', 64600],
      ['tor2', 64600],
    ]);
  });

  it.each([...TOP_LEVEL_KEYS, ...LISTEN_KEYS, ...API_KEYS, ...LOG_KEYS, ...NEIGHBOR_KEYS, ...CAPABILITY_KEYS, ...MAX_PREFIXES_KEYS])(
    'documents `%s`',
    (key) => {
      expect(reference).toContain(`| \`${key}\` |`);
    },
  );
});

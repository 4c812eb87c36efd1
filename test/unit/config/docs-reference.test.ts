/** docs/configuration.md must stay true: its examples parse, and it documents every key. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig, type NecodConfig } from '../../../src/config/index.js';
import { API_KEYS, LISTEN_KEYS, LOG_KEYS, TOP_LEVEL_KEYS } from '../../../src/config/parse-config.js';
import { KERNEL_KEYS } from '../../../src/config/parse-kernel.js';
import { CAPABILITY_KEYS, MAX_PREFIXES_KEYS, NEIGHBOR_KEYS } from '../../../src/config/parse-neighbor.js';
import { INTERFACE_ORIGIN_KEYS, KERNEL_TABLE_ORIGIN_KEYS, ORIGINATE_KEYS } from '../../../src/config/parse-originate.js';
import { POLICY_KEYS } from '../../../src/config/parse-policies.js';
import { ACTION_KEYS, MATCH_KEYS, PREFIX_MATCH_KEYS, RULE_KEYS } from '../../../src/config/parse-policy-rule.js';
import { DECISION_KEYS, GRACEFUL_RESTART_KEYS } from '../../../src/config/parse-routing.js';
import { STATIC_ROUTE_KEYS } from '../../../src/config/parse-static-routes.js';
import { BFD_AUTH_KEYS, NEIGHBOR_BFD_KEYS } from '../../../src/config/parse-bfd.js';

const reference = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
const examples = [...reference.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

function parsedExample(index: number): NecodConfig {
  const result = parseConfig(examples[index] ?? '', 'example.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

describe('docs/configuration.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((text, index) => [index, text] as const))('example %i is a valid configuration', (_index, text) => {
    const result = parseConfig(text, 'example.yaml');
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  describe('the usual server (the first example)', () => {
    const config = () => parsedExample(0);

    it('has two iBGP ToRs in AS 64600 that get our routes and MetalLB’s', () => {
      expect(config().asn).toBe(64600);
      expect(config().neighbors.filter((n) => n.name.startsWith('tor')).map((n) => [n.name, n.address, n.remoteAs, n.export])).toEqual([
        ['tor1', '10.69.0.1', 64600, 'all'],
        ['tor2', '10.69.1.1', 64600, 'all'],
      ]);
    });

    it('has MetalLB as a passive eBGP neighbor on 127.0.0.1 that keeps 64698:64699 out of the kernel', () => {
      const metallb = config().neighbors.find((n) => n.address === '127.0.0.1');
      expect(metallb).toMatchObject({ remoteAs: 64601, passive: true, export: 'none', import: { policy: 'from-metallb' } });
      expect(config().policies).toEqual([
        {
          name: 'from-metallb',
          defaultAction: 'accept',
          rules: [{ match: { communities: [64698 * 65536 + 64699] }, then: { noInstall: true } }],
        },
      ]);
    });

    it('announces the node0 /32 and kernel table 119', () => {
      expect(config().originate).toEqual({
        interfaces: [{ name: 'node0', mode: 'host', requireUp: true, families: ['ipv4', 'ipv6'] }],
        static: [],
        kernelTables: [{ table: 119, families: ['ipv4', 'ipv6'], ignoreProtocols: ['kernel'], scanTime: 60 }],
      });
    });
  });

  it.each([
    ...TOP_LEVEL_KEYS,
    ...LISTEN_KEYS,
    ...API_KEYS,
    ...LOG_KEYS,
    ...DECISION_KEYS,
    ...GRACEFUL_RESTART_KEYS,
    ...NEIGHBOR_KEYS,
    ...CAPABILITY_KEYS,
    ...MAX_PREFIXES_KEYS,
    ...POLICY_KEYS,
    ...RULE_KEYS,
    ...MATCH_KEYS,
    ...ACTION_KEYS,
    ...PREFIX_MATCH_KEYS,
    ...ORIGINATE_KEYS,
    ...INTERFACE_ORIGIN_KEYS,
    ...STATIC_ROUTE_KEYS,
    ...KERNEL_TABLE_ORIGIN_KEYS,
    ...KERNEL_KEYS,
    ...NEIGHBOR_BFD_KEYS,
    ...BFD_AUTH_KEYS,
  ])('documents `%s`', (key) => {
    expect(reference).toContain(`| \`${key}\` |`);
  });
});

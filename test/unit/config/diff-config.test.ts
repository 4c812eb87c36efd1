import { describe, expect, it } from 'vitest';
import { diffConfig } from '../../../src/config/index.js';
import { parsedConfig, yaml } from './config-text.js';

const tor = (name: string, address: string, ...extra: string[]) => [
  `  - name: ${name}`,
  `    address: ${address}`,
  '    remote-as: 64600',
  ...extra.map((line) => `    ${line}`),
];

const base = parsedConfig(
  yaml('router-id: 10.0.0.1', 'asn: 64600', 'neighbors:', ...tor('tor1', '10.69.0.1'), ...tor('tor2', '10.69.1.1')),
);

describe('diffConfig', () => {
  it('finds nothing between equal configurations', () => {
    expect(diffConfig(base, structuredClone(base))).toEqual({
      global: [],
      neighbors: { added: [], removed: [], changed: [], changedKeys: {} },
      changed: false,
    });
  });

  it('ignores the order of neighbors and of families', () => {
    const reordered = parsedConfig(
      yaml(
        'router-id: 10.0.0.1',
        'asn: 64600',
        'neighbors:',
        ...tor('tor2', '10.69.1.1'),
        ...tor('tor1', '10.69.0.1', 'families: [ipv4]'),
      ),
    );
    expect(diffConfig(base, reordered).changed).toBe(false);
  });

  it('names added and removed neighbors', () => {
    const after = parsedConfig(
      yaml('router-id: 10.0.0.1', 'asn: 64600', 'neighbors:', ...tor('tor2', '10.69.1.1'), ...tor('tor3', '10.69.2.1')),
    );
    expect(diffConfig(base, after)).toEqual({
      global: [],
      neighbors: { added: ['tor3'], removed: ['tor1'], changed: [], changedKeys: {} },
      changed: true,
    });
  });

  it('names the changed keys of a neighbor in configuration spelling', () => {
    const after = parsedConfig(
      yaml(
        'router-id: 10.0.0.1',
        'asn: 64600',
        'neighbors:',
        ...tor('tor1', '10.69.0.9', 'hold-time: 9', 'capabilities: {add-path: both}', 'max-prefixes: {limit: 10}'),
        ...tor('tor2', '10.69.1.1'),
      ),
    );
    expect(diffConfig(base, after).neighbors).toEqual({
      added: [],
      removed: [],
      changed: ['tor1'],
      changedKeys: { tor1: ['address', 'hold-time', 'keepalive-time', 'max-prefixes', 'capabilities.add-path'] },
    });
  });

  it('names nested keys of a block present on both sides', () => {
    const withLimit = (limit: number) =>
      parsedConfig(
        yaml(
          'router-id: 10.0.0.1',
          'asn: 64600',
          'neighbors:',
          ...tor('tor1', '10.69.0.1', `max-prefixes: {limit: ${limit}}`),
        ),
      );
    expect(diffConfig(withLimit(10), withLimit(20)).neighbors.changedKeys).toEqual({ tor1: ['max-prefixes.limit'] });
  });

  it('names changed global keys', () => {
    const after = parsedConfig(
      yaml(
        'router-id: 10.0.0.2',
        'asn: 64600',
        'listen: {}',
        'log: {level: debug}',
        'api: {socket: /run/other.sock}',
        'neighbors:',
        ...tor('tor1', '10.69.0.1'),
        ...tor('tor2', '10.69.1.1'),
      ),
    );
    const diff = diffConfig(base, after);
    expect(diff.global).toEqual(['router-id', 'listen', 'api.socket', 'log.level']);
    expect(diff.neighbors.changed).toEqual([]);
    expect(diff.changed).toBe(true);
  });

  it('shows a new asn both globally and in the neighbors whose defaults depend on it', () => {
    const after = parsedConfig(
      yaml('router-id: 10.0.0.1', 'asn: 64601', 'neighbors:', ...tor('tor1', '10.69.0.1'), ...tor('tor2', '10.69.1.1')),
    );
    const diff = diffConfig(base, after);
    expect(diff.global).toEqual(['asn']);
    expect(diff.neighbors.changedKeys).toEqual({ tor1: ['multihop'], tor2: ['multihop'] });
  });
});

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
      neighbors: { added: [], removed: [], changed: [], changedKeys: {}, importChanged: [], exportChanged: [] },
      policies: { added: [], removed: [], changed: [] },
      originate: [],
      kernel: [],
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
    expect(diffConfig(base, after)).toMatchObject({
      global: [],
      neighbors: { added: ['tor3'], removed: ['tor1'], changed: [], changedKeys: {}, importChanged: [], exportChanged: [] },
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
      importChanged: [],
      exportChanged: [],
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
    // The cluster id follows the router id unless it is set.
    expect(diff.global).toEqual(['router-id', 'cluster-id', 'listen', 'api.socket', 'log.level']);
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

describe('diffConfig: routing, policies, origination and kernel', () => {
  /** A server file: `tor1` and `lb` neighbors, a policy, origination and kernel settings. */
  const server = (options: {
    policy?: string[];
    lbImport?: string;
    lbExport?: string;
    torExport?: string;
    originate?: string[];
    kernel?: string;
    global?: string[];
  }) =>
    parsedConfig(
      yaml(
        'router-id: 10.0.0.1',
        'asn: 64600',
        'listen: {}',
        ...(options.global ?? []),
        'neighbors:',
        ...tor('tor1', '10.69.0.1', `export: ${options.torExport ?? 'all'}`),
        ...tor('lb', '127.0.0.1', 'passive: true', `import: ${options.lbImport ?? 'from-lb'}`, `export: ${options.lbExport ?? 'none'}`),
        'policies:',
        '  from-lb:',
        '    rules:',
        ...(options.policy ?? ['      - {match: {communities: ["64698:64699"]}, then: {no-install: true}}']),
        '  spare: {default: reject}',
        'originate:',
        ...(options.originate ?? [
          '  interfaces: [node0, eth0]',
          '  static: [{prefix: 10.64.0.0/24, blackhole: true}, {prefix: 10.65.0.0/24, via: 10.69.0.1}]',
          '  kernel-tables: [119, 120]',
        ]),
        `kernel: ${options.kernel ?? '{}'}`,
      ),
    );
  const before = server({});

  it('finds nothing between equal server configurations', () => {
    expect(diffConfig(before, server({})).changed).toBe(false);
  });

  it('names the neighbors whose import filter changed', () => {
    const diff = diffConfig(before, server({ lbImport: 'all' }));
    expect(diff.neighbors).toMatchObject({ changed: ['lb'], changedKeys: { lb: ['import'] }, importChanged: ['lb'], exportChanged: [] });
    expect(diff.changed).toBe(true);
  });

  it('names the neighbors whose export filter changed', () => {
    const diff = diffConfig(before, server({ torExport: 'local' }));
    expect(diff.neighbors).toMatchObject({ changedKeys: { tor1: ['export'] }, importChanged: [], exportChanged: ['tor1'] });
  });

  it('names a changed policy and every neighbor that uses it, though their settings are equal', () => {
    const diff = diffConfig(before, server({ policy: ['      - {match: {communities: ["64698:1"]}, then: {no-install: true}}'] }));
    expect(diff.policies).toEqual({ added: [], removed: [], changed: ['from-lb'] });
    expect(diff.neighbors).toMatchObject({ changed: [], importChanged: ['lb'], exportChanged: [] });
    expect(diff.changed).toBe(true);
  });

  it('names a switch from one policy to another as a changed key', () => {
    const diff = diffConfig(before, server({ lbExport: 'spare' }));
    expect(diff.neighbors).toMatchObject({ changedKeys: { lb: ['export'] }, exportChanged: ['lb'] });
    const again = diffConfig(server({ lbExport: 'from-lb' }), server({ lbExport: 'spare' }));
    expect(again.neighbors.changedKeys).toEqual({ lb: ['export.policy'] });
  });

  it('names added and removed policies', () => {
    const after = parsedConfig(
      yaml('router-id: 10.0.0.1', 'asn: 64600', 'policies:', '  spare: {default: reject}', '  extra: {}'),
    );
    const withOne = parsedConfig(yaml('router-id: 10.0.0.1', 'asn: 64600', 'policies:', '  gone: {}', '  spare: {default: reject}'));
    expect(diffConfig(withOne, after).policies).toEqual({ added: ['extra'], removed: ['gone'], changed: [] });
  });

  it('ignores the order of originated routes', () => {
    const reordered = server({
      originate: [
        '  interfaces: [eth0, node0]',
        '  static: [{prefix: 10.65.0.0/24, via: 10.69.0.1}, {prefix: 10.64.0.0/24, blackhole: true}]',
        '  kernel-tables: [120, 119]',
      ],
    });
    expect(diffConfig(before, reordered).changed).toBe(false);
  });

  it('names the originate keys whose routes changed', () => {
    const after = server({
      originate: [
        '  interfaces: [node0, {name: eth0, mode: subnet}]',
        '  static: [{prefix: 10.64.0.0/24, blackhole: true}, {prefix: 10.65.0.0/24, via: 10.69.0.2}]',
        '  kernel-tables: [119, 120]',
      ],
    });
    expect(diffConfig(before, after)).toMatchObject({ originate: ['interfaces', 'static'], global: [], kernel: [], changed: true });
  });

  it('names the changed kernel keys', () => {
    const diff = diffConfig(before, server({ kernel: '{table: 100, metric: 50, export: false}' }));
    expect(diff).toMatchObject({ kernel: ['table', 'metric', 'export'], global: [], originate: [], changed: true });
  });

  it('names changed routing keys as global keys', () => {
    const after = server({
      global: ['cluster-id: 10.0.0.9', 'decision: {max-paths: 2}', 'graceful-restart: {stale-time: 60}'],
    });
    const diff = diffConfig(before, after);
    expect(diff.global).toEqual(['cluster-id', 'decision.max-paths', 'graceful-restart.stale-time']);
    // ecmp-max follows max-paths unless it is set.
    expect(diff.kernel).toEqual(['ecmp-max']);
  });
});

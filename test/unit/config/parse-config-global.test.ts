import { describe, expect, it } from 'vitest';
import { parseConfig, type NecodConfig } from '../../../src/config/index.js';
import { configErrors, GLOBAL, KERNEL_DEFAULTS, onlyError, parsedConfig, yaml } from './config-text.js';

describe('parseConfig: the smallest file', () => {
  it('fills in every global default', () => {
    expect(parsedConfig(yaml(...GLOBAL))).toEqual({
      routerId: '10.0.0.1',
      asn: 64600,
      clusterId: '10.0.0.1',
      listen: null,
      api: { socket: '/run/necod/necod.sock', socketGroup: null, listen: null, tokenFile: null },
      log: { level: 'info' },
      decision: { maxPaths: 8, alwaysCompareMed: false },
      gracefulRestart: { restartTime: 120, staleTime: 300 },
      neighbors: [],
      policies: [],
      originate: { interfaces: [], static: [], kernelTables: [] },
      kernel: KERNEL_DEFAULTS,
      bfd: { intervalMs: 100, minRxMs: 100, multiplier: 3, realtimePriority: 10 },
    } satisfies NecodConfig);
  });

  it('accepts an empty neighbor list', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'neighbors: []')).neighbors).toEqual([]);
  });

  it('reports both required keys when they are missing', () => {
    expect(configErrors(yaml('log: {level: info}'))).toEqual([
      { path: 'router-id', line: 1, message: 'missing required key "router-id" (a dotted IPv4 address such as 10.0.0.1)' },
      { path: 'asn', line: 1, message: 'missing required key "asn" (an integer 1..4294967295)' },
    ]);
  });

  it('names the file when it is empty or only comments', () => {
    for (const text of ['', '# nothing yet\n']) {
      expect(onlyError(text)).toEqual({
        path: '',
        line: 1,
        message: 'necod.yaml holds no settings; it needs at least router-id and asn',
      });
    }
  });

  it('rejects a top level that is not a mapping', () => {
    expect(onlyError(yaml('- router-id: 10.0.0.1'))).toEqual({
      path: '',
      line: 1,
      message:
        'expected a mapping of router-id, asn, cluster-id, listen, api, log, decision, graceful-restart, ' +
        'neighbors, policies, originate, kernel, bfd, got a list',
    });
  });
});

describe('parseConfig: router-id', () => {
  it.each(['10.0.0.1', '192.168.255.254', '255.255.255.255'])('accepts %s', (value) => {
    expect(parsedConfig(yaml(`router-id: ${value}`, 'asn: 1')).routerId).toBe(value);
  });

  it.each([
    ['0.0.0.0', '0.0.0.0 cannot be a router ID; use a unique non-zero IPv4 address'],
    ['10.0.0', 'expected a dotted IPv4 address such as 10.0.0.1, got "10.0.0"'],
    ['10.0.0.256', 'expected a dotted IPv4 address such as 10.0.0.1, got "10.0.0.256"'],
    ['010.0.0.1', 'expected a dotted IPv4 address such as 10.0.0.1, got "010.0.0.1"'],
    ['2001:db8::1', 'expected a dotted IPv4 address such as 10.0.0.1, got "2001:db8::1"'],
    ['167772161', 'expected a dotted IPv4 address such as 10.0.0.1, got 167772161'],
    ['', 'expected a dotted IPv4 address such as 10.0.0.1, got nothing'],
    ['[10.0.0.1]', 'expected a dotted IPv4 address such as 10.0.0.1, got a list'],
  ])('rejects %j', (value, message) => {
    expect(onlyError(yaml('asn: 1', `router-id: ${value}`))).toEqual({ path: 'router-id', line: 2, message });
  });
});

describe('parseConfig: asn', () => {
  it.each([1, 64600, 65535, 65536, 4200000000, 4294967295])('accepts %d', (value) => {
    expect(parsedConfig(yaml('router-id: 10.0.0.1', `asn: ${value}`)).asn).toBe(value);
  });

  it.each([
    ['0', 'expected an integer 1..4294967295, got 0'],
    ['-1', 'expected an integer 1..4294967295, got -1'],
    ['4294967296', 'expected an integer 1..4294967295, got 4294967296'],
    ['64600.5', 'expected an integer 1..4294967295, got 64600.5'],
    ['abc', 'expected an integer 1..4294967295, got "abc"'],
    ['"64600"', 'expected an integer 1..4294967295, got "64600" (a string: remove the quotes)'],
    ['23456', '23456 is AS_TRANS (RFC 6793), a placeholder that cannot be a real AS number'],
    ['{as: 1}', 'expected an integer 1..4294967295, got a mapping'],
  ])('rejects %s', (value, message) => {
    expect(onlyError(yaml('router-id: 10.0.0.1', `asn: ${value}`))).toEqual({ path: 'asn', line: 2, message });
  });
});

describe('parseConfig: listen', () => {
  it('is null when left out, so that no connections are accepted', () => {
    expect(parsedConfig(yaml(...GLOBAL)).listen).toBeNull();
  });

  it('defaults address to :: and port to 179', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'listen: {}')).listen).toEqual({ address: '::', port: 179 });
  });

  it.each([
    ['{address: "::", port: 179}', { address: '::', port: 179 }],
    ['{address: 0.0.0.0}', { address: '0.0.0.0', port: 179 }],
    ['{address: 10.0.0.1, port: 1179}', { address: '10.0.0.1', port: 1179 }],
    ['{address: "2001:DB8::5"}', { address: '2001:db8::5', port: 179 }],
    ['{port: 65535}', { address: '::', port: 65535 }],
  ])('reads %s', (value, expected) => {
    expect(parsedConfig(yaml(...GLOBAL, `listen: ${value}`)).listen).toEqual(expected);
  });

  it('reads the block form with exact lines for errors', () => {
    expect(configErrors(yaml(...GLOBAL, 'listen:', '  address: ten', '  port: 0'))).toEqual([
      { path: 'listen.address', line: 4, message: 'expected an IPv4 or IPv6 address, got "ten"' },
      { path: 'listen.port', line: 5, message: 'expected an integer 1..65535, got 0' },
    ]);
  });

  it.each([
    ['{port: 65536}', 'listen.port', 'expected an integer 1..65535, got 65536'],
    ['{address: 10.0.0.1/24}', 'listen.address', 'expected an IPv4 or IPv6 address, got "10.0.0.1/24"'],
    ['true', 'listen', 'expected a mapping of address, port, got true'],
    ['', 'listen', 'expected a mapping of address, port, got nothing'],
  ])('rejects %s', (value, path, message) => {
    expect(onlyError(yaml(...GLOBAL, `listen: ${value}`))).toEqual({ path, line: 3, message });
  });
});

describe('parseConfig: api', () => {
  it('defaults the socket to /run/necod/necod.sock', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'api: {}')).api).toEqual({ socket: '/run/necod/necod.sock', socketGroup: null, listen: null, tokenFile: null });
  });

  it('takes another absolute path', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'api: {socket: /var/run/n.sock}')).api.socket).toBe('/var/run/n.sock');
  });

  it.each([
    ['{socket: necod.sock}', 'expected an absolute path such as /run/necod/necod.sock, got "necod.sock"'],
    ['{socket: 5}', 'expected an absolute path such as /run/necod/necod.sock, got 5'],
    [`{socket: /${'x'.repeat(107)}}`, 'the path is 108 bytes long; a unix socket path can have at most 107'],
  ])('rejects %s', (value, message) => {
    expect(onlyError(yaml(...GLOBAL, `api: ${value}`))).toEqual({ path: 'api.socket', line: 3, message });
  });
});

describe('parseConfig: log', () => {
  it.each(['trace', 'debug', 'info', 'warn', 'error'])('accepts level %s', (level) => {
    expect(parsedConfig(yaml(...GLOBAL, `log: {level: ${level}}`)).log.level).toBe(level);
  });

  it('rejects other levels, listing the valid ones', () => {
    expect(onlyError(yaml(...GLOBAL, 'log:', '  level: verbose'))).toEqual({
      path: 'log.level',
      line: 4,
      message: 'expected one of trace, debug, info, warn, error, got "verbose"',
    });
  });
});

describe('parseConfig: unknown and duplicate keys', () => {
  it('names an unknown key with its line and suggests the nearest known key', () => {
    expect(onlyError(yaml(...GLOBAL, 'router_id: 10.0.0.2'))).toEqual({
      path: 'router_id',
      line: 3,
      message: 'unknown key "router_id" (did you mean "router-id"?)',
    });
  });

  it('lists the known keys when nothing is close', () => {
    expect(onlyError(yaml(...GLOBAL, 'protocols: []'))).toEqual({
      path: 'protocols',
      line: 3,
      message:
        'unknown key "protocols" (known keys: router-id, asn, cluster-id, listen, api, log, decision, ' +
        'graceful-restart, neighbors, policies, originate, kernel, bfd)',
    });
  });

  it('finds unknown keys inside nested mappings', () => {
    expect(onlyError(yaml(...GLOBAL, 'listen:', '  adress: "::"'))).toEqual({
      path: 'listen.adress',
      line: 4,
      message: 'unknown key "adress" (did you mean "address"?)',
    });
  });

  it('rejects a key given twice, naming both lines', () => {
    expect(onlyError(yaml(...GLOBAL, 'asn: 64601'))).toEqual({
      path: 'asn',
      line: 3,
      message: 'duplicate key "asn" (first given at line 2)',
    });
  });
});

describe('parseConfig: YAML syntax', () => {
  it('names the line of a syntax error', () => {
    const errors = configErrors(yaml(...GLOBAL, 'neighbors: [', '  {name: a'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ path: '', message: expect.stringMatching(/^YAML: /) });
    expect(errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('names the line of a bad indentation', () => {
    expect(onlyError(yaml(...GLOBAL, 'listen:', '  address: "::"', ' port: 179'))).toEqual({
      path: '',
      line: 5,
      message: 'YAML: All mapping items must start at the same column',
    });
  });

  it('names the line of a tab used for indentation', () => {
    expect(onlyError(yaml(...GLOBAL, 'listen:', '\tport: 179'))).toMatchObject({ line: 4, message: expect.stringContaining('Tabs') });
  });

  it('names the line where an unclosed quote starts', () => {
    expect(configErrors(yaml(...GLOBAL, 'api: {socket: "/run/x.sock}', 'log: {level: info}'))[0]).toEqual({
      path: '',
      line: 3,
      message: 'YAML: the quoted string that starts on this line is never closed',
    });
  });

  it.each([
    ['listen: {address: ::}', '::'],
    ['listen:\n  address: 2001:db8::', '2001:db8::'],
  ])('explains that an IPv6 address ending in ":" needs quotes: %j', (written, address) => {
    const error = configErrors(yaml(...GLOBAL, written))[0]!;
    expect(error.message).toMatch(new RegExp(`^YAML: .*\\(an IPv6 address ending in ":" must be quoted: "${address}"\\)$`));
  });

  it('refuses a second YAML document', () => {
    expect(onlyError(yaml(...GLOBAL, '---', 'asn: 1'))).toMatchObject({
      line: 3,
      message: expect.stringContaining('more than one YAML document'),
    });
  });

  it('reports all errors of a file, sorted by line', () => {
    const errors = configErrors(yaml('router-id: 0.0.0.0', 'asn: 0', 'log: {level: loud}', 'listen: {port: 0}'));
    expect(errors.map((error) => [error.line, error.path])).toEqual([
      [1, 'router-id'],
      [2, 'asn'],
      [3, 'log.level'],
      [4, 'listen.port'],
    ]);
  });

  it('uses the file name only in messages about the whole file', () => {
    expect(parseConfig('', '/etc/necod/other.yaml')).toEqual({
      ok: false,
      errors: [{ path: '', line: 1, message: '/etc/necod/other.yaml holds no settings; it needs at least router-id and asn' }],
    });
  });
});

describe('parseConfig: anchors and merges', () => {
  it('lets a neighbor inherit settings from another with <<', () => {
    const config = parsedConfig(
      yaml(
        ...GLOBAL,
        'neighbors:',
        '  - &tor',
        '    name: tor1',
        '    address: 10.69.0.1',
        '    remote-as: 64600',
        '    hold-time: 9',
        '  - <<: *tor',
        '    name: tor2',
        '    address: 10.69.1.1',
      ),
    );
    expect(config.neighbors.map((n) => [n.name, n.address, n.remoteAs, n.holdTime, n.keepaliveTime])).toEqual([
      ['tor1', '10.69.0.1', 64600, 9, 3],
      ['tor2', '10.69.1.1', 64600, 9, 3],
    ]);
  });

  it('reports a mistake in a merged mapping once, at its own line', () => {
    const errors = configErrors(
      yaml(
        ...GLOBAL,
        'neighbors:',
        '  - &tor',
        '    name: tor1',
        '    address: 10.69.0.1',
        '    remote-as: 64600',
        '    holdtime: 9',
        '  - <<: *tor',
        '    name: tor2',
        '    address: 10.69.1.1',
      ),
    );
    expect(errors).toEqual([
      { path: 'neighbors[0].holdtime', line: 8, message: 'unknown key "holdtime" (did you mean "hold-time"?)' },
    ]);
  });

  it('resolves a plain alias', () => {
    const config = parsedConfig(yaml(...GLOBAL, 'listen: &l {port: 1179}', 'api: {socket: /run/x.sock}'));
    expect(config.listen).toEqual({ address: '::', port: 1179 });
  });

  it('rejects merging something that is not a mapping', () => {
    const errors = configErrors(yaml(...GLOBAL, 'listen:', '  <<: [1]'));
    expect(errors).toEqual([{ path: 'listen', line: 4, message: '"<<" merges mappings only, got 1' }]);
  });
});

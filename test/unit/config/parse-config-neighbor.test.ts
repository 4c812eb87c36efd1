import { describe, expect, it } from 'vitest';
import type { NeighborConfig } from '../../../src/config/index.js';
import { configErrors, GLOBAL, oneNeighbor, onlyError, parsedConfig, parsedNeighbor, yaml, describeNeighborKeys, type NeighborKeyCase } from './config-text.js';

describe('parseConfig: a neighbor with only the required keys', () => {
  it('gets every default', () => {
    expect(parsedNeighbor(oneNeighbor())).toEqual({
      name: 'tor1',
      address: '10.69.0.1',
      remoteAs: 64600,
      localAddress: null,
      port: 179,
      passive: false,
      holdTime: 90,
      keepaliveTime: 30,
      connectRetryTime: 5,
      delayOpenTime: 0,
      families: ['ipv4'],
      multihop: 64,
      shutdown: false,
      maxPrefixes: null,
      capabilities: {
        fourOctetAs: true,
        routeRefresh: true,
        enhancedRouteRefresh: true,
        gracefulRestart: true,
        addPath: 'none',
        extendedMessage: false,
        prefixOrf: false,
      },
      gracefulRestartTime: 120,
      routeReflectorClient: false,
      import: 'all',
      export: 'local',
      nextHopRewrite: true,
      nextHopSubnetLength: null,
      interface: null,
      ipv6NextHop: null,
      bfd: null,
    } satisfies NeighborConfig);
  });

  it('defaults families to ipv6 for an IPv6 neighbor', () => {
    const text = yaml(...GLOBAL, 'neighbors:', '  - {name: tor1, address: "2001:db8::1", remote-as: 64600}');
    expect(parsedNeighbor(text).families).toEqual(['ipv6']);
  });

  it('defaults multihop to 1 for eBGP and 64 for iBGP', () => {
    expect(parsedNeighbor(oneNeighbor()).multihop).toBe(64);
    const ebgp = yaml(...GLOBAL, 'neighbors:', '  - {name: isp, address: 192.0.2.1, remote-as: 65001}');
    expect(parsedNeighbor(ebgp).multihop).toBe(1);
  });

  it.each([
    ['name', 'a name made of letters, digits, "_", "." and "-"'],
    ['address', 'an IPv4 or IPv6 address'],
    ['remote-as', 'an integer 1..4294967295'],
  ])('requires %s, reporting the line of the entry', (key, expected) => {
    const fields = ['name: tor1', 'address: 10.69.0.1', 'remote-as: 64600'].filter((field) => !field.startsWith(`${key}:`));
    const text = yaml(...GLOBAL, 'neighbors:', `  - ${fields[0]}`, `    ${fields[1]}`);
    expect(onlyError(text)).toEqual({ path: `neighbors[0].${key}`, line: 4, message: `missing required key "${key}" (${expected})` });
  });

  it('rejects a neighbor that is not a mapping', () => {
    expect(onlyError(yaml(...GLOBAL, 'neighbors:', '  - tor1'))).toMatchObject({
      path: 'neighbors[0]',
      line: 4,
      message: expect.stringMatching(/^expected a mapping of name, address, .*, got "tor1"$/),
    });
  });

  it('rejects neighbors that is not a list', () => {
    expect(onlyError(yaml(...GLOBAL, 'neighbors: {tor1: {}}'))).toEqual({
      path: 'neighbors',
      line: 3,
      message: 'expected a list of neighbors, got a mapping',
    });
  });

  it('counts neighbor indices from 0 in paths', () => {
    const text = yaml(
      ...GLOBAL,
      'neighbors:',
      '  - {name: tor1, address: 10.69.0.1, remote-as: 64600}',
      '  - {name: tor2, address: 10.69.1.1, remote-as: abc}',
    );
    expect(onlyError(text)).toEqual({
      path: 'neighbors[1].remote-as',
      line: 5,
      message: 'expected an integer 1..4294967295, got "abc"',
    });
  });
});

/** For each key: written values with the field they give, and wrong values with their message. */
const cases: NeighborKeyCase[] = [
  {
    key: 'name',
    field: 'name',
    good: [['tor2', 'tor2'], ['ToR_1.rack-7', 'ToR_1.rack-7'], ['"0"', '0']],
    bad: [
      ['tor 1', 'expected a name made of letters, digits, "_", "." and "-", got "tor 1"'],
      ['tor/1', 'expected a name made of letters, digits, "_", "." and "-", got "tor/1"'],
      ['""', 'expected a name made of letters, digits, "_", "." and "-", got ""'],
      ['5', 'expected a name made of letters, digits, "_", "." and "-", got 5'],
    ],
  },
  {
    key: 'address',
    field: 'address',
    good: [
      ['10.69.0.9', '10.69.0.9'],
      ['"2001:DB8:0::1"', '2001:db8::1'],
      ['fe80::1%eth0', 'fe80::1%eth0'],
    ],
    bad: [
      ['10.69.0', 'expected an IPv4 or IPv6 address, got "10.69.0"'],
      ['10.69.0.1/31', 'expected an IPv4 or IPv6 address, got "10.69.0.1/31"'],
      ['tor1.example', 'expected an IPv4 or IPv6 address, got "tor1.example"'],
      ['0.0.0.0', '0.0.0.0 is the unspecified address, not a host'],
      ['"::"', ':: is the unspecified address, not a host'],
      ['224.0.0.5', '224.0.0.5 is a multicast address, not a host'],
      ['"ff02::5"', 'ff02::5 is a multicast address, not a host'],
      ['"::ffff:10.69.0.1"', '::ffff:10.69.0.1 is an IPv4-mapped IPv6 address; write the IPv4 address instead'],
      ['fe80::1', 'fe80::1 is link-local and needs an interface: write it as fe80::1%eth0'],
      ['2001:db8::1%eth0', 'a %zone is only meaningful on a link-local (fe80::/10) address, not on 2001:db8::1%eth0'],
    ],
  },
  {
    key: 'remote-as',
    field: 'remoteAs',
    good: [['1', 1], ['65001', 65001], ['4294967295', 4294967295]],
    bad: [
      ['0', 'expected an integer 1..4294967295, got 0'],
      ['4294967296', 'expected an integer 1..4294967295, got 4294967296'],
      ['abc', 'expected an integer 1..4294967295, got "abc"'],
      ['23456', '23456 is AS_TRANS (RFC 6793), a placeholder that cannot be a real AS number'],
    ],
  },
  {
    key: 'local-address',
    field: 'localAddress',
    good: [['10.69.0.5', '10.69.0.5']],
    bad: [
      ['10.69.0.300', 'expected an IPv4 or IPv6 address, got "10.69.0.300"'],
      ['0.0.0.0', '0.0.0.0 is the unspecified address, not a host'],
    ],
  },
  {
    key: 'port',
    field: 'port',
    good: [['1', 1], ['1179', 1179], ['65535', 65535]],
    bad: [
      ['0', 'expected an integer 1..65535, got 0'],
      ['65536', 'expected an integer 1..65535, got 65536'],
      ['"179"', 'expected an integer 1..65535, got "179" (a string: remove the quotes)'],
      ['bgp', 'expected an integer 1..65535, got "bgp"'],
    ],
  },
  {
    key: 'passive',
    field: 'passive',
    good: [['true', true], ['false', false], ['True', true]],
    bad: [
      ['yes', 'expected true or false, got "yes" (YAML 1.2 reads this as a string: write true or false)'],
      ['"true"', 'expected true or false, got "true" (a string: write true or false without quotes)'],
      ['1', 'expected true or false, got 1'],
    ],
  },
  {
    key: 'hold-time',
    field: 'holdTime',
    good: [['0', 0], ['3', 3], ['9', 9], ['65535', 65535]],
    bad: [
      ['1', 'expected 0 or an integer 3..65535, got 1'],
      ['2', 'expected 0 or an integer 3..65535, got 2'],
      ['65536', 'expected 0 or an integer 3..65535, got 65536'],
      ['-3', 'expected 0 or an integer 3..65535, got -3'],
      ['1.5', 'expected 0 or an integer 3..65535, got 1.5'],
    ],
  },
  {
    key: 'keepalive-time',
    field: 'keepaliveTime',
    good: [['1', 1], ['10', 10], ['89', 89]],
    bad: [
      ['0', 'expected an integer 1..65535, got 0'],
      ['90', 'keepalive-time (90) must be less than hold-time (90); usually it is a third of it'],
      ['ten', 'expected an integer 1..65535, got "ten"'],
    ],
  },
  {
    key: 'connect-retry-time',
    field: 'connectRetryTime',
    good: [['1', 1], ['120', 120]],
    bad: [
      ['0', 'expected an integer 1..65535, got 0'],
      ['65536', 'expected an integer 1..65535, got 65536'],
    ],
  },
  {
    key: 'delay-open-time',
    field: 'delayOpenTime',
    good: [['0', 0], ['5', 5], ['65535', 65535]],
    bad: [
      ['-1', 'expected an integer 0..65535, got -1'],
      ['off', 'expected an integer 0..65535, got "off"'],
    ],
  },
  {
    key: 'families',
    field: 'families',
    good: [['[ipv4]', ['ipv4']], ['[ipv6]', ['ipv6']], ['[ipv4, ipv6]', ['ipv4', 'ipv6']], ['[ipv6, ipv4]', ['ipv4', 'ipv6']]],
    bad: [
      ['[]', 'expected at least one of ipv4, ipv6'],
      ['ipv4', 'expected a list of families (ipv4, ipv6), got "ipv4"'],
    ],
  },
  {
    key: 'multihop',
    field: 'multihop',
    good: [['1', 1], ['2', 2], ['255', 255]],
    bad: [
      ['0', 'expected an integer 1..255, got 0'],
      ['256', 'expected an integer 1..255, got 256'],
      ['true', 'expected an integer 1..255, got true'],
    ],
  },
  {
    key: 'shutdown',
    field: 'shutdown',
    good: [['true', true], ['false', false]],
    bad: [['no', 'expected true or false, got "no" (YAML 1.2 reads this as a string: write true or false)']],
  },
  {
    key: 'max-prefixes',
    field: 'maxPrefixes',
    good: [
      ['{limit: 100000}', { limit: 100000, restartTime: 0 }],
      ['{limit: 1, restart-time: 300}', { limit: 1, restartTime: 300 }],
    ],
    bad: [['100000', 'expected a mapping of limit, restart-time, got 100000']],
  },
  {
    key: 'capabilities',
    field: 'capabilities',
    good: [
      [
        '{}',
        {
          fourOctetAs: true,
          routeRefresh: true,
          enhancedRouteRefresh: true,
          gracefulRestart: true,
          addPath: 'none',
          extendedMessage: false,
          prefixOrf: false,
        },
      ],
    ],
    bad: [
      [
        '[route-refresh]',
        'expected a mapping of four-octet-as, route-refresh, enhanced-route-refresh, graceful-restart, add-path, extended-message, prefix-orf, got a list',
      ],
    ],
  },
  {
    key: 'graceful-restart-time',
    field: 'gracefulRestartTime',
    good: [['1', 1], ['120', 120], ['4095', 4095]],
    bad: [
      ['0', 'expected an integer 1..4095, got 0'],
      ['4096', 'expected an integer 1..4095, got 4096'],
    ],
  },
];

describeNeighborKeys(cases);

describe('parseConfig: neighbor max-prefixes', () => {
  it('requires a limit and checks restart-time, each on its own line', () => {
    expect(configErrors(oneNeighbor('    max-prefixes:', '      restart-time: -5'))).toEqual([
      { path: 'neighbors[0].max-prefixes.limit', line: 8, message: 'missing required key "limit" (an integer 1..4294967295)' },
      { path: 'neighbors[0].max-prefixes.restart-time', line: 8, message: 'expected an integer 0..65535, got -5' },
    ]);
  });

  it('rejects a limit of 0 and unknown keys', () => {
    expect(configErrors(oneNeighbor('    max-prefixes:', '      limit: 0', '      action: restart'))).toEqual([
      { path: 'neighbors[0].max-prefixes.limit', line: 8, message: 'expected an integer 1..4294967295, got 0' },
      {
        path: 'neighbors[0].max-prefixes.action',
        line: 9,
        message: 'unknown key "action" (known keys: limit, restart-time)',
      },
    ]);
  });
});

describe('parseConfig: neighbor capabilities', () => {
  const capabilityLine = (...lines: string[]) => oneNeighbor('    capabilities:', ...lines.map((line) => `      ${line}`));

  it.each([
    ['four-octet-as', 'fourOctetAs'],
    ['route-refresh', 'routeRefresh'],
    ['enhanced-route-refresh', 'enhancedRouteRefresh'],
    ['graceful-restart', 'gracefulRestart'],
    ['extended-message', 'extendedMessage'],
    ['prefix-orf', 'prefixOrf'],
  ] as const)('switches %s', (key, field) => {
    for (const value of [true, false]) {
      expect(parsedNeighbor(capabilityLine(`${key}: ${value}`)).capabilities[field]).toBe(value);
    }
    expect(onlyError(capabilityLine(`${key}: on`))).toEqual({
      path: `neighbors[0].capabilities.${key}`,
      line: 8,
      message: 'expected true or false, got "on" (YAML 1.2 reads this as a string: write true or false)',
    });
  });

  it.each(['none', 'receive', 'send', 'both'])('accepts add-path: %s', (mode) => {
    expect(parsedNeighbor(capabilityLine(`add-path: ${mode}`)).capabilities.addPath).toBe(mode);
  });

  it('rejects another add-path mode', () => {
    expect(onlyError(capabilityLine('add-path: true'))).toEqual({
      path: 'neighbors[0].capabilities.add-path',
      line: 8,
      message: 'expected one of none, receive, send, both, got true',
    });
  });

  it('turns enhanced route refresh off with route refresh unless it is set', () => {
    expect(parsedNeighbor(capabilityLine('route-refresh: false')).capabilities).toMatchObject({
      routeRefresh: false,
      enhancedRouteRefresh: false,
    });
  });

  it('refuses enhanced route refresh without route refresh', () => {
    expect(onlyError(capabilityLine('route-refresh: false', 'enhanced-route-refresh: true'))).toEqual({
      path: 'neighbors[0].capabilities.enhanced-route-refresh',
      line: 9,
      message: 'enhanced-route-refresh needs route-refresh: true (RFC 7313)',
    });
  });

  it('suggests the key for a typo', () => {
    expect(onlyError(capabilityLine('addpath: both'))).toEqual({
      path: 'neighbors[0].capabilities.addpath',
      line: 8,
      message: 'unknown key "addpath" (did you mean "add-path"?)',
    });
  });
});

describe('parseConfig: neighbor unknown keys', () => {
  it.each([
    ['remote_as', 'remote-as'],
    ['holdtime', 'hold-time'],
    ['keepalive', 'keepalive-time'],
    ['neighbor-as', 'remote-as'],
    ['source-address', 'local-address'],
    ['local-adress', 'local-address'],
    ['famillies', 'families'],
  ])('suggests "%s" → "%s"', (written, suggestion) => {
    expect(onlyError(oneNeighbor(`    ${written}: 1`))).toEqual({
      path: `neighbors[0].${written}`,
      line: 7,
      message: `unknown key "${written}" (did you mean "${suggestion}"?)`,
    });
  });

  it('gives the list of keys when nothing is close', () => {
    expect(onlyError(oneNeighbor('    zebra: 1')).message).toMatch(/^unknown key "zebra" \(known keys: name, address, remote-as, /);
  });
});

describe('parseConfig: the example neighbor of the schema', () => {
  it('reads every key at once', () => {
    const config = parsedConfig(
      yaml(
        ...GLOBAL,
        'neighbors:',
        '  - name: tor1',
        '    address: 10.69.0.1',
        '    remote-as: 64600',
        '    local-address: 10.69.0.5',
        '    port: 179',
        '    passive: false',
        '    hold-time: 90',
        '    keepalive-time: 30',
        '    connect-retry-time: 5',
        '    delay-open-time: 0',
        '    families: [ipv4, ipv6]',
        '    multihop: 1',
        '    shutdown: false',
        '    max-prefixes: {limit: 100000, restart-time: 0}',
        '    capabilities:',
        '      four-octet-as: true',
        '      route-refresh: true',
        '      enhanced-route-refresh: true',
        '      graceful-restart: true',
        '      add-path: none',
        '      extended-message: false',
        '    graceful-restart-time: 120',
      ),
    );
    expect(config.neighbors[0]).toMatchObject({
      localAddress: '10.69.0.5',
      families: ['ipv4', 'ipv6'],
      multihop: 1,
      maxPrefixes: { limit: 100000, restartTime: 0 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { configErrors, GLOBAL, oneNeighbor, onlyError, parsedNeighbor, yaml, describeNeighborKeys, type NeighborKeyCase } from './config-text.js';

/** Policies the neighbor keys may name; they follow the neighbor, so its lines stay put. */
const POLICIES = ['policies:', '  from-metallb: {}', '  to-tors: {default: reject}'];

const cases: NeighborKeyCase[] = [
  {
    key: 'route-reflector-client',
    field: 'routeReflectorClient',
    good: [['true', true], ['false', false]],
    bad: [
      ['on', 'expected true or false, got "on" (YAML 1.2 reads this as a string: write true or false)'],
      ['1', 'expected true or false, got 1'],
    ],
  },
  {
    key: 'import',
    field: 'import',
    good: [['all', 'all'], ['none', 'none'], ['from-metallb', { policy: 'from-metallb' }]],
    bad: [
      ['local', 'expected all, none or a policy name, got "local"'],
      ['true', 'expected all, none or a policy name, got true'],
      ['"from metallb"', 'expected all, none or a policy name, got "from metallb"'],
      ['from-metalb', 'no policy named "from-metalb" (did you mean "from-metallb"?)'],
      ['other', 'no policy named "other" (policies: from-metallb, to-tors)'],
      ['[all]', 'expected all, none or a policy name, got a list'],
    ],
  },
  {
    key: 'export',
    field: 'export',
    good: [['local', 'local'], ['all', 'all'], ['none', 'none'], ['to-tors', { policy: 'to-tors' }]],
    bad: [
      ['false', 'expected local, all, none or a policy name, got false'],
      ['to-tor', 'no policy named "to-tor" (did you mean "to-tors"?)'],
    ],
  },
  {
    key: 'next-hop-rewrite',
    field: 'nextHopRewrite',
    good: [['true', true], ['false', false]],
    bad: [['"false"', 'expected true or false, got "false" (a string: write true or false without quotes)']],
  },
  {
    key: 'next-hop-subnet-length',
    field: 'nextHopSubnetLength',
    good: [['0', 0], ['26', 26], ['32', 32]],
    bad: [
      ['33', 'next-hop-subnet-length (33) is longer than an IPv4 address; for 10.69.0.1 it is 0..32'],
      ['-1', 'expected an integer 0..128, got -1'],
      ['129', 'expected an integer 0..128, got 129'],
      ['/26', 'expected an integer 0..128, got "/26"'],
    ],
  },
  {
    key: 'interface',
    field: 'interface',
    good: [['eth0', 'eth0'], ['enp1s0f0.100', 'enp1s0f0.100'], ['abcdefghijklmno', 'abcdefghijklmno']],
    bad: [
      ['abcdefghijklmnop', '"abcdefghijklmnop" is 16 bytes long; an interface name has at most 15'],
      ['"eth 0"', 'expected an interface name such as eth0, got "eth 0"'],
      ['eth0:1', 'expected an interface name such as eth0, got "eth0:1"'],
      ['a/b', 'expected an interface name such as eth0, got "a/b"'],
      ['..', 'expected an interface name such as eth0, got ".."'],
      ['""', 'expected an interface name such as eth0, got ""'],
      ['0', 'expected an interface name such as eth0, got 0'],
    ],
  },
  {
    key: 'ipv6-next-hop',
    field: 'ipv6NextHop',
    good: [],
    bad: [
      ['10.69.0.5', '10.69.0.5 is IPv4; ipv6-next-hop takes an IPv6 address'],
      ['"fd00::5"', 'ipv6-next-hop is only used for IPv6 routes, but the session carries ipv4 only (add ipv6 to families)'],
      ['"::"', ':: is the unspecified address, not a host'],
      ['fd00::5/64', 'expected an IPv4 or IPv6 address, got "fd00::5/64"'],
    ],
  },
];

describeNeighborKeys(cases, ...POLICIES);

describe('parseConfig: neighbor routing defaults', () => {
  it('imports all, exports local routes only, and rewrites next hops', () => {
    expect(parsedNeighbor(oneNeighbor())).toMatchObject({
      routeReflectorClient: false,
      import: 'all',
      export: 'local',
      nextHopRewrite: true,
      nextHopSubnetLength: null,
      interface: null,
      ipv6NextHop: null,
    });
  });
});

describe('parseConfig: a neighbor on this host', () => {
  const local = (address: string, ...extra: string[]) =>
    yaml(...GLOBAL, 'listen: {address: 127.0.0.1}', 'neighbors:', '  - name: metallb', `    address: "${address}"`, '    remote-as: 64601', '    passive: true', ...extra);

  it('keeps the next hops it sends by default: a rewrite to 127.0.0.1 could never be installed', () => {
    expect(parsedNeighbor(local('127.0.0.1')).nextHopRewrite).toBe(false);
    expect(parsedNeighbor(local('::1')).nextHopRewrite).toBe(false);
    expect(parsedNeighbor(local('127.0.0.1', '    next-hop-rewrite: true')).nextHopRewrite).toBe(true);
    expect(parsedNeighbor(local('10.69.0.1')).nextHopRewrite).toBe(true);
  });
});

describe('parseConfig: neighbor routing against the other keys', () => {
  const ipv6 = (...extra: string[]) =>
    yaml(...GLOBAL, 'neighbors:', '  - name: tor1', '    address: "2001:db8::1"', '    remote-as: 64600', ...extra);
  const linkLocal = (...extra: string[]) =>
    yaml(...GLOBAL, 'neighbors:', '  - name: tor1', '    address: fe80::1%eth0', '    remote-as: 64600', ...extra);
  const ebgp = (...extra: string[]) =>
    yaml(...GLOBAL, 'neighbors:', '  - name: isp', '    address: 192.0.2.1', '    remote-as: 65001', ...extra);

  it('allows next-hop-subnet-length up to 128 for an IPv6 neighbor', () => {
    expect(parsedNeighbor(ipv6('    next-hop-subnet-length: 128')).nextHopSubnetLength).toBe(128);
    expect(parsedNeighbor(ipv6('    next-hop-subnet-length: 64')).nextHopSubnetLength).toBe(64);
  });

  it('still checks the range when the address is invalid, without the family check', () => {
    const text = yaml(...GLOBAL, 'neighbors:', '  - {name: tor1, address: x, remote-as: 64600, next-hop-subnet-length: 64}');
    expect(configErrors(text).map((error) => error.path)).toEqual(['neighbors[0].address']);
  });

  it('accepts ipv6-next-hop on an IPv6 session and on an IPv4 session carrying ipv6', () => {
    expect(parsedNeighbor(ipv6('    ipv6-next-hop: "2001:DB8::5"')).ipv6NextHop).toBe('2001:db8::5');
    expect(parsedNeighbor(oneNeighbor('    families: [ipv4, ipv6]', '    ipv6-next-hop: fd00::5')).ipv6NextHop).toBe('fd00::5');
  });

  it('refuses ipv6-next-hop on an IPv6 neighbor that carries ipv4 only', () => {
    expect(onlyError(ipv6('    families: [ipv4]', '    ipv6-next-hop: fd00::5'))).toEqual({
      path: 'neighbors[0].ipv6-next-hop',
      line: 8,
      message: 'ipv6-next-hop is only used for IPv6 routes, but the session carries ipv4 only (add ipv6 to families)',
    });
  });

  it('accepts the interface a link-local address names, and refuses another', () => {
    expect(parsedNeighbor(linkLocal('    interface: eth0')).interface).toBe('eth0');
    expect(onlyError(linkLocal('    interface: eth1'))).toEqual({
      path: 'neighbors[0].interface',
      line: 7,
      message: 'address fe80::1%eth0 is on interface eth0, but interface is eth1',
    });
  });

  it('lets a route-reflector client be iBGP only', () => {
    expect(parsedNeighbor(oneNeighbor('    route-reflector-client: true')).routeReflectorClient).toBe(true);
    expect(onlyError(ebgp('    route-reflector-client: true'))).toEqual({
      path: 'neighbors[0].route-reflector-client',
      line: 7,
      message: 'route reflection (RFC 4456) is between iBGP neighbors, but remote-as 65001 is not asn 64600',
    });
    expect(parsedNeighbor(ebgp('    route-reflector-client: false')).routeReflectorClient).toBe(false);
  });

  it('says when no policies are defined at all', () => {
    expect(onlyError(oneNeighbor('    import: from-metallb'))).toEqual({
      path: 'neighbors[0].import',
      line: 7,
      message: 'no policy named "from-metallb" (no policies are defined)',
    });
  });

  it('accepts a reference to a policy that has errors of its own, reporting those only', () => {
    const text = `${oneNeighbor('    import: broken')}policies:\n  broken: {default: maybe}\n`;
    expect(configErrors(text)).toEqual([
      { path: 'policies.broken.default', line: 9, message: 'expected one of accept, reject, got "maybe"' },
    ]);
  });

  it('reports references of an entry that has other errors', () => {
    const text = yaml(...GLOBAL, 'neighbors:', '  - {name: tor1, address: 10.69.0.1, remote-as: x, export: nope}');
    expect(configErrors(text)).toEqual([
      { path: 'neighbors[0].remote-as', line: 4, message: 'expected an integer 1..4294967295, got "x"' },
      { path: 'neighbors[0].export', line: 4, message: 'no policy named "nope" (no policies are defined)' },
    ]);
  });

  it.each(['direct', 'static', 'kernel', 'api'])('refuses the local origin name %s as a neighbor name', (name) => {
    const text = yaml(...GLOBAL, 'neighbors:', `  - name: ${name}`, '    address: 10.69.0.1', '    remote-as: 64600');
    expect(onlyError(text)).toEqual({
      path: 'neighbors[0].name',
      line: 4,
      message: `"${name}" names the local origin of ${name} routes in policies; choose another neighbor name`,
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { OriginateConfig, StaticRouteConfig } from '../../../src/config/index.js';
import { configErrors, GLOBAL, onlyError, parsedConfig, yaml } from './config-text.js';

/** Lines 1-2 global, 3 `originate:`; `lines` start at line 4. */
function originate(...lines: string[]): OriginateConfig {
  return parsedConfig(yaml(...GLOBAL, 'originate:', ...lines)).originate;
}

function originateText(...lines: string[]): string {
  return yaml(...GLOBAL, 'originate:', ...lines);
}

/** One static route written as `  static: [ROUTE]` on line 4. */
function staticRoute(route: string): StaticRouteConfig {
  const routes = originate(`  static: [${route}]`).static;
  expect(routes).toHaveLength(1);
  return routes[0]!;
}

describe('parseConfig: originate', () => {
  it('originates nothing by default', () => {
    expect(parsedConfig(yaml(...GLOBAL)).originate).toEqual({ interfaces: [], static: [], kernelTables: [] });
    expect(parsedConfig(yaml(...GLOBAL, 'originate: {}')).originate).toEqual({ interfaces: [], static: [], kernelTables: [] });
  });

  it.each([
    ['originate: []', 'originate', 'expected a mapping of interfaces, static, kernel-tables, got a list'],
    ['originate: {interface: [node0]}', 'originate.interface', 'unknown key "interface" (did you mean "interfaces"?)'],
    ['originate: {kernel-table: [119]}', 'originate.kernel-table', 'unknown key "kernel-table" (did you mean "kernel-tables"?)'],
  ])('refuses %s', (written, path, message) => {
    expect(onlyError(yaml(...GLOBAL, written))).toEqual({ path, line: 3, message });
  });
});

describe('parseConfig: originate.interfaces', () => {
  const both = ['ipv4', 'ipv6'];
  const host = (name: string) => ({ name, mode: 'host', requireUp: true, families: both });

  it.each([
    ['[node0]', [host('node0')]],
    ['[{name: node0}]', [host('node0')]],
    ['[{name: node0, mode: host}, {name: eth0, mode: subnet}, lo]', [
      host('node0'),
      { name: 'eth0', mode: 'subnet', requireUp: true, families: both },
      host('lo'),
    ]],
    ['[{name: node0, require-up: false, families: [ipv6, ipv4]}]', [{ name: 'node0', mode: 'host', requireUp: false, families: both }]],
    ['[{name: node0, families: [ipv4]}]', [{ name: 'node0', mode: 'host', requireUp: true, families: ['ipv4'] }]],
    ['["eth*", "cali?", {name: "ens*", mode: subnet}]', [
      host('eth*'),
      host('cali?'),
      { name: 'ens*', mode: 'subnet', requireUp: true, families: both },
    ]],
    [`["${'x'.repeat(63)}*"]`, [host(`${'x'.repeat(63)}*`)]],
    ['[]', []],
  ])('reads %s', (written, expected) => {
    expect(originate(`  interfaces: ${written}`).interfaces).toEqual(expected);
  });

  const expected = 'expected an interface name such as eth0, or a pattern such as "eth*" or "cali?"';

  it.each([
    ['node0', 'originate.interfaces', 'expected a list of interfaces, each a name or {name: ..., mode: host|subnet, ...}, got "node0"'],
    ['[node0, node0]', 'originate.interfaces[1]', 'node0 is listed twice (first at line 4)'],
    ['[node0, {name: node0, mode: subnet}]', 'originate.interfaces[1].name', 'node0 is listed twice (first at line 4)'],
    ['["eth*", "eth*"]', 'originate.interfaces[1]', 'eth* is listed twice (first at line 4)'],
    ['["node 0"]', 'originate.interfaces[0]', `${expected}, got "node 0"`],
    ['["eth:*"]', 'originate.interfaces[0]', `${expected}, got "eth:*"`],
    ['[".."]', 'originate.interfaces[0]', `${expected}, got ".."`],
    ['[abcdefghijklmnop]', 'originate.interfaces[0]', '"abcdefghijklmnop" is 16 bytes long; an interface name has at most 15'],
    [`["${'x'.repeat(64)}*"]`, 'originate.interfaces[0]', 'the pattern is 65 bytes long; at most 64 are allowed'],
    ['[{name: node0, mode: prefix}]', 'originate.interfaces[0].mode', 'expected one of host, subnet, got "prefix"'],
    ['[{name: node0, require-up: no}]', 'originate.interfaces[0].require-up', 'expected true or false, got "no" (YAML 1.2 reads this as a string: write true or false)'],
    ['[{name: node0, families: []}]', 'originate.interfaces[0].families', 'expected at least one of ipv4, ipv6'],
    ['[{name: node0, families: [inet]}]', 'originate.interfaces[0].families[0]', 'expected one of ipv4, ipv6, got "inet"'],
    ['[{mode: host}]', 'originate.interfaces[0].name', `missing required key "name" (${expected.replace('expected ', '')})`],
    ['[{name: node0, scope: link}]', 'originate.interfaces[0].scope', 'unknown key "scope" (known keys: name, mode, require-up, families)'],
    ['[5]', 'originate.interfaces[0]', `${expected}, got 5`],
  ])('refuses %s', (written, path, message) => {
    expect(onlyError(originateText(`  interfaces: ${written}`))).toEqual({ path, line: 4, message });
  });

  it('names the line of each entry in the block form', () => {
    expect(onlyError(originateText('  interfaces:', '    - node0', '    - name: eth0', '      mode: all'))).toEqual({
      path: 'originate.interfaces[1].mode',
      line: 7,
      message: 'expected one of host, subnet, got "all"',
    });
  });
});

describe('parseConfig: originate.static', () => {
  it('fills in every default of a route', () => {
    expect(staticRoute('{prefix: 10.64.0.0/24, blackhole: true}')).toEqual({
      prefix: '10.64.0.0/24',
      family: 'ipv4',
      target: { kind: 'blackhole' },
      communities: [],
      largeCommunities: [],
      localPref: 100,
      med: null,
    } satisfies StaticRouteConfig);
  });

  it.each([
    ['{prefix: 10.65.0.0/24, via: 10.69.0.1}', { kind: 'via', address: '10.69.0.1' }],
    ['{prefix: "2001:db8:1::/48", via: "2001:DB8::1"}', { kind: 'via', address: '2001:db8::1' }],
    ['{prefix: "2001:db8:1::/48", via: fe80::1%eth0}', { kind: 'via', address: 'fe80::1%eth0' }],
    ['{prefix: 10.64.0.0/24, unreachable: true}', { kind: 'unreachable' }],
    ['{prefix: 10.64.0.0/24, device: eth0}', { kind: 'device', device: 'eth0' }],
    ['{prefix: 10.64.0.0/24, blackhole: false, unreachable: true}', { kind: 'unreachable' }],
    ['{prefix: 10.64.0.0/24, via: 10.69.0.1, blackhole: false, unreachable: false}', { kind: 'via', address: '10.69.0.1' }],
  ])('reads the target of %s', (written, target) => {
    expect(staticRoute(written).target).toEqual(target);
  });

  it('reads the attributes of a route', () => {
    expect(
      staticRoute(
        '{prefix: "2001:DB8:1::/48", unreachable: true, communities: ["65000:7", NO_EXPORT], large-communities: ["64600:1:2"], local-pref: 200, med: 0}',
      ),
    ).toEqual({
      prefix: '2001:db8:1::/48',
      family: 'ipv6',
      target: { kind: 'unreachable' },
      communities: [65000 * 65536 + 7, 0xffffff01],
      largeCommunities: [[64600, 1, 2]],
      localPref: 200,
      med: 0,
    });
  });

  it.each([
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.64.0.7/32', '10.64.0.7/32'],
    ['"::/0"', '::/0'],
    ['"2001:0db8:0000::/32"', '2001:db8::/32'],
    ['"2001:db8::1/128"', '2001:db8::1/128'],
  ])('normalizes the prefix %s', (written, prefix) => {
    expect(staticRoute(`{prefix: ${written}, blackhole: true}`).prefix).toBe(prefix);
  });

  it.each([
    ['{prefix: 10.64.0.1/24, blackhole: true}', 'prefix', '10.64.0.1/24 has host bits set; did you mean 10.64.0.0/24?'],
    ['{prefix: 10.64.0.0/0, blackhole: true}', 'prefix', '10.64.0.0/0 has host bits set; did you mean 0.0.0.0/0?'],
    ['{prefix: "2001:db8:1::1/48", blackhole: true}', 'prefix', '2001:db8:1::1/48 has host bits set; did you mean 2001:db8:1::/48?'],
    ['{prefix: 10.64.0.0/33, blackhole: true}', 'prefix', '10.64.0.0/33: the length of an IPv4 prefix is 0..32'],
    ['{prefix: "2001:db8::/129", blackhole: true}', 'prefix', '2001:db8::/129: the length of an IPv6 prefix is 0..128'],
    ['{prefix: 10.64.0.0/024, blackhole: true}', 'prefix', '10.64.0.0/024: the length of an IPv4 prefix is 0..32'],
    ['{prefix: 10.64.0.0/, blackhole: true}', 'prefix', '10.64.0.0/: the length of an IPv4 prefix is 0..32'],
    ['{prefix: 10.64.0.0, blackhole: true}', 'prefix', 'expected a prefix such as 10.0.0.0/24 or 2001:db8::/48, got "10.64.0.0" (a prefix needs a length: 10.64.0.0/32 for one address)'],
    ['{prefix: 10.64.0/24, blackhole: true}', 'prefix', 'expected a prefix such as 10.0.0.0/24 or 2001:db8::/48, got "10.64.0/24"'],
    ['{prefix: fe80::%eth0/64, blackhole: true}', 'prefix', 'fe80::%eth0/64: a prefix has no %zone'],
    ['{prefix: 24, blackhole: true}', 'prefix', 'expected a prefix such as 10.0.0.0/24 or 2001:db8::/48, got 24'],
    ['{blackhole: true}', 'prefix', 'missing required key "prefix" (a prefix such as 10.0.0.0/24 or 2001:db8::/48)'],
    ['{prefix: 10.64.0.0/24}', '', 'a static route has exactly one of via, blackhole, unreachable, device'],
    ['{prefix: 10.64.0.0/24, blackhole: false}', '', 'a static route has exactly one of via, blackhole, unreachable, device (false chooses nothing)'],
    ['{prefix: 10.64.0.0/24, blackhole: true, unreachable: true}', 'unreachable', 'blackhole and unreachable cannot both be given: a static route has exactly one of via, blackhole, unreachable, device'],
    ['{prefix: 10.64.0.0/24, via: 10.69.0.1, device: eth0}', 'device', 'via and device cannot both be given: a static route has exactly one of via, blackhole, unreachable, device'],
    ['{prefix: 10.64.0.0/24, via: "2001:db8::1"}', 'via', '2001:db8::1 is IPv6 but 10.64.0.0/24 is IPv4; a next hop is of the family of its prefix'],
    ['{prefix: "2001:db8::/32", via: 10.69.0.1}', 'via', '10.69.0.1 is IPv4 but 2001:db8::/32 is IPv6; a next hop is of the family of its prefix'],
    ['{prefix: 10.64.0.0/24, via: 10.69.0.0/24}', 'via', 'expected an IPv4 or IPv6 address, got "10.69.0.0/24"'],
    ['{prefix: "2001:db8::/32", via: fe80::1}', 'via', 'fe80::1 is link-local and needs an interface: write it as fe80::1%eth0'],
    ['{prefix: 10.64.0.0/24, blackhole: yes}', 'blackhole', 'expected true or false, got "yes" (YAML 1.2 reads this as a string: write true or false)'],
    ['{prefix: 10.64.0.0/24, device: "eth/0"}', 'device', 'expected an interface name such as eth0, got "eth/0"'],
    ['{prefix: 10.64.0.0/24, blackhole: true, communities: ["65000:70000"]}', 'communities[0]', '65000:70000: each half of a community is 0..65535'],
    ['{prefix: 10.64.0.0/24, blackhole: true, large-communities: ["1:2"]}', 'large-communities[0]', 'expected a large community such as 64600:1:2, got "1:2"'],
    ['{prefix: 10.64.0.0/24, blackhole: true, local-pref: -1}', 'local-pref', 'expected an integer 0..4294967295, got -1'],
    ['{prefix: 10.64.0.0/24, blackhole: true, med: 4294967296}', 'med', 'expected an integer 0..4294967295, got 4294967296'],
    ['{prefix: 10.64.0.0/24, gateway: 10.69.0.1}', 'gateway', 'unknown key "gateway" (did you mean "via"?)'],
    ['{prefix: 10.64.0.0/24, blackhole: true, weight: 1}', 'weight', 'unknown key "weight" (known keys: prefix, via, blackhole, unreachable, device, communities, large-communities, local-pref, med)'],
    ['10.64.0.0/24', '', 'expected a mapping of prefix, via, blackhole, unreachable, device, communities, large-communities, local-pref, med, got "10.64.0.0/24"'],
  ])('refuses %s on its line', (written, key, message) => {
    const errors = configErrors(originateText(`  static: [${written}]`));
    const path = key === '' ? 'originate.static[0]' : `originate.static[0].${key}`;
    expect(errors[0]).toEqual({ path, line: 4, message });
    // A missing target is not reported again when the only target given is invalid.
    expect(errors).toHaveLength(1);
  });

  it('accepts communities as an empty list', () => {
    expect(staticRoute('{prefix: 10.64.0.0/24, blackhole: true, communities: []}').communities).toEqual([]);
  });

  it('refuses the same prefix twice, however it is written, naming the first', () => {
    const text = originateText(
      '  static:',
      '    - {prefix: "2001:db8::/32", blackhole: true}',
      '    - {prefix: 10.64.0.0/24, blackhole: true}',
      '    - prefix: "2001:DB8:0::/32"',
      '      via: "2001:db8::1"',
    );
    expect(onlyError(text)).toEqual({
      path: 'originate.static[2].prefix',
      line: 7,
      message: '2001:db8::/32 is already the prefix of originate.static[0] (line 5)',
    });
  });

  it('allows the same network with other lengths', () => {
    expect(originate('  static: [{prefix: 10.64.0.0/24, blackhole: true}, {prefix: 10.64.0.0/25, unreachable: true}]').static).toHaveLength(2);
  });

  it('refuses static that is not a list', () => {
    expect(onlyError(originateText('  static: {prefix: 10.64.0.0/24}'))).toEqual({
      path: 'originate.static',
      line: 4,
      message: 'expected a list of static routes, each {prefix: ..., via: ...}, got a mapping',
    });
  });
});

describe('parseConfig: originate.kernel-tables', () => {
  const table = (id: number | string, extra: object = {}) => ({
    table: id,
    families: ['ipv4', 'ipv6'],
    ignoreProtocols: ['kernel'],
    scanTime: 60,
    ...extra,
  });

  it.each([
    ['[119]', [table(119)]],
    ['[{table: 119}]', [table(119)]],
    ['[{table: 119, families: [ipv6]}, {table: pods, families: [ipv6, ipv4]}]', [
      table(119, { families: ['ipv6'] }),
      table('pods'),
    ]],
    ['[1, 4294967295, default]', [table(1), table(4294967295), table(253)]],
    ['[{table: 119, ignore-protocols: []}]', [table(119, { ignoreProtocols: [] })]],
    ['[{table: 119, ignore-protocols: [kernel, 186, bird, 0]}]', [table(119, { ignoreProtocols: ['kernel', 186, 'bird', 0] })]],
    ['[{table: 119, scan-time: 0}]', [table(119, { scanTime: 0 })]],
    ['[{table: 119, scan-time: 86400}]', [table(119, { scanTime: 86400 })]],
    ['[]', []],
  ])('reads %s', (written, expected) => {
    expect(originate(`  kernel-tables: ${written}`).kernelTables).toEqual(expected);
  });

  it('may read the main table when necod writes elsewhere', () => {
    const config = parsedConfig(yaml(...GLOBAL, 'originate: {kernel-tables: [main]}', 'kernel: {table: 100}'));
    expect(config.originate.kernelTables).toEqual([table(254)]);
  });

  const localMessage =
    "255 (local) holds the kernel's local and broadcast routes; advertising it would announce every address of this machine";
  const mainMessage =
    'necod writes the routes it learns into table 254 (main) (kernel.table), so it cannot announce that table as its own';

  it.each([
    ['[255]', 'originate.kernel-tables[0]', localMessage],
    ['[local]', 'originate.kernel-tables[0]', localMessage],
    ['[{table: local}]', 'originate.kernel-tables[0].table', localMessage],
    ['[254]', 'originate.kernel-tables[0]', mainMessage],
    ['[main]', 'originate.kernel-tables[0]', mainMessage],
    ['[{table: 254, families: [ipv4]}]', 'originate.kernel-tables[0].table', mainMessage],
    ['[0]', 'originate.kernel-tables[0]', 'table 0 (unspec) is no table; it means "all tables" to the kernel'],
    ['[unspec]', 'originate.kernel-tables[0]', 'table 0 (unspec) is no table; it means "all tables" to the kernel'],
    ['[4294967296]', 'originate.kernel-tables[0]', 'expected a table number 1..4294967295 or a name from /etc/iproute2/rt_tables such as main, got 4294967296'],
    ['[-1]', 'originate.kernel-tables[0]', 'expected a table number 1..4294967295 or a name from /etc/iproute2/rt_tables such as main, got -1'],
    ['["119"]', 'originate.kernel-tables[0]', 'expected a table number 1..4294967295 or a name from /etc/iproute2/rt_tables such as main, got "119" (a string: remove the quotes)'],
    ['["my table"]', 'originate.kernel-tables[0]', 'expected a table number 1..4294967295 or a name from /etc/iproute2/rt_tables such as main, got "my table"'],
    ['[119, 119]', 'originate.kernel-tables[1]', 'table 119 is listed twice (first at line 4)'],
    ['[default, 253]', 'originate.kernel-tables[1]', 'table 253 (default) is listed twice (first at line 4)'],
    ['[{table: 119, families: []}]', 'originate.kernel-tables[0].families', 'expected at least one of ipv4, ipv6'],
    ['[{table: 119, families: [ipv4, ipv4]}]', 'originate.kernel-tables[0].families[1]', 'ipv4 is listed twice'],
    ['[{families: [ipv4]}]', 'originate.kernel-tables[0].table', 'missing required key "table" (a table number 1..4294967295 or a name from /etc/iproute2/rt_tables such as main)'],
    ['[{table: 119, scan: 1}]', 'originate.kernel-tables[0].scan', 'unknown key "scan" (did you mean "scan-time"?)'],
    ['[{table: 119, learn: true}]', 'originate.kernel-tables[0].learn', 'unknown key "learn" (known keys: table, families, ignore-protocols, scan-time)'],
    ['[{table: 119, scan-time: -1}]', 'originate.kernel-tables[0].scan-time', 'expected an integer 0..86400, got -1'],
    ['[{table: 119, scan-time: 86401}]', 'originate.kernel-tables[0].scan-time', 'expected an integer 0..86400, got 86401'],
    ['[{table: 119, ignore-protocols: kernel}]', 'originate.kernel-tables[0].ignore-protocols', 'expected a list of protocols such as kernel or 186, got "kernel"'],
    ['[{table: 119, ignore-protocols: [256]}]', 'originate.kernel-tables[0].ignore-protocols[0]', 'expected a protocol number 0..255 or a name from /etc/iproute2/rt_protos such as kernel, got 256'],
    ['[{table: 119, ignore-protocols: ["2"]}]', 'originate.kernel-tables[0].ignore-protocols[0]', 'expected a protocol number 0..255 or a name from /etc/iproute2/rt_protos such as kernel, got "2" (a string: remove the quotes)'],
    ['[{table: 119, ignore-protocols: [Kernel]}]', 'originate.kernel-tables[0].ignore-protocols[0]', 'expected a protocol number 0..255 or a name from /etc/iproute2/rt_protos such as kernel, got "Kernel"'],
    ['[{table: 119, ignore-protocols: [kernel, kernel]}]', 'originate.kernel-tables[0].ignore-protocols[1]', 'kernel is listed twice (first at line 4)'],
    ['119', 'originate.kernel-tables', 'expected a list of kernel tables, each a table or {table: ..., families: [...]}, got 119'],
  ])('refuses %s', (written, path, message) => {
    expect(onlyError(originateText(`  kernel-tables: ${written}`))).toEqual({ path, line: 4, message });
  });

  it('does not compare with an invalid kernel.table', () => {
    const text = yaml(...GLOBAL, 'originate: {kernel-tables: [254]}', 'kernel: {table: 255}');
    expect(configErrors(text).map((error) => error.path)).toEqual(['kernel.table']);
  });
});

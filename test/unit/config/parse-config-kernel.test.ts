import { describe, expect, it } from 'vitest';
import { configErrors, GLOBAL, KERNEL_DEFAULTS, onlyError, parsedConfig, yaml } from './config-text.js';

/** Lines 1-2 global, 3 `kernel:`, 4 `  KEY: VALUE`. */
function kernelText(key: string, value: string): string {
  return yaml(...GLOBAL, 'kernel:', `  ${key}: ${value}`);
}

describe('parseConfig: kernel', () => {
  it('fills in every default, with or without the block', () => {
    expect(parsedConfig(yaml(...GLOBAL)).kernel).toEqual(KERNEL_DEFAULTS);
    expect(parsedConfig(yaml(...GLOBAL, 'kernel: {}')).kernel).toEqual(KERNEL_DEFAULTS);
  });

  it('takes ecmp-max from decision.max-paths unless it is set', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'decision: {max-paths: 2}')).kernel.ecmpMax).toBe(2);
    expect(parsedConfig(yaml(...GLOBAL, 'decision: {max-paths: 2}', 'kernel: {ecmp-max: 16}')).kernel.ecmpMax).toBe(16);
  });

  it('reports an invalid max-paths once, not again for ecmp-max', () => {
    expect(configErrors(yaml(...GLOBAL, 'decision: {max-paths: 0}'))).toEqual([
      { path: 'decision.max-paths', line: 3, message: 'expected an integer 1..64, got 0' },
    ]);
  });

  it('reads the block of the schema', () => {
    const text = yaml(
      ...GLOBAL,
      'kernel:',
      '  table: 254',
      '  metric: 32',
      '  protocol: necod',
      '  nexthop-groups: auto',
      '  ecmp-max: 8',
      '  keep-on-stop: false',
      '  coalesce-ms: 5',
      '  export: true',
    );
    expect(parsedConfig(text).kernel).toEqual(KERNEL_DEFAULTS);
  });

  it.each([
    ['table', '100', { table: 100 }],
    ['table', '1', { table: 1 }],
    ['table', '4294967295', { table: 4294967295 }],
    ['table', 'main', { table: 254 }],
    ['table', 'default', { table: 253 }],
    ['table', 'bgp_routes', { table: 'bgp_routes' }],
    ['metric', '0', { metric: 0 }],
    ['metric', '4294967295', { metric: 4294967295 }],
    ['protocol', '186', { protocol: 186 }],
    ['protocol', '5', { protocol: 5 }],
    ['protocol', '255', { protocol: 255 }],
    ['protocol', 'bird', { protocol: 'bird' }],
    ['protocol', 'necod-2_x', { protocol: 'necod-2_x' }],
    ['nexthop-groups', 'on', { nexthopGroups: 'on' }],
    ['nexthop-groups', 'off', { nexthopGroups: 'off' }],
    ['nexthop-groups', 'auto', { nexthopGroups: 'auto' }],
    ['ecmp-max', '1', { ecmpMax: 1 }],
    ['ecmp-max', '256', { ecmpMax: 256 }],
    ['keep-on-stop', 'true', { keepOnStop: true }],
    ['coalesce-ms', '0', { coalesceMs: 0 }],
    ['coalesce-ms', '1000', { coalesceMs: 1000 }],
    ['writers', '1', { writers: 1 }],
    ['writers', '4', { writers: 4 }],
    ['writer', 'netlink', { writer: 'netlink' }],
    ['writer', 'ip', { writer: 'ip' }],
    ['writer', 'auto', { writer: 'auto' }],
    ['export', 'false', { export: false }],
  ])('accepts %s: %s', (key, value, expected) => {
    expect(parsedConfig(kernelText(key, value)).kernel).toEqual({ ...KERNEL_DEFAULTS, ...expected });
  });

  const tableExpected = 'a table number 1..4294967295 or a name from /etc/iproute2/rt_tables such as main';
  const protocolExpected = 'a protocol number 1..255 or a name from /etc/iproute2/rt_protos such as necod';
  const reserved = (id: string, what: string) =>
    `${id} tags ${what}; necod removes every route with its protocol, so it needs one that nothing else uses`;

  it.each([
    ['table', '255', "255 (local) holds the kernel's local and broadcast routes; necod does not write there"],
    ['table', 'local', "255 (local) holds the kernel's local and broadcast routes; necod does not write there"],
    ['table', '0', 'table 0 (unspec) is no table; it means "all tables" to the kernel'],
    ['table', '4294967296', `expected ${tableExpected}, got 4294967296`],
    ['table', '1.5', `expected ${tableExpected}, got 1.5`],
    ['table', '"254"', `expected ${tableExpected}, got "254" (a string: remove the quotes)`],
    ['table', '9table', `expected ${tableExpected}, got "9table"`],
    ['table', 'true', `expected ${tableExpected}, got true`],
    ['metric', '-1', 'expected an integer 0..4294967295, got -1'],
    ['metric', '4294967296', 'expected an integer 0..4294967295, got 4294967296'],
    ['protocol', '0', `expected ${protocolExpected}, got 0`],
    ['protocol', '256', `expected ${protocolExpected}, got 256`],
    ['protocol', '1', reserved('1 (redirect)', 'routes from ICMP redirects')],
    ['protocol', '2', reserved('2 (kernel)', 'routes the kernel adds itself')],
    ['protocol', '3', reserved('3 (boot)', 'routes added by "ip route add"')],
    ['protocol', '4', reserved('4 (static)', 'routes an administrator adds')],
    ['protocol', 'boot', reserved('3 (boot)', 'routes added by "ip route add"')],
    ['protocol', 'kernel', reserved('2 (kernel)', 'routes the kernel adds itself')],
    ['protocol', 'static', reserved('4 (static)', 'routes an administrator adds')],
    ['protocol', 'Necod', `expected ${protocolExpected}, got "Necod"`],
    ['protocol', '"12"', `expected ${protocolExpected}, got "12" (a string: remove the quotes)`],
    ['protocol', 'ne.cod', `expected ${protocolExpected}, got "ne.cod"`],
    ['nexthop-groups', 'true', 'expected one of auto, on, off, got true'],
    ['nexthop-groups', 'yes', 'expected one of auto, on, off, got "yes"'],
    ['ecmp-max', '0', 'expected an integer 1..256, got 0'],
    ['ecmp-max', '257', 'expected an integer 1..256, got 257'],
    ['keep-on-stop', 'on', 'expected true or false, got "on" (YAML 1.2 reads this as a string: write true or false)'],
    ['coalesce-ms', '-1', 'expected an integer 0..1000, got -1'],
    ['writers', '0', 'expected an integer 1..16, got 0'],
    ['writer', 'rtnetlink', 'expected one of auto, netlink, ip, got "rtnetlink"'],
    ['coalesce-ms', '1001', 'expected an integer 0..1000, got 1001'],
    ['export', 'none', 'expected true or false, got "none"'],
    ['persist', 'true', 'unknown key "persist" (known keys: table, metric, protocol, nexthop-groups, ecmp-max, keep-on-stop, coalesce-ms, writers, writer, export)'],
    ['merge-paths', '8', 'unknown key "merge-paths" (did you mean "ecmp-max"?)'],
    ['kernel-table', '119', 'unknown key "kernel-table" (did you mean "table"?)'],
  ])('refuses %s: %s on its line', (key, value, message) => {
    expect(onlyError(kernelText(key, value))).toEqual({ path: `kernel.${key}`, line: 4, message });
  });

  it.each([
    ['table', ''],
    ['metric', ''],
    ['protocol', ''],
    ['nexthop-groups', ''],
    ['ecmp-max', ''],
    ['keep-on-stop', ''],
    ['coalesce-ms', ''],
    ['writer', ''],
    ['export', ''],
  ])('refuses %s without a value', (key, value) => {
    expect(onlyError(kernelText(key, value))).toMatchObject({ path: `kernel.${key}`, line: 4, message: expect.stringMatching(/got nothing$/) });
  });

  it('refuses a kernel block that is not a mapping', () => {
    expect(onlyError(yaml(...GLOBAL, 'kernel: main'))).toEqual({
      path: 'kernel',
      line: 3,
      message: 'expected a mapping of table, metric, protocol, nexthop-groups, ecmp-max, keep-on-stop, coalesce-ms, writers, writer, export, got "main"',
    });
  });
});

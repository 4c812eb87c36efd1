import { describe, expect, it } from 'vitest';
import { interfaceRoutes, isInterfaceUp, mergeInterfaceRoutes, ruleFor, toRule } from '../../../src/origin/interface-routes.js';
import { parseAddrShow, type IpInterface } from '../../../src/host/ip-records.js';
import { sampleJson } from './samples.js';

const interfaces = parseAddrShow(sampleJson('addr-show.json'));
function iface(name: string): IpInterface {
  const found = interfaces.find((i) => i.name === name);
  if (!found) throw new Error(`no ${name} in the sample`);
  return found;
}
const prefixes = (i: IpInterface, spec: Parameters<typeof toRule>[0]): string[] => interfaceRoutes(i, toRule(spec)).map((r) => r.prefix);

describe('interface routes', () => {
  it('host mode: every global address as a host route, never link-local', () => {
    expect(prefixes(iface('node0'), { name: 'node0' })).toEqual([
      '10.0.0.5/32',
      '192.168.50.10/32',
      '10.9.0.1/32',
      '192.168.50.11/32',
      '2001:db8:1::5/128',
      '2001:db8::5/128',
    ]);
    expect(interfaceRoutes(iface('node0'), toRule({ name: 'node0' }))[0]).toEqual({
      prefix: '10.0.0.5/32',
      kind: 'unicast',
      nextHop: null,
      device: 'node0',
    });
  });

  it('subnet mode: connected prefixes, the peer prefix for a peer address, no duplicates', () => {
    expect(prefixes(iface('node0'), { name: 'node0', mode: 'subnet' })).toEqual([
      '10.0.0.5/32',
      '192.168.50.0/24',
      '10.9.0.2/32',
      '2001:db8:1::5/128',
      '2001:db8::/64',
    ]);
  });

  it('families', () => {
    expect(prefixes(iface('node0'), { name: 'node0', families: ['ipv6'] })).toEqual(['2001:db8:1::5/128', '2001:db8::5/128']);
  });

  it('loopback (host scope) and tentative addresses are not advertised', () => {
    expect(prefixes(iface('lo'), { name: 'lo' })).toEqual([]);
    expect(prefixes(iface('veth8'), { name: 'veth8' })).toEqual([]);
  });

  it('a down interface is withdrawn unless configured otherwise', () => {
    expect(isInterfaceUp(iface('eth1'))).toBe(false);
    expect(isInterfaceUp(iface('node0'))).toBe(true);
    expect(prefixes(iface('eth1'), { name: 'eth1' })).toEqual([]);
    expect(prefixes(iface('eth1'), { name: 'eth1', requireUp: false })).toEqual(['10.70.0.1/32']);
  });

  it('up means admin up and operationally UP or UNKNOWN', () => {
    const base = iface('node0');
    expect(isInterfaceUp({ ...base, operState: 'UP' })).toBe(true);
    expect(isInterfaceUp({ ...base, operState: 'LOWERLAYERDOWN' })).toBe(false);
    expect(isInterfaceUp({ ...base, flags: ['BROADCAST', 'MULTICAST'] })).toBe(false);
  });

  it('patterns, first rule wins', () => {
    const rules = [toRule({ name: 'eth1', mode: 'subnet' }), toRule({ name: 'eth*' }), toRule({ name: 'veth?' })];
    expect(ruleFor(rules, 'eth1')?.mode).toBe('subnet');
    expect(ruleFor(rules, 'eth1p')?.mode).toBe('host');
    expect(ruleFor(rules, 'veth8')).toBe(rules[2]);
    expect(ruleFor(rules, 'veth8p')).toBeNull();
    expect(ruleFor(rules, 'node0')).toBeNull();
    expect(ruleFor([toRule({ name: 'a.b' })], 'axb')).toBeNull();
  });

  it('refuses names no interface can have', () => {
    for (const name of ['', 'a b', 'eth0:1', 'a/b', 'sixteen-chars-xx']) expect(() => toRule({ name }), name).toThrow(/not a valid interface name/);
    expect(toRule({ name: 'cali*' }).match('cali0123456789abcdef')).toBe(true);
  });

  it('a prefix two interfaces share goes to the lower index', () => {
    const r = (device: string) => ({ prefix: '10.1.0.0/24', kind: 'unicast' as const, nextHop: null, device });
    const merged = mergeInterfaceRoutes([
      { index: 9, routes: [r('b')] },
      { index: 3, routes: [r('a')] },
    ]);
    expect([...merged.values()]).toEqual([r('a')]);
  });
});

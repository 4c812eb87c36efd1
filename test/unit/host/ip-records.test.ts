import { describe, expect, it } from 'vitest';
import { IpJsonError, parseAddrShow, parseRouteShow } from '../../../src/host/ip-records.js';
import { sampleJson } from '../origin/samples.js';

describe('parseAddrShow', () => {
  const interfaces = parseAddrShow(sampleJson('addr-show.json'));
  const byName = new Map(interfaces.map((i) => [i.name, i]));

  it('reads every interface with its state', () => {
    expect(interfaces.map((i) => i.name)).toEqual(['lo', 'node0', 'eth1p', 'eth1', 'veth8p', 'veth8']);
    const node0 = byName.get('node0');
    expect(node0?.flags).toContain('UP');
    expect(node0?.operState).toBe('UNKNOWN');
    expect(byName.get('eth1')?.operState).toBe('DOWN');
    expect(byName.get('eth1p')?.addresses).toEqual([]);
  });

  it('reads addresses: peer, scope, DAD state', () => {
    const node0 = byName.get('node0');
    expect(node0?.addresses.find((a) => a.local === '10.0.0.5')).toEqual({
      family: 'ipv4',
      local: '10.0.0.5',
      peer: null,
      prefixLength: 32,
      scope: 'global',
      tentative: false,
      dadFailed: false,
    });
    expect(node0?.addresses.find((a) => a.local === '10.9.0.1')?.peer).toBe('10.9.0.2');
    const linkLocal = node0?.addresses.find((a) => a.local.startsWith('fe80:'));
    expect(linkLocal).toMatchObject({ family: 'ipv6', prefixLength: 64, scope: 'link' });
    expect(byName.get('veth8')?.addresses.find((a) => a.local === '2001:db8:8::1')?.tentative).toBe(true);
  });

  it('reads one device the same way', () => {
    const [node0] = parseAddrShow(sampleJson('addr-show-dev-node0.json'));
    expect(node0).toEqual(byName.get('node0'));
  });

  it('rejects shapes iproute2 does not print', () => {
    expect(() => parseAddrShow({})).toThrow(IpJsonError);
    expect(() => parseAddrShow([{ ifname: 'x' }])).toThrow(/ifindex/);
    expect(() => parseAddrShow([{ ifindex: 1, ifname: 'x', addr_info: [{ family: 'inet', prefixlen: 8 }] }])).toThrow(/local/);
    expect(() => parseAddrShow([{ ifindex: 1, ifname: 'x', flags: [1] }])).toThrow(/flags/);
  });

  it('skips families with nothing to advertise', () => {
    const [iface] = parseAddrShow([{ ifindex: 3, ifname: 'x', addr_info: [{ family: 'mpls' }] }]);
    expect(iface?.addresses).toEqual([]);
  });
});

describe('parseRouteShow', () => {
  it('reads IPv4 routes with numeric types and protocols', () => {
    const routes = parseRouteShow(sampleJson('route-show-119-v4.json'));
    expect(routes[0]).toEqual({ type: 1, dst: 'default', gateway: '10.70.0.2', device: 'eth1', protocol: 3, metric: 0, nexthops: [] });
    expect(routes.find((r) => r.dst === '10.244.2.0/24')).toMatchObject({ type: 6, gateway: null, device: null });
    expect(routes.find((r) => r.dst === '10.244.7.0/24')?.protocol).toBe(12);
    expect(routes.find((r) => r.dst === '10.244.6.0/24')?.nexthops).toEqual([
      { gateway: '10.70.0.2', device: 'eth1' },
      { gateway: '10.71.0.2', device: 'eth2' },
    ]);
    expect(routes.filter((r) => r.dst === '10.244.9.0/24').map((r) => r.metric)).toEqual([10, 20]);
    expect(routes.find((r) => r.dst === '10.244.10.0/24')).toMatchObject({ gateway: '10.70.0.2', device: 'eth1' });
  });

  it('reads IPv6 routes', () => {
    const routes = parseRouteShow(sampleJson('route-show-119-v6.json'));
    expect(routes.find((r) => r.dst === '2001:db8:246::/64')).toMatchObject({ type: 6, device: 'lo', metric: 1024 });
    expect(routes.find((r) => r.dst === '2001:db8:245::/64')?.gateway).toBe('fe80::1');
  });

  it('insists on numeric enums (-N)', () => {
    expect(() => parseRouteShow([{ type: 'blackhole', dst: '10.0.0.0/8' }])).toThrow(/-N/);
    expect(() => parseRouteShow([{ type: '1' }])).toThrow(/dst/);
    expect(() => parseRouteShow([{ dst: '10.0.0.0/8', nexthops: {} }])).toThrow(IpJsonError);
  });
});

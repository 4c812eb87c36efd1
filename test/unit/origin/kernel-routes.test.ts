import { describe, expect, it } from 'vitest';
import { kernelRoutes, originKind } from '../../../src/origin/kernel-routes.js';
import { parseRouteShow } from '../../../src/host/ip-records.js';
import { sampleJson } from './samples.js';

const v4 = parseRouteShow(sampleJson('route-show-119-v4.json'));
const v6 = parseRouteShow(sampleJson('route-show-119-v6.json'));
const none = { ignoreProtocols: new Set<number>() };

describe('kernel table routes', () => {
  it('IPv4: unicast, host, default, blackhole, unreachable; throw left out', () => {
    const routes = kernelRoutes(v4, 'ipv4', none);
    expect(routes.get('0.0.0.0/0')).toEqual({ prefix: '0.0.0.0/0', kind: 'unicast', nextHop: '10.70.0.2', device: 'eth1' });
    expect(routes.get('10.244.0.0/24')).toEqual({ prefix: '10.244.0.0/24', kind: 'unicast', nextHop: '10.71.0.2', device: 'eth2' });
    expect(routes.get('10.244.1.5/32')).toEqual({ prefix: '10.244.1.5/32', kind: 'unicast', nextHop: null, device: 'eth1' });
    expect(routes.get('10.244.2.0/24')).toEqual({ prefix: '10.244.2.0/24', kind: 'blackhole', nextHop: null, device: null });
    expect(routes.get('10.244.3.0/24')?.kind).toBe('unreachable');
    expect(routes.get('10.244.4.0/24')?.kind).toBe('unreachable');
    expect(routes.has('10.244.5.0/24')).toBe(false);
    expect(routes.get('10.244.6.0/24')).toMatchObject({ nextHop: '10.70.0.2', device: 'eth1' });
    expect(routes.get('10.244.10.0/24')).toMatchObject({ nextHop: '10.70.0.2', device: 'eth1' });
  });

  it('lowest metric wins', () => {
    expect(kernelRoutes(v4, 'ipv4', none).get('10.244.9.0/24')?.nextHop).toBe('10.70.0.2');
    expect(kernelRoutes(v6, 'ipv6', none).get('2001:db8:248::/64')?.device).toBe('eth1');
    expect(kernelRoutes([...v6].reverse(), 'ipv6', none).get('2001:db8:248::/64')?.device).toBe('eth1');
  });

  it('IPv6: blackhole and unreachable lose the "dev lo" the kernel gives them', () => {
    const routes = kernelRoutes(v6, 'ipv6', none);
    expect(routes.get('2001:db8:246::/64')).toEqual({ prefix: '2001:db8:246::/64', kind: 'blackhole', nextHop: null, device: null });
    expect(routes.get('2001:db8:247::/64')?.kind).toBe('unreachable');
    expect(routes.get('2001:db8:245::/64')).toMatchObject({ nextHop: 'fe80::1', device: 'eth1' });
    expect(routes.get('2001:db8:249::1/128')).toMatchObject({ nextHop: null, device: 'eth1' });
    expect(routes.get('2001:db8:24a::/64')).toMatchObject({ nextHop: '2001:db8:70::2', device: 'eth1' });
    expect(routes.size).toBe(7);
  });

  it('ignores routes of the given protocols', () => {
    const routes = kernelRoutes(v4, 'ipv4', { ignoreProtocols: new Set([12, 77]) });
    expect(routes.has('10.244.7.0/24')).toBe(false);
    expect(routes.has('10.244.8.0/24')).toBe(false);
    expect(routes.has('10.244.0.0/24')).toBe(true);
  });

  it('route types', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(originKind)).toEqual([
      'unicast',
      null,
      null,
      null,
      null,
      'blackhole',
      'unreachable',
      'unreachable',
      null,
      null,
    ]);
  });
});

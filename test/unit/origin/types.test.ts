import { describe, expect, it } from 'vitest';
import { diffRoutes, familyOfPrefix, type OriginRoute } from '../../../src/origin/types.js';

const r = (prefix: string, device: string | null = 'node0'): OriginRoute => ({ prefix, kind: 'unicast', nextHop: null, device });
const map = (...routes: OriginRoute[]) => new Map(routes.map((x) => [x.prefix, x]));

describe('diffRoutes', () => {
  it('null when nothing changed', () => {
    expect(diffRoutes(map(r('10.0.0.5/32')), map(r('10.0.0.5/32')))).toBeNull();
    expect(diffRoutes(map(), map())).toBeNull();
  });

  it('new and changed routes are added, gone prefixes removed', () => {
    const change = diffRoutes(map(r('10.0.0.5/32'), r('10.0.0.6/32'), r('10.0.0.7/32')), map(r('10.0.0.5/32'), r('10.0.0.6/32', 'eth1'), r('10.0.0.8/32')));
    expect(change).toEqual({ added: [r('10.0.0.6/32', 'eth1'), r('10.0.0.8/32')], removed: ['10.0.0.7/32'] });
  });

  it('families', () => {
    expect(familyOfPrefix('10.0.0.0/8')).toBe('ipv4');
    expect(familyOfPrefix('::/0')).toBe('ipv6');
  });
});

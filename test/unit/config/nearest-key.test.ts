import { describe, expect, it } from 'vitest';
import { editDistance, nearestKey } from '../../../src/config/nearest-key.js';
import { NEIGHBOR_KEYS } from '../../../src/config/parse-neighbor.js';
import { TOP_LEVEL_KEYS } from '../../../src/config/parse-config.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['asn', 'asn', 0],
    ['asn', 'ans', 1],
    ['adress', 'address', 1],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearestKey', () => {
  it.each([
    ['router_id', 'router-id'],
    ['Router-ID', 'router-id'],
    ['ans', 'asn'],
    ['local-as', 'asn'],
    ['lisetn', 'listen'],
    ['neighbours', 'neighbors'],
  ])('top level: %s → %s', (unknown, expected) => {
    expect(nearestKey(unknown, TOP_LEVEL_KEYS)).toBe(expected);
  });

  it.each([
    ['graceful-restart-timer', 'graceful-restart-time'],
    ['connect-retry', 'connect-retry-time'],
    ['delay-open', 'delay-open-time'],
    ['update-source', 'local-address'],
    ['ebgp-multihop', 'multihop'],
    ['maximum-prefix', 'max-prefixes'],
    ['disabled', 'shutdown'],
  ])('neighbor: %s → %s', (unknown, expected) => {
    expect(nearestKey(unknown, NEIGHBOR_KEYS)).toBe(expected);
  });

  it.each([
    ['rr-client', 'route-reflector-client'],
    ['import-filter', 'import'],
    ['export-policy', 'export'],
    ['next-hop-rewite', 'next-hop-rewrite'],
  ])('neighbor routing: %s → %s', (unknown, expected) => {
    expect(nearestKey(unknown, NEIGHBOR_KEYS)).toBe(expected);
  });

  it.each([
    ['rr-cluster-id', 'cluster-id'],
    ['policy', 'policies'],
    ['filter', 'policies'],
    ['originate-static', null],
  ])('top level: %s → %s', (unknown, expected) => {
    expect(nearestKey(unknown, TOP_LEVEL_KEYS)).toBe(expected);
  });

  it.each(['zebra', 'x', 'protocols'])('suggests nothing for %s', (unknown) => {
    expect(nearestKey(unknown, [...TOP_LEVEL_KEYS, ...NEIGHBOR_KEYS])).toBeNull();
  });

  it('only suggests a BIRD name when its necod key is allowed here', () => {
    expect(nearestKey('local-as', NEIGHBOR_KEYS)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { configErrors, GLOBAL, oneNeighbor, onlyError, parsedConfig, parsedNeighbor, yaml } from './config-text.js';

describe('parseConfig: bfd defaults', () => {
  it('defaults to 100 ms × 3', () => {
    expect(parsedConfig(yaml(...GLOBAL)).bfd).toEqual({ intervalMs: 100, minRxMs: 100, multiplier: 3, realtimePriority: 10 });
    expect(parsedConfig(yaml(...GLOBAL, 'bfd: {}')).bfd).toEqual({ intervalMs: 100, minRxMs: 100, multiplier: 3, realtimePriority: 10 });
  });

  it('takes the BFD process real-time priority, or false for none', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'bfd: {realtime-priority: 40}')).bfd.realtimePriority).toBe(40);
    expect(parsedConfig(yaml(...GLOBAL, 'bfd: {realtime-priority: false}')).bfd.realtimePriority).toBeNull();
  });

  it('takes interval, min-rx (following interval) and multiplier', () => {
    expect(parsedConfig(yaml(...GLOBAL, 'bfd: {interval: 20, multiplier: 5}')).bfd).toMatchObject({ intervalMs: 20, minRxMs: 20, multiplier: 5 });
    expect(parsedConfig(yaml(...GLOBAL, 'bfd: {interval: 20, min-rx: 2.5}')).bfd).toMatchObject({ intervalMs: 20, minRxMs: 2.5, multiplier: 3 });
  });

  it.each([
    ['bfd: {interval: 0.5}', 'bfd.interval', '0.5 ms is below 1 ms, the shortest BFD interval necod runs'],
    ['bfd: {min-rx: 0}', 'bfd.min-rx', '0 ms is below 1 ms, the shortest BFD interval necod runs'],
    ['bfd: {interval: "10"}', 'bfd.interval', 'expected a number of milliseconds 1..60000, got "10" (a string: remove the quotes)'],
    ['bfd: {interval: 1.0001}', 'bfd.interval', '1.0001 ms is finer than the microseconds BFD carries'],
    ['bfd: {multiplier: 0}', 'bfd.multiplier', 'expected an integer 1..255, got 0'],
    ['bfd: {realtime-priority: 0}', 'bfd.realtime-priority', 'expected an integer 1..99 (SCHED_FIFO priority) or false, got 0'],
    ['bfd: {realtime-priority: true}', 'bfd.realtime-priority', 'expected an integer 1..99 (SCHED_FIFO priority) or false, got true'],
  ])('rejects %s', (line, path, message) => {
    expect(onlyError(yaml(...GLOBAL, line))).toEqual({ path, line: 3, message });
  });

  it('names an unknown key', () => {
    expect(onlyError(yaml(...GLOBAL, 'bfd:', '  min-tx: 10'))).toMatchObject({ path: 'bfd.min-tx', line: 4 });
  });
});

describe('parseConfig: neighbor bfd', () => {
  it('is off unless asked for', () => {
    expect(parsedNeighbor(oneNeighbor()).bfd).toBeNull();
    expect(parsedNeighbor(oneNeighbor('    bfd: false')).bfd).toBeNull();
  });

  it('true takes the global defaults, single hop', () => {
    const text = oneNeighbor('    bfd: true').replace('asn: 64600\n', 'asn: 64600\nbfd: {interval: 20}\n');
    expect(parsedNeighbor(text).bfd).toEqual({ intervalMs: 20, minRxMs: 20, multiplier: 3, multihop: false, auth: null });
  });

  it('a mapping overrides them, with auth from a secret', () => {
    const bfd = parsedNeighbor(oneNeighbor('    bfd:', '      interval: 10', '      multiplier: 4', '      auth: {key-id: 3, secret: s3cret}')).bfd;
    expect(bfd).toEqual({ intervalMs: 10, minRxMs: 10, multiplier: 4, multihop: false, auth: { type: 'meticulous-keyed-sha1', keyId: 3, secret: 's3cret', keyFile: null } });
  });

  it('follows a multihop BGP session unless told', () => {
    expect(parsedNeighbor(oneNeighbor('    multihop: 3', '    bfd: true')).bfd?.multihop).toBe(true);
    expect(parsedNeighbor(oneNeighbor('    bfd: {multihop: true}')).bfd?.multihop).toBe(true);
  });

  it('refuses single-hop BFD to a neighbor the file shows is not connected', () => {
    expect(onlyError(oneNeighbor('    multihop: 3', '    bfd: {multihop: false}'))).toEqual({
      path: 'neighbors[0].bfd.multihop',
      line: 8,
      message: 'the BGP session is multihop, so single-hop BFD cannot reach the neighbor (RFC 5881 §5); set bfd.multihop: true',
    });
    expect(onlyError(oneNeighbor('    local-address: 10.70.0.5', '    next-hop-subnet-length: 24', '    bfd: {interval: 10}'))).toEqual({
      path: 'neighbors[0].bfd',
      line: 9,
      message:
        'single-hop BFD needs 10.69.0.1 on a connected subnet, but it is outside 10.70.0.5/24 (local-address and next-hop-subnet-length; RFC 5881 §5); set bfd.multihop: true for a multihop session',
    });
    expect(parsedNeighbor(oneNeighbor('    local-address: 10.69.0.5', '    next-hop-subnet-length: 24', '    bfd: {interval: 10}')).bfd?.multihop).toBe(false);
  });

  it.each([
    ['    bfd: yes', 'neighbors[0].bfd', 'expected true, false or a mapping of BFD settings, got "yes"'],
    ['    bfd: {interval: 0}', 'neighbors[0].bfd.interval', '0 ms is below 1 ms, the shortest BFD interval necod runs'],
    ['    bfd: {auth: {key-id: 1}}', 'neighbors[0].bfd.auth', 'auth needs a secret or a key-file'],
    ['    bfd: {auth: {key-id: 1, secret: a, key-file: /etc/k}}', 'neighbors[0].bfd.auth.key-file', 'give either secret or key-file, not both'],
    ['    bfd: {auth: {key-id: 1, secret: 12345}}', 'neighbors[0].bfd.auth.secret', 'expected a string of 1..20 bytes, got 12345'],
    ['    bfd: {auth: {key-id: 1, secret: "123456789012345678901"}}', 'neighbors[0].bfd.auth.secret', 'the secret is 21 bytes long; keyed SHA1 carries at most 20 (RFC 5880 §4.4)'],
    ['    bfd: {auth: {type: md5, key-id: 1, secret: a}}', 'neighbors[0].bfd.auth.type', 'expected one of keyed-sha1, meticulous-keyed-sha1, got "md5"'],
  ])('rejects %s', (line, path, message) => {
    expect(onlyError(oneNeighbor(line))).toEqual({ path, line: 7, message });
  });

  it('reports all of a neighbor bfd block’s errors', () => {
    expect(configErrors(oneNeighbor('    bfd: {interval: 0, multiplier: 300}')).map((e) => e.path)).toEqual(['neighbors[0].bfd.interval', 'neighbors[0].bfd.multiplier']);
  });
});

// The BFD coupling of RFC 5882 with the engine replaced by a recorder: which sessions are
// asked for, what a failure does to the BGP peer and the FIB (fast path or main thread), and
// that the peer's AdminDown is no failure.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { BfdSessionSpec, BfdStateEvent } from '../../../src/bfd/messages.js';
import { bfdSessionSpec, startBfd, type BfdEngineHandle, type BfdPeer, type FailoverFib } from '../../../src/routing/bfd-setup.js';
import { parsedConfig } from '../config/config-text.js';

const config = parsedConfig(
  [
    'router-id: 10.0.0.1',
    'asn: 64600',
    'bfd: {interval: 20}',
    'neighbors:',
    '  - {name: tor1, address: 10.1.0.1, remote-as: 64600, local-address: 10.1.0.5, bfd: true}',
    '  - {name: tor2, address: 10.2.0.1, remote-as: 64600, bfd: {interval: 10, auth: {key-id: 2, secret: k}}}',
    '  - {name: quiet, address: 10.3.0.1, remote-as: 64600}',
    '',
  ].join('\n'),
);

function harness(fib: FailoverFib | null) {
  const log: string[] = [];
  const added: BfdSessionSpec[] = [];
  const downActions = new Map<string, readonly string[] | null>();
  let emit: (e: BfdStateEvent) => void = () => undefined;
  const engine = (onState: (e: BfdStateEvent) => void): BfdEngineHandle => {
    emit = onState;
    return {
      add: (s) => added.push(s),
      change: () => undefined,
      remove: () => undefined,
      setDownAction: (id, lines) => downActions.set(id, lines),
      sessions: async () => [],
      stop: async () => undefined,
    };
  };
  const peer = (name: string): BfdPeer => ({
    bfdDown: () => log.push(`${name} bfdDown`),
    stop: async (how) => void log.push(`${name} stop ${JSON.stringify(how)}`),
    start: () => log.push(`${name} start`),
  });
  const peers = new Map(config.neighbors.map((n) => [n.name, peer(n.name)]));
  const side = startBfd({ neighbors: config.neighbors, peerOf: (n) => peers.get(n), fib, logger: pino({ level: 'silent' }), engine });
  const event = (id: string, from: BfdStateEvent['from'], to: BfdStateEvent['to'], extra: Partial<BfdStateEvent> = {}) =>
    emit({ type: 'state', id, from, to, diag: to === 'Down' ? 1 : 0, remoteDiag: 0, remoteAdminDown: false, downActionApplied: false, at: 0, ...extra });
  return { log, added, downActions, side, event };
}

describe('BFD coupling', () => {
  it('asks for one session per neighbor with bfd, with its intervals and key', () => {
    const h = harness(null);
    expect(h.added.map((s) => [s.id, s.local, s.config.desiredMinTxUs, s.auth?.keyId ?? null])).toEqual([
      ['10.1.0.1', '10.1.0.5', 20_000, null],
      ['10.2.0.1', '0.0.0.0', 10_000, 2],
    ]);
  });

  it('a failure takes the next hop out first, closes BGP and holds it until BFD is Up', () => {
    const fibLog: string[] = [];
    const h = harness({ nextHopDown: (via, opts) => fibLog.push(`${via} ${JSON.stringify(opts ?? {})}`) });
    h.event('10.1.0.1', 'Init', 'Up');
    expect(h.log).toEqual([]);
    h.event('10.1.0.1', 'Up', 'Down');
    expect(fibLog).toEqual(['10.1.0.1 {}']);
    expect(h.log).toEqual(['tor1 bfdDown', 'tor1 stop {"silent":true}']);
    expect(h.side?.stateOf(config.neighbors[0]!)).toBe('Down');
    h.event('10.1.0.1', 'Init', 'Up');
    expect(h.log.at(-1)).toBe('tor1 start');
  });

  it('the remote AdminDown is no failure (RFC 5882 §3.2)', () => {
    const fibLog: string[] = [];
    const h = harness({ nextHopDown: (via) => fibLog.push(via) });
    h.event('10.2.0.1', 'Up', 'Down', { diag: 3, remoteAdminDown: true });
    expect(h.log).toEqual([]);
    expect(fibLog).toEqual([]);
  });

  it('with a FIB failover plan, the worker holds the lines and the FIB hears they are applied', () => {
    const fibLog: string[] = [];
    let planListener: (via: string, lines: string[] | null) => void = () => undefined;
    const fib: FailoverFib = {
      nextHopDown: (via, opts) => fibLog.push(`${via} ${JSON.stringify(opts ?? {})}`),
      failoverPlan: (via) => [`nexthop replace id 7 group 2`, `# ${via}`],
      onFailoverPlan: (fn) => (planListener = fn),
    };
    const h = harness(fib);
    expect(h.downActions.get('10.1.0.1')).toEqual(['nexthop replace id 7 group 2', '# 10.1.0.1']);
    planListener('10.2.0.1', ['nexthop replace id 9 group 1']);
    expect(h.downActions.get('10.2.0.1')).toEqual(['nexthop replace id 9 group 1']);
    h.event('10.2.0.1', 'Up', 'Down', { downActionApplied: true });
    expect(fibLog).toEqual(['10.2.0.1 {"applied":true}']);
  });

  it('reads a key file without its trailing newline and names a bad one', () => {
    const n = { ...config.neighbors[1]!, bfd: { ...config.neighbors[1]!.bfd!, auth: { type: 'keyed-sha1' as const, keyId: 1, secret: null, keyFile: '/k' } } };
    expect(bfdSessionSpec(n, () => Buffer.from('abc\n'))?.auth).toEqual({ type: 4, keyId: 1, key: Buffer.from('abc') });
    expect(() => bfdSessionSpec(n, () => Buffer.from('\n'))).toThrow('neighbor tor2: BFD key-file /k holds 0 bytes; keyed SHA1 takes 1..20');
  });
});

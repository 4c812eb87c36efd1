// The BFD coupling of RFC 5882 with the engine replaced by a recorder: which sessions are
// asked for, what a failure does to the BGP peer and the FIB (fast path or main thread), and
// that the peer's AdminDown is no failure.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { BfdSessionSpec, BfdStateEvent, DownAction } from '../../../src/bfd/messages.js';
import { bfdSessionSpec, startBfd, type BfdEngineHandle, type BfdPeer, type FailoverFib } from '../../../src/routing/bfd-setup.js';
import { parsedConfig } from '../config/config-text.js';
import type { NeighborConfig } from '../../../src/config/types.js';

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
  const changed: BfdSessionSpec[] = [];
  const removed: string[] = [];
  const downActions = new Map<string, DownAction | null>();
  let emit: (e: BfdStateEvent) => void = () => undefined;
  const engine = (onState: (e: BfdStateEvent) => void): BfdEngineHandle => {
    emit = onState;
    return {
      add: (s) => added.push(s),
      change: (s) => changed.push(s),
      remove: (id) => removed.push(id),
      setDownAction: (id, action) => downActions.set(id, action),
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
  const set = neighborSet(config.neighbors.map((n) => ({ n, peer: peers.get(n.name)! })));
  const side = startBfd({ neighbors: set, fib, logger: pino({ level: 'silent' }), engine });
  const event = (id: string, from: BfdStateEvent['from'], to: BfdStateEvent['to'], extra: Partial<BfdStateEvent> = {}) =>
    emit({ type: 'state', id, from, to, diag: to === 'Down' ? 1 : 0, remoteDiag: 0, remoteAdminDown: false, downActionApplied: false, at: 0, ...extra });
  return { log, added, changed, removed, downActions, side, event, set, peer };
}

/** The part of the neighbor set BFD follows, driven by hand: what a reload does to it. */
function neighborSet(initial: Array<{ n: NeighborConfig; peer: BfdPeer }>) {
  const listeners: Array<(n: NeighborConfig, peer: BfdPeer) => void> = [];
  const removers: Array<(name: string) => void> = [];
  return {
    onNeighbor(fn: (n: NeighborConfig, peer: BfdPeer) => void) {
      listeners.push(fn);
      for (const { n, peer } of initial) fn(n, peer);
    },
    onRemoved(fn: (name: string) => void) {
      removers.push(fn);
    },
    set: (n: NeighborConfig, peer: BfdPeer) => listeners.forEach((l) => l(n, peer)),
    remove: (name: string) => removers.forEach((r) => r(name)),
  };
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
    expect(h.side.stateOf(config.neighbors[0]!)).toBe('Down');
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

  it('with a FIB failover plan, the BFD process holds the plan and the FIB hears it is applied', () => {
    const fibLog: string[] = [];
    let planListener: (via: string, plan: DownAction | null) => void = () => undefined;
    const tag = { protocol: 200, metric: 32, table: 254 };
    const plan = (id: number, member: number, note: string): DownAction => ({
      changes: [{ op: 'nexthop-replace', obj: { type: 'group', id, members: [member] } }],
      lines: [`nexthop replace id ${id} group ${member}`, note],
      tag,
    });
    const fib: FailoverFib = {
      nextHopDown: (via, opts) => fibLog.push(`${via} ${JSON.stringify(opts ?? {})}`),
      failoverPlan: (via) => plan(7, 2, `# ${via}`),
      onFailoverPlan: (fn) => (planListener = fn),
    };
    const h = harness(fib);
    expect(h.downActions.get('10.1.0.1')).toEqual(plan(7, 2, '# 10.1.0.1'));
    planListener('10.2.0.1', plan(9, 1, ''));
    expect(h.downActions.get('10.2.0.1')).toEqual(plan(9, 1, ''));
    h.event('10.2.0.1', 'Up', 'Down', { downActionApplied: true });
    expect(fibLog).toEqual(['10.2.0.1 {"applied":true}']);
  });

  it('reads a key file without its trailing newline and names a bad one', () => {
    const n = { ...config.neighbors[1]!, bfd: { ...config.neighbors[1]!.bfd!, auth: { type: 'keyed-sha1' as const, keyId: 1, secret: null, keyFile: '/k' } } };
    expect(bfdSessionSpec(n, () => Buffer.from('abc\n'))?.auth).toEqual({ type: 4, keyId: 1, key: Buffer.from('abc') });
    expect(() => bfdSessionSpec(n, () => Buffer.from('\n'))).toThrow('neighbor tor2: BFD key-file /k holds 0 bytes; keyed SHA1 takes 1..20');
  });

  it('follows reloads: a new neighbor gets BFD, new intervals are a change, a removed one is withdrawn', () => {
    const h = harness(null);
    expect(h.side.running).toBe(true);
    const quiet = config.neighbors[2]!;
    const withBfd: NeighborConfig = { ...quiet, bfd: { ...config.neighbors[0]!.bfd! } };
    const quietPeer = h.peer('quiet');
    h.set.set(withBfd, quietPeer);
    expect(h.added.map((s) => s.id)).toEqual(['10.1.0.1', '10.2.0.1', '10.3.0.1']);
    // Same session, faster timers: a poll sequence on the running session, not a new one.
    h.set.set({ ...withBfd, bfd: { ...withBfd.bfd!, intervalMs: 5 } }, quietPeer);
    expect(h.added).toHaveLength(3);
    expect(h.changed.map((s) => [s.id, s.config.desiredMinTxUs])).toEqual([['10.3.0.1', 5_000]]);
    h.event('10.3.0.1', 'Up', 'Down');
    expect(h.log).toEqual(['quiet bfdDown', 'quiet stop {"silent":true}']);
    h.set.remove('quiet');
    expect(h.removed).toEqual(['10.3.0.1']);
    expect(h.side.stateOf(withBfd)).toBeNull();
  });

  it('starts no worker while no neighbor has BFD, and one when a reload adds the first', () => {
    const plain = config.neighbors[2]!;
    let engines = 0;
    const set = neighborSet([{ n: plain, peer: { bfdDown: () => undefined, stop: async () => undefined, start: () => undefined } }]);
    const side = startBfd({
      neighbors: set,
      fib: null,
      logger: pino({ level: 'silent' }),
      engine: () => {
        engines++;
        return { add: () => undefined, change: () => undefined, remove: () => undefined, setDownAction: () => undefined, sessions: async () => [], stop: async () => undefined };
      },
    });
    expect(side.running).toBe(false);
    expect(engines).toBe(0);
    set.set({ ...plain, bfd: { ...config.neighbors[0]!.bfd! } }, { bfdDown: () => undefined, stop: async () => undefined, start: () => undefined });
    expect(side.running).toBe(true);
    expect(engines).toBe(1);
  });
});

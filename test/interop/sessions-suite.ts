// The sessions capability of necod against one real peer daemon (BIRD, FRR or GoBGP), shared by
// sessions-bird/frr/gobgp.test.ts. necod (AS 65000) and the peer (AS 65001) are joined by one veth
// pair (s-<link>) per link, so that traffic of one session can be blocked without touching others:
//
//   link  necod side             peer side              session
//   a     10.0.1.2, fd00:1::2    10.0.1.1, fd00:1::1    a, a6: necod connects, peer passive (IPv4, IPv6)
//   b     10.0.2.2               10.0.2.1               b: peer connects, necod passive
//   c     10.0.3.2               10.0.3.1               c: both connect (collision)
//   d     10.0.4.2               10.0.4.1               d: necod expects AS 65099 (wrong); peer connects
//   e     10.0.5.2               10.0.5.1               e: the peer expects AS 65098 for necod (wrong); peer connects
//   r     10.0.9.2               10.0.9.1, 10.0.9.3     raw: passive neighbor necod only; a raw TCP client
//
// Hold time 3 s everywhere. The last test stops necod with SIGTERM.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Lab,
  NecodPeer,
  cleanupStale,
  garbageHeader,
  rawBgpExchange,
  waitFor,
  waitForNoRoute,
  waitForNotEstablished,
  waitForRoute,
  waitForState,
  type BgpPeer,
  type LastError,
  type NeighborView,
  type PathView,
  type SpeakerSpec,
} from './harness/index.js';

const HOLD = 3;
const NECOD_AS = 65000;
const PEER_AS = 65001;

/** Addresses per link: `n` on necod's side, `p` on the peer's. */
const L = {
  a: { n: '10.0.1.2', p: '10.0.1.1', n6: 'fd00:1::2', p6: 'fd00:1::1' },
  b: { n: '10.0.2.2', p: '10.0.2.1' },
  c: { n: '10.0.3.2', p: '10.0.3.1' },
  d: { n: '10.0.4.2', p: '10.0.4.1' },
  e: { n: '10.0.5.2', p: '10.0.5.1' },
  r: { n: '10.0.9.2', p: '10.0.9.1', stranger: '10.0.9.3' },
} as const;

export type PeerFactory = (lab: Lab, ns: string, spec: SpeakerSpec) => BgpPeer;

export interface SessionsOptions {
  /** e.g. "BIRD 2" */
  title: string;
  makePeer: PeerFactory;
  /** How long the peer may take to come back after a hold timer expiry (GoBGP idles ~5 s). */
  recoverMs?: number;
  /**
   * How both sides come to connect at once on link c:
   * - `two-connections` (default): TCP segments with data are held back on link c until each side
   *   has connected to the other; then the peer's OPENs are let through to necod alone, so that
   *   necod holds two connections in OpenSent/OpenConfirm and must settle the collision by BGP
   *   Identifier; then everything flows;
   * - `peer-refuses-second`: for a peer that closes any connection it accepts while its own is
   *   past Active (GoBGP); necod's SYNs are held back until the peer's connection reached necod
   *   while necod's own attempt was still pending.
   */
  collision?: 'two-connections' | 'peer-refuses-second';
  /**
   * Peer-side checks of the OPEN error 2/2 (Bad Peer AS) for a peer whose lastError() cannot show
   * it; each resolves once the peer shows it. Default: the peer's lastError().
   */
  badPeerAsAtPeer?: { received(neighbor: string): Promise<void>; sent(neighbor: string): Promise<void> };
}

/** The TCP connections on port 179 in `ns` that are Established, as "local peer" address pairs. */
async function establishedTcp(lab: Lab, ns: string): Promise<{ local: string; peer: string }[]> {
  const { stdout } = await lab.exec(ns, ['ss', '-tnH', 'state', 'established', '( sport = :179 or dport = :179 )']);
  const out: { local: string; peer: string }[] = [];
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    // Recv-Q Send-Q Local:Port Peer:Port (the state column is left out with a state filter).
    out.push({ local: cols[2] ?? '', peer: cols[3] ?? '' });
  }
  return out;
}

/** "[::ffff:10.0.2.2]:179" → "10.0.2.2"; "[fd00:1::2]:179" → "fd00:1::2". */
function hostOf(endpoint: string): string {
  return endpoint.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(?=\d+\.)/, '');
}

function portOf(endpoint: string): number {
  return Number(/:(\d+)$/.exec(endpoint)?.[1] ?? -1);
}

/** Drops what `rules` match on input in `ns`, in an nftables table of its own; returns the undo. */
async function dropInput(lab: Lab, ns: string, table: string, rules: string[]): Promise<() => Promise<void>> {
  await lab.exec(ns, ['nft', '-f', '-'], {
    input: `table inet ${table} {
  chain input {
    type filter hook input priority -20; policy accept;
${rules.map((r) => `    ${r} drop`).join('\n')}
  }
}
`,
  });
  return async () => {
    await lab.exec(ns, ['nft', 'delete', 'table', 'inet', table], { allowFailure: true });
  };
}

/**
 * Holds back TCP/179 segments that carry data on `iface` (IPv4 length above 64: a bare SYN,
 * SYN-ACK or ACK with options is at most 60). Connections still open, but no OPEN gets through
 * until the undo; TCP then retransmits them.
 */
function holdBackBgpData(lab: Lab, ns: string, iface: string): Promise<() => Promise<void>> {
  return dropInput(lab, ns, 'necod_hold_data', [
    `iifname "${iface}" tcp dport 179 ip length > 64`,
    `iifname "${iface}" tcp sport 179 ip length > 64`,
  ]);
}

/** Holds back connections to port 179 of `ns` arriving on `iface` (their SYNs are dropped). */
function holdBackConnections(lab: Lab, ns: string, iface: string): Promise<() => Promise<void>> {
  return dropInput(lab, ns, 'necod_hold_syn', [`iifname "${iface}" tcp dport 179`]);
}

export function describeSessions(opts: SessionsOptions): void {
  const collision = opts.collision ?? 'two-connections';
  describe(`sessions: necod and ${opts.title}`, () => {
    let lab: Lab;
    let necod: NecodPeer;
    let peer: BgpPeer;
    let nsNecod: string;
    let nsPeer: string;
    /** Undo functions of the drops on link c, in necod's and the peer's namespace. */
    let holdC: { necod?: () => Promise<void>; peer?: () => Promise<void> } = {};

    const pathFrom = async (prefix: string, source: string): Promise<PathView | null> =>
      (await necod.route(prefix))?.paths.find((p) => p.source === source) ?? null;

    const waitForPath = (prefix: string, source: string, match: (p: PathView) => boolean = () => true): Promise<PathView> =>
      waitFor(
        async () => {
          const p = await pathFrom(prefix, source);
          return p !== null && match(p) ? p : null;
        },
        { timeoutMs: 15_000, what: `necod path for ${prefix} from ${source}` },
      );

    const waitForNoPath = (prefix: string, source: string): Promise<true> =>
      waitFor(async () => (await pathFrom(prefix, source)) === null, { timeoutMs: 15_000, what: `necod path for ${prefix} from ${source} gone` });

    const waitForLastError = (
      who: string,
      get: () => Promise<LastError | null>,
      want: { direction: LastError['direction']; code: number; subcode: number },
      timeoutMs = 15_000,
    ): Promise<LastError> =>
      waitFor(
        async () => {
          const e = await get();
          if (e !== null && e.direction === want.direction && e.code === want.code && e.subcode === want.subcode) return e;
          throw new Error(`last error is ${JSON.stringify(e)}`); // quoted in the timeout message
        },
        { timeoutMs, what: `${who}: last error ${want.direction} ${want.code}/${want.subcode}` },
      );

    const counters = async (name: string): Promise<NeighborView['counters']> => (await necod.neighbor(name)).counters;

    beforeAll(async () => {
      cleanupStale();
      lab = Lab.create();
      nsNecod = await lab.addNamespace('necod');
      nsPeer = await lab.addNamespace('peer');
      await lab.link({ ns: nsNecod, iface: 's-a', addrs: [`${L.a.n}/24`, `${L.a.n6}/64`] }, { ns: nsPeer, iface: 's-a', addrs: [`${L.a.p}/24`, `${L.a.p6}/64`] });
      for (const k of ['b', 'c', 'd', 'e'] as const) {
        await lab.link({ ns: nsNecod, iface: `s-${k}`, addrs: [`${L[k].n}/24`] }, { ns: nsPeer, iface: `s-${k}`, addrs: [`${L[k].p}/24`] });
      }
      await lab.link({ ns: nsNecod, iface: 's-r', addrs: [`${L.r.n}/24`] }, { ns: nsPeer, iface: 's-r', addrs: [`${L.r.p}/24`, `${L.r.stranger}/24`] });

      peer = opts.makePeer(lab, nsPeer, {
        asn: PEER_AS,
        routerId: '10.255.0.1',
        neighbors: [
          { address: L.a.n, localAddress: L.a.p, remoteAs: NECOD_AS, holdTime: HOLD, passive: true, bfd: false },
          { address: L.a.n6, localAddress: L.a.p6, remoteAs: NECOD_AS, holdTime: HOLD, passive: true, bfd: false },
          { address: L.b.n, localAddress: L.b.p, remoteAs: NECOD_AS, holdTime: HOLD, bfd: false },
          { address: L.c.n, localAddress: L.c.p, remoteAs: NECOD_AS, holdTime: HOLD, bfd: false },
          { address: L.d.n, localAddress: L.d.p, remoteAs: NECOD_AS, holdTime: HOLD, bfd: false },
          { address: L.e.n, localAddress: L.e.p, remoteAs: 65098, holdTime: HOLD, bfd: false },
        ],
      });
      necod = new NecodPeer(lab, nsNecod, {
        asn: NECOD_AS,
        routerId: '10.255.0.2',
        neighbors: [
          { name: 'a', address: L.a.p, localAddress: L.a.n, remoteAs: PEER_AS, holdTime: HOLD },
          { name: 'a6', address: L.a.p6, localAddress: L.a.n6, remoteAs: PEER_AS, holdTime: HOLD },
          { name: 'b', address: L.b.p, localAddress: L.b.n, remoteAs: PEER_AS, holdTime: HOLD, passive: true },
          { name: 'c', address: L.c.p, localAddress: L.c.n, remoteAs: PEER_AS, holdTime: HOLD },
          { name: 'd', address: L.d.p, localAddress: L.d.n, remoteAs: 65099, holdTime: HOLD, passive: true },
          { name: 'e', address: L.e.p, localAddress: L.e.n, remoteAs: PEER_AS, holdTime: HOLD, passive: true },
          { name: 'raw', address: L.r.p, localAddress: L.r.n, remoteAs: PEER_AS, holdTime: HOLD, passive: true },
        ],
      });
      // Link c: both sides connect at once (see SessionsOptions.collision).
      holdC =
        collision === 'two-connections'
          ? { peer: await holdBackBgpData(lab, nsPeer, 's-c'), necod: await holdBackBgpData(lab, nsNecod, 's-c') }
          : { peer: await holdBackConnections(lab, nsPeer, 's-c') };
      await peer.start();
      await necod.start();
    });

    afterEach((ctx) => {
      if (ctx.task.result?.state === 'fail') console.error(lab.logs(120));
    });

    afterAll(async () => {
      for (const release of [holdC.necod, holdC.peer]) await release?.().catch(() => undefined);
      await lab?.destroy();
    });

    it('reaches Established with necod active, passive, and both active (one TCP session survives the collision)', async () => {
      await Promise.all([
        ...['a', 'a6', 'b'].map((n) => waitForState(necod, n)),
        ...[L.a.n, L.a.n6, L.b.n].map((n) => waitForState(peer, n)),
      ]);
      // Who connected: necod to the peer's port 179 on link a, the peer to necod's on link b.
      const tcp = await establishedTcp(lab, nsNecod);
      const on = (list: { local: string; peer: string }[], peerAddress: string) => list.filter((t) => hostOf(t.peer) === peerAddress);
      expect(on(tcp, L.a.p).map((t) => portOf(t.peer))).toEqual([179]);
      expect(on(tcp, L.a.p6).map((t) => portOf(t.peer))).toEqual([179]);
      expect(on(tcp, L.b.p).map((t) => portOf(t.local))).toEqual([179]);

      const collisionLog = (): Record<string, unknown>[] =>
        necod.logEntries().filter((l) => l.neighbor === 'c' && typeof l.msg === 'string' && l.msg.startsWith('connection collision'));
      try {
        if (collision === 'two-connections') {
          // Link c: both sides have connected (one connection each way) while the OPENs are held back.
          await waitFor(
            async () => {
              const c = on(await establishedTcp(lab, nsNecod), L.c.p);
              return c.some((t) => portOf(t.peer) === 179) && c.some((t) => portOf(t.local) === 179);
            },
            { timeoutMs: 15_000, what: 'a TCP connection each way on link c' },
          );
          // The peer's OPENs reach necod on both connections; nothing of necod's reaches the peer
          // yet, so no KEEPALIVE can come back: necod decides by BGP Identifier alone.
          await holdC.necod?.();
          await waitFor(() => collisionLog().length > 0, { timeoutMs: 15_000, what: 'necod to settle the collision on link c' });
        } else {
          // The peer's connection reached necod while necod's own attempt was still pending.
          await waitFor(
            () => necod.logEntries().some((l) => l.neighbor === 'c' && typeof l.msg === 'string' && l.msg.startsWith('second connection from the neighbor')),
            { timeoutMs: 15_000, what: "the peer's connection on link c while necod's own is pending" },
          );
        }
      } finally {
        for (const release of [holdC.necod, holdC.peer]) await release?.();
      }
      await Promise.all([waitForState(necod, 'c'), waitForState(peer, L.c.n)]);
      // Exactly one connection is left, the same one on both sides.
      const survivors = await waitFor(
        async () => {
          const c = on(await establishedTcp(lab, nsNecod), L.c.p);
          return c.length === 1 ? c : null;
        },
        { timeoutMs: 10_000, what: 'a single TCP connection on link c' },
      );
      const atPeer = await waitFor(
        async () => {
          const c = on(await establishedTcp(lab, nsPeer), L.c.n);
          return c.length === 1 ? c : null;
        },
        { timeoutMs: 10_000, what: 'a single TCP connection on link c at the peer' },
      );
      expect(portOf(atPeer[0]?.local ?? '')).toBe(portOf(survivors[0]?.peer ?? ''));
      expect(portOf(atPeer[0]?.peer ?? '')).toBe(portOf(survivors[0]?.local ?? ''));
      if (collision === 'two-connections') {
        // RFC 4271 §6.8: the connection opened by the speaker with the higher BGP Identifier
        // survives; necod's 10.255.0.2 is higher than the peer's 10.255.0.1.
        expect(portOf(survivors[0]?.peer ?? '')).toBe(179);
        // The peer may connect again while necod's connection still waits for its KEEPALIVE (BIRD
        // retries after a second); each such arrival is settled the same way.
        const decisions = collisionLog().map((l) => l.decision);
        expect(decisions.length).toBeGreaterThan(0);
        for (const d of decisions) expect(d).toMatch(/^dump-(other|arrived)$/);
      }
      expect(necod.logEntries().some((l) => l.neighbor === 'c' && typeof l.msg === 'string' && l.msg.includes('collision'))).toBe(true);
      expect(await necod.sessionState('c')).toBe('Established');
      expect(await peer.sessionState(L.c.n)).toBe('Established');
      expect((await necod.neighbor('c')).counters.flaps).toBe(0);

      const views = await necod.neighbors();
      for (const name of ['a', 'a6', 'b', 'c']) {
        const v = views.find((n) => n.name === name);
        expect(v?.capabilities?.holdTime).toBe(HOLD);
        expect(v?.capabilities?.families).toEqual([name === 'a6' ? 'ipv6' : 'ipv4']);
      }
    });

    it('receives IPv4 and IPv6 routes with communities and large communities intact, and their withdrawal', async () => {
      const before = { a: await counters('a'), a6: await counters('a6') };
      await peer.announce('10.11.0.0/24', { communities: ['65001:11', '65001:12'], largeCommunities: ['65001:1:11'] });
      await peer.announce('fd00:11::/48', { communities: ['65001:611'], largeCommunities: ['65001:6:11', '65001:6:12'] });

      const v4 = await waitForPath('10.11.0.0/24', 'a');
      expect(v4).toMatchObject({
        asPath: String(PEER_AS),
        receivedNextHop: L.a.p,
        nextHop: L.a.p, // in the neighbor's own subnet: kept
        communities: ['65001:11', '65001:12'],
        largeCommunities: ['65001:1:11'],
        origin: 'IGP',
      });
      expect(['best', 'multipath']).toContain(v4.status);
      const v6 = await waitForPath('fd00:11::/48', 'a6');
      expect(v6).toMatchObject({
        asPath: String(PEER_AS),
        receivedNextHop: L.a.p6,
        nextHop: L.a.p6,
        communities: ['65001:611'],
        largeCommunities: ['65001:6:11', '65001:6:12'],
      });
      // The peer sends the route on its other IPv4 sessions too.
      await waitForPath('10.11.0.0/24', 'b', (p) => p.receivedNextHop === L.b.p);
      // The harness view of the same routes.
      const viaHarness = await waitForRoute(necod, 'ipv4', '10.11.0.0/24', (r) => r.peer === L.a.p);
      expect(viaHarness).toMatchObject({ asPath: [PEER_AS], communities: ['65001:11', '65001:12'], largeCommunities: ['65001:1:11'] });

      const mid = { a: await counters('a'), a6: await counters('a6') };
      expect(mid.a.updatesIn).toBeGreaterThan(before.a.updatesIn);
      expect(mid.a6.updatesIn).toBeGreaterThan(before.a6.updatesIn);
      expect(mid.a.prefixesReceived).toBe(before.a.prefixesReceived + 1);
      expect(mid.a6.prefixesReceived).toBe(before.a6.prefixesReceived + 1);

      await peer.withdraw('10.11.0.0/24');
      await peer.withdraw('fd00:11::/48');
      await Promise.all([waitForNoPath('10.11.0.0/24', 'a'), waitForNoPath('fd00:11::/48', 'a6')]);
      // Withdrawn on every session (a, b, c): no route left.
      await waitFor(async () => (await necod.route('10.11.0.0/24')) === null, { timeoutMs: 10_000, what: 'necod route 10.11.0.0/24 gone' });
      const after = { a: await counters('a'), a6: await counters('a6') };
      expect(after.a.prefixesWithdrawn).toBeGreaterThan(mid.a.prefixesWithdrawn);
      expect(after.a6.prefixesWithdrawn).toBeGreaterThan(mid.a6.prefixesWithdrawn);
      expect(after.a.prefixesReceived).toBe(before.a.prefixesReceived);
      expect(after.a6.prefixesReceived).toBe(before.a6.prefixesReceived);
    });

    it('originates IPv4 and IPv6 routes through the API; the peer accepts them, then sees them withdrawn', async () => {
      await necod.announce('10.12.0.0/24', { communities: ['65000:12'], largeCommunities: ['65000:1:12'] });
      await necod.announce('fd00:12::/48', { communities: ['65000:612'], largeCommunities: ['65000:6:12'] });
      // necod lists its own routes with source "api".
      expect((await necod.routes('ipv4')).find((r) => r.prefix === '10.12.0.0/24')).toMatchObject({ peer: null, source: 'api', best: true });

      const v4 = await waitForRoute(peer, 'ipv4', '10.12.0.0/24', (r) => r.peer === L.a.n);
      expect(v4).toMatchObject({ nextHop: L.a.n, asPath: [NECOD_AS], communities: ['65000:12'], largeCommunities: ['65000:1:12'] });
      const v6 = await waitForRoute(peer, 'ipv6', 'fd00:12::/48', (r) => r.peer === L.a.n6);
      expect(v6).toMatchObject({ nextHop: L.a.n6, asPath: [NECOD_AS], communities: ['65000:612'], largeCommunities: ['65000:6:12'] });
      // Every established IPv4 session carries it, with that session's address as next hop.
      for (const link of [L.b, L.c]) {
        const r = await waitForRoute(peer, 'ipv4', '10.12.0.0/24', (x) => x.peer === link.n);
        expect(r.nextHop).toBe(link.n);
      }

      await necod.withdraw('10.12.0.0/24');
      await necod.withdraw('fd00:12::/48');
      await Promise.all([waitForNoRoute(peer, 'ipv4', '10.12.0.0/24'), waitForNoRoute(peer, 'ipv6', 'fd00:12::/48')]);
      expect(await necod.route('10.12.0.0/24')).toBeNull();
    });

    it('answers a garbage header with NOTIFICATION 1/1 and keeps serving the real neighbor', async () => {
      const flapsBefore = (await counters('a')).flaps;
      // From the address of the passive neighbor "raw": necod accepts, sends its OPEN, then reads the header.
      const raw = await rawBgpExchange(lab, nsPeer, { host: L.r.n, localAddress: L.r.p, send: garbageHeader() });
      expect(raw.connected).toBe(true);
      expect(raw.closed).toBe('remote');
      const notes = raw.messages.filter((m) => m.notification !== undefined);
      expect(notes.map((m) => [m.notification?.code, m.notification?.subcode])).toEqual([[1, 1]]);
      expect(raw.messages.at(-1)?.type).toBe(3);
      expect(await necod.necodLastError('raw')).toMatchObject({ direction: 'sent', code: 1, subcode: 1 });
      expect(await necod.lastError('raw')).toMatchObject({ direction: 'sent', code: 1, subcode: 1 });

      // A second connection from a neighbor whose session is Established: Cease/Connection
      // Collision Resolution (RFC 4271 §6.8), and the session stays.
      const dup = await rawBgpExchange(lab, nsPeer, { host: L.b.n, localAddress: L.b.p, send: garbageHeader() });
      expect(dup.messages.filter((m) => m.notification !== undefined).map((m) => [m.notification?.code, m.notification?.subcode])).toEqual([[6, 7]]);

      // An address that is no neighbor: closed without a word.
      const stranger = await rawBgpExchange(lab, nsPeer, { host: L.r.n, localAddress: L.r.stranger, send: garbageHeader() });
      expect(stranger.connected).toBe(true);
      expect(stranger.closed).not.toBe('timeout');
      expect(stranger.received.length).toBe(0);

      for (const n of ['a', 'a6', 'b', 'c']) expect(await necod.sessionState(n)).toBe('Established');
      for (const n of [L.a.n, L.b.n, L.c.n]) expect(await peer.sessionState(n)).toBe('Established');
      expect((await counters('a')).flaps).toBe(flapsBefore);
    });

    it('refuses a wrong peer AS with OPEN error 2/2, in both directions', async () => {
      const atPeer = opts.badPeerAsAtPeer ?? {
        received: async (n: string) => {
          await waitForLastError(`${peer.kind} ${n}`, () => peer.lastError(n), { direction: 'received', code: 2, subcode: 2 });
        },
        sent: async (n: string) => {
          await waitForLastError(`${peer.kind} ${n}`, () => peer.lastError(n), { direction: 'sent', code: 2, subcode: 2 });
        },
      };
      // necod expects AS 65099 on session d: necod sends Bad Peer AS, the peer receives it.
      await waitForLastError('necod d', () => necod.lastError('d'), { direction: 'sent', code: 2, subcode: 2 });
      await atPeer.received(L.d.n);
      // The peer expects AS 65098 for necod on session e: the peer sends Bad Peer AS, necod receives it.
      await waitForLastError('necod e', () => necod.lastError('e'), { direction: 'received', code: 2, subcode: 2 });
      await atPeer.sent(L.e.n);
      expect((await necod.necodLastError('d'))?.subcodeName).toMatch(/bad peer as/i);
      expect(await necod.sessionState('d')).not.toBe('Established');
      expect(await necod.sessionState('e')).not.toBe('Established');
      expect(await peer.sessionState(L.d.n)).not.toBe('Established');
      expect(await peer.sessionState(L.e.n)).not.toBe('Established');
      expect((await necod.neighbor('d')).counters.messagesOut.notification).toBeGreaterThan(0);
      expect((await necod.neighbor('e')).counters.messagesIn.notification).toBeGreaterThan(0);
    });

    it('expires the hold timer when traffic is blocked (link up), and recovers when it flows again', async () => {
      const flapsBefore = (await counters('a')).flaps;
      // Dropped on the peer's side of link a, both directions: neither NOTIFICATION gets through.
      const drop = await lab.drop(nsPeer, 's-a', 'all');
      try {
        await Promise.all([waitForNotEstablished(necod, 'a', 15_000), waitForNotEstablished(necod, 'a6', 15_000)]);
        // necod noticed the silence itself and sent Hold Timer Expired (which was lost).
        await waitForLastError('necod a', () => necod.lastError('a'), { direction: 'sent', code: 4, subcode: 0 }, 5_000);
        await waitForLastError('necod a6', () => necod.lastError('a6'), { direction: 'sent', code: 4, subcode: 0 }, 5_000);
        await waitForNotEstablished(peer, L.a.n, 15_000);
        // So did the (passive) peer: its Hold Timer Expired was lost the same way.
        await waitForLastError(`${peer.kind} ${L.a.n}`, () => peer.lastError(L.a.n), { direction: 'sent', code: 4, subcode: 0 }, 5_000);
        // Sessions on the other links are untouched.
        for (const n of ['b', 'c']) expect(await necod.sessionState(n)).toBe('Established');
        expect(await peer.sessionState(L.b.n)).toBe('Established');
      } finally {
        await drop.undrop();
      }
      const recover = opts.recoverMs ?? 30_000;
      await Promise.all([
        waitForState(necod, 'a', 'Established', recover),
        waitForState(necod, 'a6', 'Established', recover),
        waitForState(peer, L.a.n, 'Established', recover),
        waitForState(peer, L.a.n6, 'Established', recover),
      ]);
      expect((await counters('a')).flaps).toBe(flapsBefore + 1);
    });

    it('on SIGTERM sends Cease/Administrative Shutdown "necod stopping" and exits 0', async () => {
      await waitForState(necod, 'a');
      await necod.stop();
      expect(necod.exit).toEqual({ code: 0, signal: null });
      const e = await waitForLastError(`${peer.kind} ${L.a.n}`, () => peer.lastError(L.a.n), { direction: 'received', code: 6, subcode: 2 }, 10_000);
      expect(e.message).toBe('necod stopping');
      const eb = await waitForLastError(`${peer.kind} ${L.b.n}`, () => peer.lastError(L.b.n), { direction: 'received', code: 6, subcode: 2 }, 10_000);
      expect(eb.message).toBe('necod stopping');
      expect(necod.logEntries().some((l) => l.msg === 'necod stopped')).toBe(true);
    });
  });
}

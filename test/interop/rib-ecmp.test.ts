// The data-center case: a server (necod) with one uplink to each of two top-of-rack switches
// (BIRD 2, route reflectors, iBGP AS 64600), each ToR on its own /26:
//
//   tor1 (10.69.0.1/26) ── srv/tor1 ── server: necod (10.69.0.5/26, 10.69.1.5/26) ── tor2/srv ── tor2 (10.69.1.1/26)
//
// Both ToRs reflect the same routes to necod, their route-reflector client:
//   0.0.0.0/0 and 10.80.0.0/16   BGP next hop 10.254.0.1 (a spine, outside both ToR subnets)
//   10.70.0.2/32                 a server in the rack, next hop 10.69.0.6 via tor1, 10.69.1.6 via tor2
// necod keeps an in-subnet next hop and rewrites any other to the ToR's address, so each prefix
// becomes one ECMP route over both ToRs. Hold time 3 s.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BirdPeer,
  Lab,
  NECOD_JS,
  NecodPeer,
  cleanupStale,
  run,
  waitFor,
  waitForState,
  type PathView,
  type RouteView,
} from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';
import { RACK_AS, SERVER_ID, SPINE, TOR1, TOR2, rackNamespaces, torNeighbor, torSpec, type RackTor } from '../support/rack.js';

const HOLD = 3;
const OUTSIDE = ['0.0.0.0/0', '10.80.0.0/16'] as const;
const RACK = '10.70.0.2/32';
const PREFIXES = [...OUTSIDE, RACK] as const;

const torWith = (t: RackTor) =>
  torSpec(t, { holdTime: HOLD, routes: [...OUTSIDE.map((prefix) => ({ prefix, nextHop: SPINE })), { prefix: RACK, nextHop: t.rackServer }] });

describe('RIB: ECMP over two route-reflecting ToRs with the receive-side NEXT_HOP rewrite', () => {
  let lab: Lab;
  let necod: NecodPeer;
  let tor1: BirdPeer;
  let tor2: BirdPeer;

  const paths = (r: RouteView | null): PathView[] => r?.paths ?? [];

  /** Waits until every prefix has exactly the paths `want` names (source → status). */
  const waitForPaths = (want: Record<string, string>, timeoutMs = 15_000): Promise<RouteView[]> =>
    waitFor(
      async () => {
        const views: RouteView[] = [];
        for (const prefix of PREFIXES) {
          const r = await necod.route(prefix);
          const got = Object.fromEntries(paths(r).map((p) => [p.source, p.status]));
          if (r === null || JSON.stringify(got) !== JSON.stringify(want)) {
            throw new Error(`${prefix}: ${JSON.stringify(got)}`); // quoted on timeout
          }
          views.push(r);
        }
        return views;
      },
      { timeoutMs, what: `paths ${JSON.stringify(want)} for ${PREFIXES.join(', ')}` },
    );

  beforeAll(async () => {
    cleanupStale();
    lab = Lab.create();
    const {
      server,
      tors: [ns1, ns2],
    } = await rackNamespaces(lab, [TOR1, TOR2] as const);
    tor1 = new BirdPeer(lab, ns1, torWith(TOR1), { name: 'tor1' });
    tor2 = new BirdPeer(lab, ns2, torWith(TOR2), { name: 'tor2' });
    necod = new NecodPeer(lab, server, {
      asn: RACK_AS,
      routerId: SERVER_ID,
      listen: false, // a server only connects to its ToRs
      neighbors: [torNeighbor(TOR1, HOLD), torNeighbor(TOR2, HOLD)],
    });
    await Promise.all([tor1.start(), tor2.start()]);
    await necod.start();
    await Promise.all([waitForState(necod, 'tor1'), waitForState(necod, 'tor2')]);
  });

  labHooks(() => lab, 60);

  it('makes each reflected prefix one ECMP route: tor1 best, tor2 multipath', async () => {
    const views = await waitForPaths({ tor1: 'best', tor2: 'multipath' });
    for (const r of views) {
      const [best, multi] = r.paths;
      expect(best).toMatchObject({ source: 'tor1', sourceKind: 'bgp', asPath: '', localPref: 100, stale: false });
      expect(multi).toMatchObject({ source: 'tor2', sourceKind: 'bgp', asPath: '', localPref: 100, stale: false });
    }
  });

  it('rewrites a next hop outside the ToR subnet to the ToR and keeps the one received', async () => {
    for (const prefix of OUTSIDE) {
      const r = await necod.route(prefix);
      const by = (source: string) => paths(r).find((p) => p.source === source);
      expect(by('tor1')).toMatchObject({ nextHop: TOR1.tor, receivedNextHop: SPINE });
      expect(by('tor2')).toMatchObject({ nextHop: TOR2.tor, receivedNextHop: SPINE });
    }
  });

  it('keeps a next hop inside the ToR subnet (the rack neighbour), received as sent', async () => {
    const r = await necod.route(RACK);
    const by = (source: string) => paths(r).find((p) => p.source === source);
    expect(by('tor1')).toMatchObject({ nextHop: TOR1.rackServer, receivedNextHop: TOR1.rackServer, status: 'best' });
    expect(by('tor2')).toMatchObject({ nextHop: TOR2.rackServer, receivedNextHop: TOR2.rackServer, status: 'multipath' });
    // The harness view and necod-cli agree.
    const all = (await necod.routes('ipv4')).filter((x) => x.prefix === RACK);
    expect(all.map((x) => [x.peer, x.nextHop, x.best])).toEqual([
      [TOR1.tor, TOR1.rackServer, true],
      [TOR2.tor, TOR2.rackServer, false],
    ]);
    const { stdout } = await run([process.execPath, NECOD_JS.replace(/necod\.js$/, 'necod-cli.js'), '--socket', necod.socketPath, 'show', 'routes']);
    const text = stdout.split('\n');
    const at = text.findIndex((l) => l.startsWith('10.80.0.0/16'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(text[at + 1]).toMatch(new RegExp(`\\*\\s+tor1\\s+via ${TOR1.tor}\\b.*next hop ${SPINE} rewritten`));
    expect(text[at + 2]).toMatch(new RegExp(`\\+\\s+tor2\\s+via ${TOR2.tor}\\b.*next hop ${SPINE} rewritten`));
  });

  it('falls back to tor2 alone when tor1 goes silent, and returns to ECMP when it is back', async () => {
    // Dropped inside tor1's namespace, link left up: only the hold timer can notice.
    const drop = await lab.drop(tor1.ns, 'srv', 'all');
    try {
      const single = await waitForPaths({ tor2: 'best' }, 15_000);
      for (const r of single) expect(r.paths).toHaveLength(1);
      expect(await necod.lastError('tor1')).toMatchObject({ direction: 'sent', code: 4, subcode: 0 });
      // tor1 timed out on its side as well (its NOTIFICATION was dropped too).
      await waitFor(async () => (await tor1.lastError(TOR1.server))?.code === 4, { timeoutMs: 5_000, what: 'tor1 to time out necod' });
      expect(await necod.sessionState('tor2')).toBe('Established');
      const outside = await necod.route('10.80.0.0/16');
      expect(paths(outside)[0]).toMatchObject({ source: 'tor2', nextHop: TOR2.tor, receivedNextHop: SPINE });
    } finally {
      await drop.undrop();
    }
    await waitForState(necod, 'tor1', 'Established', 30_000);
    await waitForPaths({ tor1: 'best', tor2: 'multipath' });
    expect((await necod.neighbor('tor1')).counters.flaps).toBe(1);
    expect((await necod.neighbor('tor2')).counters.flaps).toBe(0);
  });
});

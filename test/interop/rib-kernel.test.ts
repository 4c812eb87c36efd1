// The kernel side of the data-center case: what necod writes into the kernel of its namespace
// after two BIRD route reflectors fed it, once with nexthop objects and once with inline next hops.
//
//   tor1 (10.69.0.1/26) ── srv/tor1 ── server: necod (10.69.0.5/26, 10.69.1.5/26, node0 10.0.0.15/32) ── tor2/srv ── tor2 (10.69.1.1/26)
//
// Both ToRs reflect:
//   0.0.0.0/0 and 10.80.0.0/16   next hop 10.254.0.1 (outside both ToR subnets: rewritten to the ToR)
//   10.70.0.2/32                 a rack neighbour, next hop 10.69.0.6 via tor1, 10.69.1.6 via tor2 (kept)
//   10.96.0.10/32                community 64698:64699, which necod's import policy marks no-install
// necod originates 10.0.0.15/32 (node0) and a static blackhole 10.64.0.0/24; neither may reach the
// kernel through necod. Hold time 3 s; graceful restart on both sides.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BirdPeer,
  Lab,
  NECOD_JS,
  NECOD_PROTOCOL,
  NecodPeer,
  cleanupStale,
  kernelNexthops,
  kernelRoutes,
  run,
  waitFor,
  waitForRoute,
  waitForState,
  type KernelRoute,
} from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';
import { RACK_AS, SERVER_ID, SPINE, TOR1, TOR2, rackNamespaces, torNeighbor, torSpec, type RackTor } from '../support/rack.js';

const HOLD = 3;
const OUTSIDE = ['0.0.0.0/0', '10.80.0.0/16'] as const;
const RACK = '10.70.0.2/32';
const LB = '10.96.0.10/32';
const LB_COMMUNITY = '64698:64699';
const NODE = '10.0.0.15/32';
const BLACKHOLE = '10.64.0.0/24';
/** Every prefix necod should write, in the order `ip route` lists them (by address). */
const INSTALLED = ['0.0.0.0/0', '10.70.0.2/32', '10.80.0.0/16'] as const;
const isNecodProto = (p: string): boolean => NECOD_PROTOCOL.includes(p);

type Tor = RackTor;

function torWith(t: Tor) {
  return torSpec(t, {
    holdTime: HOLD,
    routes: [...OUTSIDE.map((prefix) => ({ prefix, nextHop: SPINE })), { prefix: RACK, nextHop: t.rackServer }, { prefix: LB, nextHop: SPINE, communities: [LB_COMMUNITY] }],
    // BIRD sends End-of-RIB only with graceful restart configured; necod's first
    // convergence waits for End-of-RIB from every neighbor (or 120 s).
    neighbor: { gracefulRestart: true },
  });
}

/** The next hops a prefix should have in the kernel over the given ToRs. */
function expectedHops(prefix: string, tors: readonly Tor[]): { via: string; dev: string }[] {
  return tors.map((t) => ({ via: prefix === RACK ? t.rackServer : t.tor, dev: t.dev }));
}

for (const mode of ['on', 'off'] as const) {
  describe(`kernel: ECMP routes from two route reflectors, nexthop-groups ${mode}`, () => {
    let lab: Lab;
    let server: string;
    let necod: NecodPeer;
    let tor1: BirdPeer;

    const necodRoutes = async (): Promise<KernelRoute[]> => (await kernelRoutes(server)).filter((r) => isNecodProto(r.protocol));

    /** Waits until necod's kernel routes are exactly INSTALLED, each over `tors`. */
    const waitForKernel = (tors: readonly Tor[], timeoutMs = 15_000): Promise<KernelRoute[]> =>
      waitFor(
        async () => {
          const routes = await necodRoutes();
          const got = routes.map((r) => ({ prefix: r.prefix, nextHops: r.nextHops }));
          const want = INSTALLED.map((prefix) => ({ prefix, nextHops: expectedHops(prefix, tors) }));
          if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`kernel has ${JSON.stringify(got)}`);
          return routes;
        },
        { timeoutMs, what: `necod's kernel routes over ${tors.map((t) => t.dev).join(' and ')}` },
      );

    beforeAll(async () => {
      cleanupStale();
      lab = Lab.create();
      let ns1: string, ns2: string;
      ({ server, tors: [ns1, ns2] } = await rackNamespaces(lab, [TOR1, TOR2] as const));
      await lab.addBridge(server, 'node0', [NODE]);
      tor1 = new BirdPeer(lab, ns1, torWith(TOR1), { name: 'tor1' });
      const tor2 = new BirdPeer(lab, ns2, torWith(TOR2), { name: 'tor2' });
      necod = new NecodPeer(lab, server, {
        asn: RACK_AS,
        routerId: SERVER_ID,
        listen: false,
        neighbors: [torNeighbor(TOR1, HOLD, { import: 'from-tors' }), torNeighbor(TOR2, HOLD, { import: 'from-tors' })],
        extra: {
          policies: { 'from-tors': { rules: [{ match: { communities: [LB_COMMUNITY] }, then: { 'no-install': true } }] } },
          originate: { interfaces: ['node0'], static: [{ prefix: BLACKHOLE, blackhole: true }] },
          kernel: { 'nexthop-groups': mode },
        },
      });
      await Promise.all([tor1.start(), tor2.start()]);
      await necod.start();
      await Promise.all([waitForState(necod, 'tor1'), waitForState(necod, 'tor2')]);
    });

    labHooks(() => lab, 60);

    it('writes each reflected prefix as one ECMP route over both uplinks, metric 32', async () => {
      const routes = await waitForKernel([TOR1, TOR2]);
      for (const r of routes) expect(r).toMatchObject({ type: 'unicast', metric: 32 });
      const objects = await kernelNexthops(server);
      const ours = objects.filter((o) => isNecodProto(o.protocol));
      if (mode === 'on') {
        // One object per gateway, one group per next-hop set, shared by the routes that use it.
        expect(ours.filter((o) => o.group.length === 0).map((o) => `${o.via}@${o.dev}`).sort()).toEqual(
          [`${TOR1.tor}@tor1`, `${TOR1.rackServer}@tor1`, `${TOR2.tor}@tor2`, `${TOR2.rackServer}@tor2`].sort(),
        );
        const byId = new Map(ours.map((o) => [o.id, o]));
        for (const r of routes) {
          expect(r.nhid).not.toBeNull();
          const group = byId.get(r.nhid ?? -1);
          expect(group?.group).toHaveLength(2);
          const members = (group?.group ?? []).map((id) => byId.get(id)?.via).sort();
          expect(members).toEqual(r.nextHops.map((h) => h.via).sort());
        }
        const [dflt, , outside] = routes;
        expect(dflt?.nhid).toBe(outside?.nhid); // 0.0.0.0/0 and 10.80.0.0/16 share their group
        for (const o of ours) expect(o.id).toBeGreaterThanOrEqual(200_000_000);
      } else {
        for (const r of routes) expect(r.nhid).toBeNull();
        expect(ours).toEqual([]);
      }
    });

    it('keeps its own routes and the no-install route out of the kernel, and advertises them', async () => {
      await waitForKernel([TOR1, TOR2]);
      const all = await kernelRoutes(server);
      // Nothing at all for the static blackhole; the node address only as the kernel's own local route.
      expect(all.filter((r) => r.prefix === BLACKHOLE || r.prefix === LB)).toEqual([]);
      expect(all.filter((r) => r.prefix === NODE)).toEqual([]);
      const local = await kernelRoutes(server, { table: 'local' });
      expect(local.filter((r) => r.prefix === NODE).map((r) => r.protocol)).toEqual(['kernel']);
      // The no-install route is used and shown, marked, and not in the kernel.
      const lb = await necod.route(LB);
      expect(lb?.paths.map((p) => [p.source, p.status, p.noInstall])).toEqual([
        ['tor1', 'best', true],
        ['tor2', 'multipath', true],
      ]);
      expect(lb?.kernel).toEqual({ state: 'not-installed' });
      // Own routes: in the RIB, never installed, sent to the ToRs (export: local).
      expect((await necod.route(NODE))?.paths.map((p) => [p.sourceKind, p.status])).toEqual([['direct', 'best']]);
      expect((await necod.route(BLACKHOLE))?.paths.map((p) => [p.sourceKind, p.kind])).toEqual([['static', 'blackhole']]);
      for (const prefix of [NODE, BLACKHOLE]) {
        expect((await necod.route(prefix))?.kernel).toEqual({ state: 'not-installed' });
        await waitForRoute(tor1, 'ipv4', prefix, (r) => r.peer === TOR1.server);
      }
    });

    it('shows every reflected route as installed in /v1/routes', async () => {
      await waitForKernel([TOR1, TOR2]);
      const list = await necod.routeList({ family: 'ipv4' });
      const state = Object.fromEntries(list.routes.map((r) => [r.prefix, r.kernel?.state]));
      expect(state).toEqual({
        '0.0.0.0/0': 'installed',
        [NODE]: 'not-installed',
        [BLACKHOLE]: 'not-installed',
        [RACK]: 'installed',
        '10.80.0.0/16': 'installed',
        [LB]: 'not-installed',
      });
    });

    it('reports mode and counts in GET /v1/kernel and necod-cli show kernel', async () => {
      await waitForKernel([TOR1, TOR2]);
      const res = await necod.api('GET', '/v1/kernel');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        enabled: true,
        status: {
          started: true,
          converged: true,
          mode: mode === 'on' ? 'groups' : 'inline',
          protocol: 200,
          table: 254,
          metric: 32,
          pending: 0,
          failed: 0,
          stale: 0,
          down: [],
          counters: { routesInstalled: 3, nexthopObjects: mode === 'on' ? 6 : 0 },
        },
        pending: [],
        failed: [],
      });
      const cli = NECOD_JS.replace(/necod\.js$/, 'necod-cli.js');
      const { stdout } = await run([process.execPath, cli, '--socket', necod.socketPath, 'show', 'kernel']);
      const field = (name: string, value: string): RegExp => new RegExp(`^\\s*${name}:\\s+${value}$`, 'm');
      expect(stdout).toMatch(field('Mode', mode === 'on' ? 'nexthop groups' : 'inline'));
      expect(stdout).toMatch(field('Protocol', '200'));
      expect(stdout).toMatch(field('Table', '254'));
      expect(stdout).toMatch(field('Metric', '32'));
      expect(stdout).toMatch(field('Converged', 'yes'));
      expect(stdout).toMatch(field('Failed', '0'));
      expect(stdout).toMatch(field('routesInstalled', '3'));
      expect(stdout).toMatch(field('nexthopObjects', mode === 'on' ? '6' : '0'));
      const json = await run([process.execPath, cli, '--socket', necod.socketPath, 'show', 'kernel', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ enabled: true, status: { mode: mode === 'on' ? 'groups' : 'inline' } });
    });

    it('moves every route to tor2 alone when tor1 goes silent, and back to both when it returns', async () => {
      const before = await waitForKernel([TOR1, TOR2]);
      const nhids = (routes: KernelRoute[]): (number | null)[] => routes.map((r) => r.nhid);
      // Dropped inside tor1's namespace, link left up: only the hold timer notices.
      const drop = await lab.drop(tor1.ns, 'srv', 'all');
      try {
        const single = await waitForKernel([TOR2], 15_000);
        expect(await necod.sessionState('tor1')).not.toBe('Established');
        if (mode === 'on') {
          // The groups lost a member; the routes still point at the same groups.
          expect(nhids(single)).toEqual(nhids(before));
          const groups = (await kernelNexthops(server)).filter((o) => isNecodProto(o.protocol) && o.group.length > 0);
          expect(groups.map((g) => g.group.length)).toEqual([1, 1]);
        } else {
          expect(nhids(single)).toEqual([null, null, null]);
        }
        expect((await necod.route(LB))?.kernel).toEqual({ state: 'not-installed' });
      } finally {
        await drop.undrop();
      }
      await waitForState(necod, 'tor1', 'Established', 30_000);
      const back = await waitForKernel([TOR1, TOR2], 15_000);
      expect(nhids(back)).toEqual(nhids(before));
      const res = await necod.api('GET', '/v1/kernel');
      expect(res.body).toMatchObject({ status: { failed: 0, pending: 0, counters: { routesInstalled: 3, nexthopObjects: mode === 'on' ? 6 : 0 } } });
    });
  });
}

// Graceful restart (RFC 4724) between necod and BIRD 2, with the kernel of necod's namespace as
// the witness that forwarding goes on:
//
//   tor: BIRD (10.69.0.1/26) ── srv/tor ── server: necod (10.69.0.5/26)
//
// iBGP, AS 64600. BIRD announces 10.80.0.0/16, 10.81.0.0/16 and 10.82.0.0/16 with a next hop
// outside the link (necod rewrites it to 10.69.0.1); necod announces a static blackhole.
//
// * Receiving side: BIRD dies (SIGKILL, no NOTIFICATION); necod keeps its routes, stale and in
//   the kernel, until BIRD is back and sends End-of-RIB, or until BIRD's restart time runs out.
// * Restarting side: necod dies (SIGKILL); its kernel routes stay; the next necod finds them,
//   announces the restart (R) and forwarding (F) bits, and once BIRD's End-of-RIB is in removes
//   only what BIRD no longer announces. BIRD keeps necod's route all along.
// * Stopping: SIGTERM removes necod's kernel routes unless a neighbor has graceful restart or
//   `kernel.keep-on-stop` is set.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BirdPeer,
  Lab,
  NECOD_PROTOCOL,
  NecodPeer,
  birdProtoName,
  cleanupStale,
  kernelNexthops,
  kernelRoutes,
  run,
  sleep,
  waitFor,
  waitForRoute,
  waitForState,
  watchKernelRoutes,
  type KernelRoute,
  type KernelWatch,
  type NecodSpec,
  type RouteSpec,
  type SpeakerSpec,
} from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';
import { RACK_AS, SERVER_ID, SPINE, TOR1, rackNamespaces, torNeighbor, torSpec } from '../support/rack.js';

const HOLD = 9;
const TOR = TOR1.tor;
const SERVER = TOR1.server;
const [P1, P2, P3] = ['10.80.0.0/16', '10.81.0.0/16', '10.82.0.0/16'] as const;
const OWN = '10.64.0.0/24';

const routesVia = (prefixes: readonly string[]): RouteSpec[] => prefixes.map((prefix) => ({ prefix, nextHop: SPINE }));

/** The ToR here is a plain iBGP peer with graceful restart, not a route reflector. */
function torWith(prefixes: readonly string[], restartTime: number): SpeakerSpec {
  const neighbor = { routeReflectorClient: false, passive: false, gracefulRestart: true, gracefulRestartTime: restartTime };
  return torSpec(TOR1, { holdTime: HOLD, routes: routesVia(prefixes), neighbor });
}

function necodSpec(neighborExtra: Partial<NecodSpec['neighbors'][number]> = {}, extra: Record<string, unknown> = {}): NecodSpec {
  return {
    asn: RACK_AS,
    routerId: SERVER_ID,
    listen: false,
    neighbors: [torNeighbor(TOR1, HOLD, { name: 'tor', ...neighborExtra })],
    extra: { originate: { static: [{ prefix: OWN, blackhole: true }] }, ...extra },
  };
}

/** A lab with the two namespaces and the link between them. */
async function makeLab(): Promise<{ lab: Lab; server: string; torNs: string }> {
  cleanupStale();
  const lab = Lab.create();
  const { server, tors } = await rackNamespaces(lab, [TOR1] as const);
  return { lab, server, torNs: tors[0] };
}

/** necod's kernel routes in `ns`, as prefix → gateways. */
async function necodKernel(ns: string): Promise<Record<string, string[]>> {
  const routes: KernelRoute[] = await kernelRoutes(ns, { protocol: NECOD_PROTOCOL });
  return Object.fromEntries(routes.map((r) => [r.prefix, r.nextHops.map((h) => h.via)]));
}

/** Waits until necod's kernel routes in `ns` are exactly `prefixes`, each via the ToR. */
function waitForKernel(ns: string, prefixes: readonly string[], timeoutMs = 15_000): Promise<Record<string, string[]>> {
  const want = JSON.stringify(Object.fromEntries([...prefixes].sort().map((p) => [p, [TOR]])));
  return waitFor(
    async () => {
      const got = await necodKernel(ns);
      if (JSON.stringify(got) !== want) throw new Error(`kernel has ${JSON.stringify(got)}`);
      return got;
    },
    { timeoutMs, what: `necod's kernel routes ${prefixes.join(', ')} via ${TOR}` },
  );
}

/** P1 and P2 in the kernel in every sample; P3 there at first, then gone for good. */
function expectOnlyP3Left(watch: KernelWatch): void {
  expect(watch.samples.length).toBeGreaterThan(10);
  expect(watch.gaps(P1)).toEqual([]);
  expect(watch.gaps(P2)).toEqual([]);
  const firstWithoutP3 = watch.samples.findIndex((s) => !s.present.has(P3));
  expect(firstWithoutP3).toBeGreaterThan(0);
  expect(watch.samples.slice(firstWithoutP3).every((s) => !s.present.has(P3))).toBe(true);
}

/** Log entries of `necod` whose message contains `text`. */
function logged(necod: NecodPeer, text: string): Record<string, unknown>[] {
  return necod.logEntries().filter((l) => typeof l.msg === 'string' && l.msg.includes(text));
}

describe('graceful restart, receiving side: necod keeps a restarting BIRD\'s routes', () => {
  let lab: Lab;
  let server: string;
  let torNs: string;
  let necod: NecodPeer;
  let tor: BirdPeer;

  /** necod's paths of `prefix`: [source, stale, kernel state]. */
  const view = async (prefix: string): Promise<[string, boolean, string | undefined][] | null> => {
    const r = await necod.route(prefix);
    return r === null ? null : r.paths.map((p) => [p.source, p.stale, r.kernel?.state]);
  };

  beforeAll(async () => {
    ({ lab, server, torNs } = await makeLab());
    tor = new BirdPeer(lab, torNs, torWith([P1, P2, P3], 30), { name: 'tor' });
    necod = new NecodPeer(lab, server, necodSpec());
    await tor.start();
    await necod.start();
    await waitForState(necod, 'tor');
    await waitForKernel(server, [P1, P2, P3]);
  });

  labHooks(() => lab, 60);

  it('keeps the routes stale and in the kernel while BIRD is gone, then drops what BIRD no longer sends after its End-of-RIB', async () => {
    expect((await necod.neighbor('tor')).capabilities?.gracefulRestart).toBe(true);
    const watch = watchKernelRoutes(server, [P1, P2, P3], { protocol: NECOD_PROTOCOL });
    try {
      await tor.kill();
      await waitFor(async () => (await necod.sessionState('tor')) !== 'Established', { timeoutMs: 5_000, what: 'necod to see the session close' });
      const kept = logged(necod, 'keeping its routes for graceful restart');
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatchObject({ neighbor: 'tor', kept: 3, waitMs: 30_000 });
      for (const prefix of [P1, P2, P3]) expect(await view(prefix)).toEqual([['tor', true, 'installed']]);
      expect(await necodKernel(server)).toEqual({ [P1]: [TOR], [P2]: [TOR], [P3]: [TOR] });

      // BIRD comes back, recovering gracefully (-R: R and F bits), without P3.
      tor = new BirdPeer(lab, torNs, torWith([P1, P2], 5), { name: 'tor-again' });
      await tor.start({ recovery: true });
      await waitForState(necod, 'tor', 'Established', 15_000);
      await waitForKernel(server, [P1, P2]);
      await waitFor(async () => (await view(P3)) === null, { timeoutMs: 10_000, what: `${P3} to leave necod's RIB` });
      for (const prefix of [P1, P2]) expect(await view(prefix)).toEqual([['tor', false, 'installed']]);
      const swept = logged(necod, 'stale routes removed');
      expect(swept).toHaveLength(1);
      expect(swept[0]).toMatchObject({ neighbor: 'tor', removed: 1, why: 'End-of-RIB' });
      // The watcher samples on its own schedule: let it see the removal before it stops.
      await waitFor(() => (watch.samples.some((x) => !x.present.has(P3)) ? true : null), { timeoutMs: 5_000, what: 'the kernel watcher to see P3 removed' });
    } finally {
      await watch.stop();
    }
    // P1 and P2 never left the kernel, P3 only at the end.
    expectOnlyP3Left(watch);
  });

  it('removes the stale routes when BIRD stays away beyond its restart time', async () => {
    await waitForKernel(server, [P1, P2]);
    const killedAt = Date.now();
    await tor.kill();
    await waitFor(async () => (await necod.sessionState('tor')) !== 'Established', { timeoutMs: 5_000, what: 'necod to see the session close' });
    const kept = logged(necod, 'keeping its routes for graceful restart');
    expect(kept.at(-1)).toMatchObject({ neighbor: 'tor', kept: 2, waitMs: 5_000 });
    for (const prefix of [P1, P2]) expect(await view(prefix)).toEqual([['tor', true, 'installed']]);
    await waitForKernel(server, [], 15_000);
    for (const prefix of [P1, P2]) expect(await view(prefix)).toBeNull();
    // The timer removed them, not something before it.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(4_000);
    expect(logged(necod, 'stale routes removed').at(-1)).toMatchObject({ neighbor: 'tor', removed: 2, why: 'graceful restart time ran out' });
    const res = await necod.api('GET', '/v1/kernel');
    expect(res.body).toMatchObject({ status: { failed: 0, counters: { routesInstalled: 0 } } });
  });

  it('drops the stale routes at once when BIRD comes back without preserved forwarding (no F bit)', async () => {
    tor = new BirdPeer(lab, torNs, torWith([P1, P2], 30), { name: 'tor-3' });
    await tor.start();
    await waitForState(necod, 'tor', 'Established', 15_000);
    await waitForKernel(server, [P1, P2]);
    await tor.kill();
    await waitFor(async () => (await necod.sessionState('tor')) !== 'Established', { timeoutMs: 5_000, what: 'necod to see the session close' });
    for (const prefix of [P1, P2]) expect(await view(prefix)).toEqual([['tor', true, 'installed']]);
    const sweeps = logged(necod, 'stale routes removed').length;
    // A plain start: BIRD's graceful restart capability carries neither R nor F (RFC 4724 §4.2).
    tor = new BirdPeer(lab, torNs, torWith([P1, P2], 30), { name: 'tor-4' });
    await tor.start();
    await waitForState(necod, 'tor', 'Established', 15_000);
    await waitFor(() => logged(necod, 'stale routes removed').length > sweeps, { timeoutMs: 5_000, what: 'the stale routes to be dropped' });
    expect(logged(necod, 'stale routes removed').at(-1)).toMatchObject({ neighbor: 'tor', removed: 2, why: 'restarted without preserved forwarding' });
    // BIRD sends them again, now fresh.
    await waitForKernel(server, [P1, P2]);
    await waitFor(async () => JSON.stringify([await view(P1), await view(P2)]) === JSON.stringify([[['tor', false, 'installed']], [['tor', false, 'installed']]]), {
      timeoutMs: 5_000,
      what: `${P1} and ${P2} fresh from the new session`,
    });
  });
});

describe('graceful restart, restarting side: necod killed and started again', () => {
  let lab: Lab;
  let server: string;
  let necod: NecodPeer;
  let tor: BirdPeer;

  beforeAll(async () => {
    let torNs: string;
    ({ lab, server, torNs } = await makeLab());
    tor = new BirdPeer(lab, torNs, torWith([P1, P2, P3], 120), { name: 'tor' });
    necod = new NecodPeer(lab, server, necodSpec({}, { kernel: { 'nexthop-groups': 'on' } }));
    await tor.start();
    await necod.start();
    await waitForState(necod, 'tor');
    await waitForKernel(server, [P1, P2, P3]);
    await waitForRoute(tor, 'ipv4', OWN, (r) => r.peer === SERVER);
  });

  labHooks(() => lab, 60);

  it('keeps forwarding while necod is down, announces the restart, and removes only what BIRD dropped meanwhile', async () => {
    const proto = birdProtoName(SERVER);
    const nhidsBefore = (await kernelRoutes(server, { protocol: NECOD_PROTOCOL })).map((r) => r.nhid);
    expect(nhidsBefore).toHaveLength(3);
    const watch = watchKernelRoutes(server, [P1, P2, P3], { protocol: NECOD_PROTOCOL });
    // BIRD's side likewise: whether it holds necod's route, read over and over.
    const birdSamples: boolean[] = [];
    const birdErrors: string[] = [];
    let polling = true;
    const birdPoll = (async () => {
      while (polling) {
        try {
          birdSamples.push((await tor.routes('ipv4')).some((r) => r.prefix === OWN && r.peer === SERVER));
        } catch (err) {
          birdErrors.push(err instanceof Error ? err.message : String(err));
        }
        await sleep(50);
      }
    })();
    try {
      await necod.kill();
      // BIRD noticed (connection closed, no NOTIFICATION) and keeps necod's route meanwhile.
      await waitFor(async () => (await tor.birdc(['show', 'protocols', 'all', proto])).includes('Neighbor graceful restart active'), {
        timeoutMs: 5_000,
        what: 'BIRD to hold necod\'s routes for its restart',
      });
      expect((await tor.routes('ipv4')).filter((r) => r.prefix === OWN).map((r) => r.peer)).toEqual([SERVER]);
      // While necod is down, BIRD stops announcing P3.
      await tor.withdraw(P3);
      await sleep(500);
      expect(await necodKernel(server)).toEqual({ [P1]: [TOR], [P2]: [TOR], [P3]: [TOR] });

      await necod.start();
      await waitForState(necod, 'tor', 'Established', 15_000);
      const caps = await tor.birdc(['show', 'protocols', 'all', proto]);
      const neighborCaps = caps.slice(caps.indexOf('Neighbor capabilities'));
      expect(neighborCaps).toMatch(/Graceful restart\n\s+Restart time: 120\n\s+Restart recovery\n\s+AF supported: ipv4\n\s+AF preserved: ipv4/);
      await waitForKernel(server, [P1, P2], 15_000);
      // The routes BIRD still sends were found as they should be and left alone: the one write
      // of the new necod removed P3. They still point at the nexthop object of the first run.
      expect((await necod.api('GET', '/v1/kernel')).body).toMatchObject({
        status: { converged: true, stale: 0, failed: 0, counters: { writes: 1, failures: 0, routesInstalled: 2, nexthopObjects: 1 } },
      });
      expect((await kernelRoutes(server, { protocol: NECOD_PROTOCOL })).map((r) => r.nhid)).toEqual(nhidsBefore.slice(0, 2));
      // The watcher samples on its own schedule: let it see the removal before it stops.
      await waitFor(() => (watch.samples.some((x) => !x.present.has(P3)) ? true : null), { timeoutMs: 5_000, what: 'the kernel watcher to see P3 removed' });
      // BIRD's own view: the restart is over and necod's route is there again.
      await waitFor(async () => (await tor.birdc(['show', 'protocols', 'all', proto])).includes('Neighbor graceful restart active') === false, {
        timeoutMs: 5_000,
        what: 'BIRD to end the neighbor restart',
      });
      expect((await tor.routes('ipv4')).filter((r) => r.prefix === OWN).map((r) => r.peer)).toEqual([SERVER]);
    } finally {
      polling = false;
      await birdPoll;
      await watch.stop();
    }
    expect(birdErrors).toEqual([]);
    expect(birdSamples.length).toBeGreaterThan(10);
    expect(birdSamples.filter((held) => !held)).toEqual([]);
    expect(logged(necod, 'restarting gracefully')).toHaveLength(1);
    expect(logged(necod, 'first convergence').at(-1)).toMatchObject({ why: 'every neighbor sent its initial table' });
    // P1 and P2 were in the kernel in every sample, through the kill and the restart.
    expectOnlyP3Left(watch);
  });
});

describe('stopping necod: kernel routes removed or kept', () => {
  let lab: Lab;
  let server: string;

  beforeAll(async () => {
    let torNs: string;
    ({ lab, server, torNs } = await makeLab());
    await new BirdPeer(lab, torNs, torWith([P1, P2], 120), { name: 'tor' }).start();
  });

  labHooks(() => lab, 60);

  /** Starts necod as `name`, waits for its kernel routes, stops it with SIGTERM; returns what the kernel holds then. */
  const startAndStop = async (name: string, spec: NecodSpec): Promise<Record<string, string[]>> => {
    // What an earlier case left behind (necod's protocol id is 200). Deleting the nexthop objects
    // takes the routes on them along; `ip route flush` refuses routes with an `nhid`.
    await run(['ip', '-n', server, 'nexthop', 'flush', 'proto', '200'], { allowFailure: true });
    await run(['ip', '-n', server, 'route', 'flush', 'proto', '200'], { allowFailure: true });
    expect(await necodKernel(server)).toEqual({});
    const necod = new NecodPeer(lab, server, spec, { name });
    await necod.start();
    await waitForState(necod, 'tor');
    await waitForKernel(server, [P1, P2]);
    await necod.stop();
    expect(necod.exit).toEqual({ code: 0, signal: null });
    return necodKernel(server);
  };

  it('removes its routes and nexthop objects without graceful restart and keep-on-stop', async () => {
    const left = await startAndStop('necod-nogr', necodSpec({ capabilities: { 'graceful-restart': false } }, { kernel: { 'keep-on-stop': false } }));
    expect(left).toEqual({});
    expect(await kernelNexthops(server, { protocol: NECOD_PROTOCOL })).toEqual([]);
  });

  it('keeps its routes with kernel.keep-on-stop', async () => {
    const left = await startAndStop('necod-keep', necodSpec({ capabilities: { 'graceful-restart': false } }, { kernel: { 'keep-on-stop': true } }));
    expect(left).toEqual({ [P1]: [TOR], [P2]: [TOR] });
  });

  it('keeps its routes when a neighbor has graceful restart', async () => {
    const left = await startAndStop('necod-gr', necodSpec());
    expect(left).toEqual({ [P1]: [TOR], [P2]: [TOR] });
  });
});

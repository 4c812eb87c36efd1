// The acceptance test of necod: the virtual data center of test/support/fabric.ts (two BIRD
// spines, two racks of two BIRD ToR route reflectors with BFD, two necod servers per rack, each
// configured from docs/examples/server.yaml). One fabric for the file; every case leaves it fully
// converged again; a ToR answering with garbage and a ToR flooding beyond max-prefixes each close
// only their own session. Behaviour only: which routes and next hops the kernels hold, whether packets
// pass and whether sessions reset. Timing is for bench/failover.bench.ts.
//
// A planned necod restart sends BFD AdminDown, which RFC 5882 §3.2 says is no failure; BIRD 2.0.12
// takes it for one and flushes the server's routes at once. So the zero-loss planned restart runs
// on a second fabric whose ToRs say `bfd graceful` (a BFD failure becomes a graceful restart);
// the first fabric, whose ToRs withdraw a cut uplink at once, checks the restarting server's side.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lab, cleanupStale, sleep, waitFor } from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';
import { buildFabric, type Fabric, type ServerNode, type PingResult, type SteadyPing } from '../support/fabric.js';

/** Beyond what a ToR normally sends (6 routes), below its flood. */
const MAX_PREFIXES = 100;
const FLOOD = 150;

let lab: Lab;
let dc: Fabric;

beforeAll(async () => {
  cleanupStale();
  lab = Lab.create();
  dc = await buildFabric(lab, {
    floodRoutes: FLOOD,
    necod: { neighbor: { 'max-prefixes': { limit: MAX_PREFIXES, 'restart-time': 2 } } },
  });
}, 120_000);
labHooks(() => lab, 40);

function necodOf(s: ServerNode) {
  if (s.necod === null) throw new Error(`${s.label} runs no necod`);
  return s.necod;
}

async function flaps(s: ServerNode, neighbor: string): Promise<number> {
  return (await necodOf(s).neighbor(neighbor)).counters.flaps;
}

/** The kernel holds exactly the expected routes: nothing missing, nothing left over. */
async function expectExactKernel(s: ServerNode): Promise<void> {
  expect(await dc.differences(s)).toEqual([]);
  const want = dc.expected(s).map((e) => e.prefix).sort();
  expect((await dc.kernel(s)).map((r) => r.prefix).sort()).toEqual(want);
}

/** SIGUSR2 (stop for a graceful restart: no NOTIFICATION, kernel routes kept), then start again. */
async function plannedRestart(s: ServerNode): Promise<void> {
  const necod = necodOf(s);
  necod.signal('SIGUSR2');
  await waitFor(() => !necod.running, { timeoutMs: 10_000, what: `${s.label} necod stops` });
  expect(necod.exit).toEqual({ code: 0, signal: null });
  await necod.start();
  await dc.waitForSessions();
  await dc.waitForEcmp(30_000);
}

/** Both pings ran the whole time without a loss, and no server's kernel routes changed meanwhile. */
async function expectNoLoss(ping: SteadyPing, back: SteadyPing, watch: { stop(): Promise<string[]> }): Promise<void> {
  const [out, inb] = [await ping.stop(), await back.stop()];
  expect(out.transmitted).toBeGreaterThan(50);
  expect(out.lost).toBe(0);
  expect(inb.lost).toBe(0);
  expect(await watch.stop()).toEqual([]);
}

function nextHopsOf(routes: { prefix: string; nextHops: { via: string }[] }[], prefix: string): string[] {
  return (routes.find((r) => r.prefix === prefix)?.nextHops ?? []).map((h) => h.via).sort();
}

describe('virtual data center', () => {
  it('every server has every other server as ECMP over both uplinks, and pings cross racks', async () => {
    for (const s of dc.servers) expect(await dc.differences(s)).toEqual([]);
    const a = dc.server('r1-srv1');
    const b = dc.server('r2-srv2');
    // In the rack: the other server's own uplinks; across racks: the two ToRs.
    expect(nextHopsOf(await dc.kernel(a), `${dc.server('r1-srv2').plan.mgmt}/32`)).toEqual(['10.69.0.6', '10.69.1.6']);
    expect(nextHopsOf(await dc.kernel(a), `${b.plan.mgmt}/32`)).toEqual(['10.69.0.1', '10.69.1.1']);
    expect((await dc.ping(a, b.plan.mgmt, 3)).lost).toBe(0);
    expect((await dc.ping(b, a.plan.mgmt, 3)).lost).toBe(0);
  });

  it('a cut uplink (link up, all traffic dropped) leaves that path on both sides, no route disappears, and comes back', async () => {
    const a = dc.server('r1-srv1');
    const inRack = dc.server('r1-srv2');
    const far = dc.server('r2-srv1');
    const [up1, up2] = a.plan.uplinks;
    if (up1 === undefined || up2 === undefined) throw new Error('no uplinks');
    const tor2Flaps = await flaps(a, 'tor2');
    const watch = dc.watchRoutes();
    const drop = await dc.cut(a, 0);
    // The cut server stops using tor1 (BFD), the rack neighbour stops using a's first uplink
    // once tor1 withdraws it.
    await waitFor(async () => nextHopsOf(await dc.kernel(a), `${far.plan.mgmt}/32`).join() === up2.torAddress, {
      timeoutMs: 10_000,
      what: `${a.label} leaves tor1`,
    });
    await waitFor(async () => nextHopsOf(await dc.kernel(inRack), `${a.plan.mgmt}/32`).join() === up2.address, {
      timeoutMs: 10_000,
      what: `${inRack.label} leaves ${up1.address}`,
    });
    expect((await necodOf(a).neighbor('tor1')).state).not.toBe('Established');
    expect((await dc.ping(a, far.plan.mgmt, 3)).lost).toBe(0);
    expect((await dc.ping(far, a.plan.mgmt, 3)).lost).toBe(0);
    await drop.undrop();
    await dc.waitForEcmp(30_000);
    expect(await watch.stop()).toEqual([]);
    expect(await flaps(a, 'tor2')).toBe(tor2Flaps);
  });

  it("a ToR's BIRD restarting with graceful restart keeps forwarding through it", async () => {
    const a = dc.server('r1-srv1');
    const far = dc.server('r2-srv1');
    const tor = a.tors[0];
    if (tor === undefined) throw new Error('no ToR');
    const tor2Flaps = await Promise.all(dc.servers.filter((s) => s.plan.rack === 0).map((s) => flaps(s, 'tor2')));
    const watch = dc.watchRoutes();
    const ping = dc.startPing(a, far.plan.mgmt, 10);
    const back = dc.startPing(far, a.plan.mgmt, 10);
    await sleep(300);
    await tor.bird.kill();
    await sleep(500);
    await tor.bird.start({ recovery: true });
    await dc.waitForSessions();
    await dc.waitForEcmp(30_000);
    await sleep(300);
    // The ToR's kernel forwards on while its BIRD is away; the servers move off it meanwhile.
    await expectNoLoss(ping, back, watch);
    // No session reset elsewhere.
    expect(await Promise.all(dc.servers.filter((s) => s.plan.rack === 0).map((s) => flaps(s, 'tor2')))).toEqual(tor2Flaps);
  });

  it('a planned necod restart (SIGUSR2) keeps its own kernel routes and leaves nothing stale; BIRD 2.0.12 ToRs drop it meanwhile', async () => {
    const a = dc.server('r1-srv1');
    const watch = dc.watchRoutes([a]);
    await plannedRestart(a);
    expect(await watch.stop()).toEqual([]);
    for (const s of dc.servers) await expectExactKernel(s);
  });

  it('an unplanned necod restart (kill -9, start) keeps its kernel routes and leaves nothing stale', async () => {
    const a = dc.server('r1-srv2');
    const necod = necodOf(a);
    const watch = dc.watchRoutes([a]);
    await necod.kill();
    await sleep(500);
    await necod.start();
    await dc.waitForSessions();
    await dc.waitForEcmp(30_000);
    expect(await watch.stop()).toEqual([]);
    for (const s of dc.servers) await expectExactKernel(s);
    expect((await dc.ping(a, dc.server('r2-srv2').plan.mgmt, 3)).lost).toBe(0);
  });

  it("a ToR's flood beyond max-prefixes closes only that session; the other keeps the server forwarding", async () => {
    const a = dc.server('r2-srv1');
    const far = dc.server('r1-srv1');
    const tor = a.tors[0];
    if (tor === undefined) throw new Error('no ToR');
    const tor2Flaps = await flaps(a, 'tor2');
    const watch = dc.watchRoutes([a]);
    await tor.bird.birdc(['enable', 'flood']);
    await waitFor(async () => (await necodOf(a).necodLastError('tor1'))?.subcodeName === 'Maximum Number of Prefixes Reached' || null, {
      timeoutMs: 15_000,
      what: 'tor1 closed for max-prefixes',
    });
    expect((await necodOf(a).neighbor('tor2')).state).toBe('Established');
    expect((await dc.ping(a, far.plan.mgmt, 3)).lost).toBe(0);
    await tor.bird.birdc(['disable', 'flood']);
    await dc.waitForSessions();
    await dc.waitForEcmp(30_000);
    expect(await watch.stop()).toEqual([]);
    expect(await flaps(a, 'tor2')).toBe(tor2Flaps);
  });
});

/**
 * A BGP "speaker" that answers every connection with 19 bytes of zeros: a header whose marker is
 * not all ones (RFC 4271 §6.1: NOTIFICATION Message Header Error / Connection Not Synchronized).
 */
const GARBAGE_SPEAKER = `
const net = require('node:net');
let n = 0;
net.createServer((s) => {
  console.log('connection ' + ++n + ' from ' + s.remoteAddress);
  s.on('error', () => {});
  s.on('data', () => {});
  s.write(Buffer.alloc(19));
}).listen(1790, process.argv[1], () => console.log('listening'));
`;

describe("a ToR that answers with garbage", () => {
  it("closes only that session with the RFC's NOTIFICATION; BFD, the other session and forwarding stay", async () => {
    const a = dc.server('r1-srv2');
    const far = dc.server('r2-srv2');
    const tor = a.tors[0];
    const up = a.plan.uplinks[0];
    if (tor === undefined || up === undefined) throw new Error('no first uplink');
    // From a converged fabric: a session an earlier test reset may still be dialling again.
    await dc.waitForSessions();
    await dc.waitForEcmp(30_000);
    const tor2Flaps = await flaps(a, 'tor2');
    const speaker = lab.spawnIn(tor.ns, [process.execPath, '-e', GARBAGE_SPEAKER, tor.plan.address], { name: 'garbage-speaker' });
    await waitFor(() => speaker.running && readFileSync(speaker.logPath, 'utf8').includes('listening'), { timeoutMs: 10_000, what: 'garbage speaker listening' });
    // The ToR's BGP port, for this server only, now leads to the garbage speaker; the session in
    // place is reset (its packets rejected with a TCP reset), so necod dials again and meets it.
    const rules = lab.writeFile(
      'garbage.nft',
      [
        'table ip necod_garbage {',
        `  chain pre { type nat hook prerouting priority dstnat; policy accept; ip saddr ${up.address} tcp dport 179 redirect to :1790; }`,
        `  chain in { type filter hook input priority filter; policy accept; ip saddr ${up.address} tcp dport 179 reject with tcp reset; }`,
        '}',
        '',
      ].join('\n'),
    );
    const watch = dc.watchRoutes([a]);
    const ping = dc.startPing(a, far.plan.mgmt, 10);
    let out: PingResult;
    let gaps: string[];
    try {
      await lab.exec(tor.ns, ['nft', '-f', rules]);
      await waitFor(async () => (await necodOf(a).necodLastError('tor1'))?.subcodeName === 'Connection Not Synchronized' || null, {
        timeoutMs: 30_000,
        what: 'tor1 closed with Message Header Error / Connection Not Synchronized',
      });
      const error = await necodOf(a).necodLastError('tor1');
      expect(error).toMatchObject({ direction: 'sent', code: 1, subcode: 1 });
      // BFD is UDP and untouched: the path is alive, only the speaker behind it is broken.
      expect((await necodOf(a).neighbor('tor1')).bfd).toBe('Up');
      expect((await necodOf(a).neighbor('tor2')).state).toBe('Established');
      expect((await dc.ping(a, far.plan.mgmt, 3)).lost).toBe(0);
    } finally {
      // The redirect, the speaker and the ping go even when a check above failed.
      await lab.exec(tor.ns, ['nft', 'delete', 'table', 'ip', 'necod_garbage'], { allowFailure: true });
      await speaker.stop(2_000);
      out = await ping.stop();
    }
    expect(out.transmitted).toBeGreaterThan(50);
    expect(out.lost).toBe(0);
    try {
      await dc.waitForSessions(60_000);
      await dc.waitForEcmp(30_000);
    } finally {
      gaps = await watch.stop();
    }
    expect(gaps).toEqual([]);
    expect(await flaps(a, 'tor2')).toBe(tor2Flaps);
  });
});

describe('virtual data center whose ToRs take a BFD failure toward a server as a graceful restart', () => {
  beforeAll(async () => {
    await lab?.destroy();
    lab = Lab.create();
    dc = await buildFabric(lab, { torBfdGraceful: true });
  }, 120_000);

  it('a planned necod restart (SIGUSR2) loses no packet either way and leaves nothing stale', async () => {
    const a = dc.server('r1-srv1');
    const far = dc.server('r2-srv1');
    const necod = necodOf(a);
    const watch = dc.watchRoutes();
    const ping = dc.startPing(a, far.plan.mgmt, 10);
    const back = dc.startPing(far, a.plan.mgmt, 10);
    await sleep(300);
    await plannedRestart(a);
    await sleep(300);
    await expectNoLoss(ping, back, watch);
    // Converged: the routes kept from the previous run are all confirmed or gone.
    await waitFor(async () => ((await necod.api('GET', '/v1/kernel')).body as { status?: { converged: boolean; stale: number } }).status?.converged === true, {
      timeoutMs: 20_000,
      what: 'necod converged',
    });
    expect(((await necod.api('GET', '/v1/kernel')).body as { status?: { stale: number } }).status?.stale).toBe(0);
    for (const s of dc.servers) await expectExactKernel(s);
  });
});

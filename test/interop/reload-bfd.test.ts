// BFD through a configuration reload against a real BIRD 2 ToR, with the kernel on: a neighbor
// that had no BFD gets it by reload (the BFD process starts then), new intervals go through a
// poll sequence, and BFD off again takes the session away; the BGP session's uptime on BIRD's
// side is unchanged by the first two. The same run checks what an operator watches: the BFD transition
// on GET /v1/events, and necod_bfd_* and the kernel write-latency histogram on GET /metrics.
//
//   tor (BIRD, 10.69.0.1/26, AS 64600, bfd on) ── necod (10.69.0.5/26, AS 64600)
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BirdPeer, Lab, NecodPeer, cleanupStale, waitFor, waitForState, type NecodSpec } from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';
import { RACK_AS, TOR1, rackNamespaces, torNeighbor, torSpec } from '../support/rack.js';

const TOR = TOR1.tor;
const SERVER = TOR1.server;

function necodSpec(bfd: unknown): NecodSpec {
  return {
    asn: RACK_AS,
    routerId: SERVER,
    listen: false,
    neighbors: [torNeighbor(TOR1, 30, bfd === null ? {} : { extra: { bfd } })],
    extra: { kernel: { export: true, table: 100 } },
  };
}

describe('BFD by reload, with metrics and events', () => {
  let lab: Lab;
  let tor: BirdPeer;
  let necod: NecodPeer;
  const events: string[] = [];
  let stopEvents: () => void = () => undefined;

  /** BIRD's "since" of the BGP session: it changes whenever the session is reset. */
  const torSince = async (): Promise<string> => {
    const line = (await tor.birdc(['show', 'protocols'])).split('\n').find((l) => /\bBGP\b/.test(l)) ?? '';
    return line.trim().split(/\s+/).slice(3, 5).join(' ');
  };
  const reload = async (bfd: unknown): Promise<void> => {
    necod.rewriteConfig(necodSpec(bfd));
    const r = await necod.api('POST', '/v1/reload');
    expect(r.status, r.text).toBe(200);
  };
  const metrics = async (): Promise<string> => (await necod.api('GET', '/metrics')).text;

  beforeAll(async () => {
    cleanupStale();
    lab = Lab.create();
    const {
      server: srv,
      tors: [torNs],
    } = await rackNamespaces(lab, [TOR1] as const);
    tor = new BirdPeer(lab, torNs, torSpec(TOR1, { holdTime: 30, routes: [{ prefix: '10.10.0.0/24', nextHop: TOR }], neighbor: { bfd: { intervalMs: 100, multiplier: 3 } } }));
    await tor.start();
    necod = new NecodPeer(lab, srv, necodSpec(null));
    await necod.start();
    await waitForState(necod, 'tor1');
    await waitForState(tor, SERVER);
    // The event stream, open for the whole file.
    const req = request({ socketPath: necod.socketPath, path: '/v1/events?kind=bfd,kernel' });
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => events.push(...chunk.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))));
    });
    req.on('error', () => undefined);
    req.end();
    stopEvents = () => req.destroy();
  }, 60_000);
  labHooks(() => lab);
  afterAll(() => stopEvents()); // registered last, runs first: the stream closes before the lab goes

  it('installs the ToR route and counts the kernel write in the latency histogram', async () => {
    await waitFor(async () => /^necod_kernel_write_duration_seconds_count [1-9]/m.test(await metrics()), { timeoutMs: 15_000, what: 'a kernel batch in the histogram' });
    expect(await metrics()).toMatch(/^necod_kernel_write_duration_seconds_bucket\{le="\+Inf"\} [1-9]/m);
    expect(await necod.bfdSessions()).toEqual([]);
  });

  it('a reload that turns BFD on brings the session Up without resetting BGP', async () => {
    const since = await torSince();
    await reload({ interval: 100, multiplier: 3 });
    await waitFor(async () => (await necod.bfdSessions())[0]?.state === 'Up', { timeoutMs: 15_000, what: 'BFD Up after the reload' });
    expect((await necod.neighbor('tor1')).bfd).toBe('Up');
    await waitFor(async () => /\bUp\b/.test(await tor.birdc(['show', 'bfd', 'sessions'])), { timeoutMs: 10_000, what: 'BIRD sees BFD Up' });
    await waitFor(async () => events.some((e) => e.includes('"kind":"bfd"') && e.includes('"to":"Up"')), { timeoutMs: 5_000, what: 'a bfd event on /v1/events' });
    expect(await metrics()).toContain(`necod_bfd_session_state{peer="${TOR}",state="Up"} 1`);
    expect(await torSince()).toBe(since);
    expect((await necod.neighbor('tor1')).state).toBe('Established');
  });

  it('new intervals by reload go through a poll sequence on the same session', async () => {
    const before = (await necod.bfdSessions())[0];
    await reload({ interval: 300, multiplier: 5 });
    await waitFor(async () => (await necod.bfdSessions())[0]?.desiredMinTxUs === 300_000, { timeoutMs: 10_000, what: 'new desired TX in use' });
    const after = (await necod.bfdSessions())[0];
    expect(after?.state).toBe('Up');
    expect(after?.localDiscriminator).toBe(before?.localDiscriminator);
    expect(after?.detectMult).toBe(5);
    expect(after?.downCount).toBe(before?.downCount);
  });

  // necod ends the BFD session with AdminDown (RFC 5880 §6.8.16) and keeps its BGP session.
  // BIRD 2.0.12, still running BFD, takes that AdminDown as a failure (RFC 5882 §3.2 says it is
  // none) and resets from its side; the session comes back without BFD.
  it('a reload that turns BFD off removes the session; necod itself resets nothing', async () => {
    await reload(null);
    await waitFor(async () => (await necod.bfdSessions()).length === 0, { timeoutMs: 10_000, what: 'no BFD session after the reload' });
    expect((await necod.neighbor('tor1')).bfd).toBeUndefined();
    await waitForState(necod, 'tor1');
    const error = (await necod.neighbor('tor1')).lastError;
    expect(error === null || error.direction === 'received', JSON.stringify(error)).toBe(true);
    expect(necod.logEntries().filter((l) => l.msg === 'BFD session down')).toEqual([]);
  });
});

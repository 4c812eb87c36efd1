// Configuration reload against a real BIRD 2 ToR: an export policy change and a new static route
// reach the ToR, an import policy change is applied by route refresh, all with the session's
// uptime unchanged on both sides; a file with an error changes nothing and says FILE:LINE.
//
//   tor (BIRD, 10.69.0.1/26, AS 64600) ── necod (10.69.0.5/26, AS 64600)
import { beforeAll, describe, expect, it } from 'vitest';
import { BirdPeer, Lab, NecodPeer, cleanupStale, waitFor, waitForState, type NecodSpec } from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';

const AS = 64600;
const TOR = '10.69.0.1';
const SERVER = '10.69.0.5';

function necodSpec(community: string, statics: string[], acceptFromTor: boolean): NecodSpec {
  return {
    asn: AS,
    routerId: SERVER,
    listen: false,
    neighbors: [{ name: 'tor1', address: TOR, localAddress: SERVER, remoteAs: AS, holdTime: 30, export: 'to-tors', import: 'from-tors' }],
    extra: {
      kernel: { export: false },
      originate: { static: statics.map((prefix) => ({ prefix, blackhole: true })) },
      policies: {
        'to-tors': { rules: [{ match: { neighbors: ['static'] }, then: { 'add-communities': [community] } }] },
        'from-tors': { default: acceptFromTor ? 'accept' : 'reject', rules: [] },
      },
    },
  };
}

describe('reload against BIRD', () => {
  let lab: Lab;
  let tor: BirdPeer;
  let necod: NecodPeer;

  /** BIRD's "since" of the session: it changes whenever the session is reset. */
  const torSince = async (): Promise<string> => {
    const line = (await tor.birdc(['show', 'protocols'])).split('\n').find((l) => /\bBGP\b/.test(l)) ?? '';
    return line.trim().split(/\s+/).slice(3, 5).join(' ');
  };
  const torCommunities = async (prefix: string): Promise<string[] | null> =>
    (await tor.routes('ipv4')).find((r) => r.prefix === prefix)?.communities ?? null;

  beforeAll(async () => {
    cleanupStale();
    lab = Lab.create();
    const srv = await lab.addNamespace('srv');
    const torNs = await lab.addNamespace('tor');
    await lab.link({ ns: srv, iface: 'eth0', addrs: [`${SERVER}/26`] }, { ns: torNs, iface: 'eth0', addrs: [`${TOR}/26`] });
    tor = new BirdPeer(lab, torNs, {
      asn: AS,
      routerId: TOR,
      neighbors: [{ address: SERVER, localAddress: TOR, remoteAs: AS, holdTime: 30, routeReflectorClient: true, passive: true, bfd: false }],
      routes: [{ prefix: '10.10.0.0/24', nextHop: TOR }],
    });
    await tor.start();
    necod = new NecodPeer(lab, srv, necodSpec('64600:1', ['10.99.0.0/24'], false));
    await necod.start();
    await waitForState(necod, 'tor1');
    await waitForState(tor, SERVER);
    await waitFor(async () => (await torCommunities('10.99.0.0/24'))?.includes('64600:1') ?? false, { timeoutMs: 15_000, what: 'BIRD has 10.99.0.0/24 with 64600:1' });
  }, 60_000);
  labHooks(() => lab);

  it('applies export and import policy and static routes without resetting the session', async () => {
    const since = await torSince();
    expect(since).toMatch(/\d\d:\d\d/);
    expect(await necod.route('10.10.0.0/24')).toBeNull();
    necod.rewriteConfig(necodSpec('64600:2', ['10.99.0.0/24', '10.99.1.0/24'], true));
    const r = await necod.api('POST', '/v1/reload');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ ok: true, changed: true, plan: { restart: [], add: [], remove: [] } });
    await waitFor(async () => (await torCommunities('10.99.0.0/24'))?.includes('64600:2') ?? false, { timeoutMs: 15_000, what: 'the new community at BIRD' });
    expect(await torCommunities('10.99.0.0/24')).not.toContain('64600:1');
    await waitFor(async () => (await torCommunities('10.99.1.0/24')) !== null, { timeoutMs: 15_000, what: 'the new static route at BIRD' });
    // The import policy now accepts the ToR's route: it came back by route refresh (RFC 2918).
    await waitFor(async () => (await necod.route('10.10.0.0/24')) !== null, { timeoutMs: 15_000, what: "the ToR's route in necod" });
    const n = await necod.neighbor('tor1');
    expect(n.counters.flaps).toBe(0);
    expect(n.counters.messagesIn.open).toBe(1);
    expect(n.counters.messagesOut.routeRefresh).toBeGreaterThanOrEqual(1);
    expect(await torSince()).toBe(since);
  });

  it('refuses a file with an error whole, naming FILE:LINE, by SIGHUP and by the API', async () => {
    const before = (await necod.routeList()).total;
    lab.writeFile('necod.yaml', `router-id: ${SERVER}\nasn: ${AS}\nneighbors:\n  - {name: tor1, address: ${TOR}, remote-as: seventy}\n`);
    const r = await necod.api('POST', '/v1/reload');
    expect(r.status).toBe(422);
    const body = r.body as { ok: boolean; errors: string[] };
    expect(body.ok).toBe(false);
    expect(body.errors.join('\n')).toMatch(/necod\.yaml:4/);
    necod.signal('SIGHUP');
    await waitFor(() => necod.logEntries().some((e) => typeof e.msg === 'string' && e.msg.startsWith('configuration reload refused') && JSON.stringify(e.errors).includes('necod.yaml:4')), {
      timeoutMs: 10_000,
      what: 'the refused reload in the log',
    });
    expect((await necod.neighbor('tor1')).state).toBe('Established');
    expect((await necod.routeList()).total).toBe(before);
    expect(await torCommunities('10.99.1.0/24')).not.toBeNull();
  });
});

// BFD on the rack topology: a server (necod) with one uplink to each ToR, FRR (bgpd + bfdd) on
// tor1 and BIRD (protocol bfd, meticulous keyed SHA1) on tor2, iBGP AS 64600, both reflecting
// 10.80.0.0/16 so the kernel holds it as one ECMP route over both uplinks:
//
//   tor1 FRR (10.69.0.1/26) ── tor1/srv ── server necod (10.69.0.5/26, 10.69.1.5/26) ── tor2/srv ── BIRD tor2 (10.69.1.1/26)
//
// Sessions come Up against both; FRR changes its intervals through a poll sequence; a cut of
// tor1 (nftables drop, link up), in both directions and in each one alone, is detected by BFD,
// BGP is closed with Cease/BFD Down and held Idle, the kernel route loses tor1, and all comes
// back when packets flow again; FRR's AdminDown is no failure; BIRD restarting its BFD and FRR's
// bfdd crashing bring new discriminators, and the sessions come back. BGP hold time is 30 s, so
// nothing here can be the hold timer's doing.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BirdPeer,
  FrrPeer,
  Lab,
  NECOD_PROTOCOL,
  NecodPeer,
  cleanupStale,
  kernelRoutes,
  sleep,
  waitFor,
  waitForState,
  type BfdSessionView,
  type BfdSpec,
} from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';
import { RACK_AS, SERVER_ID, SPINE, TOR1, TOR2, rackNamespaces, torNeighbor, torSpec, type RackTor } from '../support/rack.js';

const HOLD = 30;
const PREFIX = '10.80.0.0/16';
const BFD: BfdSpec = { intervalMs: 50, multiplier: 3 };
const AUTH = { type: 'meticulous-keyed-sha1' as const, keyId: 7, secret: 'rack-secret' };

let lab: Lab;
let server: string;
let necod: NecodPeer;
let frr: FrrPeer;
let bird: BirdPeer;

const torWith = (t: RackTor, bfd: BfdSpec) => torSpec(t, { holdTime: HOLD, routes: [{ prefix: PREFIX, nextHop: SPINE }], neighbor: { bfd } });

const session = (tor: string): Promise<BfdSessionView> => necod.bfdSession(tor);

async function kernelHops(): Promise<string[]> {
  const r = (await kernelRoutes(server)).find((k) => k.prefix === PREFIX && NECOD_PROTOCOL.includes(k.protocol));
  return (r?.nextHops ?? []).map((h) => h.via).sort();
}

const waitForHops = (hops: string[], what: string) =>
  waitFor(async () => JSON.stringify(await kernelHops()) === JSON.stringify(hops), { timeoutMs: 20_000, intervalMs: 20, what });

beforeAll(async () => {
  cleanupStale();
  lab = Lab.create();
  let ns1: string, ns2: string;
  ({ server, tors: [ns1, ns2] } = await rackNamespaces(lab, [TOR1, TOR2] as const));
  frr = new FrrPeer(lab, ns1, torWith(TOR1, BFD), { name: 'tor1' });
  bird = new BirdPeer(lab, ns2, torWith(TOR2, { ...BFD, auth: AUTH }), { name: 'tor2' });
  necod = new NecodPeer(lab, server, {
    asn: RACK_AS,
    routerId: SERVER_ID,
    listen: false,
    neighbors: [
      torNeighbor(TOR1, HOLD, { extra: { bfd: true } }),
      torNeighbor(TOR2, HOLD, { extra: { bfd: { auth: { type: AUTH.type, 'key-id': AUTH.keyId, secret: AUTH.secret } } } }),
    ],
    extra: { bfd: { interval: BFD.intervalMs, multiplier: BFD.multiplier } },
  });
  await Promise.all([frr.start(), bird.start()]);
  await necod.start();
  await Promise.all([waitForState(necod, 'tor1'), waitForState(necod, 'tor2')]);
});

labHooks(() => lab, 80);

// A test that failed halfway leaves no cut behind for the next one.
afterEach(async () => {
  await lab.undropAll(server);
});

describe('BFD on both uplinks (FRR bfdd, BIRD)', () => {
  it('comes Up against FRR and against BIRD with meticulous keyed SHA1, at 50 ms', async () => {
    await waitFor(async () => (await necod.bfdSessions()).every((s) => s.state === 'Up' && s.txIntervalUs === 50_000), { timeoutMs: 20_000, what: 'both BFD sessions Up at 50 ms' });
    expect(await session(TOR2.tor)).toMatchObject({ auth: 'meticulous-keyed-sha1', discards: 0, detectTimeUs: 150_000 });
    await waitFor(async () => (await frr.bfdPeers()).get(TOR1.server)?.status === 'up', { timeoutMs: 10_000, what: 'FRR sees BFD up' });
    await waitFor(async () => (await bird.bfdSessions()).get(TOR2.server) === 'Up', { timeoutMs: 10_000, what: 'BIRD sees BFD Up' });
    expect((await necod.neighbor('tor1')).bfd).toBe('Up');
    await waitForHops([TOR1.tor, TOR2.tor], 'ECMP over both ToRs');
  });

  it('follows a change of FRR’s intervals through its poll sequence', async () => {
    await frr.setBfd(120, 3);
    const s = await waitFor(
      async () => {
        const v = await session(TOR1.tor);
        return v.remoteDesiredMinTxUs === 120_000 && v.txIntervalUs === 120_000 ? v : null;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'necod at FRR’s 120 ms' },
    );
    // Detection: FRR's multiplier × max(our min RX 50 ms, its desired TX 120 ms).
    expect(s).toMatchObject({ state: 'Up', detectTimeUs: 360_000, downCount: 0 });
    await frr.setBfd(BFD.intervalMs, BFD.multiplier);
    await waitFor(async () => (await session(TOR1.tor)).txIntervalUs === 50_000, { timeoutMs: 10_000, intervalMs: 50, what: 'back to 50 ms' });
    expect((await session(TOR1.tor)).downCount).toBe(0);
  });

  it('a cut of tor1 is detected, closes BGP with Cease/BFD Down, holds it Idle and drops the next hop', async () => {
    const cut = await lab.drop(server, TOR1.dev, 'all');
    const down = await waitFor(async () => {
      const v = await session(TOR1.tor);
      return v.state === 'Down' ? v : null;
    }, { timeoutMs: 5_000, intervalMs: 10, what: 'BFD Down towards tor1' });
    expect(down.localDiag).toBe(1);
    await waitForHops([TOR2.tor], 'the kernel route without tor1');
    expect(await necod.necodLastError('tor1')).toMatchObject({ direction: 'sent', code: 6, subcode: 10 });
    expect(await necod.sessionState('tor1')).toBe('Idle');
    // Held: connect-retry is 1 s, yet the session stays Idle while BFD is Down.
    await sleep(2500);
    expect(await necod.sessionState('tor1')).toBe('Idle');
    expect(await necod.sessionState('tor2')).toBe('Established');
    await cut.undrop();
    await waitFor(async () => (await session(TOR1.tor)).state === 'Up', { timeoutMs: 20_000, what: 'BFD Up again' });
    await waitForState(necod, 'tor1');
    await waitForHops([TOR1.tor, TOR2.tor], 'ECMP back over both ToRs');
  });

  it('FRR’s AdminDown is no failure: BGP stays up and the kernel keeps both next hops', async () => {
    const before = (await necod.neighbor('tor1')).counters.flaps;
    await frr.setBfdShutdown(true);
    const v = await waitFor(async () => {
      const s = await session(TOR1.tor);
      return s.state === 'Down' ? s : null;
    }, { timeoutMs: 5_000, intervalMs: 20, what: 'BFD Down by AdminDown' });
    expect(v).toMatchObject({ remoteState: 'AdminDown', localDiag: 3 });
    await sleep(1000);
    expect(await necod.sessionState('tor1')).toBe('Established');
    expect((await necod.neighbor('tor1')).counters.flaps).toBe(before);
    expect(await kernelHops()).toEqual([TOR1.tor, TOR2.tor]);
    await frr.setBfdShutdown(false);
    await waitFor(async () => (await session(TOR1.tor)).state === 'Up', { timeoutMs: 10_000, what: 'BFD Up after AdminDown' });
  });

  it('a cut of the direction towards the server alone: necod hears nothing and goes Down (diag 1), FRR follows', async () => {
    const cut = await lab.drop(server, TOR1.dev, 'all', 'in');
    const down = await waitFor(async () => {
      const v = await session(TOR1.tor);
      return v.state === 'Down' ? v : null;
    }, { timeoutMs: 5_000, intervalMs: 10, what: 'BFD Down towards tor1' });
    expect(down.localDiag).toBe(1);
    // necod's Down still reaches FRR, which leaves Up on it (RFC 5880 §6.8.6).
    await waitFor(async () => (await frr.bfdPeers()).get(TOR1.server)?.status !== 'up', { timeoutMs: 5_000, intervalMs: 20, what: 'FRR leaves up' });
    await waitForHops([TOR2.tor], 'the kernel route without tor1');
    expect(await necod.sessionState('tor1')).toBe('Idle');
    await cut.undrop();
    await waitFor(async () => (await session(TOR1.tor)).state === 'Up', { timeoutMs: 20_000, what: 'BFD Up again' });
    await waitForState(necod, 'tor1');
    await waitForHops([TOR1.tor, TOR2.tor], 'ECMP back over both ToRs');
  });

  it('a cut of the direction from the server alone: FRR detects it and says Down, necod goes Down with diag 3', async () => {
    const downsBefore = (await session(TOR1.tor)).downCount;
    const cut = await lab.drop(server, TOR1.dev, 'all', 'out');
    const down = await waitFor(async () => {
      const v = await session(TOR1.tor);
      return v.state !== 'Up' && v.downCount > downsBefore ? v : null;
    }, { timeoutMs: 5_000, intervalMs: 10, what: 'BFD Down towards tor1' });
    // RFC 5880 §6.8.6: the remote's Down while Up takes us Down, "Neighbor Signaled Session Down";
    // the remote's own diagnostic says why: its detection time expired.
    expect(down).toMatchObject({ localDiag: 3, remoteDiag: 1 });
    await waitForHops([TOR2.tor], 'the kernel route without tor1');
    // Closed with Cease/BFD Down: by necod, or by FRR's bgpd hearing of its own BFD Down first.
    expect(await necod.necodLastError('tor1')).toMatchObject({ code: 6, subcode: 10 });
    await cut.undrop();
    await waitFor(async () => (await session(TOR1.tor)).state === 'Up', { timeoutMs: 20_000, what: 'BFD Up again' });
    await waitForState(necod, 'tor1');
    await waitForHops([TOR1.tor, TOR2.tor], 'ECMP back over both ToRs');
  });

  it('BIRD restarting its BFD: necod goes Down, takes the new discriminator, comes back Up, and so does BGP', async () => {
    const before = await session(TOR2.tor);
    await bird.restartBfd();
    const after = await waitFor(async () => {
      const v = await session(TOR2.tor);
      return v.state === 'Up' && v.remoteDiscriminator !== before.remoteDiscriminator ? v : null;
    }, { timeoutMs: 20_000, intervalMs: 20, what: 'BFD Up with BIRD’s new discriminator' });
    // The old session ended on our side (a Down, or the peer's AdminDown) before the new one came Up.
    expect(after.downCount).toBe(before.downCount + 1);
    expect(after.upCount).toBe(before.upCount + 1);
    // BIRD sends no AdminDown as its BFD stops, and its new session's sequence numbers start
    // anew: RFC 5880 §6.7.3 refuses them while the old session's are known, so the change shows
    // as silence, the detection time expires (a failure: BGP closed), and the next packet is taken.
    expect(after.auth).toBe('meticulous-keyed-sha1');
    if (after.discards > before.discards) expect(after.lastDiscard).toBe('auth-sequence-out-of-window');
    expect(await necod.necodLastError('tor2')).toMatchObject({ direction: 'sent', code: 6, subcode: 10 });
    await waitForState(necod, 'tor2');
    await waitFor(async () => (await bird.bfdSessions()).get(TOR2.server) === 'Up', { timeoutMs: 10_000, what: 'BIRD sees BFD Up' });
    await waitForHops([TOR1.tor, TOR2.tor], 'ECMP over both ToRs');
  });

  it('FRR’s bfdd crashing and starting again: detected as a failure that closes BGP, then Up with a new discriminator and BGP back', async () => {
    const before = await session(TOR1.tor);
    const flaps = (await necod.neighbor('tor1')).counters.flaps;
    await frr.restartBfdd({ kill: true });
    const after = await waitFor(async () => {
      const v = await session(TOR1.tor);
      return v.state === 'Up' && v.remoteDiscriminator !== before.remoteDiscriminator ? v : null;
    }, { timeoutMs: 30_000, intervalMs: 20, what: 'BFD Up with bfdd’s new discriminator' });
    expect(after.downCount).toBe(before.downCount + 1);
    // Silence, not AdminDown: a failure (diag 1), so the BGP session was closed for it and comes back.
    const failure = necod.logEntries().filter((l) => l.msg === 'BFD session down' && l.neighbor === TOR1.tor).at(-1);
    expect(failure).toMatchObject({ diag: 'Control Detection Time Expired' });
    expect((await necod.neighbor('tor1')).counters.flaps).toBe(flaps + 1);
    await waitForState(necod, 'tor1');
    await waitForHops([TOR1.tor, TOR2.tor], 'ECMP back over both ToRs');
  });
});

// Multihop BFD (RFC 5883, UDP 4784) two hops away: necod on a server, a router namespace with
// forwarding on, and behind it FRR (bfdd configured with `peer X multihop local-address Y`,
// bgpd without BFD of its own) and BIRD (iBGP `multihop`, `bfd on`, its `multihop` block with
// keyed SHA1, not the meticulous kind the rack test uses):
//
//   server necod (10.71.0.5) ── rtr ── router (10.71.0.1 | 10.71.1.1, 10.71.2.1) ── far FRR (10.71.1.2)
//                                                                               └── far BIRD (10.71.2.2)
//
// Both sessions come Up as multihop sessions; a cut of one far link (nftables drop, link up) is
// detected by BFD, closes that BGP session with Cease/BFD Down and holds it Idle until the path
// is back. BGP hold time is 30 s, so nothing here can be the hold timer's doing.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BirdPeer,
  FrrPeer,
  Lab,
  NecodPeer,
  cleanupStale,
  sleep,
  waitFor,
  waitForState,
  type BfdSessionView,
  type BfdSpec,
} from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';

const AS = 64600;
const HOLD = 30;
const SERVER = '10.71.0.5';
const FRR = { addr: '10.71.1.2', gw: '10.71.1.1', net: '10.71.1.0/24' } as const;
const BIRD = { addr: '10.71.2.2', gw: '10.71.2.1', net: '10.71.2.0/24' } as const;
const BFD: BfdSpec = { intervalMs: 50, multiplier: 3 };
const AUTH = { type: 'keyed-sha1' as const, keyId: 3, secret: 'two-hops' };

let lab: Lab;
let server: string;
let nsFrr: string;
let nsBird: string;
let necod: NecodPeer;
let frr: FrrPeer;
let bird: BirdPeer;

const session = (remote: string): Promise<BfdSessionView> => necod.bfdSession(remote);

const farNeighbor = (address: string, bfd: BfdSpec | undefined) => ({
  address: SERVER,
  localAddress: address,
  remoteAs: AS,
  holdTime: HOLD,
  passive: true,
  multihop: true,
  ...(bfd ? { bfd } : {}),
});

beforeAll(async () => {
  cleanupStale();
  lab = Lab.create();
  server = await lab.addNamespace('server');
  const router = await lab.addNamespace('router');
  nsFrr = await lab.addNamespace('frr');
  nsBird = await lab.addNamespace('bird');
  await lab.link({ ns: server, iface: 'rtr', addrs: [`${SERVER}/24`] }, { ns: router, iface: 'srv', addrs: ['10.71.0.1/24'] });
  await lab.link({ ns: router, iface: 'frr', addrs: [`${FRR.gw}/24`] }, { ns: nsFrr, iface: 'rtr', addrs: [`${FRR.addr}/24`] });
  await lab.link({ ns: router, iface: 'bird', addrs: [`${BIRD.gw}/24`] }, { ns: nsBird, iface: 'rtr', addrs: [`${BIRD.addr}/24`] });
  await lab.exec(router, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  for (const net of [FRR.net, BIRD.net]) await lab.ip(server, ['route', 'add', net, 'via', '10.71.0.1']);
  await lab.ip(nsFrr, ['route', 'add', '10.71.0.0/24', 'via', FRR.gw]);
  await lab.ip(nsBird, ['route', 'add', '10.71.0.0/24', 'via', BIRD.gw]);

  frr = new FrrPeer(lab, nsFrr, { asn: AS, routerId: FRR.addr, neighbors: [farNeighbor(FRR.addr, undefined)] }, {
    name: 'far-frr',
    bfdPeers: [{ peer: SERVER, local: FRR.addr, multihop: true, bfd: BFD }],
  });
  bird = new BirdPeer(lab, nsBird, { asn: AS, routerId: BIRD.addr, neighbors: [farNeighbor(BIRD.addr, { ...BFD, auth: AUTH })] }, { name: 'far-bird' });
  const bfd = (extra: Record<string, unknown> = {}) => ({ bfd: { multihop: true, ...extra } });
  necod = new NecodPeer(lab, server, {
    asn: AS,
    routerId: '10.0.0.15',
    listen: false,
    neighbors: [
      { name: 'frr', address: FRR.addr, localAddress: SERVER, remoteAs: AS, holdTime: HOLD, extra: bfd() },
      { name: 'bird', address: BIRD.addr, localAddress: SERVER, remoteAs: AS, holdTime: HOLD, extra: bfd({ auth: { type: AUTH.type, 'key-id': AUTH.keyId, secret: AUTH.secret } }) },
    ],
    extra: { bfd: { interval: BFD.intervalMs, multiplier: BFD.multiplier } },
  });
  await Promise.all([frr.start(), bird.start()]);
  await necod.start();
  await Promise.all([waitForState(necod, 'frr'), waitForState(necod, 'bird')]);
});

labHooks(() => lab, 80);

describe('multihop BFD across a router (RFC 5883)', () => {
  it('comes Up as a multihop session against FRR bfdd and against BIRD with keyed SHA1', async () => {
    await waitFor(async () => (await necod.bfdSessions()).every((s) => s.state === 'Up' && s.txIntervalUs === 50_000), { timeoutMs: 20_000, what: 'both BFD sessions Up at 50 ms' });
    expect(await session(FRR.addr)).toMatchObject({ multihop: true, local: SERVER, auth: null, discards: 0 });
    expect(await session(BIRD.addr)).toMatchObject({ multihop: true, local: SERVER, auth: 'keyed-sha1', discards: 0, detectTimeUs: 150_000 });
    const peer = await waitFor(async () => {
      const p = (await frr.bfdPeers()).get(SERVER);
      return p?.status === 'up' ? p : null;
    }, { timeoutMs: 10_000, what: 'FRR sees the multihop peer up' });
    expect(peer.remoteTransmitInterval).toBe(50);
    await waitFor(async () => (await bird.bfdSessions()).get(SERVER) === 'Up', { timeoutMs: 10_000, what: 'BIRD sees BFD Up' });
    // RFC 5883 §5: 4784 is the multihop port; BIRD names the session's interface "---" when it has none.
    const birdText = await bird.birdc(['show', 'bfd', 'sessions']);
    expect(birdText).toMatch(new RegExp(`${SERVER.replaceAll('.', '\\.')}\\s+---\\s+Up`));
    expect((await necod.neighbor('frr')).bfd).toBe('Up');
  });

  it('a cut of the far link to FRR is detected two hops away, closes BGP and holds it Idle until the path is back', async () => {
    const cut = await lab.drop(nsFrr, 'rtr', 'all');
    const down = await waitFor(async () => {
      const v = await session(FRR.addr);
      return v.state === 'Down' ? v : null;
    }, { timeoutMs: 5_000, intervalMs: 10, what: 'BFD Down towards FRR' });
    expect(down.localDiag).toBe(1);
    expect(await necod.necodLastError('frr')).toMatchObject({ direction: 'sent', code: 6, subcode: 10 });
    expect(await necod.sessionState('frr')).toBe('Idle');
    await sleep(2500);
    expect(await necod.sessionState('frr')).toBe('Idle');
    expect(await necod.sessionState('bird')).toBe('Established');
    expect((await session(BIRD.addr)).state).toBe('Up');
    await cut.undrop();
    await waitFor(async () => (await session(FRR.addr)).state === 'Up', { timeoutMs: 20_000, what: 'BFD Up again' });
    await waitForState(necod, 'frr');
  });

  it('a cut of the far link to BIRD is detected the same way over keyed SHA1', async () => {
    const cut = await lab.drop(nsBird, 'rtr', 'all');
    const down = await waitFor(async () => {
      const v = await session(BIRD.addr);
      return v.state === 'Down' ? v : null;
    }, { timeoutMs: 5_000, intervalMs: 10, what: 'BFD Down towards BIRD' });
    expect(down).toMatchObject({ localDiag: 1, discards: 0 });
    expect(await necod.necodLastError('bird')).toMatchObject({ direction: 'sent', code: 6, subcode: 10 });
    expect(await necod.sessionState('frr')).toBe('Established');
    await cut.undrop();
    await waitFor(async () => (await session(BIRD.addr)).state === 'Up', { timeoutMs: 20_000, what: 'BFD Up again' });
    await waitForState(necod, 'bird');
  });
});

// Proves the interop harness by peering the real daemons with each other in namespaces:
//
//   BIRD (AS 65001) ── bf/fb ── FRR (AS 65002) ── fg/gf ── GoBGP (AS 65003)
//        └──────────────── bg/gb ───────────────────────────────┘
//                                  FRR ── fe/ef ── ExaBGP (AS 65004)
//
// BIRD↔FRR run an IPv4 and an IPv6 session; all others IPv4. Hold time 3 s everywhere.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BirdPeer,
  ExabgpPeer,
  FrrPeer,
  GobgpPeer,
  Lab,
  cleanupStale,
  run,
  waitFor,
  waitForNoRoute,
  waitForNotEstablished,
  waitForRoute,
  waitForState,
  type BgpPeer,
  type LastError,
} from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';

const HOLD = 3;

const A = {
  bf: '10.0.1.1', fb: '10.0.1.2', bf6: 'fd00:1::1', fb6: 'fd00:1::2',
  fg: '10.0.2.1', gf: '10.0.2.2',
  bg: '10.0.3.1', gb: '10.0.3.2',
  fe: '10.0.4.1', ef: '10.0.4.2',
} as const;

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'; // a zombie is dead
  } catch {
    return false;
  }
}

describe('interop harness: real daemons in namespaces', () => {
  let lab: Lab;
  let bird: BirdPeer;
  let frr: FrrPeer;
  let gobgp: GobgpPeer;
  let exa: ExabgpPeer;

  beforeAll(async () => {
    cleanupStale();
    lab = Lab.create();
    const nb = await lab.addNamespace('bird');
    const nf = await lab.addNamespace('frr');
    const ng = await lab.addNamespace('gobgp');
    const ne = await lab.addNamespace('exa');
    await lab.link({ ns: nb, iface: 'bf', addrs: [`${A.bf}/24`, `${A.bf6}/64`] }, { ns: nf, iface: 'fb', addrs: [`${A.fb}/24`, `${A.fb6}/64`] });
    await lab.link({ ns: nf, iface: 'fg', addrs: [`${A.fg}/24`] }, { ns: ng, iface: 'gf', addrs: [`${A.gf}/24`] });
    await lab.link({ ns: nb, iface: 'bg', addrs: [`${A.bg}/24`] }, { ns: ng, iface: 'gb', addrs: [`${A.gb}/24`] });
    await lab.link({ ns: nf, iface: 'fe', addrs: [`${A.fe}/24`] }, { ns: ne, iface: 'ef', addrs: [`${A.ef}/24`] });
    await lab.addBridge(nb, 'node0', ['10.255.0.1/32']);

    bird = new BirdPeer(lab, nb, {
      asn: 65001,
      routerId: '10.255.0.1',
      neighbors: [
        { address: A.fb, remoteAs: 65002, holdTime: HOLD, bfd: false },
        { address: A.fb6, remoteAs: 65002, holdTime: HOLD, bfd: false },
        { address: A.gb, remoteAs: 65003, holdTime: HOLD },
      ],
      routes: [
        { prefix: '10.101.0.0/24', communities: ['65001:101'], largeCommunities: ['65001:1:2'] },
        { prefix: 'fd00:101::/48', communities: ['65001:601'], largeCommunities: ['65001:6:1'] },
      ],
    });
    frr = new FrrPeer(lab, nf, {
      asn: 65002,
      routerId: '10.255.0.2',
      neighbors: [
        { address: A.bf, remoteAs: 65001, holdTime: HOLD },
        { address: A.bf6, remoteAs: 65001, holdTime: HOLD },
        { address: A.gf, remoteAs: 65003, holdTime: HOLD },
        { address: A.ef, remoteAs: 65004, holdTime: HOLD },
      ],
      routes: [{ prefix: '10.102.0.0/24', communities: ['65002:102'], med: 7 }, { prefix: 'fd00:102::/48' }],
    });
    gobgp = new GobgpPeer(lab, ng, {
      asn: 65003,
      routerId: '10.255.0.3',
      neighbors: [
        { address: A.fg, remoteAs: 65002, holdTime: HOLD },
        { address: A.bg, remoteAs: 65001, holdTime: HOLD },
      ],
    });
    exa = new ExabgpPeer(lab, ne, {
      asn: 65004,
      routerId: '10.255.0.4',
      neighbors: [{ address: A.fe, remoteAs: 65002, holdTime: HOLD, localAddress: A.ef }],
      routes: [{ prefix: '10.106.0.0/24', communities: ['65004:106'] }],
    });
    await Promise.all([bird.start(), frr.start(), gobgp.start(), exa.start()]);
  });

  labHooks(() => lab);

  it('brings every session to Established', async () => {
    const pairs: [BgpPeer, string][] = [
      [bird, A.fb], [frr, A.bf], [bird, A.fb6], [frr, A.bf6],
      [frr, A.gf], [gobgp, A.fg],
      [bird, A.gb], [gobgp, A.bg],
      [frr, A.ef], [exa, A.fe],
    ];
    await Promise.all(pairs.map(([p, n]) => waitForState(p, n)));
    // The dummy-interface stand-in carries its /32.
    const { stdout } = await lab.ip(bird.ns, ['-o', 'addr', 'show', 'dev', 'node0']);
    expect(stdout).toContain('10.255.0.1/32');
  });

  it('carries configured routes with their attributes, IPv4 and IPv6', async () => {
    const atFrr = await waitForRoute(frr, 'ipv4', '10.101.0.0/24', (r) => r.peer === A.bf);
    expect(atFrr).toMatchObject({
      nextHop: A.bf,
      asPath: [65001],
      communities: ['65001:101'],
      largeCommunities: ['65001:1:2'],
    });
    const v6 = await waitForRoute(frr, 'ipv6', 'fd00:101::/48', (r) => r.peer === A.bf6);
    expect(v6).toMatchObject({ nextHop: A.bf6, asPath: [65001], communities: ['65001:601'], largeCommunities: ['65001:6:1'] });

    const atBird = await waitForRoute(bird, 'ipv4', '10.102.0.0/24', (r) => r.peer === A.fb);
    expect(atBird).toMatchObject({ nextHop: A.fb, asPath: [65002], communities: ['65002:102'], med: 7 });
    await waitForRoute(bird, 'ipv6', 'fd00:102::/48', (r) => r.peer === A.fb6);

    const atGobgp = await waitForRoute(gobgp, 'ipv4', '10.101.0.0/24', (r) => r.peer === A.bg);
    expect(atGobgp).toMatchObject({ asPath: [65001], communities: ['65001:101'], largeCommunities: ['65001:1:2'] });

    // ExaBGP's static route reaches BIRD through FRR; BIRD's reaches ExaBGP the same way.
    const fromExa = await waitForRoute(bird, 'ipv4', '10.106.0.0/24', (r) => r.peer === A.fb);
    expect(fromExa).toMatchObject({ asPath: [65002, 65004], communities: ['65004:106'] });
    const atExa = await waitForRoute(exa, 'ipv4', '10.101.0.0/24', (r) => r.peer === A.fe);
    expect(atExa).toMatchObject({ nextHop: A.fe, asPath: [65002, 65001], largeCommunities: ['65001:1:2'] });
  });

  it('announces and withdraws at run time on every daemon', async () => {
    await gobgp.announce('10.103.0.0/24', { communities: ['65003:103'], largeCommunities: ['65003:1:3'], med: 30 });
    await frr.announce('10.104.0.0/24', { largeCommunities: ['65002:1:4'] });
    await bird.announce('10.105.0.0/24', { communities: ['65001:105'] });
    await exa.announce('10.107.0.0/24', { med: 70 });

    const g = await waitForRoute(bird, 'ipv4', '10.103.0.0/24', (r) => r.peer === A.gb);
    expect(g).toMatchObject({ nextHop: A.gb, asPath: [65003], communities: ['65003:103'], largeCommunities: ['65003:1:3'], med: 30 });
    expect((await waitForRoute(bird, 'ipv4', '10.104.0.0/24', (r) => r.peer === A.fb)).largeCommunities).toEqual(['65002:1:4']);
    expect((await waitForRoute(frr, 'ipv4', '10.105.0.0/24', (r) => r.peer === A.bf)).communities).toEqual(['65001:105']);
    expect((await waitForRoute(frr, 'ipv4', '10.107.0.0/24', (r) => r.peer === A.ef)).med).toBe(70);
    // Every daemon lists what it originates itself with peer null.
    for (const [p, prefix] of [[gobgp, '10.103.0.0/24'], [frr, '10.104.0.0/24'], [bird, '10.105.0.0/24'], [exa, '10.107.0.0/24']] as const) {
      expect((await p.routes('ipv4')).some((r) => r.prefix === prefix && r.peer === null)).toBe(true);
    }

    await Promise.all([
      gobgp.withdraw('10.103.0.0/24'),
      frr.withdraw('10.104.0.0/24'),
      bird.withdraw('10.105.0.0/24'),
      exa.withdraw('10.107.0.0/24'),
    ]);
    await Promise.all([
      waitForNoRoute(bird, 'ipv4', '10.103.0.0/24'),
      waitForNoRoute(bird, 'ipv4', '10.104.0.0/24'),
      waitForNoRoute(frr, 'ipv4', '10.105.0.0/24'),
      waitForNoRoute(frr, 'ipv4', '10.107.0.0/24'),
    ]);
  });

  it('drops sessions after the hold time when nftables drops TCP/179, and recovers', async () => {
    // On FRR's side of two links: BIRD↔FRR (both sessions) and FRR↔GoBGP.
    const drops = await Promise.all([lab.drop(frr.ns, 'fb'), lab.drop(frr.ns, 'fg')]);
    await Promise.all([
      waitForNotEstablished(bird, A.fb, 15_000),
      waitForNotEstablished(bird, A.fb6, 15_000),
      waitForNotEstablished(frr, A.bf, 15_000),
      waitForNotEstablished(frr, A.gf, 15_000),
      waitForNotEstablished(gobgp, A.fg, 15_000),
    ]);
    // Sessions on other links are untouched.
    expect(await bird.sessionState(A.gb)).toBe('Established');
    expect(await frr.sessionState(A.ef)).toBe('Established');
    // Every side noticed the silence itself: NOTIFICATION Hold Timer Expired, sent (and lost).
    expect(await frr.lastError(A.bf)).toMatchObject({ direction: 'sent', code: 4, subcode: 0 });
    expect(await bird.lastError(A.fb)).toMatchObject({ direction: 'sent', code: 4, subcode: 0 });
    expect(await gobgp.lastError(A.fg)).toMatchObject({ direction: 'sent', code: 4, subcode: 0 });
    // Routes learned over the dead sessions are gone.
    await waitForNoRoute(bird, 'ipv4', '10.102.0.0/24');

    await Promise.all(drops.map((d) => d.undrop()));
    await Promise.all([
      waitForState(bird, A.fb, 'Established', 30_000),
      waitForState(bird, A.fb6, 'Established', 30_000),
      waitForState(frr, A.bf, 'Established', 30_000),
      waitForState(frr, A.bf6, 'Established', 30_000),
      waitForState(frr, A.gf, 'Established', 30_000),
      waitForState(gobgp, A.fg, 'Established', 30_000),
    ]);
    await waitForRoute(bird, 'ipv4', '10.102.0.0/24', (r) => r.peer === A.fb);
  });

  it('shows the shutdown communication the peer sent (last: leaves BIRD↔GoBGP down)', async () => {
    await Promise.all([
      bird.disableNeighbor(A.fb, 'bird to frr, back soon'),
      frr.disableNeighbor(A.gf, 'frr to gobgp, maintenance 42'),
      // GoBGP 3.10 sends a shutdown communication only with an Administrative Reset.
      gobgp.resetNeighbor(A.bg, 'gobgp to bird, upgrade'),
      // No message: ExaBGP 4.2 cannot decode a non-empty shutdown communication (README).
      frr.disableNeighbor(A.ef),
    ]);
    // Wait for the receiving side to record the NOTIFICATION, not just for the session to drop.
    const cease = (p: BgpPeer, n: string): Promise<LastError> =>
      waitFor(async () => {
        const e = await p.lastError(n);
        return e?.code === 6 && e.direction === 'received' ? e : null;
      }, { timeoutMs: 10_000, what: `${p.kind} to record the Cease from ${n}` });
    const [atFrr, atGobgp, atBird, atExa] = await Promise.all([
      cease(frr, A.bf),
      cease(gobgp, A.fg),
      cease(bird, A.gb),
      cease(exa, A.fe),
    ]);
    expect(atExa).toMatchObject({ subcode: 2, message: null });
    expect(atFrr).toMatchObject({ subcode: 2, message: 'bird to frr, back soon' });
    expect(atGobgp).toMatchObject({ subcode: 2, message: 'frr to gobgp, maintenance 42' });
    expect(atBird).toMatchObject({ subcode: 4, message: 'gobgp to bird, upgrade' });
    // The sending side's own view.
    expect(await bird.lastError(A.fb)).toMatchObject({ direction: 'sent', code: 6, subcode: 2, message: 'bird to frr, back soon' });
    expect(await frr.lastError(A.gf)).toMatchObject({ direction: 'sent', code: 6, subcode: 2 });
    expect(await gobgp.lastError(A.bg)).toMatchObject({ direction: 'sent', code: 6, subcode: 4, message: 'gobgp to bird, upgrade' });

    await Promise.all([bird.enableNeighbor(A.fb), frr.enableNeighbor(A.gf)]);
    await Promise.all([waitForState(frr, A.bf), waitForState(gobgp, A.fg)]);
    // BIRD↔GoBGP stays down: after its own reset GoBGP 3.10 idles for 30 s.
  });

  it('destroy() leaves no namespace and no process behind, and is safe to call twice', async () => {
    const namespaces = lab.namespaces();
    const pids = [bird.pid, frr.pid, gobgp.pid, exa.pid];
    for (const ns of namespaces) {
      const { stdout } = await run(['ip', 'netns', 'pids', ns]);
      pids.push(...stdout.split('\n').filter((s) => s !== '').map(Number));
    }
    expect(pids.every((p) => p > 0)).toBe(true);
    expect(pids.length).toBeGreaterThan(4); // ExaBGP's API helper runs beside it
    await lab.destroy();
    await lab.destroy();
    const { stdout } = await run(['ip', 'netns', 'list']);
    for (const ns of namespaces) expect(stdout).not.toContain(ns);
    expect(pids.filter(alive)).toEqual([]);
    if (process.env.NECOD_TEST_KEEP !== '1') expect(() => readFileSync(lab.path('bird.conf'))).toThrow();
  });
});

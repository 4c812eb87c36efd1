// RFC 7606 on live sessions: per case, a scripted peer (test/support/scripted-peer.ts)
// establishes an iBGP session to necod as a neighbor of its own (so no case waits out another's
// idle hold time), announces a route, then sends one hand-made malformed UPDATE for it; a BIRD 2 witness holds a second session to necod the whole time. Per case, necod must
// give the RFC's reaction (treat-as-withdraw: the route is gone and the session stays up;
// attribute-discard: the route is kept, updated, without the bad attribute; session reset: the
// NOTIFICATION code/subcode arrives and the offender's routes are gone) while the witness's
// session never drops and its route stays.
//
//   ns "peer": offenders 10.0.7.11… (scripted), witness 10.0.7.3 (BIRD, AS 65001)  ── veth ──  ns "necod": 10.0.7.2, AS 65000
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AS4_CONTEXT, makeAttribute, packAnnouncements, prefixListFrom, type PathAttribute } from '../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../src/net/index.js';
import { ScriptedPeer } from '../support/scripted-peer.js';
import { BirdPeer, Lab, NecodPeer, cleanupStale, waitFor, waitForState, type RouteView } from './harness/index.js';

const AS = 65000;
const WITNESS_AS = 65001;
const NECOD = '10.0.7.2';
const offender = (n: number) => `10.0.7.${10 + n}`;
const WITNESS = '10.0.7.3';
const WITNESS_ROUTE = '10.55.0.0/24';

/** One path attribute as bytes, flags and length as given (the length byte follows the value unless told). */
function attr(flags: number, code: number, value: number[], length = value.length): number[] {
  return flags & 0x10 ? [flags, code, length >> 8, length & 0xff, ...value] : [flags, code, length, ...value];
}

const ORIGIN_IGP = attr(0x40, 1, [0]);
const AS_PATH_EMPTY = attr(0x40, 2, []);
const NEXT_HOP = attr(0x40, 3, [10, 0, 7, 3]);
const LOCAL_PREF = attr(0x40, 5, [0, 0, 0, 100]);
/** COMMUNITIES 65000:n — marks which UPDATE a kept route came from. */
const marker = (n: number) => attr(0xc0, 8, [0xfd, 0xe8, n >> 8, n & 0xff]);

/** An UPDATE with these raw attributes and one IPv4 prefix "a.b.c.0/24" in the NLRI. */
function update(attrs: number[], prefix: string): Uint8Array {
  const [a, b, c] = prefix.split(/[./]/).map(Number) as [number, number, number];
  const nlri = [24, a, b, c];
  const body = [0, 0, attrs.length >> 8, attrs.length & 0xff, ...attrs, ...nlri];
  const total = 19 + body.length;
  return Uint8Array.from([...new Array<number>(16).fill(0xff), total >> 8, total & 0xff, 2, ...body]);
}

/** The valid announcement each case starts from, built by necod's own codec. */
function valid(prefix: string): Uint8Array {
  const attrs: PathAttribute[] = [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', []), makeAttribute('NEXT_HOP', parseIpv4(WITNESS)!), makeAttribute('LOCAL_PREF', 100), makeAttribute('COMMUNITIES', [(65000 * 65536) >>> 0])];
  const [m] = packAnnouncements(attrs, prefixListFrom(1, [prefix]), AS4_CONTEXT);
  return m as Uint8Array;
}

type Reaction = { kind: 'treat-as-withdraw' } | { kind: 'attribute-discard'; gone: string } | { kind: 'session-reset'; code: number; subcode: number };

interface Case {
  name: string;
  /** The malformed message for prefix (case n uses marker community 65000:n where it can). */
  message(prefix: string, n: number): Uint8Array;
  want: Reaction;
}

const CASES: Case[] = [
  { name: 'ORIGIN with an undefined value (RFC 7606 §7.1)', message: (p, n) => update([...attr(0x40, 1, [3]), ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'AS_PATH whose segment overruns the attribute (RFC 7606 §7.2)', message: (p, n) => update([...ORIGIN_IGP, ...attr(0x40, 2, [2, 3, 0, 0, 0xfd, 0xe9]), ...NEXT_HOP, ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'NEXT_HOP of 5 octets (RFC 7606 §7.3)', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...attr(0x40, 3, [10, 0, 7, 1, 0]), ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'MULTI_EXIT_DISC of 3 octets (RFC 7606 §7.4)', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...attr(0x80, 4, [0, 0, 5]), ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'LOCAL_PREF of 2 octets from an internal peer (RFC 7606 §7.5)', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...attr(0x40, 5, [0, 100]), ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'ATOMIC_AGGREGATE of 1 octet (RFC 7606 §7.6)', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...attr(0x40, 6, [1]), ...marker(n)], p), want: { kind: 'attribute-discard', gone: 'ATOMIC_AGGREGATE' } },
  { name: 'AGGREGATOR of 5 octets on a 4-octet session (RFC 7606 §7.7)', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...attr(0xc0, 7, [0, 0, 0xfd, 0xe8, 10]), ...marker(n)], p), want: { kind: 'attribute-discard', gone: 'AGGREGATOR' } },
  { name: 'COMMUNITIES of 5 octets (RFC 7606 §7.8)', message: (p) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...attr(0xc0, 8, [0xfd, 0xe8, 0, 1, 0])], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'MULTI_EXIT_DISC twice: the repeat is discarded (RFC 7606 §3(g))', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...attr(0x80, 4, [0, 0, 0, 5]), ...attr(0x80, 4, [0, 0, 0, 7]), ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'attribute-discard', gone: 'the second MULTI_EXIT_DISC' } },
  { name: 'ORIGIN missing (RFC 7606 §3(d))', message: (p, n) => update([...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  { name: 'ORIGIN with the Optional bit set: attribute flags error (RFC 7606 §3(c))', message: (p, n) => update([...attr(0xc0, 1, [0]), ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...marker(n)], p), want: { kind: 'treat-as-withdraw' } },
  {
    name: 'MP_REACH_NLRI with a 5-octet IPv6 next hop (RFC 7606 §7.11)',
    message: (p, n) => update([...attr(0x90, 14, [0, 2, 1, 5, 0xfd, 0, 0, 7, 1, 0]), ...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...marker(n)], p),
    want: { kind: 'session-reset', code: 3, subcode: 9 },
  },
  { name: 'an unrecognized well-known attribute (RFC 4271 §6.3)', message: (p, n) => update([...ORIGIN_IGP, ...AS_PATH_EMPTY, ...NEXT_HOP, ...LOCAL_PREF, ...attr(0x40, 99, [1, 2]), ...marker(n)], p), want: { kind: 'session-reset', code: 3, subcode: 2 } },
  {
    name: 'an UPDATE shorter than its minimum length: header error (RFC 4271 §6.1)',
    message: () => Uint8Array.from([...new Array<number>(16).fill(0xff), 0, 20, 2, 0]),
    want: { kind: 'session-reset', code: 1, subcode: 2 },
  },
];

describe('RFC 7606 reactions on a live session, a witness session beside it', () => {
  let lab: Lab;
  let necod: NecodPeer;
  let witness: BirdPeer;
  let nsPeer: string;
  /** When necod last saw the witness session come up; any flap changes it. */
  let witnessSince: unknown;

  const pathsOf = (r: RouteView | null, n: number) => (r?.paths ?? []).filter((p) => p.source === `offender${n}`);
  const witnessSinceNow = async () => (await necod.neighbor('witness')).since;

  beforeAll(async () => {
    cleanupStale();
    lab = Lab.create();
    const nsNecod = await lab.addNamespace('necod');
    nsPeer = await lab.addNamespace('peer');
    await lab.link({ ns: nsNecod, iface: 'peers', addrs: [`${NECOD}/24`] }, { ns: nsPeer, iface: 'necod', addrs: [`${WITNESS}/24`, ...CASES.map((_c, i) => `${offender(i + 1)}/24`)] });
    witness = new BirdPeer(lab, nsPeer, {
      asn: WITNESS_AS,
      routerId: WITNESS,
      neighbors: [{ address: NECOD, localAddress: WITNESS, remoteAs: AS, holdTime: 9, passive: true, bfd: false }],
      routes: [{ prefix: WITNESS_ROUTE, nextHop: WITNESS }],
    }, { name: 'witness' });
    necod = new NecodPeer(lab, nsNecod, {
      asn: AS,
      routerId: NECOD,
      neighbors: [
        ...CASES.map((_c, i) => ({ name: `offender${i + 1}`, address: offender(i + 1), remoteAs: AS, passive: true, holdTime: 9 })),
        { name: 'witness', address: WITNESS, localAddress: NECOD, remoteAs: WITNESS_AS, holdTime: 9 },
      ],
    });
    await witness.start();
    await necod.start();
    await waitForState(necod, 'witness');
    await waitFor(async () => (await necod.route(WITNESS_ROUTE))?.paths.some((p) => p.source === 'witness'), { timeoutMs: 20_000, what: `witness route ${WITNESS_ROUTE}` });
    witnessSince = await witnessSinceNow();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(lab.logs(60));
    // The witness never noticed: same session, its route still there.
    expect(await necod.sessionState('witness')).toBe('Established');
    expect(await witnessSinceNow()).toEqual(witnessSince);
    expect((await necod.route(WITNESS_ROUTE))?.paths.some((p) => p.source === 'witness')).toBe(true);
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  CASES.forEach((c, i) => {
    const n = i + 1;
    const prefix = `10.60.${n}.0/24`;
    it(`${c.name}: ${c.want.kind}`, async () => {
      const name = `offender${n}`;
      await waitForState(necod, name, 'Active');
      const peer = await ScriptedPeer.establish(lab, nsPeer, { host: NECOD, localAddress: offender(n), asn: AS, routerId: offender(n), holdTime: 9 });
      try {
        await waitForState(necod, name);
        peer.send(valid(prefix));
        await waitFor(async () => pathsOf(await necod.route(prefix), n).length === 1, { timeoutMs: 10_000, what: `${prefix} from the offender` });
        const before = peer.received.length;
        peer.send(c.message(prefix, n));
        const want = c.want;
        if (want.kind === 'session-reset') {
          const got = await peer.notification();
          expect([got.code, got.subcode]).toEqual([want.code, want.subcode]);
          await waitFor(async () => pathsOf(await necod.route(prefix), n).length === 0, { timeoutMs: 10_000, what: `${prefix} gone with the session` });
          return;
        }
        if (want.kind === 'treat-as-withdraw') {
          await waitFor(async () => pathsOf(await necod.route(prefix), n).length === 0, { timeoutMs: 10_000, what: `${prefix} withdrawn` });
        } else {
          const [path] = await waitFor(
            async () => {
              const ps = pathsOf(await necod.route(prefix), n);
              return ps.length === 1 && ps[0]?.communities.includes(`65000:${n}`) ? ps : null;
            },
            { timeoutMs: 10_000, what: `${prefix} updated by the UPDATE with the bad attribute` },
          );
          const names = Object.keys(path?.attributes ?? {});
          if (want.gone === 'the second MULTI_EXIT_DISC') expect(path?.med).toBe(5);
          else expect(names).not.toContain(want.gone);
          expect(names).toContain('COMMUNITIES');
        }
        // The session is still up: a KEEPALIVE round later, no NOTIFICATION, still Established.
        await waitFor(() => peer.received.slice(before).some((m) => m.type === 4), { timeoutMs: 10_000, what: 'a KEEPALIVE after the malformed UPDATE' });
        expect(peer.received.some((m) => m.type === 3)).toBe(false);
        expect(peer.closed).toBe(false);
        expect(await necod.sessionState(name)).toBe('Established');
      } finally {
        peer.close();
        await waitFor(async () => (await necod.sessionState(name)) !== 'Established', { timeoutMs: 15_000, what: 'the offender session closed' });
      }
    });
  });
});

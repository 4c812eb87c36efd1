// Outbound Route Filtering with FRR (RFC 5291, RFC 5292): FRR pushes its inbound prefix list to
// necod in a ROUTE-REFRESH (`clear ... in prefix-filter`), the session stays up, and necod
// re-sends only what the list permits; removing the list sends everything again.
//
//   necod (AS 65000) 10.0.1.2 ── s-a ── 10.0.1.1 FRR (AS 65001)
//
// FRR keeps what necod sent before its own policy (soft-reconfiguration inbound), so the test
// sees what necod put on the wire, not what FRR's prefix list let through.
import { beforeAll, describe, expect, it } from 'vitest';
import { FrrPeer, Lab, NecodPeer, cleanupStale, waitFor, waitForState } from './harness/index.js';
import { labHooks } from '../support/lab/hooks.js';

const N = '10.0.1.2';
const F = '10.0.1.1';
const ANNOUNCED = ['10.77.1.0/24', '10.77.2.0/24', '10.78.0.0/16'];

describe('ORF: FRR prefix-list pushed to necod', () => {
  let lab: Lab;
  let necod: NecodPeer;
  let frr: FrrPeer;

  /** What necod sent FRR, before FRR's inbound policy. */
  const received = async (): Promise<string[]> => {
    const doc = (await frr.vtyshJson(`show bgp ipv4 unicast neighbors ${N} received-routes json`)) as { receivedRoutes?: Record<string, unknown> };
    return Object.keys(doc.receivedRoutes ?? {}).sort();
  };
  const waitForReceived = (want: string[]): Promise<string[]> =>
    waitFor(
      async () => {
        const got = await received();
        if (JSON.stringify(got) === JSON.stringify(want)) return got;
        throw new Error(`FRR has ${JSON.stringify(got)}`);
      },
      { timeoutMs: 15_000, what: `FRR receiving ${want.join(', ')} from necod` },
    );

  beforeAll(async () => {
    cleanupStale();
    lab = Lab.create();
    const nsN = await lab.addNamespace('necod');
    const nsF = await lab.addNamespace('frr');
    await lab.link({ ns: nsN, iface: 's-a', addrs: [`${N}/24`] }, { ns: nsF, iface: 's-a', addrs: [`${F}/24`] });
    frr = new FrrPeer(lab, nsF, { asn: 65001, routerId: '10.255.0.1', neighbors: [{ address: N, localAddress: F, remoteAs: 65000, holdTime: 3, passive: true, bfd: false }] });
    necod = new NecodPeer(lab, nsN, {
      asn: 65000,
      routerId: '10.255.0.2',
      neighbors: [{ name: 'frr', address: F, localAddress: N, remoteAs: 65001, holdTime: 3, capabilities: { 'prefix-orf': true } }],
    });
    await frr.start();
    await necod.start();
    await frr.vtysh([
      'configure terminal',
      'ip prefix-list FROM-NECOD seq 5 permit 10.77.0.0/16 le 24',
      'router bgp 65001',
      'address-family ipv4 unicast',
      `neighbor ${N} soft-reconfiguration inbound`,
      `neighbor ${N} capability orf prefix-list both`,
      `neighbor ${N} prefix-list FROM-NECOD in`,
    ]);
    await waitForState(necod, 'frr');
    await waitForState(frr, N);
    for (const p of ANNOUNCED) await necod.announce(p);
  });

  labHooks(() => lab);

  it('negotiates the ORF capability with FRR, necod receiving and FRR sending', async () => {
    type FrrOrf = { addressFamilyInfo?: { ipv4Unicast?: { afDependentCap?: { orfPrefixList?: { recvMode?: string } } } } };
    const n = (await frr.vtyshJson(`show bgp neighbors ${N} json`)) as Record<string, FrrOrf>;
    // FRR lists necod's receive mode under recvMode: "advertised" by FRR too and "received" from
    // necod, which is what lets FRR send its prefix list.
    expect(n[N]?.addressFamilyInfo?.ipv4Unicast?.afDependentCap?.orfPrefixList?.recvMode).toBe('advertisedAndReceived');
  });

  it('takes the prefix-list ORF in a ROUTE-REFRESH without dropping the session and re-sends only what it permits', async () => {
    const before = await necod.neighbor('frr');
    await frr.vtysh([`clear bgp ipv4 unicast ${N} in prefix-filter`]);
    // FRR may hold just the permitted routes already (its inbound list filtered them): wait for
    // the refresh itself and necod's answer, not only for FRR's table.
    await waitFor(
      async () => {
        const c = (await necod.neighbor('frr')).counters;
        return c.messagesIn.routeRefresh > before.counters.messagesIn.routeRefresh && c.messagesOut.update > before.counters.messagesOut.update;
      },
      { timeoutMs: 15_000, what: 'the ROUTE-REFRESH with the ORF received and answered' },
    );
    await waitForReceived(['10.77.1.0/24', '10.77.2.0/24']);
    const after = await necod.neighbor('frr');
    expect(after.state).toBe('Established');
    expect(after.counters.flaps).toBe(before.counters.flaps);
    expect(after.counters.messagesIn.routeRefresh).toBeGreaterThan(before.counters.messagesIn.routeRefresh);
    expect(after.counters.messagesOut.update).toBeGreaterThan(before.counters.messagesOut.update);
    // The one error on record is FRR's Cease when its ORF setting changed, before this test.
    expect(after.lastError).toEqual(before.lastError);
  });

  it('sends everything again once FRR removes its prefix list', async () => {
    await frr.vtysh(['configure terminal', 'router bgp 65001', 'address-family ipv4 unicast', `no neighbor ${N} prefix-list FROM-NECOD in`]);
    await frr.vtysh([`clear bgp ipv4 unicast ${N} in prefix-filter`]);
    await waitForReceived([...ANNOUNCED].sort());
    expect((await necod.neighbor('frr')).state).toBe('Established');
  });
});

import { describe, expect, it } from 'vitest';
import { sleep } from '../../support/wait.js';
import {
  AS4_CONTEXT,
  decodeMessage,
  decodeResultToJSON,
  prefixListFrom,
} from '../../../src/bgp/wire/index.js';
import { parseIpv4, type Family } from '../../../src/net/index.js';
import { Exporter } from '../../../src/rib/exporter.js';
import { applyOrfEntries } from '../../../src/rib/orf-filter.js';
import type { ExportTarget } from '../../../src/rib/export.js';
import { Rib } from '../../../src/rib/rib.js';
import { localSource } from '../../../src/rib/route-source.js';
import { attrsInput, bgpSource } from './fixtures.js';

function target(over: Partial<ExportTarget> = {}): ExportTarget {
  return {
    name: 'tor1',
    sourceIndex: 0,
    ibgp: true,
    localAs: 64600,
    routerId: parseIpv4('10.69.0.5')!,
    clusterId: parseIpv4('10.69.0.5')!,
    routeReflectorClient: false,
    as4: true,
    selfNextHop: { ipv4: '10.69.0.5', ipv6: 'fd00:69::5', ipv6LinkLocal: null },
    mode: 'local',
    policy: null,
    ...over,
  };
}

type Json = Record<string, unknown> & { nlri?: string[]; withdrawn?: string[]; end_of_rib?: string; attributes?: Record<string, { value: unknown }> };

function session(t: ExportTarget, families: Family[] = ['ipv4']) {
  const got: Json[] = [];
  return {
    got,
    s: {
      target: t,
      ctx: AS4_CONTEXT,
      families,
      send(messages: Uint8Array[]) {
        for (const m of messages) got.push(decodeResultToJSON(decodeMessage(m, AS4_CONTEXT)) as Json);
      },
    },
  };
}

const settle = () => sleep(20);

function setup() {
  const rib = new Rib();
  rib.addSource(bgpSource(0, { address: '10.69.0.1', name: 'tor1' }));
  rib.addSource(bgpSource(1, { address: '10.69.1.1', name: 'tor2' }));
  rib.addSource(localSource(2, 'direct', 'direct'));
  rib.announce(0, prefixListFrom(1, ['10.1.0.0/24', '10.1.1.0/24']), rib.attrs.intern({ ...attrsInput({ nextHop: '10.69.0.1' }), receivedNextHop: '10.70.0.9' }));
  rib.announce(2, prefixListFrom(1, ['10.69.100.5/32']), rib.attrs.intern({ ...attrsInput(), receivedNextHop: null, nextHop: null, device: 'node0' }));
  rib.takeChanges();
  return rib;
}

describe('Exporter', () => {
  it('sends only locally originated routes by default, next hop self, LOCAL_PREF, then End-of-RIB', async () => {
    const rib = setup();
    const ex = new Exporter(rib);
    const { got, s } = session(target({ name: 'tor2', sourceIndex: 1 }));
    await ex.attach(s);
    expect(got.map((g) => g.nlri ?? [])).toEqual([['10.69.100.5/32'], []]);
    expect(got[0]?.attributes?.NEXT_HOP?.value).toBe('10.69.0.5');
    expect(got[0]?.attributes?.LOCAL_PREF?.value).toBe(100);
    expect(got[1]?.end_of_rib).toBe('ipv4');
    ex.close();
  });

  it('reflects iBGP routes to a route-reflector client with ORIGINATOR_ID and CLUSTER_LIST, keeping the next hop', async () => {
    const rib = setup();
    const ex = new Exporter(rib);
    const { got, s } = session(target({ name: 'tor2', sourceIndex: 1, routeReflectorClient: true, mode: 'all' }));
    await ex.attach(s);
    const reflected = got.find((g) => g.nlri?.includes('10.1.0.0/24'));
    expect(reflected?.nlri).toEqual(['10.1.0.0/24', '10.1.1.0/24']);
    // Reflection passes on the next hop as received, not the one rewritten for our own forwarding.
    expect(reflected?.attributes?.NEXT_HOP?.value).toBe('10.70.0.9');
    expect(reflected?.attributes?.ORIGINATOR_ID?.value).toBe('10.69.0.1');
    expect(reflected?.attributes?.CLUSTER_LIST?.value).toEqual(['10.69.0.5']);
    ex.close();
  });

  it('does not reflect between non-clients, never sends a route back to its source', async () => {
    const rib = setup();
    const ex = new Exporter(rib);
    const back = session(target({ name: 'tor1', sourceIndex: 0, routeReflectorClient: true, mode: 'all' }));
    const other = session(target({ name: 'tor2', sourceIndex: 1, mode: 'all' }));
    await ex.attach(back.s);
    await ex.attach(other.s);
    expect(back.got.flatMap((g) => g.nlri ?? [])).toEqual(['10.69.100.5/32']);
    expect(other.got.flatMap((g) => g.nlri ?? [])).toEqual(['10.69.100.5/32']);
    ex.close();
  });

  it('coalesces changes into UPDATEs and withdrawals', async () => {
    const rib = setup();
    const ex = new Exporter(rib, { coalesceMs: 1 });
    const { got, s } = session(target({ name: 'tor1', sourceIndex: 0 }));
    await ex.attach(s);
    got.length = 0;
    const attrs = rib.attrs.intern({ ...attrsInput({ communities: [1] }), receivedNextHop: null, nextHop: null, device: 'node0' });
    rib.announce(2, prefixListFrom(1, ['10.69.100.6/32', '10.69.100.7/32']), attrs);
    rib.withdraw(2, prefixListFrom(1, ['10.69.100.5/32']));
    ex.noteChanges(rib.takeChanges());
    await settle();
    expect(got.flatMap((g) => g.withdrawn ?? [])).toEqual(['10.69.100.5/32']);
    const ann = got.filter((g) => (g.nlri ?? []).length);
    expect(ann).toHaveLength(1);
    expect(ann[0]?.nlri).toEqual(['10.69.100.6/32', '10.69.100.7/32']);
    // A change and its reversal inside one window send nothing.
    got.length = 0;
    rib.withdraw(2, prefixListFrom(1, ['10.69.100.6/32']));
    ex.noteChanges(rib.takeChanges());
    rib.announce(2, prefixListFrom(1, ['10.69.100.6/32']), attrs);
    ex.noteChanges(rib.takeChanges());
    await settle();
    expect(got).toEqual([]);
    ex.close();
  });

  it('IPv6 routes go out in MP_REACH_NLRI with our IPv6 next hop', async () => {
    const rib = new Rib();
    rib.addSource(localSource(0, 'static', 'static'));
    rib.announce(0, prefixListFrom(2, ['2001:db8:1::/48']), rib.attrs.intern({ ...attrsInput(), receivedNextHop: null, nextHop: null, kind: 'blackhole' }));
    const ex = new Exporter(rib);
    const { got, s } = session(target({ sourceIndex: 5 }), ['ipv4', 'ipv6']);
    await ex.attach(s);
    const mp = got.find((g) => g.attributes?.MP_REACH_NLRI);
    expect(mp?.attributes?.MP_REACH_NLRI?.value).toMatchObject({ afi: 2, next_hops: ['fd00:69::5'], nlri: ['2001:db8:1::/48'] });
    expect(got.filter((g) => g.end_of_rib).map((g) => g.end_of_rib)).toEqual(['ipv4', 'ipv6']);
    ex.close();
  });
  it('keeps prefixes the neighbor\'s ORF denies out, withdrawing what was sent, and sends them again once it is removed (RFC 5291)', async () => {
    const rib = setup();
    const ex = new Exporter(rib);
    const { got, s } = session(target({ name: 'tor2', sourceIndex: 1, mode: 'all' }));
    await ex.attach(s);
    got.length = 0;
    const only = applyOrfEntries([], [{ action: 'add', match: 'permit', sequence: 5, minLength: 0, maxLength: 32, prefix: Uint8Array.of(10, 1, 0, 0), length: 16 }], false);
    await ex.setOrf('tor2', 'ipv4', only);
    expect(got.flatMap((g) => g.withdrawn ?? [])).toEqual(['10.69.100.5/32']);
    expect(got.flatMap((g) => g.nlri ?? [])).toEqual([]);
    // A new route outside the filter does not go either.
    rib.announce(2, prefixListFrom(1, ['10.69.100.6/32']), rib.attrs.intern({ ...attrsInput(), receivedNextHop: null, nextHop: null, device: 'node0' }));
    ex.noteChanges(rib.takeChanges());
    await settle();
    expect(got.flatMap((g) => g.nlri ?? [])).toEqual([]);
    await ex.setOrf('tor2', 'ipv4', []);
    expect(got.flatMap((g) => g.nlri ?? [])).toEqual(['10.69.100.5/32', '10.69.100.6/32']);
    ex.close();
  });
});

import { describe, expect, it } from 'vitest';
import { AS_TRANS, decodeMessage, encodeOpen, type Capability, type OpenMessage } from '../../../src/bgp/wire/index.js';
import { buildOpen, checkPeerOpen, negotiate, negotiateTimers, openFamilies } from '../../../src/bgp/negotiate.js';
import { LOCAL_ID, peerOpen, settings } from './helpers.js';

function capNames(open: Pick<OpenMessage, 'capabilities'>): string[] {
  return open.capabilities.map((c) => c.name);
}

describe('buildOpen', () => {
  it('announces families, refresh and four-octet AS by default', () => {
    const open = buildOpen(settings());
    expect(open).toMatchObject({ version: 4, myAs: 65000, holdTime: 90, bgpId: LOCAL_ID });
    expect(capNames(open)).toEqual(['MULTIPROTOCOL', 'MULTIPROTOCOL', 'ROUTE_REFRESH', 'ENHANCED_ROUTE_REFRESH', 'FOUR_OCTET_AS']);
  });

  it('puts AS_TRANS in My AS for a four-octet ASN (RFC 6793 §4.1)', () => {
    const open = buildOpen(settings({ localAs: 4200000001, capabilities: { ...settings().capabilities, fourOctetAs: false } }));
    expect(open.myAs).toBe(AS_TRANS);
    expect(open.capabilities).toContainEqual({ name: 'FOUR_OCTET_AS', code: 65, asn: 4200000001 });
  });

  it('encodes every optional capability and decodes back', () => {
    const s = settings({
      capabilities: {
        fourOctetAs: true,
        routeRefresh: true,
        enhancedRouteRefresh: false,
        gracefulRestart: { restartTime: 120, restarting: true, forwarding: ['ipv6'] },
        addPath: { ipv4: 'both', ipv6: 'receive' },
        extendedMessage: true,
        fqdn: { hostname: 'node-1', domain: 'dc1.example' },
        prefixOrf: true,
      },
    });
    const open = buildOpen(s);
    const r = decodeMessage(encodeOpen(open), { as4: false, addPath: { ipv4: false, ipv6: false }, extendedMessage: false });
    expect(r.outcome).toBe('ok');
    if (r.outcome !== 'ok' || r.message.type !== 'OPEN') throw new Error('not an OPEN');
    const caps = r.message.capabilities;
    expect(caps).toContainEqual({
      name: 'GRACEFUL_RESTART', code: 64, restarting: true, notification: false, restartTime: 120,
      families: [{ afi: 1, safi: 1, forwarding: false }, { afi: 2, safi: 1, forwarding: true }],
    });
    expect(caps).toContainEqual({ name: 'ADD_PATH', code: 69, entries: [{ afi: 1, safi: 1, mode: 3 }, { afi: 2, safi: 1, mode: 1 }] });
    expect(caps).toContainEqual({ name: 'EXTENDED_MESSAGE', code: 6 });
    expect(caps).toContainEqual({ name: 'FQDN', code: 73, hostname: 'node-1', domain: 'dc1.example' });
    expect(caps).toContainEqual({
      name: 'OUTBOUND_ROUTE_FILTERING', code: 3,
      families: [{ afi: 1, safi: 1, orfs: [{ type: 64, mode: 1 }] }, { afi: 2, safi: 1, orfs: [{ type: 64, mode: 1 }] }],
    });
    expect(capNames(r.message)).not.toContain('ENHANCED_ROUTE_REFRESH');
  });

  it('takes Address Prefix ORF for the families where necod said receive and the peer said send (RFC 5291 §3)', () => {
    const s = settings({ capabilities: { ...settings().capabilities, prefixOrf: true } });
    const orf = (mode: 1 | 2 | 3, afi = 1): Capability => ({ name: 'OUTBOUND_ROUTE_FILTERING', code: 3, families: [{ afi, safi: 1, orfs: [{ type: 64, mode }] }] });
    expect(negotiate(s, buildOpen(s), peerOpen({}, [orf(3)])).prefixOrf).toEqual(['ipv4']);
    expect(negotiate(s, buildOpen(s), peerOpen({}, [orf(2, 2)])).prefixOrf).toEqual(['ipv6']);
    // A peer that only receives ORF sends none; necod not asking for ORF takes none.
    expect(negotiate(s, buildOpen(s), peerOpen({}, [orf(1)])).prefixOrf).toEqual([]);
    const off = settings();
    expect(negotiate(off, buildOpen(off), peerOpen({}, [orf(3)])).prefixOrf).toEqual([]);
  });

  it('cuts an FQDN so the capability fits its one-octet length', () => {
    const long = 'é'.repeat(200);
    const open = buildOpen(settings({ capabilities: { ...settings().capabilities, fqdn: { hostname: long, domain: long } } }));
    expect(() => encodeOpen(open)).not.toThrow();
    const fqdn = open.capabilities.find((c) => c.name === 'FQDN');
    if (fqdn?.name !== 'FQDN') throw new Error('no FQDN');
    expect(Buffer.byteLength(fqdn.hostname) + Buffer.byteLength(fqdn.domain) + 2).toBeLessThanOrEqual(255);
    expect(fqdn.hostname.startsWith('éé')).toBe(true);
  });

  it('leaves out what is switched off', () => {
    const s = settings({ families: ['ipv4'], capabilities: { ...settings().capabilities, routeRefresh: false, enhancedRouteRefresh: false, fourOctetAs: false } });
    expect(capNames(buildOpen(s))).toEqual(['MULTIPROTOCOL']);
  });
});

describe('checkPeerOpen', () => {
  const s = settings();
  it('accepts a correct OPEN', () => {
    expect(checkPeerOpen(s, peerOpen())).toBeNull();
  });

  it.each<[string, OpenMessage, number]>([
    ['wrong AS in the capability', withAsn(peerOpen({ myAs: 65001 }), 65001), 2],
    ['wrong AS without the capability', { ...peerOpen(), myAs: 65001, capabilities: [] }, 2],
    ['AS 0 (RFC 7607)', { ...peerOpen(), myAs: 0, capabilities: [] }, 2],
    ['My AS contradicting the capability', { ...peerOpen(), myAs: 65010 }, 2],
    ['our own identifier over iBGP', peerOpen({ bgpId: LOCAL_ID }), 3],
    ['identifier 0', peerOpen({ bgpId: 0 }), 3],
    ['hold time 1', peerOpen({ holdTime: 1 }), 6],
    ['hold time 2', peerOpen({ holdTime: 2 }), 6],
  ])('refuses %s', (_what, open, subcode) => {
    const r = checkPeerOpen(s, open);
    expect(r?.notification.code).toBe(2);
    expect(r?.notification.subcode).toBe(subcode);
  });

  it('takes the ASN from the four-octet capability with AS_TRANS in My AS', () => {
    const s4 = settings({ remoteAs: 4200000002 });
    expect(checkPeerOpen(s4, withAsn(peerOpen({ myAs: AS_TRANS }), 4200000002))).toBeNull();
    // Without the capability on necod's side, the 2-octet field is all there is.
    const old = settings({ capabilities: { ...settings().capabilities, fourOctetAs: false } });
    expect(checkPeerOpen(old, withAsn(peerOpen({ myAs: 65000 }), 4200000002))).toBeNull();
  });

  it('allows our identifier on an eBGP session (RFC 6286 §2.2)', () => {
    const e = settings({ remoteAs: 65001 });
    expect(checkPeerOpen(e, withAsn(peerOpen({ myAs: 65001, bgpId: LOCAL_ID }), 65001))).toBeNull();
  });

  it('accepts a peer lacking capabilities unless they are required (RFC 5492 §5)', () => {
    const bare: OpenMessage = { ...peerOpen(), capabilities: [] };
    expect(checkPeerOpen(s, bare)).toBeNull();
    const strict = settings({ requiredCapabilities: ['FOUR_OCTET_AS', 'ROUTE_REFRESH'] });
    const r = checkPeerOpen(strict, bare);
    expect(r?.notification).toMatchObject({ code: 2, subcode: 7 });
    // Code/length/value tuples of the missing capabilities: 65/4/65000, then 2/0.
    expect([...(r?.notification.data ?? [])]).toEqual([65, 4, 0, 0, 0xfd, 0xe8, 2, 0]);
  });
});

function withAsn(open: OpenMessage, asn: number): OpenMessage {
  return { ...open, capabilities: open.capabilities.map((c): Capability => (c.name === 'FOUR_OCTET_AS' ? { ...c, asn } : c)) };
}

describe('negotiateTimers', () => {
  it.each([
    [90, 90, 0, 90, 30],
    [90, 30, 0, 30, 10],
    [9, 90, 0, 9, 3],
    [90, 0, 0, 0, 0],
    [0, 90, 10, 0, 0],
    [90, 90, 10, 90, 10],
    [90, 90, 60, 90, 30],
    [3, 3, 0, 3, 1],
    [4, 90, 0, 4, 1],
  ])('ours %i, theirs %i, keepalive %i → %i/%i', (ours, theirs, ka, hold, keep) => {
    expect(negotiateTimers(ours, theirs, ka)).toEqual({ holdTime: hold, keepaliveTime: keep });
  });
});

describe('negotiate', () => {
  it('settles a typical iBGP session', () => {
    const s = settings();
    const n = negotiate(s, buildOpen(s), peerOpen({ holdTime: 30 }));
    expect(n).toMatchObject({
      peerAs: 65000,
      peerRouterId: peerOpen().bgpId,
      holdTime: 30,
      keepaliveTime: 10,
      families: ['ipv4', 'ipv6'],
      as4: true,
      routeRefresh: true,
      enhancedRouteRefresh: true,
      gracefulRestart: null,
      extendedMessage: false,
    });
    expect(n.rx).toEqual({ as4: true, addPath: { ipv4: false, ipv6: false }, extendedMessage: false });
    expect(n.tx).toEqual(n.rx);
  });

  it('treats a peer without Multiprotocol capabilities as IPv4 unicast only (RFC 4760)', () => {
    expect(openFamilies({ capabilities: [] })).toEqual(['ipv4']);
    const s = settings();
    const n = negotiate(s, buildOpen(s), { ...peerOpen(), capabilities: [{ name: 'ROUTE_REFRESH', code: 2 }] });
    expect(n.families).toEqual(['ipv4']);
    expect(n.as4).toBe(false);
    expect(n.enhancedRouteRefresh).toBe(false);
  });

  it('keeps only families both sides speak', () => {
    const s = settings({ families: ['ipv6'] });
    expect(negotiate(s, buildOpen(s), peerOpen()).families).toEqual(['ipv6']);
    const only4 = { ...peerOpen(), capabilities: [{ name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 } as Capability] };
    expect(negotiate(s, buildOpen(s), only4).families).toEqual([]);
  });

  it.each<[string, string, boolean, boolean]>([
    ['receive', 'send', true, false],
    ['receive', 'both', true, false],
    ['receive', 'receive', false, false],
    ['send', 'receive', false, true],
    ['both', 'both', true, true],
    ['both', 'send', true, false],
    ['both', 'receive', false, true],
  ])('ADD-PATH ours %s / theirs %s → receive %s, send %s (RFC 7911 §4)', (ours, theirs, rx, tx) => {
    const mode = { receive: 1, send: 2, both: 3 } as const;
    const s = settings({ capabilities: { ...settings().capabilities, addPath: { ipv4: ours as 'receive' } } });
    const open = peerOpen({}, [{ name: 'ADD_PATH', code: 69, entries: [{ afi: 1, safi: 1, mode: mode[theirs as 'send'] }] }]);
    const n = negotiate(s, buildOpen(s), open);
    expect(n.addPath.receive.ipv4).toBe(rx);
    expect(n.addPath.send.ipv4).toBe(tx);
    expect(n.rx.addPath.ipv4).toBe(rx);
    expect(n.tx.addPath.ipv4).toBe(tx);
    expect(n.addPath.receive.ipv6).toBe(false);
  });

  it('reads the graceful restart capability of the peer when both sent it', () => {
    const gr: Capability = { name: 'GRACEFUL_RESTART', code: 64, restarting: true, notification: true, restartTime: 300, families: [{ afi: 1, safi: 1, forwarding: true }, { afi: 2, safi: 1, forwarding: false }] };
    const without = settings();
    expect(negotiate(without, buildOpen(without), peerOpen({}, [gr])).gracefulRestart).toBeNull();
    const s = settings({ capabilities: { ...settings().capabilities, gracefulRestart: { restartTime: 120, restarting: false, forwarding: [] } } });
    expect(negotiate(s, buildOpen(s), peerOpen({}, [gr])).gracefulRestart).toEqual({ restartTime: 300, restarting: true, notification: true, forwarding: ['ipv4'] });
  });

  it('receives extended messages once announced, sends them only when the peer did too (RFC 8654)', () => {
    const s = settings({ capabilities: { ...settings().capabilities, extendedMessage: true } });
    const plain = negotiate(s, buildOpen(s), peerOpen());
    expect(plain.extendedMessage).toBe(false);
    expect(plain.rx.extendedMessage).toBe(true);
    expect(plain.tx.extendedMessage).toBe(false);
    const both = negotiate(s, buildOpen(s), peerOpen({}, [{ name: 'EXTENDED_MESSAGE', code: 6 }]));
    expect(both.tx.extendedMessage).toBe(true);
  });

  it('accepts the Cisco route refresh code and reports the FQDN', () => {
    const s = settings();
    const open: OpenMessage = {
      ...peerOpen(),
      capabilities: [
        { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
        { name: 'ROUTE_REFRESH_CISCO', code: 128 },
        { name: 'FQDN', code: 73, hostname: 'tor-a', domain: 'dc1' },
      ],
    };
    const n = negotiate(s, buildOpen(s), open);
    expect(n.routeRefresh).toBe(true);
    expect(n.enhancedRouteRefresh).toBe(false);
    expect(n.peerHostname).toBe('tor-a');
    expect(n.peerDomain).toBe('dc1');
  });
});

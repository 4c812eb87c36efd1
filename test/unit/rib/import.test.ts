import { describe, expect, it } from 'vitest';
import {
  AS_TRANS,
  formatPrefixes,
  makeAttribute,
  parseCommunity,
  prefixListFrom,
  type PathAttribute,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { importUpdate, type ImportContext } from '../../../src/rib/import.js';
import { compilePolicy } from '../../../src/rib/policy.js';
import { subnetOf } from '../../../src/net/index.js';

const EMPTY = prefixListFrom(1, []) as UpdateMessage['nlri'];

function ctx(over: Partial<ImportContext> = {}): ImportContext {
  return {
    neighborName: 'tor1',
    localAs: 64600,
    routerId: parseIpv4('10.69.0.5')!,
    clusterId: parseIpv4('10.69.0.5')!,
    ibgp: true,
    as4: true,
    peerAddress: '10.69.0.1',
    rewriteSubnet: { ipv4: subnetOf('10.69.0.5', 26), ipv6: subnetOf('fd00:69::5', 64) },
    interfaceName: 'eth0',
    policy: null,
    ...over,
  };
}

function update(nextHop: string, prefixes: string[], extra: PathAttribute[] = []): UpdateMessage {
  return {
    type: 'UPDATE',
    withdrawn: EMPTY,
    attributes: [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [{ type: 2, asns: [65001] }]), makeAttribute('NEXT_HOP', parseIpv4(nextHop)!), ...extra],
    nlri: prefixListFrom(1, prefixes) as UpdateMessage['nlri'],
  };
}

describe('receive-side NEXT_HOP rewrite', () => {
  it('keeps a next hop inside the neighbor subnet (a server in the same rack)', () => {
    const r = importUpdate(update('10.69.0.30', ['10.1.0.0/24']), 'ok', ctx());
    expect(r.announcements[0]?.attrs.nextHop).toBe('10.69.0.30');
    expect(r.announcements[0]?.attrs.receivedNextHop).toBe('10.69.0.30');
  });

  it('rewrites a next hop outside the subnet to the neighbor address', () => {
    const r = importUpdate(update('10.70.3.9', ['10.2.0.0/24']), 'ok', ctx());
    expect(r.announcements[0]?.attrs.nextHop).toBe('10.69.0.1');
    expect(r.announcements[0]?.attrs.receivedNextHop).toBe('10.70.3.9');
  });

  it('honours a configured prefix length (the /26 of the BIRD filter)', () => {
    // 10.69.0.70 is in the /24 but not in the /26 of 10.69.0.5.
    expect(importUpdate(update('10.69.0.70', ['10.3.0.0/24']), 'ok', ctx()).announcements[0]?.attrs.nextHop).toBe('10.69.0.1');
    const wide = ctx({ rewriteSubnet: { ipv4: subnetOf('10.69.0.5', 24), ipv6: null } });
    expect(importUpdate(update('10.69.0.70', ['10.3.0.0/24']), 'ok', wide).announcements[0]?.attrs.nextHop).toBe('10.69.0.70');
  });

  it('IPv6: global next hop outside the subnet becomes the neighbor, link-local only resolves to the interface', () => {
    const v6 = (hops: string[]): UpdateMessage => ({
      type: 'UPDATE',
      withdrawn: EMPTY,
      attributes: [
        makeAttribute('ORIGIN', 0),
        makeAttribute('AS_PATH', []),
        makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: hops, nlri: prefixListFrom(2, ['2001:db8::/48']), rawNlri: null }),
      ],
      nlri: EMPTY,
    });
    const c = ctx({ peerAddress: 'fd00:69::1' });
    expect(importUpdate(v6(['fd00:69::30', 'fe80::30']), 'ok', c).announcements[0]?.attrs.nextHop).toBe('fd00:69::30');
    expect(importUpdate(v6(['2001:db8:ff::1', 'fe80::1']), 'ok', c).announcements[0]?.attrs.nextHop).toBe('fd00:69::1');
    const ll = importUpdate(v6(['fe80::1']), 'ok', c).announcements[0]!.attrs;
    expect(ll.nextHop).toBe('fe80::1');
    expect(ll.device).toBe('eth0');
  });
});

describe('import rules', () => {
  it('treat-as-withdraw turns announcements into withdrawals', () => {
    const r = importUpdate(update('10.69.0.30', ['10.1.0.0/24', '10.1.1.0/24']), 'treat-as-withdraw', ctx());
    expect(r.announcements).toHaveLength(0);
    expect(formatPrefixes(r.withdrawals[0]!)).toEqual(['10.1.0.0/24', '10.1.1.0/24']);
    expect(r.rejected).toBe('treat-as-withdraw');
  });

  it('rejects our own AS in an eBGP path, our router id as ORIGINATOR_ID, our cluster id in CLUSTER_LIST', () => {
    const ebgp = ctx({ ibgp: false });
    const own = { ...update('10.69.0.30', ['10.1.0.0/24']) };
    own.attributes = own.attributes.map((a) => (a.name === 'AS_PATH' ? makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 64600] }]) : a));
    expect(importUpdate(own, 'ok', ebgp).rejected).toBe('as-path-loop');
    expect(importUpdate(update('10.69.0.30', ['10.1.0.0/24'], [makeAttribute('ORIGINATOR_ID', parseIpv4('10.69.0.5')!)]), 'ok', ctx()).rejected).toBe('originator-id-loop');
    expect(importUpdate(update('10.69.0.30', ['10.1.0.0/24'], [makeAttribute('CLUSTER_LIST', [1, parseIpv4('10.69.0.5')!])]), 'ok', ctx()).rejected).toBe('cluster-list-loop');
  });

  it('drops LOCAL_PREF from an eBGP neighbor (RFC 4271 §5.1.5)', () => {
    const r = importUpdate(update('10.69.0.30', ['10.1.0.0/24'], [makeAttribute('LOCAL_PREF', 500)]), 'ok', ctx({ ibgp: false }));
    expect(r.announcements[0]?.attrs.attributes.some((a) => a.name === 'LOCAL_PREF')).toBe(false);
  });

  it('merges AS4_PATH from a 2-octet speaker (RFC 6793 §4.2.3)', () => {
    const u = update('10.69.0.30', ['10.1.0.0/24']);
    u.attributes = [
      makeAttribute('ORIGIN', 0),
      makeAttribute('AS_PATH', [{ type: 2, asns: [65001, AS_TRANS, AS_TRANS] }]),
      makeAttribute('NEXT_HOP', parseIpv4('10.69.0.30')!),
      makeAttribute('AS4_PATH', [{ type: 2, asns: [4200000001, 4200000002] }]),
    ];
    const attrs = importUpdate(u, 'ok', ctx({ as4: false })).announcements[0]!.attrs.attributes;
    expect(attrs.find((a) => a.name === 'AS_PATH')?.value).toEqual([{ type: 2, asns: [65001, 4200000001, 4200000002] }]);
    expect(attrs.some((a) => a.name === 'AS4_PATH')).toBe(false);
  });

  it('applies an import policy per prefix: reject, set local-pref, add a community, do not install', () => {
    const policy = compilePolicy({
      name: 'in',
      defaultAction: 'accept',
      rules: [
        { match: { prefixes: [{ prefix: '10.9.0.0/16', ge: 24 }] }, then: { action: 'reject' } },
        { match: { prefixes: [{ prefix: '10.1.0.0/16', le: 24 }] }, then: { localPref: 300, addCommunities: [parseCommunity('65000:1')!] } },
        { match: { communities: [parseCommunity('64698:64699')!] }, then: { noInstall: true, action: 'accept' } },
      ],
    });
    const r = importUpdate(update('10.69.0.30', ['10.9.1.0/24', '10.1.2.0/24', '10.5.0.0/24']), 'ok', ctx({ policy }));
    expect(r.policyRejected).toBe(1);
    expect(formatPrefixes(r.withdrawals[0]!)).toEqual(['10.9.1.0/24']);
    const byPrefix = new Map(r.announcements.flatMap((a) => formatPrefixes(a.list).map((p) => [p, a.attrs] as const)));
    expect(byPrefix.get('10.1.2.0/24')?.attributes.find((a) => a.name === 'LOCAL_PREF')?.value).toBe(300);
    expect(byPrefix.get('10.1.2.0/24')?.attributes.find((a) => a.name === 'COMMUNITIES')?.value).toEqual([parseCommunity('65000:1')]);
    expect(byPrefix.get('10.5.0.0/24')?.attributes.find((a) => a.name === 'LOCAL_PREF')).toBeUndefined();
    const tagged = importUpdate(update('10.69.0.30', ['10.5.0.0/24'], [makeAttribute('COMMUNITIES', [parseCommunity('64698:64699')!])]), 'ok', ctx({ policy }));
    expect(tagged.announcements[0]?.attrs.noInstall).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  decodeMessage,
  decodeResultToJSON,
  encodeKeepalive,
  encodeOpen,
  makeAttribute,
  packAnnouncements,
  packWithdrawals,
  prefixListFrom,
  fromHex,
} from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';

describe('codec smoke', () => {
  it('round-trips keepalive and open', () => {
    expect(decodeResultToJSON(decodeMessage(encodeKeepalive(), AS4_CONTEXT))).toMatchObject({ type: 'KEEPALIVE', outcome: 'ok' });
    const open = encodeOpen({
      myAs: 4200000001,
      holdTime: 90,
      bgpId: parseIpv4('10.0.0.1')!,
      capabilities: [
        { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
        { name: 'FOUR_OCTET_AS', code: 65, asn: 4200000001 },
      ],
    });
    const j = decodeResultToJSON(decodeMessage(open, AS4_CONTEXT));
    expect(j).toMatchObject({ type: 'OPEN', outcome: 'ok', my_as: 23456, asn: 4200000001, hold_time: 90, bgp_id: '10.0.0.1' });
  });

  it('packs and decodes announcements', () => {
    const prefixes = Array.from({ length: 2000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const attrs = [
      makeAttribute('ORIGIN', 0),
      makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 4200000001] }]),
      makeAttribute('NEXT_HOP', parseIpv4('192.0.2.1')!),
      makeAttribute('COMMUNITIES', [0xffffff01, (65000 << 16) + 100]),
    ];
    const msgs = packAnnouncements(attrs, prefixListFrom(1, prefixes), AS4_CONTEXT);
    expect(msgs.length).toBeGreaterThan(1);
    let seen: string[] = [];
    for (const m of msgs) {
      expect(m.length).toBeLessThanOrEqual(4096);
      const j = decodeResultToJSON(decodeMessage(m, AS4_CONTEXT)) as { outcome: string; nlri: string[]; attributes: Record<string, { value: unknown }> };
      expect(j.outcome).toBe('ok');
      expect(j.attributes.COMMUNITIES?.value).toEqual(['65535:65281', '65000:100']);
      seen = seen.concat(j.nlri);
    }
    expect(seen).toEqual(prefixes);
    const v6 = prefixListFrom(2, ['2001:db8::/32', '2001:db8:1::/48']);
    const v6msgs = packAnnouncements(
      [...attrs.slice(0, 2), makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: ['2001:db8::1', 'fe80::1'], nlri: null, rawNlri: null })],
      v6,
      AS4_CONTEXT,
    );
    const j6 = decodeResultToJSON(decodeMessage(v6msgs[0]!, AS4_CONTEXT)) as { attributes: Record<string, { value: unknown }> };
    expect(j6.attributes.MP_REACH_NLRI?.value).toEqual({ afi: 2, safi: 1, next_hops: ['2001:db8::1', 'fe80::1'], nlri: ['2001:db8::/32', '2001:db8:1::/48'] });
    const w = packWithdrawals(v6, AS4_CONTEXT);
    expect(decodeResultToJSON(decodeMessage(w[0]!, AS4_CONTEXT))).toMatchObject({ attributes: { MP_UNREACH_NLRI: { value: { withdrawn: ['2001:db8::/32', '2001:db8:1::/48'] } } } });
  });

  it('reports a bad marker', () => {
    const b = fromHex('fffffffffffffffffffffffffffffffe001304')!;
    expect(decodeResultToJSON(decodeMessage(b, AS4_CONTEXT))).toMatchObject({ outcome: 'notification', notification: { code: 1, subcode: 1 } });
  });
});

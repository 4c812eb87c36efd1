// Packing many prefixes into as few UPDATEs as fit (RFC 4271 §4.3 size limit, RFC 8654 extended
// messages, RFC 4760 MP_REACH_NLRI, RFC 7911 path identifiers, RFC 7606 §5.1 attribute order).
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  AttrFlag,
  findAttribute,
  formatPrefixes,
  makeAttribute,
  makeContext,
  packAnnouncements,
  packWithdrawals,
  prefixListFrom,
  prefixWireSize,
  type PathAttribute,
  type PrefixList,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { MP_V6, decodeAll } from '../../support/fixtures/wire.js';

const BASE: PathAttribute[] = [
  makeAttribute('ORIGIN', 0),
  makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 4200000001] }]),
  makeAttribute('NEXT_HOP', parseIpv4('192.0.2.1') ?? 0),
  makeAttribute('COMMUNITIES', [0xffffff01]),
];

function v4Prefixes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
}

function v6Prefixes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `2001:db8:${(i + 1).toString(16)}::/48`);
}

/** Prefixes with their path ids, as text, so lists compare in one go. */
function labelled(list: PrefixList): string[] {
  return formatPrefixes(list).map((p, i) => (list.pathIds ? `${p}#${list.pathIds[i]}` : p));
}

function reachOf(msg: UpdateMessage): PrefixList {
  const mp = findAttribute(msg.attributes, 'MP_REACH_NLRI');
  if (!mp?.nlri) throw new Error('no MP_REACH_NLRI NLRI');
  return mp.nlri;
}

describe('packAnnouncements', () => {
  it('packs IPv4 prefixes into full UPDATEs of at most 4096 bytes, each prefix once and in order', () => {
    const prefixes = v4Prefixes(3000);
    const list = prefixListFrom(1, prefixes);
    const msgs = packAnnouncements(BASE, list, AS4_CONTEXT);
    expect(msgs.length).toBeGreaterThan(2);
    const decoded = decodeAll(msgs, AS4_CONTEXT);
    expect(decoded.flatMap((m) => formatPrefixes(m.nlri))).toEqual(prefixes);
    let at = 0;
    msgs.forEach((m, i) => {
      expect(m.length).toBeLessThanOrEqual(4096);
      at += decoded[i]!.nlri.count;
      // Every message but the last is full: the next prefix would not have fitted.
      if (i < msgs.length - 1) expect(m.length + prefixWireSize(list, at, false)).toBeGreaterThan(4096);
      expect(decoded[i]?.attributes.map((a) => a.name)).toEqual(['ORIGIN', 'AS_PATH', 'NEXT_HOP', 'COMMUNITIES']);
    });
  });

  it('uses up to 65535 bytes with extended messages', () => {
    const ctx = makeContext({ as4: true, extendedMessage: true });
    const prefixes = v4Prefixes(20000);
    const msgs = packAnnouncements(BASE, prefixListFrom(1, prefixes), ctx);
    expect(msgs.length).toBe(2);
    expect(msgs[0]?.length).toBeGreaterThan(60000);
    for (const m of msgs) expect(m.length).toBeLessThanOrEqual(65535);
    expect(decodeAll(msgs, ctx).flatMap((m) => formatPrefixes(m.nlri))).toEqual(prefixes);
  });

  it('sends IPv6 in MP_REACH_NLRI, first among the attributes, with global and link-local next hops', () => {
    const prefixes = v6Prefixes(1500);
    const msgs = packAnnouncements([...BASE.filter((a) => a.name !== 'NEXT_HOP'), MP_V6], prefixListFrom(2, prefixes), AS4_CONTEXT);
    expect(msgs.length).toBeGreaterThan(1);
    const decoded = decodeAll(msgs, AS4_CONTEXT);
    for (const [i, m] of decoded.entries()) {
      expect(msgs[i]?.length).toBeLessThanOrEqual(4096);
      expect(m.nlri.count).toBe(0);
      expect(m.attributes.map((a) => a.name)).toEqual(['MP_REACH_NLRI', 'ORIGIN', 'AS_PATH', 'COMMUNITIES']);
      expect(findAttribute(m.attributes, 'MP_REACH_NLRI')?.nextHops).toEqual(['2001:db8::1', 'fe80::1']);
    }
    expect(decoded.flatMap((m) => formatPrefixes(reachOf(m)))).toEqual(prefixes);
  });

  it('writes the path identifiers of ADD-PATH for the family that negotiated it', () => {
    const v4 = prefixListFrom(1, v4Prefixes(1000).map((prefix, i) => ({ prefix, pathId: i * 7 })));
    const v6 = prefixListFrom(2, v6Prefixes(600).map((prefix, i) => ({ prefix, pathId: 0xffffffff - i })));
    const both = makeContext({ as4: true, addPath: { ipv4: true, ipv6: true } });
    const v4msgs = decodeAll(packAnnouncements(BASE, v4, both), both);
    expect(v4msgs.flatMap((m) => labelled(m.nlri))).toEqual(labelled(v4));
    const v6msgs = decodeAll(packAnnouncements([...BASE, MP_V6], v6, both), both);
    expect(v6msgs.flatMap((m) => labelled(reachOf(m)))).toEqual(labelled(v6));
  });

  it('splits an AS_PATH segment of more than 255 ASNs and repeats it in every message', () => {
    const asns = Array.from({ length: 600 }, (_, i) => 64512 + i);
    const attrs = [BASE[0]!, makeAttribute('AS_PATH', [{ type: 2, asns }]), BASE[2]!];
    const msgs = packAnnouncements(attrs, prefixListFrom(1, v4Prefixes(2000)), AS4_CONTEXT);
    for (const m of decodeAll(msgs, AS4_CONTEXT)) {
      const path = findAttribute(m.attributes, 'AS_PATH') ?? [];
      expect(path.map((s) => s.asns.length)).toEqual([255, 255, 90]);
      expect(path.flatMap((s) => s.asns)).toEqual(asns);
    }
  });

  it('returns nothing for no prefixes and refuses attributes that leave no room', () => {
    expect(packAnnouncements(BASE, prefixListFrom(1, []), AS4_CONTEXT)).toEqual([]);
    const huge: PathAttribute = { name: 'UNKNOWN', code: 200, flags: AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE, value: new Uint8Array(4060) };
    expect(() => packAnnouncements([...BASE, huge], prefixListFrom(1, ['10.0.0.0/24']), AS4_CONTEXT)).toThrow(RangeError);
    expect(() => packAnnouncements(BASE, prefixListFrom(2, ['2001:db8::/32']), AS4_CONTEXT)).toThrow(RangeError);
  });
});

describe('packWithdrawals', () => {
  it('packs IPv4 withdrawals into the Withdrawn Routes field, each message at most 4096 bytes', () => {
    const prefixes = v4Prefixes(3000);
    const msgs = packWithdrawals(prefixListFrom(1, prefixes), AS4_CONTEXT);
    expect(msgs.length).toBe(Math.ceil((3000 * 4) / (4096 - 23)));
    const decoded = decodeAll(msgs, AS4_CONTEXT);
    for (const [i, m] of decoded.entries()) {
      expect(msgs[i]?.length).toBeLessThanOrEqual(4096);
      expect(m.attributes).toEqual([]);
    }
    expect(decoded.flatMap((m) => formatPrefixes(m.withdrawn))).toEqual(prefixes);
  });

  it('packs IPv6 withdrawals into MP_UNREACH_NLRI, with path identifiers under ADD-PATH', () => {
    const ctx = makeContext({ as4: true, addPath: { ipv4: false, ipv6: true }, extendedMessage: true });
    const list = prefixListFrom(2, v6Prefixes(9000).map((prefix, i) => ({ prefix, pathId: i })));
    const msgs = packWithdrawals(list, ctx);
    expect(msgs.length).toBe(2);
    const decoded = decodeAll(msgs, ctx);
    const withdrawn = decoded.flatMap((m) => {
      expect(m.attributes.map((a) => a.name)).toEqual(['MP_UNREACH_NLRI']);
      const w = findAttribute(m.attributes, 'MP_UNREACH_NLRI')?.withdrawn;
      if (!w) throw new Error('no withdrawn NLRI');
      return labelled(w);
    });
    expect(withdrawn).toEqual(labelled(list));
    for (const m of msgs) expect(m.length).toBeLessThanOrEqual(65535);
  });

  it('returns nothing for no prefixes', () => {
    expect(packWithdrawals(prefixListFrom(2, []), AS4_CONTEXT)).toEqual([]);
  });
});

// UPDATE error handling: RFC 4271 §6.3 as revised by RFC 7606 (§3, §4, §5).
import { describe, expect, it } from 'vitest';
import { AS4_CONTEXT, DEFAULT_CONTEXT, decodeMessage, encodeMessage, formatPrefixes, toHex, type UpdateMessage } from '../../../src/bgp/wire/index.js';
import {
  AS_PATH_2,
  MANDATORY_2,
  NEXT_HOP_192_0_2_1,
  NLRI_10_0_0,
  ORIGIN_IGP,
  attr,
  expectMessage,
  expectNotification,
  update,
} from './bytes.js';

const COMMUNITY_NO_EXPORT = attr(0xc0, 8, 'ffffff01');
const MP_REACH_V6 = attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00 20 20010db8');
const MP_UNREACH_V6 = attr(0x80, 15, '0002 01 20 20010db8');

function updateOf(r: ReturnType<typeof expectMessage>): UpdateMessage {
  if (r.message.type !== 'UPDATE') throw new Error('not an UPDATE');
  return r.message;
}

describe('UPDATE length fields (RFC 4271 §6.3)', () => {
  it('answers a withdrawn routes length past the message with 3/1', () => {
    expectNotification(decodeMessage(update({ withdrawn: '18 0a0000', withdrawnLength: 10 }), DEFAULT_CONTEXT), 3, 1);
    expectNotification(decodeMessage(update({ withdrawnLength: 1 }), DEFAULT_CONTEXT), 3, 1);
  });

  it('answers a total path attribute length past the message with 3/1', () => {
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP, attributesLength: 50 }), DEFAULT_CONTEXT), 3, 1);
    expectNotification(decodeMessage(update({ attributes: MANDATORY_2, nlri: NLRI_10_0_0, attributesLength: 23 }), DEFAULT_CONTEXT), 3, 1);
  });
});

describe('attribute framing (RFC 7606 §4)', () => {
  it('treats the NLRI as withdrawn when an attribute length overruns the section', () => {
    const bytes = update({ attributes: MANDATORY_2 + attr(0xc0, 8, '0000', 10), nlri: NLRI_10_0_0 });
    const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(formatPrefixes(updateOf(r).nlri)).toEqual(['10.0.0.0/24']);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 8, action: 'treat-as-withdraw', notification: { code: 3, subcode: 1 } });
    // What came before the broken attribute was read; the rest is not trusted.
    expect(updateOf(r).attributes.map((a) => a.name)).toEqual(['ORIGIN', 'AS_PATH', 'NEXT_HOP']);
  });

  it('treats a truncated attribute header as a framing error', () => {
    // One octet left: no room for flags + type.
    const one = expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + '40', nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(one.issues[0]?.notification?.subcode).toBe(1);
    // Extended Length set, only three octets left.
    const three = expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + '500800', nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(three.issues[0]).toMatchObject({ code: 8, notification: { code: 3, subcode: 1 } });
  });

  it('resets the session with 3/1 when a framing error meets an UPDATE with no NLRI (RFC 7606 §5.2)', () => {
    const bytes = update({ withdrawn: '18 0a0000', attributes: ORIGIN_IGP + attr(0x40, 2, '0201fde9', 40) });
    expectNotification(decodeMessage(bytes, DEFAULT_CONTEXT), 3, 1);
  });
});

describe('attribute flags (RFC 7606 §3(c))', () => {
  it('treats ORIGIN with the Optional bit as withdraw, 3/4 with the attribute as data', () => {
    const bad = attr(0xc0, 1, '00');
    const r = expectMessage(decodeMessage(update({ attributes: bad + AS_PATH_2 + NEXT_HOP_192_0_2_1, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.code).toBe(1);
    expect(r.issues[0]?.notification?.code).toBe(3);
    expect(r.issues[0]?.notification?.subcode).toBe(4);
    expect(toHex(r.issues[0]?.notification?.data ?? new Uint8Array(0))).toBe('c0010100');
  });

  it('treats wrong flags as withdraw even where a bad value is only discarded', () => {
    // ATOMIC_AGGREGATE well-known sent as optional; AGGREGATOR optional transitive sent without Transitive.
    for (const bad of [attr(0xc0, 6, ''), attr(0x80, 7, 'fde9 c0000201'), attr(0x80, 17, '02 01 fa56ea01')]) {
      const r = expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + bad, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
      expect(r.issues[0]?.notification?.subcode).toBe(4);
      expect(toHex(r.issues[0]?.notification?.data ?? new Uint8Array(0))).toBe(bad);
      expect(r.discarded).toEqual([]);
    }
  });

  it('resets the session for MP_REACH_NLRI with wrong flags, 3/4 with the attribute', () => {
    const bad = attr(0xc0, 14, '0002 01 10 20010db8000000000000000000000001 00 20 20010db8');
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + bad }), DEFAULT_CONTEXT), 3, 4, bad);
  });

  it('ignores the Partial and Extended Length bits when checking flags', () => {
    const extOrigin = attr(0x50, 1, '00');
    const r = expectMessage(decodeMessage(update({ attributes: extOrigin + AS_PATH_2 + NEXT_HOP_192_0_2_1, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT));
    expect(updateOf(r).attributes[0]).toMatchObject({ name: 'ORIGIN', flags: 0x50, value: 0 });
    const partialCommunity = attr(0xe0, 8, 'ffffff01');
    expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + partialCommunity, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT));
  });
});

describe('repeated attributes (RFC 7606 §3(g))', () => {
  it('keeps the first of a repeated attribute and lists the code of the dropped ones', () => {
    const second = attr(0xc0, 8, 'fde90064');
    const r = expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + COMMUNITY_NO_EXPORT + second + second, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'attribute-discard');
    expect(r.discarded).toEqual([8, 8]);
    expect(r.issues.map((i) => [i.code, i.action, i.rule])).toEqual([[8, 'attribute-discard', 'RFC 7606 §3(g)'], [8, 'attribute-discard', 'RFC 7606 §3(g)']]);
    const communities = updateOf(r).attributes.filter((a) => a.name === 'COMMUNITIES');
    expect(communities).toEqual([{ name: 'COMMUNITIES', code: 8, flags: 0xc0, value: [0xffffff01] }]);
  });

  it('drops a repeated ORIGIN without looking at its value', () => {
    const r = expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + attr(0x40, 1, '07'), nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'attribute-discard');
    expect(r.discarded).toEqual([1]);
    expect(updateOf(r).attributes[0]?.value).toBe(0);
  });

  it('resets the session with 3/1 for a repeated MP_REACH_NLRI or MP_UNREACH_NLRI', () => {
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + MP_REACH_V6 + MP_REACH_V6 }), DEFAULT_CONTEXT), 3, 1);
    expectNotification(decodeMessage(update({ attributes: MP_UNREACH_V6 + MP_UNREACH_V6 }), DEFAULT_CONTEXT), 3, 1);
  });
});

describe('NEXT_HOP that is no host address (RFC 4271 §6.3, RFC 7606 §7.3)', () => {
  it('accepts a loopback NEXT_HOP 127.0.0.1: a speaker on the same host (MetalLB) names one', () => {
    expectMessage(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + attr(0x40, 3, '7f000001'), nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'ok');
  });
  for (const nh of ['00000000', 'e0000001', 'ffffffff']) {
    it(`treats the routes as withdrawn for NEXT_HOP ${nh}, 3/8 with the attribute as data`, () => {
      const bad = attr(0x40, 3, nh);
      const r = expectMessage(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + bad, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
      expect(r.issues.map((i) => [i.code, i.notification?.subcode, i.rule])).toEqual([[3, 8, 'RFC 7606 §7.3']]);
      expect(toHex(r.issues[0]?.notification?.data ?? new Uint8Array(0))).toBe(bad);
    });
  }
});

describe('AS4_PATH and AS4_AGGREGATOR between 4-octet speakers (RFC 6793 §3)', () => {
  it('discards them, processes the UPDATE and says so in the outcome', () => {
    const as4Path = attr(0xc0, 17, '0201fde9fde9');
    const as4Aggr = attr(0xc0, 18, 'fde9fde9c0000201');
    const r = expectMessage(decodeMessage(update({ attributes: ORIGIN_IGP + attr(0x40, 2, '0201fde9fde9') + NEXT_HOP_192_0_2_1 + as4Path + as4Aggr, nlri: NLRI_10_0_0 }), AS4_CONTEXT), 'attribute-discard');
    expect(r.discarded).toEqual([17, 18]);
    expect(r.issues.map((i) => [i.code, i.rule, i.notification])).toEqual([[17, 'RFC 6793 §3', null], [18, 'RFC 6793 §3', null]]);
    expect(updateOf(r).attributes.map((a) => a.name)).toEqual(['ORIGIN', 'AS_PATH', 'NEXT_HOP']);
    expect(formatPrefixes(updateOf(r).nlri)).toEqual(['10.0.0.0/24']);
    // From a 2-octet speaker they are the real path, kept for the merge.
    expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + as4Path, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'ok');
  });
});

describe('well-known mandatory attributes (RFC 7606 §3(d))', () => {
  const cases: Array<[string, string, number]> = [
    ['ORIGIN', AS_PATH_2 + NEXT_HOP_192_0_2_1, 1],
    ['AS_PATH', ORIGIN_IGP + NEXT_HOP_192_0_2_1, 2],
    ['NEXT_HOP', ORIGIN_IGP + AS_PATH_2, 3],
  ];
  for (const [name, attributes, code] of cases) {
    it(`treats the NLRI as withdrawn when ${name} is missing, 3/3 with the type code`, () => {
      const r = expectMessage(decodeMessage(update({ attributes, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]?.code).toBe(code);
      expect(r.issues[0]?.notification?.subcode).toBe(3);
      expect(Array.from(r.issues[0]?.notification?.data ?? [])).toEqual([code]);
    });
  }

  it('reports each missing attribute when none is there', () => {
    const r = expectMessage(decodeMessage(update({ nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(r.issues.map((i) => i.code)).toEqual([1, 2, 3]);
  });

  it('needs no NEXT_HOP when the routes come in MP_REACH_NLRI (RFC 4760 §3)', () => {
    expectMessage(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + MP_REACH_V6 }), DEFAULT_CONTEXT));
    const r = expectMessage(decodeMessage(update({ attributes: AS_PATH_2 + MP_REACH_V6 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(r.issues.map((i) => i.code)).toEqual([1]);
  });

  it('checks nothing on a withdraw-only UPDATE', () => {
    const r = expectMessage(decodeMessage(update({ withdrawn: '18 0a0000 10 ac10' }), DEFAULT_CONTEXT));
    expect(r.issues).toEqual([]);
    expect(formatPrefixes(updateOf(r).withdrawn)).toEqual(['10.0.0.0/24', '172.16.0.0/16']);
    expectMessage(decodeMessage(update({ attributes: MP_UNREACH_V6 }), DEFAULT_CONTEXT));
  });
});

describe('NLRI syntax (RFC 4271 §6.3, RFC 7606 §5.3)', () => {
  it('answers an IPv4 prefix length of 33 with 3/10', () => {
    expectNotification(decodeMessage(update({ attributes: MANDATORY_2, nlri: '21 0a000000 00' }), DEFAULT_CONTEXT), 3, 10);
    expectNotification(decodeMessage(update({ withdrawn: '21 0a000000 00' }), DEFAULT_CONTEXT), 3, 10);
  });

  it('answers a prefix cut short with 3/10', () => {
    expectNotification(decodeMessage(update({ attributes: MANDATORY_2, nlri: '18 0a00' }), DEFAULT_CONTEXT), 3, 10);
    expectNotification(decodeMessage(update({ withdrawn: '18 0a00' }), DEFAULT_CONTEXT), 3, 10);
  });

  it('answers an IPv6 prefix length of 129 in MP_REACH_NLRI with 3/9 and the attribute', () => {
    const bad = attr(0x80, 14, '0002 01 10 20010db8000000000000000000000001 00 81' + '20010db8'.repeat(4) + '00');
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + bad }), DEFAULT_CONTEXT), 3, 9, bad);
    const unreach = attr(0x80, 15, '0002 01 81' + '20010db8'.repeat(4) + '00');
    expectNotification(decodeMessage(update({ attributes: unreach }), DEFAULT_CONTEXT), 3, 9, unreach);
  });

  it('answers an MP_REACH_NLRI next hop length that does not fit the family with 3/9 (RFC 7606 §7.11)', () => {
    const bad = attr(0x80, 14, '0002 01 05 2001000000 00 20 20010db8');
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + bad }), DEFAULT_CONTEXT), 3, 9, bad);
    const overrun = attr(0x80, 14, '0002 01 20 20010db8');
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + overrun }), DEFAULT_CONTEXT), 3, 9, overrun);
    const short = attr(0x80, 14, '0002 01 00');
    expectNotification(decodeMessage(update({ attributes: ORIGIN_IGP + AS_PATH_2 + short }), DEFAULT_CONTEXT), 3, 9, short);
  });
});

describe('several errors in one UPDATE', () => {
  it('applies the strongest approach (RFC 7606 §3(h))', () => {
    const discard = attr(0x40, 6, '00'); // ATOMIC_AGGREGATE of length 1
    const withdraw = attr(0xc0, 8, '0000000000'); // COMMUNITIES of length 5
    const r = expectMessage(decodeMessage(update({ attributes: MANDATORY_2 + discard + withdraw, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 'treat-as-withdraw');
    expect(r.issues.map((i) => [i.code, i.action])).toEqual([
      [6, 'attribute-discard'],
      [8, 'treat-as-withdraw'],
    ]);
    expect(r.discarded).toEqual([6]);
  });

  it('resets the session with the error of the malformed attribute when there is no NLRI', () => {
    // ORIGIN 3 on a withdraw-only UPDATE: nothing to treat as withdrawn (RFC 7606 §5.2),
    // so the NOTIFICATION is the RFC 4271 §6.3 one for an invalid ORIGIN.
    const bad = attr(0x40, 1, '03');
    expectNotification(decodeMessage(update({ withdrawn: NLRI_10_0_0, attributes: bad + AS_PATH_2 }), DEFAULT_CONTEXT), 3, 6, bad);
  });

  it('keeps the session for attribute-discard when there is no NLRI', () => {
    const r = expectMessage(decodeMessage(update({ withdrawn: NLRI_10_0_0, attributes: attr(0xc0, 7, '00') }), DEFAULT_CONTEXT), 'attribute-discard');
    expect(r.discarded).toEqual([7]);
    expect(updateOf(r).attributes).toEqual([]);
  });
});

describe('unknown attributes', () => {
  it('answers an unrecognized well-known attribute with 3/2 and the attribute', () => {
    const unknown = attr(0x40, 99, 'abcd');
    expectNotification(decodeMessage(update({ attributes: MANDATORY_2 + unknown, nlri: NLRI_10_0_0 }), DEFAULT_CONTEXT), 3, 2, unknown);
  });

  it('keeps an unknown optional transitive attribute with its flags and writes it back the same', () => {
    const unknown = attr(0xe0, 99, 'abcd'); // Partial bit set by an earlier speaker
    const long = attr(0xd0, 100, '00'.repeat(300)); // Extended Length
    const bytes = update({ attributes: MANDATORY_2 + unknown + long, nlri: NLRI_10_0_0 });
    const r = expectMessage(decodeMessage(bytes, DEFAULT_CONTEXT));
    const msg = updateOf(r);
    expect(msg.attributes[3]).toEqual({ name: 'UNKNOWN', code: 99, flags: 0xe0, value: Uint8Array.of(0xab, 0xcd) });
    expect(msg.attributes[4]).toMatchObject({ name: 'UNKNOWN', code: 100, flags: 0xd0 });
    expect(toHex(encodeMessage(msg, DEFAULT_CONTEXT))).toBe(toHex(bytes));
  });
});

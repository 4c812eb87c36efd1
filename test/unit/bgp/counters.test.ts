import { describe, expect, it } from 'vitest';
import { AS4_CONTEXT, decodeMessage, makeAttribute, packAnnouncements, packWithdrawals, prefixListFrom, type UpdateMessage } from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { messageTypeOf, tallyUpdate } from '../../../src/bgp/counters.js';
import { normalizeAddress } from '../../../src/bgp/speaker.js';

function decoded(bytes: Uint8Array | undefined): UpdateMessage {
  if (bytes === undefined) throw new Error('no message');
  const r = decodeMessage(bytes, AS4_CONTEXT);
  if (r.outcome === 'incomplete' || r.outcome === 'notification' || r.message.type !== 'UPDATE') throw new Error('not an UPDATE');
  return r.message;
}

const base = [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [])];

describe('tallyUpdate', () => {
  it('counts IPv4 NLRI and withdrawn routes', () => {
    const [ann] = packAnnouncements([...base, makeAttribute('NEXT_HOP', parseIpv4('192.0.2.1')!)], prefixListFrom(1, ['10.0.0.0/8', '10.1.0.0/16']), AS4_CONTEXT);
    expect(tallyUpdate(decoded(ann), 'ok')).toEqual({ announced: { ipv4: 2, ipv6: 0 }, withdrawn: { ipv4: 0, ipv6: 0 } });
    const [wd] = packWithdrawals(prefixListFrom(1, ['10.0.0.0/8']), AS4_CONTEXT);
    expect(tallyUpdate(decoded(wd), 'ok')).toEqual({ announced: { ipv4: 0, ipv6: 0 }, withdrawn: { ipv4: 1, ipv6: 0 } });
  });

  it('counts MP_REACH_NLRI and MP_UNREACH_NLRI per family', () => {
    const reach = makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: ['2001:db8::1'], nlri: null, rawNlri: null });
    const [ann] = packAnnouncements([...base, reach], prefixListFrom(2, ['2001:db8::/32', '2001:db8:1::/48', '2001:db8:2::/48']), AS4_CONTEXT);
    expect(tallyUpdate(decoded(ann), 'ok').announced).toEqual({ ipv4: 0, ipv6: 3 });
    const [wd] = packWithdrawals(prefixListFrom(2, ['2001:db8::/32']), AS4_CONTEXT);
    expect(tallyUpdate(decoded(wd), 'ok').withdrawn).toEqual({ ipv4: 0, ipv6: 1 });
  });

  it('counts the routes of a treat-as-withdraw UPDATE as withdrawn (RFC 7606)', () => {
    const [ann] = packAnnouncements([...base, makeAttribute('NEXT_HOP', parseIpv4('192.0.2.1')!)], prefixListFrom(1, ['10.0.0.0/8']), AS4_CONTEXT);
    expect(tallyUpdate(decoded(ann), 'treat-as-withdraw')).toEqual({ announced: { ipv4: 0, ipv6: 0 }, withdrawn: { ipv4: 1, ipv6: 0 } });
  });

  it('names message types from the header', () => {
    const b = new Uint8Array(19);
    b[18] = 5;
    expect(messageTypeOf(b)).toBe('ROUTE-REFRESH');
    b[18] = 42;
    expect(messageTypeOf(b)).toBeNull();
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1', null],
    ['192.0.2.1', '192.0.2.1', null],
    ['2001:DB8::1', '2001:db8::1', null],
    ['fe80::1%eth0', 'fe80::1', 'eth0'],
  ])('%s', (input, address, zone) => {
    expect(normalizeAddress(input)).toEqual({ address, zone });
  });
});

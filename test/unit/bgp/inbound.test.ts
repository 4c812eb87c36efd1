import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT, decodeMessage, encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh } from '../../../src/bgp/wire/index.js';
import { inboundEvent, negotiatedOrf, type ReceivedResult } from '../../../src/bgp/inbound.js';

function decode(bytes: Uint8Array): ReceivedResult {
  const r = decodeMessage(bytes, DEFAULT_CONTEXT);
  if (r.outcome === 'incomplete') throw new Error('incomplete');
  return r;
}

describe('inboundEvent', () => {
  it('maps each message type to its FSM event', () => {
    expect(inboundEvent(decode(encodeKeepalive()))).toEqual({ type: 'KeepAliveMsg' });
    expect(inboundEvent(decode(encodeOpen({ myAs: 65000, holdTime: 90, bgpId: 1, capabilities: [] })))).toMatchObject({ type: 'BGPOpen', open: { myAs: 65000 } });
    expect(inboundEvent(decode(encodeNotification(6, 2)))).toMatchObject({ type: 'NotifMsg', notification: { code: 6, subcode: 2 } });
    expect(inboundEvent(decode(encodeRouteRefresh(2, 1, 1)))).toEqual({ type: 'RouteRefreshMsg', afi: 2, safi: 1, subtype: 1, orf: null });
  });

  it('maps decode failures (a normal refresh with ORF is no failure, RFC 5291 §4) to the error event of the message type', () => {
    const badOpen = encodeOpen({ myAs: 65000, holdTime: 90, bgpId: 1, capabilities: [] });
    badOpen[19] = 3;
    expect(inboundEvent(decode(badOpen))).toMatchObject({ type: 'BGPOpenMsgErr', notification: { code: 2, subcode: 1 } });
    const badUpdate = Uint8Array.from([...new Array(16).fill(0xff), 0, 23, 2, 0, 9, 0, 0]);
    expect(inboundEvent(decode(badUpdate))).toMatchObject({ type: 'UpdateMsgErr', notification: { code: 3 } });
    const longRefresh = Uint8Array.from([...new Array(16).fill(0xff), 0, 24, 5, 0, 1, 1, 1, 0]); // a BoRR of 24 bytes
    expect(inboundEvent(decode(longRefresh))).toMatchObject({ type: 'RouteRefreshMsgErr', notification: { code: 7, subcode: 1 } });
    expect(inboundEvent(decode(Uint8Array.from([...new Array(16).fill(0xff), 0, 24, 5, 0, 1, 0, 1, 1])))).toMatchObject({ type: 'RouteRefreshMsg', subtype: 0, orf: { whenToRefresh: 1, groups: [] } });
    const badMarker = encodeKeepalive();
    badMarker[0] = 0;
    expect(inboundEvent(decode(badMarker))).toMatchObject({ type: 'BGPHeaderErr', notification: { code: 1, subcode: 1 } });
  });
});

describe('negotiatedOrf (RFC 5291 §5)', () => {
  const group = (type: number) => ({ type, entries: [], raw: new Uint8Array(0), malformed: null });
  it('keeps the Address Prefix ORF when negotiated and ignores every other type', () => {
    const orf = { whenToRefresh: 1, groups: [group(64), group(65), group(128)], malformed: null };
    expect(negotiatedOrf(orf, true)?.groups.map((g) => g.type)).toEqual([64]);
    expect(negotiatedOrf(orf, false)).toBeNull();
    expect(negotiatedOrf({ ...orf, groups: [group(65)] }, true)).toBeNull();
  });
});

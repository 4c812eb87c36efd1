// fast-check arbitraries for every capability and every message type, each value shaped as the
// decoder returns it, so encode → decode must give it back.
import fc from 'fast-check';
import {
  encodeMessage,
  type AddPathMode,
  type BgpMessage,
  type Capability,
  type CodecContext,
  type KeepaliveMessage,
  type NotificationMessage,
  type OpenMessage,
  type OrfAction,
  type OrfGroup,
  type PrefixOrfEntry,
  type RefreshOrf,
  type RouteRefreshMessage,
  type UpdateMessage,
} from '../../src/bgp/wire/index.js';
import { attributeSetArb, withMandatory } from './attribute-arbitraries.js';
import { contextArb, ipv4ListArb, u16, u32, u8 } from './prefix-arbitraries.js';

const KNOWN_CAPABILITY_CODES = new Set([1, 2, 3, 5, 6, 64, 65, 69, 70, 71, 73, 128]);
const afiSafi = { afi: u16, safi: u8 };
/** FQDN labels: each of hostname and domain must leave room for the other within 255 octets. */
const fqdnText = fc
  .oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 12 }))
  .filter((s) => Buffer.byteLength(s, 'utf8') <= 120);

/** One arbitrary per capability necod knows, and one for unknown codes. */
export const capabilityArbs: fc.Arbitrary<Capability>[] = [
  fc.record(afiSafi).map((v): Capability => ({ name: 'MULTIPROTOCOL', code: 1, ...v })),
  fc.constant<Capability>({ name: 'ROUTE_REFRESH', code: 2 }),
  fc
    .array(fc.record({ ...afiSafi, orfs: fc.array(fc.record({ type: u8, mode: fc.constantFrom<AddPathMode>(1, 2, 3) }), { maxLength: 4 }) }), { maxLength: 4 })
    .map((families): Capability => ({ name: 'OUTBOUND_ROUTE_FILTERING', code: 3, families })),
  fc
    .array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }), { maxLength: 6 })
    .map((entries): Capability => ({ name: 'EXTENDED_NEXT_HOP', code: 5, entries })),
  fc.constant<Capability>({ name: 'EXTENDED_MESSAGE', code: 6 }),
  fc
    .record({
      restarting: fc.boolean(),
      notification: fc.boolean(),
      restartTime: fc.integer({ min: 0, max: 0x0fff }),
      families: fc.array(fc.record({ ...afiSafi, forwarding: fc.boolean() }), { maxLength: 6 }),
    })
    .map((v): Capability => ({ name: 'GRACEFUL_RESTART', code: 64, ...v })),
  u32.map((asn): Capability => ({ name: 'FOUR_OCTET_AS', code: 65, asn })),
  fc
    .array(fc.record({ ...afiSafi, mode: fc.constantFrom<AddPathMode>(1, 2, 3) }), { minLength: 1, maxLength: 6 })
    .map((entries): Capability => ({ name: 'ADD_PATH', code: 69, entries })),
  fc.constant<Capability>({ name: 'ENHANCED_ROUTE_REFRESH', code: 70 }),
  fc
    .array(fc.record({ ...afiSafi, forwarding: fc.boolean(), staleTime: fc.integer({ min: 0, max: 0xffffff }) }), { maxLength: 6 })
    .map((families): Capability => ({ name: 'LONG_LIVED_GRACEFUL_RESTART', code: 71, families })),
  fc.record({ hostname: fqdnText, domain: fqdnText }).map((v): Capability => ({ name: 'FQDN', code: 73, ...v })),
  fc.constant<Capability>({ name: 'ROUTE_REFRESH_CISCO', code: 128 }),
  fc
    .record({ code: u8.filter((c) => !KNOWN_CAPABILITY_CODES.has(c)), value: fc.uint8Array({ maxLength: 24 }) })
    .map((v): Capability => ({ name: 'UNKNOWN', ...v })),
];

export const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(...capabilityArbs);

/** Splits n capabilities into consecutive parameter groups of at least one each. */
function groupsArb(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((starts) => {
    const groups: number[] = [];
    starts.forEach((start, i) => {
      if (i === 0 || start) groups.push(1);
      else groups[groups.length - 1]!++; // i > 0: a group exists
    });
    return groups;
  });
}

export const openArb: fc.Arbitrary<OpenMessage> = fc
  .record({
    myAs: u16,
    holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
    bgpId: fc.integer({ min: 1, max: 0xffffffff }),
    capabilities: fc.array(capabilityArb, { maxLength: 10 }),
    extendedParameters: fc.boolean(),
  })
  .chain((o) =>
    groupsArb(o.capabilities.length).map((capabilityGroups): OpenMessage => {
      const open: OpenMessage = { type: 'OPEN', version: 4, myAs: o.myAs, holdTime: o.holdTime, bgpId: o.bgpId, capabilities: o.capabilities, capabilityGroups };
      if (o.extendedParameters) open.extendedParameters = true;
      return open;
    }),
  );

export function updateArb(ctx: CodecContext): fc.Arbitrary<UpdateMessage> {
  return fc
    .record({
      withdrawn: ipv4ListArb({ addPath: ctx.addPath.ipv4, maxLength: 30 }),
      attributes: attributeSetArb(ctx),
      nlri: ipv4ListArb({ addPath: ctx.addPath.ipv4, maxLength: 30 }),
    })
    .map((u): UpdateMessage => ({ type: 'UPDATE', withdrawn: u.withdrawn, attributes: withMandatory(u.attributes, u.nlri.count > 0), nlri: u.nlri }));
}

export const notificationArb: fc.Arbitrary<NotificationMessage> = fc
  .record({ code: u8, subcode: u8, data: fc.uint8Array({ maxLength: 64 }) })
  .map((n) => ({ type: 'NOTIFICATION', ...n }));

export const keepaliveArb: fc.Arbitrary<KeepaliveMessage> = fc.constant({ type: 'KEEPALIVE' });

/** An Address Prefix ORF entry (RFC 5292 §3) as the decoder returns it: unused address bytes zero. */
function prefixOrfEntryArb(size: 4 | 16): fc.Arbitrary<PrefixOrfEntry> {
  return fc
    .record({
      action: fc.constantFrom<OrfAction>('add', 'remove', 'remove-all'),
      match: fc.constantFrom<'permit' | 'deny'>('permit', 'deny'),
      sequence: u32,
      length: fc.integer({ min: 0, max: size * 8 }),
      exact: fc.boolean(),
      bytes: fc.uint8Array({ minLength: size, maxLength: size }),
      extra: fc.nat({ max: 8 }),
    })
    .map((v): PrefixOrfEntry => {
      if (v.action === 'remove-all') return { action: v.action, match: v.match, sequence: 0, minLength: 0, maxLength: 0, prefix: new Uint8Array(size), length: 0 };
      const prefix = new Uint8Array(size);
      prefix.set(v.bytes.subarray(0, (v.length + 7) >> 3));
      const minLength = v.exact ? 0 : Math.min(size * 8, v.length + v.extra);
      const maxLength = v.exact ? 0 : size * 8;
      return { action: v.action, match: v.match, sequence: v.sequence, minLength, maxLength, prefix, length: v.length };
    });
}

const refreshOrfArb = (afi: number): fc.Arbitrary<RefreshOrf> =>
  fc
    .record({
      whenToRefresh: fc.constantFrom(1, 2),
      groups: fc.array(
        fc.oneof(
          fc.array(prefixOrfEntryArb(afi === 2 ? 16 : 4), { maxLength: 6 }).map((entries): OrfGroup => ({ type: 64, entries, raw: new Uint8Array(0), malformed: null })),
          fc
            .record({ type: u8.filter((t) => t !== 64 && t !== 128), raw: fc.uint8Array({ maxLength: 16 }) })
            .map((g): OrfGroup => ({ type: g.type, entries: null, raw: g.raw, malformed: null })),
        ),
        { maxLength: 3 },
      ),
    })
    .map((o): RefreshOrf => ({ ...o, malformed: null }));

export const routeRefreshArb: fc.Arbitrary<RouteRefreshMessage> = fc
  .record({ afi: fc.constantFrom(1, 2), safi: u8, orf: fc.boolean() })
  .chain((r) =>
    r.orf
      ? refreshOrfArb(r.afi).map((orf): RouteRefreshMessage => ({ type: 'ROUTE-REFRESH', afi: r.afi, safi: r.safi, subtype: 0, orf }))
      : fc.record({ afi: u16, safi: u8, subtype: u8 }).map((x): RouteRefreshMessage => ({ type: 'ROUTE-REFRESH', ...x, orf: null })),
  );

/** True when the message can be sent at all: within the size limits of the context. */
export function encodable(message: BgpMessage, ctx: CodecContext): boolean {
  try {
    encodeMessage(message, ctx);
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

export function messageArb(ctx: CodecContext): fc.Arbitrary<BgpMessage> {
  return fc
    .oneof(
      { arbitrary: openArb as fc.Arbitrary<BgpMessage>, weight: 1 },
      { arbitrary: updateArb(ctx), weight: 4 },
      { arbitrary: notificationArb, weight: 1 },
      { arbitrary: keepaliveArb, weight: 1 },
      { arbitrary: routeRefreshArb, weight: 1 },
    )
    .filter((m) => encodable(m, ctx));
}

export interface ContextualMessage {
  ctx: CodecContext;
  message: BgpMessage;
}

export const contextualMessageArb: fc.Arbitrary<ContextualMessage> = contextArb.chain((ctx) => messageArb(ctx).map((message) => ({ ctx, message })));

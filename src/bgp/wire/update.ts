// UPDATE messages (RFC 4271 §4.3): decoding with RFC 7606 error handling, End-of-RIB
// (RFC 4724 §2), and packing many prefixes into as few messages as fit.
import type { Family } from '../../net/index.js';
import { attributeName, decodeAttributes, encodeAttribute, type AttributeIssue } from './attributes.js';
import { findAttribute, type PathAttribute } from './attribute-types.js';
import { writePrefixList } from './attr-mp.js';
import { AttrCode, AttrFlag, HEADER_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, MAX_MESSAGE_LENGTH, MessageType, UpdateSubcode } from './constants.js';
import type { CodecContext } from './context.js';
import { WireError, strongerAction, updateError, type NotificationSpec } from './errors.js';
import { WireReader } from './reader.js';
import {
  EMPTY_IPV4,
  decodeIpv4Prefixes,
  prefixWireSize,
  slicePrefixList,
  writePrefix,
  type Ipv4PrefixList,
  type PrefixList,
} from './prefix.js';
import { ByteWriter } from './writer.js';

export interface UpdateMessage {
  type: 'UPDATE';
  withdrawn: Ipv4PrefixList;
  /** Wire order; repeats already dropped (RFC 7606 §3(g)); attribute-discarded ones left out. */
  attributes: PathAttribute[];
  nlri: Ipv4PrefixList;
}

export interface UpdateDecodeResult {
  message: UpdateMessage;
  /** RFC 7606 outcome; `ok` when nothing was wrong. */
  outcome: 'ok' | 'treat-as-withdraw' | 'attribute-discard';
  issues: AttributeIssue[];
  discarded: number[];
}

/** RFC 4271 §6.3: the NLRI or Withdrawn Routes field cannot be parsed (3/10). */
function invalidNetworkField(field: string) {
  return (reason: string) => updateError(UpdateSubcode.INVALID_NETWORK_FIELD, `${field}: ${reason}`);
}
const invalidWithdrawnRoutes = invalidNetworkField('withdrawn routes');
const invalidNlri = invalidNetworkField('NLRI');

/** The lengths of the body do not add up (3/1). */
function malformedAttributeList(reason: string): WireError {
  return updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, reason);
}

/** Decodes the body buf[start, end) of an UPDATE; session-reset errors throw WireError. */
export function decodeUpdateBody(buf: Uint8Array, start: number, end: number, ctx: CodecContext): UpdateDecodeResult {
  const body = new WireReader(buf, start, end, malformedAttributeList);
  const withdrawnRoutes = body.sub(body.u16('withdrawn routes length'), 'withdrawn routes', invalidWithdrawnRoutes);
  // RFC 4271 §6.3 checks the lengths before the routes: no room for the next length is 3/1.
  if (body.remaining < 2) body.fail('withdrawn routes length overruns the message');
  const withdrawn = decodeIpv4Prefixes(withdrawnRoutes, ctx.addPath.ipv4);
  const section = body.sub(body.u16('total path attribute length'), 'path attributes');
  const nlri = decodeIpv4Prefixes(body.sub(body.remaining, 'NLRI', invalidNlri), ctx.addPath.ipv4);
  const decoded = decodeAttributes(buf, section.pos, section.end, ctx);
  const message: UpdateMessage = { type: 'UPDATE', withdrawn, attributes: decoded.attributes, nlri };
  const issues = decoded.issues;
  let action = decoded.action;

  const mpReach = findAttribute(decoded.attributes, 'MP_REACH_NLRI');
  const hasReach = nlri.count > 0 || (mpReach !== undefined && (mpReach.nlri ? mpReach.nlri.count > 0 : (mpReach.rawNlri?.length ?? 0) > 0));

  if (hasReach) {
    // RFC 7606 §3(d): a missing well-known mandatory attribute withdraws the routes.
    const missing: number[] = [];
    if (findAttribute(decoded.attributes, 'ORIGIN') === undefined && !hasIssue(issues, AttrCode.ORIGIN)) missing.push(AttrCode.ORIGIN);
    if (findAttribute(decoded.attributes, 'AS_PATH') === undefined && !hasIssue(issues, AttrCode.AS_PATH)) missing.push(AttrCode.AS_PATH);
    if (nlri.count > 0 && findAttribute(decoded.attributes, 'NEXT_HOP') === undefined && !hasIssue(issues, AttrCode.NEXT_HOP)) missing.push(AttrCode.NEXT_HOP);
    for (const code of missing) {
      issues.push({
        code,
        action: 'treat-as-withdraw',
        notification: { code: 3, subcode: UpdateSubcode.MISSING_WELL_KNOWN_ATTRIBUTE, data: Uint8Array.of(code) },
        reason: `missing well-known attribute ${attributeName(code)}`,
        rule: 'RFC 7606 §3(d)',
      });
      action = strongerAction(action, 'treat-as-withdraw');
    }
  } else if (action === 'treat-as-withdraw') {
    // RFC 7606 §5.2: with no reachable NLRI in sight, a malformed attribute may have hidden
    // an MP_REACH_NLRI; nothing can be withdrawn safely, so the session is reset. The
    // NOTIFICATION is the one RFC 4271 §6.3 names for that error (3/1 for a framing error).
    const first = issues.find((i) => i.action === 'treat-as-withdraw') as AttributeIssue;
    const { code, subcode, data } = first.notification ?? { code: 3, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, data: new Uint8Array(0) };
    throw new WireError(code, subcode, data, `${first.reason}, and the UPDATE carries no NLRI to withdraw`);
  }
  // Session resets were thrown above, so only the two softer approaches remain here.
  return { message, outcome: (action ?? 'ok') as UpdateDecodeResult['outcome'], issues, discarded: decoded.discarded };
}

function hasIssue(issues: readonly AttributeIssue[], code: number): boolean {
  return issues.some((i) => i.code === code);
}

/** RFC 4724 §2: an empty UPDATE (IPv4) or one holding only an empty MP_UNREACH_NLRI. */
export function endOfRibFamily(msg: UpdateMessage): Family | null {
  if (msg.withdrawn.count || msg.nlri.count) return null;
  if (msg.attributes.length === 0) return 'ipv4';
  const [a] = msg.attributes;
  if (msg.attributes.length !== 1 || a === undefined) return null;
  if (a.name !== 'MP_UNREACH_NLRI' || a.value.safi !== 1) return null;
  const empty = a.value.withdrawn ? a.value.withdrawn.count === 0 : (a.value.rawWithdrawn?.length ?? 0) === 0;
  if (!empty) return null;
  return a.value.afi === 1 ? 'ipv4' : a.value.afi === 2 ? 'ipv6' : null;
}

export function maxUpdateLength(ctx: CodecContext): number {
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

function writeHeader(out: Uint8Array, length: number, type: number): void {
  out.fill(0xff, 0, 16);
  out[16] = length >>> 8;
  out[17] = length & 0xff;
  out[18] = type;
}

/** Encodes one UPDATE exactly as given; RangeError if it exceeds the maximum message size. */
export function encodeUpdate(msg: UpdateMessage, ctx: CodecContext): Uint8Array {
  const w = new ByteWriter(256);
  w.skip(HEADER_LENGTH);
  const wlAt = w.skip(2);
  writePrefixList(msg.withdrawn, w, ctx);
  w.setU16(wlAt, w.length - wlAt - 2);
  const alAt = w.skip(2);
  for (const a of msg.attributes) encodeAttribute(a, w, ctx);
  w.setU16(alAt, w.length - alAt - 2);
  writePrefixList(msg.nlri, w, ctx);
  const out = w.finish();
  if (out.length > maxUpdateLength(ctx)) throw new RangeError(`UPDATE of ${out.length} bytes exceeds ${maxUpdateLength(ctx)}`);
  writeHeader(out, out.length, MessageType.UPDATE);
  return out;
}

/** The End-of-RIB marker for a family (RFC 4724 §2). */
export function encodeEndOfRib(family: Family, ctx: CodecContext): Uint8Array {
  if (family === 'ipv4') return encodeUpdate({ type: 'UPDATE', withdrawn: EMPTY_IPV4, attributes: [], nlri: EMPTY_IPV4 }, ctx);
  const unreach: PathAttribute = {
    name: 'MP_UNREACH_NLRI',
    code: AttrCode.MP_UNREACH_NLRI,
    flags: AttrFlag.OPTIONAL,
    value: { afi: 2, safi: 1, withdrawn: { afi: 2, count: 0, addrs: new Uint8Array(0), lengths: new Uint8Array(0), pathIds: null }, rawWithdrawn: null },
  };
  return encodeUpdate({ type: 'UPDATE', withdrawn: EMPTY_IPV4, attributes: [unreach], nlri: EMPTY_IPV4 }, ctx);
}

/** How many prefixes from `from` fit in `room` bytes. */
function fitPrefixes(list: PrefixList, from: number, room: number, addPath: boolean): number {
  let used = 0;
  let i = from;
  while (i < list.count) {
    const size = prefixWireSize(list, i, addPath);
    if (used + size > room) break;
    used += size;
    i++;
  }
  return i - from;
}

/**
 * Withdrawals for one family, packed into as few UPDATEs as the maximum size allows:
 * IPv4 in the Withdrawn Routes field, IPv6 in MP_UNREACH_NLRI.
 */
export function packWithdrawals(list: PrefixList, ctx: CodecContext): Uint8Array[] {
  const out: Uint8Array[] = [];
  const max = maxUpdateLength(ctx);
  if (list.afi === 1) {
    const addPath = ctx.addPath.ipv4;
    const room = max - HEADER_LENGTH - 4;
    for (let i = 0; i < list.count; ) {
      const n = fitPrefixes(list, i, room, addPath);
      const part = slicePrefixList(list, i, i + n) as Ipv4PrefixList;
      out.push(encodeUpdate({ type: 'UPDATE', withdrawn: part, attributes: [], nlri: EMPTY_IPV4 }, ctx));
      i += n;
    }
    return out;
  }
  const addPath = ctx.addPath.ipv6;
  const room = max - HEADER_LENGTH - 4 - 4 - 3; // attribute header with extended length, AFI/SAFI
  for (let i = 0; i < list.count; ) {
    const n = fitPrefixes(list, i, room, addPath);
    const part = slicePrefixList(list, i, i + n);
    const attr: PathAttribute = {
      name: 'MP_UNREACH_NLRI',
      code: AttrCode.MP_UNREACH_NLRI,
      flags: AttrFlag.OPTIONAL | AttrFlag.EXTENDED_LENGTH,
      value: { afi: 2, safi: 1, withdrawn: part, rawWithdrawn: null },
    };
    out.push(encodeUpdate({ type: 'UPDATE', withdrawn: EMPTY_IPV4, attributes: [attr], nlri: EMPTY_IPV4 }, ctx));
    i += n;
  }
  return out;
}

/**
 * Announcements of one attribute set. IPv4 prefixes go in the NLRI field (the attributes
 * must hold NEXT_HOP); IPv6 prefixes go in MP_REACH_NLRI, whose next hops come from an
 * MP_REACH_NLRI entry in `attributes` (its own NLRI is ignored). The attributes are
 * encoded once; each message repeats them with as many prefixes as fit.
 */
export function packAnnouncements(attributes: readonly PathAttribute[], nlri: PrefixList, ctx: CodecContext): Uint8Array[] {
  const max = maxUpdateLength(ctx);
  const out: Uint8Array[] = [];
  if (nlri.count === 0) return out;
  const family: Family = nlri.afi === 1 ? 'ipv4' : 'ipv6';
  const addPath = ctx.addPath[family];
  const mpIndex = attributes.findIndex((a) => a.name === 'MP_REACH_NLRI');
  const useMp = nlri.afi === 2 || (mpIndex >= 0 && nlri.afi === 1 && findAttribute(attributes, 'NEXT_HOP') === undefined);

  if (!useMp) {
    const fixed = new ByteWriter(256);
    for (const a of attributes) if (a.name !== 'MP_REACH_NLRI' && a.name !== 'MP_UNREACH_NLRI') encodeAttribute(a, fixed, ctx);
    const attrBytes = fixed.view();
    const room = max - HEADER_LENGTH - 4 - attrBytes.length;
    if (room <= 0) throw new RangeError('path attributes leave no room for NLRI');
    for (let i = 0; i < nlri.count; ) {
      const n = fitPrefixes(nlri, i, room, addPath);
      if (n === 0) throw new RangeError('path attributes leave no room for NLRI');
      let size = 0;
      for (let k = i; k < i + n; k++) size += prefixWireSize(nlri, k, addPath);
      const total = HEADER_LENGTH + 4 + attrBytes.length + size;
      const msg = new Uint8Array(total);
      writeHeader(msg, total, MessageType.UPDATE);
      let pos = HEADER_LENGTH;
      msg[pos++] = 0;
      msg[pos++] = 0;
      msg[pos++] = attrBytes.length >>> 8;
      msg[pos++] = attrBytes.length & 0xff;
      msg.set(attrBytes, pos);
      pos += attrBytes.length;
      for (let k = i; k < i + n; k++) pos = writePrefix(nlri, k, addPath, msg, pos);
      out.push(msg);
      i += n;
    }
    return out;
  }

  const template = mpIndex >= 0 ? attributes[mpIndex] : undefined;
  if (!template || template.name !== 'MP_REACH_NLRI') throw new RangeError('IPv6 announcements need an MP_REACH_NLRI with next hops');
  // RFC 7606 §5.1: MP_REACH_NLRI goes first, so a receiver that finds a later attribute
  // malformed has already located the NLRI and can treat them as withdrawn.
  const others = new ByteWriter(256);
  for (const a of attributes) if (a.name !== 'MP_REACH_NLRI' && a.name !== 'MP_UNREACH_NLRI') encodeAttribute(a, others, ctx);
  // MP_REACH_NLRI header (always extended length) + AFI/SAFI/next hop/reserved.
  const nhWriter = new ByteWriter(64);
  const empty: PathAttribute = { ...template, flags: AttrFlag.OPTIONAL | AttrFlag.EXTENDED_LENGTH, value: { ...template.value, afi: nlri.afi, safi: 1, nlri: slicePrefixList(nlri, 0, 0), rawNlri: null } };
  encodeAttribute(empty, nhWriter, ctx);
  const mpHead = nhWriter.finish();
  const fixedLen = others.length + mpHead.length;
  const room = max - HEADER_LENGTH - 4 - fixedLen;
  if (room <= 0) throw new RangeError('path attributes leave no room for NLRI');
  for (let i = 0; i < nlri.count; ) {
    const n = fitPrefixes(nlri, i, room, addPath);
    if (n === 0) throw new RangeError('path attributes leave no room for NLRI');
    let size = 0;
    for (let k = i; k < i + n; k++) size += prefixWireSize(nlri, k, addPath);
    const attrLen = fixedLen + size;
    const total = HEADER_LENGTH + 4 + attrLen;
    const msg = new Uint8Array(total);
    writeHeader(msg, total, MessageType.UPDATE);
    let pos = HEADER_LENGTH + 2;
    msg[pos++] = attrLen >>> 8;
    msg[pos++] = attrLen & 0xff;
    const mpAt = pos;
    msg.set(mpHead, pos);
    pos += mpHead.length;
    const mpLen = mpHead.length - 4 + size;
    msg[mpAt + 2] = mpLen >>> 8;
    msg[mpAt + 3] = mpLen & 0xff;
    for (let k = i; k < i + n; k++) pos = writePrefix(nlri, k, addPath, msg, pos);
    msg.set(others.view(), pos);
    out.push(msg);
    i += n;
  }
  return out;
}

export type { NotificationSpec };

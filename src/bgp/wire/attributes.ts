// The path attribute table and the loops that read and write an attribute list.
// One descriptor per attribute, looked up by type code (RFC 4271 §4.3, §5).
import { AS4_PATH, AS_PATH } from './attr-as-path.js';
import { COMMUNITIES, EXTENDED_COMMUNITIES, LARGE_COMMUNITY } from './attr-communities.js';
import { MP_REACH_NLRI, MP_UNREACH_NLRI } from './attr-mp.js';
import {
  AGGREGATOR,
  AS4_AGGREGATOR,
  ATOMIC_AGGREGATE,
  CLUSTER_LIST,
  LOCAL_PREF,
  MULTI_EXIT_DISC,
  NEXT_HOP,
  ORIGIN,
  ORIGINATOR_ID,
} from './attr-scalar.js';
import { AttributeFault, attributeLengthFault, type AttributeDescriptor } from './attribute-descriptor.js';
import type { AttributeValues, KnownAttributeName, PathAttribute } from './attribute-types.js';
import { AttrCode, AttrFlag, UpdateSubcode } from './constants.js';
import type { CodecContext } from './context.js';
import { strongerAction, updateError, type ErrorAction, type NotificationSpec } from './errors.js';
import { WireReader } from './reader.js';
import { ByteWriter } from './writer.js';

type AnyDescriptor = AttributeDescriptor<KnownAttributeName>;

const DESCRIPTORS: AnyDescriptor[] = [
  ORIGIN,
  AS_PATH,
  NEXT_HOP,
  MULTI_EXIT_DISC,
  LOCAL_PREF,
  ATOMIC_AGGREGATE,
  AGGREGATOR,
  COMMUNITIES,
  ORIGINATOR_ID,
  CLUSTER_LIST,
  MP_REACH_NLRI,
  MP_UNREACH_NLRI,
  EXTENDED_COMMUNITIES,
  AS4_PATH,
  AS4_AGGREGATOR,
  LARGE_COMMUNITY,
] as AnyDescriptor[];

const BY_CODE: (AnyDescriptor | undefined)[] = new Array(256);
const BY_NAME = new Map<string, AnyDescriptor>();
for (const d of DESCRIPTORS) {
  BY_CODE[d.code] = d;
  BY_NAME.set(d.name, d);
}

export function attributeDescriptor(code: number): AnyDescriptor | undefined {
  return BY_CODE[code];
}

export function attributeName(code: number): string {
  return BY_CODE[code]?.name ?? `UNKNOWN_${code}`;
}

/** Builds an attribute with the flags its descriptor prescribes. */
export function makeAttribute<K extends KnownAttributeName>(name: K, value: AttributeValues[K]): PathAttribute {
  const d = BY_NAME.get(name);
  if (!d) throw new RangeError(`no attribute named ${name}`);
  return { name, code: d.code, flags: d.flags, value } as PathAttribute;
}

/** One malformed or unwanted attribute and what RFC 7606 (or the attribute's RFC) does about it. */
export interface AttributeIssue {
  code: number;
  action: ErrorAction;
  /** What an RFC 4271 speaker would have sent for it; null when the message is not in error. */
  notification: NotificationSpec | null;
  reason: string;
  /** The rule applied, e.g. "RFC 7606 §3(g)". */
  rule: string;
}

export interface DecodedAttributes {
  attributes: PathAttribute[];
  /** Strongest RFC 7606 approach among the issues, or null when the list was clean. */
  action: ErrorAction | null;
  issues: AttributeIssue[];
  /** Type codes of attributes dropped by attribute-discard or as duplicates (RFC 7606 §3(g)). */
  discarded: number[];
}

/**
 * Reads the path attribute section buf[start, end). Session-reset errors throw WireError;
 * everything else is reported in the result so the UPDATE can still be processed.
 */
export function decodeAttributes(buf: Uint8Array, start: number, end: number, ctx: CodecContext): DecodedAttributes {
  const attributes: PathAttribute[] = [];
  const issues: AttributeIssue[] = [];
  const discarded: number[] = [];
  let action: ErrorAction | null = null;
  const seen = new Uint8Array(256);
  const section = new WireReader(buf, start, end, framingFault);

  while (!section.done) {
    const attrStart = section.pos;
    let flags: number;
    let code: number;
    let value: WireReader;
    try {
      flags = section.u8('attribute flags');
      code = section.u8('attribute type code');
      const len = flags & AttrFlag.EXTENDED_LENGTH ? section.u16('attribute length') : section.u8('attribute length');
      value = section.sub(len, 'attribute value', attributeLengthFault);
    } catch (err) {
      // RFC 7606 §4: an attribute that does not fit the section is a framing error:
      // the rest of the section cannot be trusted, the routes are withdrawn.
      if (!(err instanceof FramingFault)) throw err;
      const issue = framingIssue(buf, attrStart, end, err.message);
      issues.push(issue);
      action = strongerAction(action, issue.action);
      break;
    }
    const valueEnd = value.end;
    const raw = () => buf.slice(attrStart, valueEnd);

    if (seen[code]) {
      // RFC 7606 §3(g): a repeated MP attribute resets the session; any other repeat is dropped.
      if (code === AttrCode.MP_REACH_NLRI || code === AttrCode.MP_UNREACH_NLRI) {
        throw updateError(UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, `${attributeName(code)} appears twice`);
      }
      const notification = { code: 3, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, data: new Uint8Array(0) };
      issues.push({ code, action: 'attribute-discard', notification, reason: `${attributeName(code)} appears again; the repeat is discarded`, rule: 'RFC 7606 §3(g)' });
      action = strongerAction(action, 'attribute-discard');
      discarded.push(code);
      continue;
    }
    seen[code] = 1;

    if (ctx.as4 && (code === AttrCode.AS4_PATH || code === AttrCode.AS4_AGGREGATOR)) {
      // RFC 6793 §3: between two 4-octet speakers these are discarded, the UPDATE processed;
      // nothing is wrong with the message, so no NOTIFICATION would ever be due.
      issues.push({ code, action: 'attribute-discard', notification: null, reason: `${attributeName(code)} from a 4-octet AS speaker is discarded`, rule: 'RFC 6793 §3' });
      action = strongerAction(action, 'attribute-discard');
      discarded.push(code);
      continue;
    }

    const d = BY_CODE[code];
    if (!d) {
      if (!(flags & AttrFlag.OPTIONAL)) {
        // RFC 4271 §6.3: an unrecognized well-known attribute ends the session.
        throw updateError(UpdateSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, `unrecognized well-known attribute ${code}`, raw());
      }
      attributes.push({ name: 'UNKNOWN', code, flags, value: value.rest() });
      continue;
    }

    try {
      // RFC 7606 §3(c): Optional/Transitive bits that conflict with the type make it malformed,
      // handled by treat-as-withdraw whatever the attribute's own approach for bad values (the
      // attribute-discard of §7.6/§7.7 and RFC 6793 §6 covers bad lengths and contents only).
      // MP_REACH_NLRI/MP_UNREACH_NLRI stay a session reset: their NLRI cannot be trusted (§7.11).
      if ((flags ^ d.flags) & (AttrFlag.OPTIONAL | AttrFlag.TRANSITIVE)) {
        throw new AttributeFault(
          UpdateSubcode.ATTRIBUTE_FLAGS_ERROR,
          `${d.name} flags 0x${flags.toString(16)}, expected 0x${d.flags.toString(16)}`,
          d.onError === 'session-reset' ? 'session-reset' : 'treat-as-withdraw',
          'RFC 7606 §3(c)',
        );
      }
      attributes.push({ name: d.name, code, flags, value: d.decode(value, ctx) } as PathAttribute);
    } catch (err) {
      if (!(err instanceof AttributeFault)) throw err;
      const act = err.action ?? d.onError;
      const rule = err.rule ?? d.rule;
      const notification: NotificationSpec = { code: 3, subcode: err.subcode, data: raw() };
      if (act === 'session-reset') {
        throw updateError(notification.subcode, err.message, notification.data);
      }
      issues.push({ code, action: act, notification, reason: err.message, rule });
      action = strongerAction(action, act);
      if (act === 'attribute-discard') discarded.push(code);
    }
  }
  return { attributes, action, issues, discarded };
}

/** A framing error of the attribute section (RFC 7606 §4), turned into an issue by the loop. */
class FramingFault extends Error {}
const framingFault = (reason: string): FramingFault => new FramingFault(reason);

function framingIssue(buf: Uint8Array, from: number, to: number, reason: string): AttributeIssue {
  return {
    code: from + 1 < to ? (buf[from + 1] ?? 0) : 0,
    action: 'treat-as-withdraw',
    notification: { code: 3, subcode: UpdateSubcode.MALFORMED_ATTRIBUTE_LIST, data: new Uint8Array(0) },
    reason,
    rule: 'RFC 7606 §4',
  };
}

/** Writes one attribute with header; the extended-length bit is kept from `flags` or forced when needed. */
export function encodeAttribute(attr: PathAttribute, w: ByteWriter, ctx: CodecContext): void {
  const at = w.length;
  w.u8(0).u8(attr.code).u16(0); // header written once the length is known
  const valueStart = w.length;
  if (attr.name === 'UNKNOWN') w.bytes(attr.value);
  else (BY_NAME.get(attr.name) as AnyDescriptor).encode(attr.value as never, w, ctx);
  const len = w.length - valueStart;
  if (len > 0xffff) throw new RangeError(`attribute ${attr.code} is ${len} bytes, more than fits`);
  const extended = len > 255 || (attr.flags & AttrFlag.EXTENDED_LENGTH) !== 0;
  const flags = (attr.flags & ~AttrFlag.EXTENDED_LENGTH & 0xf0) | (extended ? AttrFlag.EXTENDED_LENGTH : 0);
  const out = w.view();
  out[at] = flags;
  if (extended) {
    w.setU16(at + 2, len);
  } else {
    // Close the one-byte gap left by the provisional two-byte length.
    out[at + 2] = len;
    out.copyWithin(at + 3, valueStart, valueStart + len);
    w.length -= 1;
  }
}

export function encodeAttributes(attrs: readonly PathAttribute[], ctx: CodecContext): Uint8Array {
  const w = new ByteWriter(128);
  for (const a of attrs) encodeAttribute(a, w, ctx);
  return w.finish();
}

/** JSON view: attributes keyed by name, each with its type code and flags. */
export function attributesToJSON(attrs: readonly PathAttribute[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attrs) {
    if (a.name === 'UNKNOWN') {
      out[`UNKNOWN_${a.code}`] = { code: a.code, flags: a.flags, value: Buffer.from(a.value).toString('hex') };
    } else {
      const d = BY_NAME.get(a.name) as AnyDescriptor;
      out[a.name] = { code: a.code, flags: a.flags, value: d.toJSON(a.value as never) };
    }
  }
  return out;
}

// OPEN messages (RFC 4271 §4.2) with capabilities (RFC 5492) and the RFC 9072 extended
// optional parameters length.
import { formatIpv4 } from '../../net/index.js';
import { CapabilityFault, capabilityFault, capabilityToJSON, decodeCapability, encodeCapability, type Capability } from './capabilities.js';
import { AS_TRANS, HEADER_LENGTH, HeaderSubcode, MAX_MESSAGE_LENGTH, MessageType, OpenSubcode } from './constants.js';
import { WireError, headerError, openError, u16 } from './errors.js';
import { WireReader } from './reader.js';
import { ByteWriter } from './writer.js';

export interface OpenMessage {
  type: 'OPEN';
  version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real ASN needs 4 octets). */
  myAs: number;
  holdTime: number;
  /** BGP Identifier as an unsigned 32-bit number. */
  bgpId: number;
  capabilities: Capability[];
  /**
   * How many capabilities each Capabilities optional parameter held, in order. Some speakers
   * put all in one parameter, others one per parameter; kept so re-encoding is faithful.
   */
  capabilityGroups?: number[];
  /** RFC 9072 extended optional parameters encoding was (or is to be) used. */
  extendedParameters?: boolean;
}

const OPT_PARAM_CAPABILITIES = 2;
/** RFC 9072 §2: Non-Ext OP Type that flags the extended encoding. */
const OPT_PARAM_EXTENDED = 255;

/** Decodes the body buf[start, end) of an OPEN (header already checked). */
export function decodeOpenBody(buf: Uint8Array, start: number, end: number): OpenMessage {
  const r = new WireReader(buf, start, end, malformedOpen);
  const version = r.u8('version');
  if (version !== 4) {
    // RFC 4271 §6.2: data is the largest locally supported version.
    throw openError(OpenSubcode.UNSUPPORTED_VERSION, `unsupported BGP version ${version}`, u16(4));
  }
  const myAs = r.u16('My Autonomous System');
  const holdTime = r.u16('Hold Time');
  const bgpId = r.u32('BGP Identifier');
  let optLen = r.u8('optional parameters length');
  let extended = false;
  // RFC 9072 §2: a length of 255 followed by type 255 announces a 2-octet length.
  if (optLen === 255 && !r.done && buf[r.pos] === OPT_PARAM_EXTENDED) {
    r.take(1, 'extended optional parameters marker');
    optLen = r.u16('extended optional parameters length');
    extended = true;
  }
  if (optLen !== r.remaining) {
    // RFC 4271 §6.1: the message length must match what the OPEN says it holds.
    throw headerError(HeaderSubcode.BAD_MESSAGE_LENGTH, u16(end - start + HEADER_LENGTH), `optional parameters length ${optLen} does not match the message`);
  }
  const capabilities: Capability[] = [];
  const capabilityGroups: number[] = [];
  while (!r.done) {
    const type = r.u8('optional parameter type');
    const len = extended ? r.u16('optional parameter length') : r.u8('optional parameter length');
    const param = r.sub(len, `optional parameter ${type}`);
    if (type !== OPT_PARAM_CAPABILITIES) throw openError(OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, `unsupported optional parameter ${type}`);
    let inGroup = 0;
    while (!param.done) {
      const code = param.u8('capability code');
      const value = param.sub(param.u8(`capability ${code} length`), `capability ${code}`, capabilityFault);
      try {
        capabilities.push(decodeCapability(code, value));
      } catch (err) {
        if (err instanceof CapabilityFault) throw malformedOpen(err.message);
        throw err;
      }
      inGroup++;
    }
    capabilityGroups.push(inGroup);
  }
  const open: OpenMessage = { type: 'OPEN', version, myAs, holdTime, bgpId, capabilities, capabilityGroups };
  if (extended) open.extendedParameters = true;
  return open;
}

/** RFC 5492 §3 leaves a malformed OPEN to the general 2/0. */
function malformedOpen(reason: string): WireError {
  return openError(0, `malformed OPEN: ${reason}`);
}

/**
 * Checks an OPEN needs no configuration for: hold time 1 or 2 (RFC 4271 §6.2) and a zero
 * BGP Identifier (RFC 6286 §2.2). Returns the error to send, or null.
 */
export function checkOpen(open: OpenMessage): WireError | null {
  if (open.holdTime === 1 || open.holdTime === 2) {
    return openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${open.holdTime} is neither 0 nor at least 3`);
  }
  if (open.bgpId === 0) return openError(OpenSubcode.BAD_BGP_IDENTIFIER, 'BGP Identifier 0.0.0.0');
  return null;
}

/** The sender's ASN: from the 4-octet AS capability when present (RFC 6793 §4.1). */
export function openAsn(open: OpenMessage): number {
  for (const c of open.capabilities) if (c.name === 'FOUR_OCTET_AS') return c.asn;
  return open.myAs;
}

export function encodeOpen(open: Omit<OpenMessage, 'type' | 'version'> & { version?: number }): Uint8Array {
  const params = new ByteWriter(128);
  const groups = open.capabilityGroups && open.capabilityGroups.reduce((a, b) => a + b, 0) === open.capabilities.length
    ? open.capabilityGroups
    : open.capabilities.length ? [open.capabilities.length] : [];
  let next = 0;
  const extended = open.extendedParameters === true;
  for (const n of groups) {
    params.u8(OPT_PARAM_CAPABILITIES);
    const lenAt = params.skip(extended ? 2 : 1);
    const start = params.length;
    for (const cap of open.capabilities.slice(next, next + n)) encodeCapability(cap, params);
    next += n;
    const len = params.length - start;
    if (extended) params.setU16(lenAt, len);
    else if (len > 255) throw new RangeError('capabilities need the extended optional parameters length (RFC 9072)');
    else params.setU8(lenAt, len);
  }
  const w = new ByteWriter(64 + params.length);
  w.skip(HEADER_LENGTH);
  w.u8(open.version ?? 4).u16(open.myAs > 0xffff ? AS_TRANS : open.myAs).u16(open.holdTime).u32(open.bgpId);
  if (extended) w.u8(255).u8(OPT_PARAM_EXTENDED).u16(params.length);
  else {
    if (params.length > 255) throw new RangeError('optional parameters exceed 255 bytes');
    w.u8(params.length);
  }
  w.bytes(params.view());
  const out = w.finish();
  // RFC 8654 §4: an OPEN stays within 4096 bytes even where extended messages are negotiated.
  if (out.length > MAX_MESSAGE_LENGTH) throw new RangeError(`OPEN of ${out.length} bytes exceeds ${MAX_MESSAGE_LENGTH}`);
  out.fill(0xff, 0, 16);
  out[16] = out.length >>> 8;
  out[17] = out.length & 0xff;
  out[18] = MessageType.OPEN;
  return out;
}

export function openToJSON(open: OpenMessage): Record<string, unknown> {
  return {
    version: open.version,
    my_as: open.myAs,
    asn: openAsn(open),
    hold_time: open.holdTime,
    bgp_id: formatIpv4(open.bgpId),
    capabilities: open.capabilities.map(capabilityToJSON),
    ...(open.extendedParameters ? { extended_parameters: true } : {}),
  };
}

// The shape of one entry in the path attribute table (see attributes.ts). Adding an
// attribute means writing one of these; the decode loop, encoder and JSON view use it.
import type { AttributeValues, KnownAttributeName } from './attribute-types.js';
import type { CodecContext } from './context.js';
import type { ErrorAction } from './errors.js';
import type { WireReader } from './reader.js';
import { UpdateSubcode } from './constants.js';

const ATTRIBUTE_LENGTH_ERROR = UpdateSubcode.ATTRIBUTE_LENGTH_ERROR;
import type { ByteWriter } from './writer.js';

export interface AttributeDescriptor<K extends KnownAttributeName> {
  code: number;
  name: K;
  /** The Optional and Transitive bits this attribute must carry (RFC 4271 §5). */
  flags: number;
  /** What RFC 7606 (or the attribute's own RFC) says to do when it is malformed. */
  onError: ErrorAction;
  /** The rule `onError` follows, as shown with an issue ("RFC 7606 §7.1"). */
  rule: string;
  /** Reads the value: `r` covers exactly its bytes and fails with 3/5; throws AttributeFault when malformed. */
  decode(r: WireReader, ctx: CodecContext): AttributeValues[K];
  /** Writes the value bytes (no header). */
  encode(value: AttributeValues[K], w: ByteWriter, ctx: CodecContext): void;
  toJSON(value: AttributeValues[K]): unknown;
}

/** Raised by a descriptor's decode; the decode loop adds the attribute bytes and the action. */
export class AttributeFault extends Error {
  constructor(
    readonly subcode: number,
    reason: string,
    /** Overrides the descriptor's action (e.g. MP_REACH_NLRI framing is always a session reset). */
    readonly action?: ErrorAction,
    /** Overrides the descriptor's rule, with the action. */
    readonly rule?: string,
  ) {
    super(reason);
    this.name = 'AttributeFault';
  }
}

/** Attribute values are read through a reader that fails with 3/5, Attribute Length Error. */
export const attributeLengthFault = (reason: string): AttributeFault => new AttributeFault(ATTRIBUTE_LENGTH_ERROR, reason);

export function defineAttribute<K extends KnownAttributeName>(d: AttributeDescriptor<K>): AttributeDescriptor<K> {
  return d;
}

// A bounded cursor over received bytes: every decoder reads through one, so no decoder keeps
// its own offset arithmetic or bounds checks, and none can read past the part of the message
// it was given. A read that does not fit throws the error its owner chose (an attribute
// fault, an NLRI syntax error, a capability fault, a message error), naming the field. Not an
// encoder (writer.ts) and not a framer (message.ts checks headers).
import { WireError } from './errors.js';

/** Builds the error a short read raises; `reason` names the field and the bytes missing. */
export type ShortRead = (reason: string) => Error;

/**
 * For message bodies whose fixed part the header check already guaranteed (RFC 4271 §6.1
 * minimum lengths): a short read there is a length error of the message.
 */
export const shortBody: ShortRead = (reason) => new WireError(1, 2, new Uint8Array(0), `message too short: ${reason}`);

export class WireReader {
  /** Offset of the next byte in `buf`. */
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    /** One past the last byte this reader may read. */
    readonly end: number,
    private readonly short: ShortRead,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Throws this reader's error for a field that does not add up. */
  fail(reason: string): never {
    throw this.short(reason);
  }

  /** Checks that `n` bytes of `field` are there and moves past them; returns where they start. */
  take(n: number, field: string): number {
    const at = this.pos;
    if (at + n > this.end) this.fail(`${field} needs ${n} bytes, ${this.end - at} left`);
    this.pos = at + n;
    return at;
  }

  // The reads below index only bytes take() has just checked are inside the buffer, hence the `!`.
  u8(field: string): number {
    return this.buf[this.take(1, field)]!;
  }

  u16(field: string): number {
    const at = this.take(2, field);
    return (this.buf[at]! << 8) | this.buf[at + 1]!;
  }

  u24(field: string): number {
    const at = this.take(3, field);
    return (this.buf[at]! << 16) | (this.buf[at + 1]! << 8) | this.buf[at + 2]!;
  }

  u32(field: string): number {
    const at = this.take(4, field);
    const b = this.buf;
    return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
  }

  /** A copy of the next `n` bytes. */
  bytes(n: number, field: string): Uint8Array {
    const at = this.take(n, field);
    return this.buf.slice(at, at + n);
  }

  /** A copy of everything left. */
  rest(): Uint8Array {
    const at = this.pos;
    this.pos = this.end;
    return this.buf.slice(at, this.end);
  }

  /** A reader over the next `n` bytes (this one moves past them); errors as `short`, or this reader's. */
  sub(n: number, field: string, short: ShortRead = this.short): WireReader {
    const at = this.take(n, field);
    return new WireReader(this.buf, at, at + n, short);
  }

  /** Fixed-size fields: exactly `n` bytes must be left. */
  expectLength(n: number, field: string): void {
    if (this.remaining !== n) this.fail(`${field} length ${this.remaining}, expected ${n}`);
  }
}

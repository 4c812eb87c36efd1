// Cuts a TCP byte stream into whole BGP messages, whatever the segmentation. A message that
// lies inside one chunk is handed out as a view of that chunk; only a message split across
// chunks is copied, once, into a buffer of exactly its size. The header is checked as soon as
// its 19 bytes are in, so a bad length is answered without waiting for a body that may never
// come, and nothing buffered ever exceeds one maximum-size message.
import { HEADER_LENGTH, checkHeader, type CodecContext, type NotificationSpec } from './wire/index.js';

export type Frame =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; notification: NotificationSpec; reason: string; header: Uint8Array };

const EMPTY = new Uint8Array(0);

export class MessageFramer {
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  /** A message split across chunks: the header alone until its length is known, then all of it. */
  private partial: Uint8Array | null = null;
  private filled = 0;
  private failed = false;

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.filled + (this.chunk.length - this.pos);
  }

  /** Adds a chunk. Read every frame of the previous chunk with next() before pushing again. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.length === 0) return;
    if (this.pos < this.chunk.length) {
      // The reader stopped early; keep the order by joining what is left (rare, and bounded by the reader).
      const rest = this.chunk.subarray(this.pos);
      const joined = new Uint8Array(rest.length + chunk.length);
      joined.set(rest, 0);
      joined.set(chunk, rest.length);
      chunk = joined;
    }
    this.chunk = chunk;
    this.pos = 0;
  }

  /** The next whole message, a header error (after which the framer yields nothing), or null. */
  next(ctx: CodecContext): Frame | null {
    if (this.failed) return null;
    if (this.partial !== null) return this.continuePartial(ctx);
    const avail = this.chunk.length - this.pos;
    if (avail === 0) return null;
    if (avail < HEADER_LENGTH) {
      this.partial = new Uint8Array(HEADER_LENGTH);
      this.take(avail);
      return null;
    }
    const head = checkHeader(this.chunk, this.pos, ctx);
    if (head.ok === false) return this.fail(this.chunk.subarray(this.pos, this.pos + HEADER_LENGTH), head.notification, head.reason);
    if (head.ok === 'incomplete') {
      this.partial = new Uint8Array(head.needed);
      this.take(avail);
      return null;
    }
    const bytes = this.chunk.subarray(this.pos, this.pos + head.length);
    this.pos += head.length;
    this.release();
    return { ok: true, bytes };
  }

  /** Drops everything, e.g. when the connection is closed. */
  reset(): void {
    this.chunk = EMPTY;
    this.pos = 0;
    this.partial = null;
    this.filled = 0;
    this.failed = false;
  }

  private continuePartial(ctx: CodecContext): Frame | null {
    let partial = this.partial as Uint8Array;
    if (partial.length === HEADER_LENGTH && this.filled < HEADER_LENGTH) {
      this.take(HEADER_LENGTH - this.filled);
      if (this.filled < HEADER_LENGTH) return null;
      const head = checkHeader(partial, 0, ctx);
      if (head.ok === false) return this.fail(partial, head.notification, head.reason);
      if (head.ok === 'incomplete') {
        const whole = new Uint8Array(head.needed);
        whole.set(partial, 0);
        this.partial = partial = whole;
      }
    }
    this.take(partial.length - this.filled);
    if (this.filled < partial.length) return null;
    this.partial = null;
    this.filled = 0;
    this.release();
    return { ok: true, bytes: partial };
  }

  /** Copies up to n bytes of the chunk into the partial message. */
  private take(n: number): void {
    const count = Math.min(n, this.chunk.length - this.pos);
    if (count <= 0) return;
    (this.partial as Uint8Array).set(this.chunk.subarray(this.pos, this.pos + count), this.filled);
    this.filled += count;
    this.pos += count;
    this.release();
  }

  /** Lets go of a fully read chunk so it can be collected. */
  private release(): void {
    if (this.pos === this.chunk.length) {
      this.chunk = EMPTY;
      this.pos = 0;
    }
  }

  private fail(header: Uint8Array, notification: NotificationSpec, reason: string): Frame {
    this.failed = true;
    const copy = header.slice();
    this.chunk = EMPTY;
    this.pos = 0;
    this.partial = null;
    this.filled = 0;
    return { ok: false, notification, reason, header: copy };
  }
}

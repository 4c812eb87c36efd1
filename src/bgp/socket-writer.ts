// Writes to a socket with backpressure. While the socket reports it is full, messages wait
// here, in order, until 'drain'; the wait is bounded, because a peer that reads slower than
// necod writes for that long is not going to catch up.
import type { Socket } from 'node:net';

export interface SocketWriterOptions {
  /** Bytes that may wait for 'drain' before the peer counts as too slow. */
  maxQueuedBytes: number;
  /** Called once when a write would go over the bound; that write is dropped. */
  onOverflow: (queuedBytes: number) => void;
}

export class SocketWriter {
  private queue: Uint8Array[] = [];
  private head = 0;
  private queued = 0;
  private blocked = false;
  private closed = false;
  private overflowed = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly socket: Socket,
    private readonly options: SocketWriterOptions,
  ) {
    socket.on('drain', this.onDrain);
  }

  /** Bytes waiting for the socket. */
  get queuedBytes(): number {
    return this.queued;
  }

  /** False while writes wait for 'drain': a producer should await whenWritable(). */
  get writable(): boolean {
    return !this.blocked && !this.closed;
  }

  /** Queues or writes; false means the producer should wait before writing more. */
  write(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.blocked) {
      if (this.queued + bytes.length > this.options.maxQueuedBytes) {
        if (!this.overflowed) {
          this.overflowed = true;
          this.options.onOverflow(this.queued);
        }
        return false;
      }
      this.queue.push(bytes);
      this.queued += bytes.length;
      return false;
    }
    if (!this.socket.write(bytes)) this.blocked = true;
    return !this.blocked;
  }

  /** A last message (NOTIFICATION): whatever still waits is useless now, so it goes first. */
  writeFinal(bytes: Uint8Array): void {
    if (this.closed) return;
    this.dropQueue();
    this.socket.write(bytes);
  }

  /** Resolves once queued messages are with the socket, or the writer is closed. */
  whenWritable(): Promise<void> {
    if (!this.blocked || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops writing; waiting producers are released. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropQueue();
    this.socket.off('drain', this.onDrain);
    this.release();
  }

  private dropQueue(): void {
    this.queue = [];
    this.head = 0;
    this.queued = 0;
  }

  private readonly onDrain = (): void => {
    if (this.closed) return;
    this.blocked = false;
    while (this.head < this.queue.length) {
      const bytes = this.queue[this.head] ?? EMPTY; // head < length: always there
      this.queue[this.head++] = EMPTY;
      this.queued -= bytes.length;
      if (!this.socket.write(bytes)) {
        this.blocked = true;
        break;
      }
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    if (!this.blocked) this.release();
  };

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

const EMPTY = new Uint8Array(0);

// One TCP connection of a neighbor: the socket, its write queue, framing and the FSM timers.
// It turns socket happenings and timer expiries into FSM events and whole messages; what
// they mean is the Peer's business.
import { connect as netConnect, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { CeaseSubcode, DEFAULT_CONTEXT, type CodecContext } from './wire/index.js';
import { TIMER_EVENT, type FsmEvent, type FsmState, type TimerName } from './fsm.js';
import { MessageFramer, type Frame } from './framer.js';
import { SocketWriter } from './socket-writer.js';
import type { Direction } from './collision.js';

export interface ConnectionHooks {
  /** An FSM event raised by the socket or a timer. */
  event(conn: Connection, event: FsmEvent): void;
  /** A whole message, or a header error (after which nothing more is read). */
  frame(conn: Connection, frame: Frame): void;
}

export interface ConnectionOptions {
  maxQueuedBytes: number;
  closeGraceMs: number;
  log: Logger;
}

export interface ConnectTarget {
  host: string;
  port: number;
  localAddress?: string | null;
  localPort?: number;
}

export interface Endpoint {
  address: string;
  port: number;
}

export class Connection {
  fsm: FsmState;
  direction: Direction;
  private socket: Socket | null = null;
  private writer: SocketWriter | null = null;
  private readonly framer = new MessageFramer();
  private readonly timers = new Map<TimerName, NodeJS.Timeout>();
  /** When each running timer fires (performance.now() ms), for the time left an operator sees. */
  private readonly deadlines = new Map<TimerName, number>();

  constructor(
    fsm: FsmState,
    direction: Direction,
    private readonly hooks: ConnectionHooks,
    private readonly options: ConnectionOptions,
  ) {
    this.fsm = fsm;
    this.direction = direction;
  }

  /** How the peer's messages are decoded: as negotiated once its OPEN is in. */
  get rxContext(): CodecContext {
    return this.fsm.negotiated?.rx ?? DEFAULT_CONTEXT;
  }

  get txContext(): CodecContext {
    return this.fsm.negotiated?.tx ?? DEFAULT_CONTEXT;
  }

  get local(): Endpoint | null {
    const s = this.socket;
    return s?.localAddress ? { address: s.localAddress, port: s.localPort ?? 0 } : null;
  }

  get remote(): Endpoint | null {
    const s = this.socket;
    return s?.remoteAddress ? { address: s.remoteAddress, port: s.remotePort ?? 0 } : null;
  }

  /** Opens an outgoing connection; Tcp_CR_Acked or TcpConnectionFails follows. */
  connect(target: ConnectTarget): void {
    void this.close();
    const socket = netConnect({
      host: target.host,
      port: target.port,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
      ...(target.localPort ? { localPort: target.localPort } : {}),
      noDelay: true,
    });
    this.attach(socket, 'outgoing');
    socket.once('connect', () => {
      if (this.socket === socket) this.hooks.event(this, { type: 'Tcp_CR_Acked' });
    });
  }

  /** Takes over a socket (connected, or still connecting). */
  attach(socket: Socket, direction: Direction): void {
    this.socket = socket;
    this.direction = direction;
    this.framer.reset();
    socket.setNoDelay(true);
    this.writer = new SocketWriter(socket, {
      maxQueuedBytes: this.options.maxQueuedBytes,
      onOverflow: (queued) => {
        this.options.log.warn({ queued }, 'neighbor reads too slowly, resetting with Cease/Out of Resources');
        this.hooks.event(this, { type: 'AutomaticStop', subcode: CeaseSubcode.OUT_OF_RESOURCES, reason: `${queued} bytes waiting for a slow neighbor` });
      },
    });
    let failure: string | undefined;
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err: Error) => {
      failure = err.message;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.writer?.close();
      this.writer = null;
      this.hooks.event(this, { type: 'TcpConnectionFails', reason: failure ?? 'closed by the neighbor' });
    });
  }

  /** False: wait for whenWritable() (or there is no connection to write to). */
  write(bytes: Uint8Array): boolean {
    return this.writer?.write(bytes) ?? false;
  }

  /** A NOTIFICATION: whatever waits in the queue is dropped in its favour. */
  writeFinal(bytes: Uint8Array): void {
    this.writer?.writeFinal(bytes);
  }

  whenWritable(): Promise<void> {
    return this.writer?.whenWritable() ?? Promise.resolve();
  }

  /**
   * Closes after what was written (the NOTIFICATION) is flushed, or after the grace period.
   * Resolves when the socket is closed; null when there was none.
   */
  close(): Promise<void> | null {
    const socket = this.socket;
    this.socket = null;
    this.writer?.close();
    this.writer = null;
    this.framer.reset();
    if (!socket) return null;
    socket.removeAllListeners('data');
    if (socket.destroyed) return null;
    if (socket.connecting || socket.pending) {
      socket.destroy();
      return null;
    }
    return endGracefully(socket, this.options.closeGraceMs);
  }

  startTimer(timer: TimerName, ms: number): void {
    this.stopTimer(timer);
    const handle = setTimeout(() => {
      this.timers.delete(timer);
      this.deadlines.delete(timer);
      this.hooks.event(this, TIMER_EVENT[timer]);
    }, ms);
    handle.unref();
    this.timers.set(timer, handle);
    this.deadlines.set(timer, performance.now() + ms);
  }

  /** Ms until each running timer fires; a timer that is not running is absent. */
  timeLeft(): Partial<Record<TimerName, number>> {
    const now = performance.now();
    const left: Partial<Record<TimerName, number>> = {};
    for (const [timer, at] of this.deadlines) left[timer] = Math.max(0, at - now);
    return left;
  }

  stopTimer(timer: TimerName): void {
    const handle = this.timers.get(timer);
    if (handle === undefined) return;
    clearTimeout(handle);
    this.timers.delete(timer);
    this.deadlines.delete(timer);
  }

  stopTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.deadlines.clear();
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (this.socket !== socket) return;
    this.framer.push(chunk);
    // The context is read per message: the OPEN just processed may have changed it.
    while (this.socket === socket) {
      const frame = this.framer.next(this.rxContext);
      if (frame === null) return;
      this.hooks.frame(this, frame);
      if (!frame.ok) return;
    }
  }
}

/** Ends a socket, optionally with last bytes, and destroys it if it lingers. */
export function endGracefully(socket: Socket, graceMs: number, last?: Uint8Array): Promise<void> {
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => {
    const timer = setTimeout(() => socket.destroy(), graceMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  if (last) socket.end(last);
  else socket.end();
  return closed;
}

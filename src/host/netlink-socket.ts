// A NETLINK_ROUTE socket for writing: the `netlink` package's native socket (sendmsg of whole
// buffers, answers as 'message' events) in necod's own network namespace; in another namespace
// (tests, benchmarks: a process cannot enter one), the same socket opened by a small relay child
// started with `ip netns exec`, which passes buffers through its stdin and stdout. Either way:
// send(buffer, done) and answers. Not a codec (netlink-codec.ts is) and not a writer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { answersOfAcceptingKernel } from './netlink-codec.js';

const NETLINK_ROUTE = 0;
/** Room for the kernel's refusals of a whole burst (each echoes its request). */
const RECV_BUFFER = 8 << 20;
const SEND_BUFFER = 1 << 20;

interface RawSocket {
  send(msg: Uint8Array, options: object, cb: (err?: Error) => void): void;
  on(event: 'message', fn: (msg: Buffer) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  close(): void;
  unref(): void;
}

type RawSocketClass = new (protocol: number, options: { recvBufferSize: number; sendBufferSize: number }) => RawSocket;

let loaded: { cls: RawSocketClass | null; why: string; path: string } | null = null;

function load(): { cls: RawSocketClass | null; why: string; path: string } {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    const path = require.resolve('netlink/dist/raw');
    const mod = require(path) as { RawNetlinkSocket: RawSocketClass };
    loaded = { cls: mod.RawNetlinkSocket, why: '', path };
  } catch (err) {
    loaded = { cls: null, why: err instanceof Error ? err.message : String(err), path: '' };
  }
  return loaded;
}

/** Null when netlink sockets can be opened here; otherwise why not (the addon does not load). */
export function netlinkUnavailable(): string | null {
  const l = load();
  if (!l.cls) return `netlink addon not available: ${l.why}`;
  try {
    const s = new l.cls(NETLINK_ROUTE, { recvBufferSize: 4096, sendBufferSize: 4096 });
    s.close();
    return null;
  } catch (err) {
    return `cannot open a netlink socket: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export interface NetlinkChannel {
  /** Sends one buffer of whole messages; `done` once the kernel took it (or with the failure). */
  send(buf: Buffer, done: (err?: Error) => void): void;
  close(): void;
}

export interface ChannelEvents {
  message(msg: Buffer): void;
  /** Answers may have been lost (ENOBUFS) or the channel broke. */
  error(err: Error): void;
}

/** Opens a channel in this process's namespace, or through a relay child in `netns`. */
export function openChannel(netns: string | null, events: ChannelEvents, ip = 'ip'): NetlinkChannel {
  const l = load();
  if (!l.cls) throw new Error(`netlink addon not available: ${l.why}`);
  if (netns) return new RelayChannel(ip, netns, l.path, events);
  const sock = new l.cls(NETLINK_ROUTE, { recvBufferSize: RECV_BUFFER, sendBufferSize: SEND_BUFFER });
  sock.on('message', outsideNative((m: Buffer) => events.message(m)));
  sock.on('error', outsideNative((e: Error) => events.error(e)));
  return {
    send: (buf, done) => {
      const finish = outsideNative(done);
      try {
        sock.send(buf, {}, (err) => finish(err));
      } catch (err) {
        // A send the addon refuses at once (a closed socket, a full buffer) is a failed send,
        // reported as the callback would, not an exception inside the caller's own callback.
        setImmediate(() => done(err instanceof Error ? err : new Error(String(err))));
      }
    },
    close: () => sock.close(),
  };
}

/**
 * A channel to no kernel: every buffer is taken, and answered as a kernel that accepts every
 * request would answer it (answersOfAcceptingKernel). The start-up rehearsal writes through it.
 */
export function acceptingChannel(events: ChannelEvents): NetlinkChannel {
  let open = true;
  return {
    send: (buf, done) => {
      const answers = answersOfAcceptingKernel(buf);
      setImmediate(() => {
        done();
        if (answers && open) events.message(answers);
      });
    },
    close: () => {
      open = false;
    },
  };
}

/**
 * Runs a handler the addon calls. An exception escaping a native callback aborts the process
 * with "terminate called after throwing an instance of 'Napi::Error'" and no stack; thrown again
 * on the next turn it is an ordinary uncaught exception, with its stack in the log.
 */
function outsideNative<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (err) {
      setImmediate(() => {
        throw err;
      });
    }
  };
}

// The relay: frames in are [u32 length][bytes to send]; frames out are [u32 length][u8 kind][bytes]
// with kind 0 a datagram from the kernel, 1 a send done, 2 a send failed (text), 3 a socket error.
const RELAY = `
const { RawNetlinkSocket } = require(process.argv[1]);
const s = new RawNetlinkSocket(0, { recvBufferSize: ${RECV_BUFFER}, sendBufferSize: ${SEND_BUFFER} });
const out = (kind, b) => { const h = Buffer.alloc(5); h.writeUInt32LE(b.length + 1, 0); h[4] = kind; process.stdout.write(Buffer.concat([h, b])); };
s.on('message', (m) => out(0, m));
s.on('error', (e) => out(3, Buffer.from(String(e.message))));
let acc = Buffer.alloc(0);
process.stdin.on('data', (d) => {
  acc = acc.length ? Buffer.concat([acc, d]) : d;
  while (acc.length >= 4 && acc.length >= 4 + acc.readUInt32LE(0)) {
    const n = acc.readUInt32LE(0);
    const msg = Buffer.from(acc.subarray(4, 4 + n));
    acc = acc.subarray(4 + n);
    s.send(msg, {}, (e) => out(e ? 2 : 1, e ? Buffer.from(String(e.message)) : Buffer.alloc(0)));
  }
});
process.stdin.on('end', () => { s.close(); process.exit(0); });
`;

class RelayChannel implements NetlinkChannel {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Array<(err?: Error) => void> = [];
  private acc: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(ip: string, netns: string, modulePath: string, private readonly events: ChannelEvents) {
    this.child = spawn(ip, ['netns', 'exec', netns, process.execPath, '-e', RELAY, modulePath], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => {});
    this.child.stderr.resume();
    this.child.stdout.on('data', (d: Buffer) => this.data(d));
    this.child.once('close', () => {
      if (this.closed) return;
      const err = new Error('netlink relay exited');
      for (const p of this.pending.splice(0)) p(err);
      events.error(err);
    });
  }

  send(buf: Buffer, done: (err?: Error) => void): void {
    const h = Buffer.alloc(4);
    h.writeUInt32LE(buf.length, 0);
    this.pending.push(done);
    this.child.stdin.write(Buffer.concat([h, buf]));
  }

  close(): void {
    this.closed = true;
    this.child.stdin.end();
  }

  private data(d: Buffer): void {
    this.acc = this.acc.length ? Buffer.concat([this.acc, d]) : d;
    while (this.acc.length >= 4 && this.acc.length >= 4 + this.acc.readUInt32LE(0)) {
      const n = this.acc.readUInt32LE(0);
      const kind = this.acc[4];
      const body = Buffer.from(this.acc.subarray(5, 4 + n));
      this.acc = this.acc.subarray(4 + n);
      if (kind === 0) this.events.message(body);
      else if (kind === 1) this.pending.shift()?.();
      else if (kind === 2) this.pending.shift()?.(new Error(body.toString()));
      else this.events.error(new Error(body.toString()));
    }
  }
}

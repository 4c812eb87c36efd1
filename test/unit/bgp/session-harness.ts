// Real sockets on loopback: necod Peers and Speakers with short timers, and a raw scripted
// BGP speaker that can misbehave on purpose.
import { connect, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import {
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeKeepalive,
  encodeOpen,
  type BgpMessage,
  type Capability,
  type CodecContext,
} from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { MessageFramer } from '../../../src/bgp/framer.js';
import { Peer, type PeerOptions } from '../../../src/bgp/peer.js';
import { Speaker } from '../../../src/bgp/speaker.js';
import { AS4_CONTEXT, makeAttribute, packAnnouncements, prefixListFrom } from '../../../src/bgp/wire/index.js';
import type { PeerDown } from '../../../src/bgp/peer.js';
import { settings } from './helpers.js';
import { waitForEvent } from '../../support/wait.js';

export const ID_A = parseIpv4('10.0.0.1')!;
export const ID_B = parseIpv4('10.0.0.2')!;

/** Everything a test starts, stopped in afterEach. */
export class Cleanup {
  private readonly tasks: Array<() => Promise<void> | void> = [];
  add(task: () => Promise<void> | void): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    const tasks = this.tasks.splice(0).reverse();
    for (const t of tasks) await t();
  }
}

export interface LogCapture {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

export function captureLogs(): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

export function makePeer(cleanup: Cleanup, over: Partial<PeerOptions> & Pick<PeerOptions, 'address'>): Peer {
  const peer = new Peer({
    name: `peer-${over.address}`,
    session: settings({ holdTime: 3 }),
    timing: { connectRetryMs: 300, idleHoldMs: 100, idleHoldMaxMs: 400 },
    closeGraceMs: 300,
    ...over,
  });
  cleanup.add(() => peer.stop());
  return peer;
}

export async function listen(cleanup: Cleanup, address: string, peers: Peer[]): Promise<{ speaker: Speaker; port: number }> {
  const speaker = new Speaker({ address, port: 0 });
  for (const p of peers) speaker.addPeer(p);
  const info = await speaker.listen();
  cleanup.add(() => speaker.close());
  return { speaker, port: info.port };
}

/** A hand-driven BGP speaker on a plain socket. */
export class RawPeer {
  readonly socket: Socket;
  private readonly framer = new MessageFramer();
  private readonly inbox: BgpMessage[] = [];
  private wake: (() => void) | null = null;
  ctx: CodecContext = DEFAULT_CONTEXT;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      for (let f = this.framer.next(this.ctx); f; f = this.framer.next(this.ctx)) {
        if (!f.ok) throw new Error(`necod sent a bad header: ${f.reason}`);
        const r = decodeMessage(f.bytes, this.ctx);
        if (r.outcome === 'notification' || r.outcome === 'incomplete') throw new Error(`necod sent a bad message: ${JSON.stringify(r)}`);
        this.inbox.push(r.message);
      }
      this.wake?.();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  static connect(cleanup: Cleanup, port: number, host = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        const raw = new RawPeer(socket);
        cleanup.add(() => void socket.destroy());
        resolve(raw);
      });
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Writes one byte per event-loop turn, so every byte is its own TCP segment. */
  async trickle(bytes: Uint8Array): Promise<void> {
    for (let i = 0; i < bytes.length; i++) {
      this.socket.write(bytes.subarray(i, i + 1));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** The next message from necod, or null once the connection closed. */
  async receive(ms = 5000): Promise<BgpMessage | null> {
    const end = Date.now() + ms;
    while (this.inbox.length === 0) {
      if (this.closed) return null;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`nothing from necod within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.inbox.shift() as BgpMessage;
  }

  /** The next message that is not a KEEPALIVE. */
  async receiveNonKeepalive(ms = 5000): Promise<BgpMessage | null> {
    for (;;) {
      const m = await this.receive(ms);
      if (m === null || m.type !== 'KEEPALIVE') return m;
    }
  }

  /** OPEN both ways and KEEPALIVE both ways. */
  async handshake(o: { asn?: number; id?: number; holdTime?: number; capabilities?: Capability[] } = {}): Promise<void> {
    const asn = o.asn ?? 65000;
    this.write(
      encodeOpen({
        myAs: asn,
        holdTime: o.holdTime ?? 3,
        bgpId: o.id ?? ID_B,
        capabilities: o.capabilities ?? [
          { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
          { name: 'MULTIPROTOCOL', code: 1, afi: 2, safi: 1 },
          { name: 'FOUR_OCTET_AS', code: 65, asn },
          { name: 'ROUTE_REFRESH', code: 2 },
        ],
      }),
    );
    const open = await this.receive();
    if (open?.type !== 'OPEN') throw new Error(`expected OPEN, got ${open?.type}`);
    this.ctx = { ...DEFAULT_CONTEXT, as4: true };
    const ka = await this.receive();
    if (ka?.type !== 'KEEPALIVE') throw new Error(`expected KEEPALIVE, got ${ka?.type}`);
    this.write(encodeKeepalive());
  }
}

export async function established(peer: Peer, ms = 5000): Promise<void> {
  if (peer.established) return;
  await waitForEvent(peer, 'established', () => true, ms).catch((err: unknown) => {
    throw new Error(`${peer.name} not Established (${peer.state}): ${err instanceof Error ? err.message : String(err)}`);
  });
}

export function down(peer: Peer, ms = 6000): Promise<PeerDown> {
  return waitForEvent<PeerDown>(peer, 'down', () => true, ms);
}

/** A started passive necod neighbor for 127.0.0.1, and the port of its listener. */
export async function passiveNecod(cleanup: Cleanup, over: Partial<PeerOptions> = {}): Promise<{ peer: Peer; port: number }> {
  const peer = makePeer(cleanup, { address: '127.0.0.1', passive: true, ...over });
  const { port } = await listen(cleanup, '127.0.0.1', [peer]);
  peer.start();
  return { peer, port };
}

/** Two necod speakers, a on 127.0.0.1 and b on 127.0.0.2, each a neighbor of the other. */
export async function necodPair(cleanup: Cleanup, o: { aActive: boolean; bActive: boolean; a?: Partial<PeerOptions>; b?: Partial<PeerOptions> }) {
  const la = await listen(cleanup, '127.0.0.1', []);
  const lb = await listen(cleanup, '127.0.0.2', []);
  const a = makePeer(cleanup, { name: 'a', address: '127.0.0.2', port: lb.port, localAddress: '127.0.0.1', passive: !o.aActive, session: settings({ routerId: ID_A, holdTime: 3 }), ...o.a });
  const b = makePeer(cleanup, { name: 'b', address: '127.0.0.1', port: la.port, localAddress: '127.0.0.2', passive: !o.bActive, session: settings({ routerId: ID_B, holdTime: 3 }), ...o.b });
  la.speaker.addPeer(a);
  lb.speaker.addPeer(b);
  return { a, b, portA: la.port, portB: lb.port };
}

/** IPv4 announcements of an iBGP route, packed into UPDATEs. */
export function v4Update(prefixes: string[]): Uint8Array[] {
  const attrs = [
    makeAttribute('ORIGIN', 0),
    makeAttribute('AS_PATH', []),
    makeAttribute('NEXT_HOP', parseIpv4('192.0.2.1')!),
    makeAttribute('LOCAL_PREF', 100),
  ];
  return packAnnouncements(attrs, prefixListFrom(1, prefixes), AS4_CONTEXT);
}

// The BFD engine's shell: UDP sockets, timers and the session table around the pure machine
// of session.ts. Single hop (RFC 5881) receives on UDP 3784 of the session's local address,
// multihop (RFC 5883) on 4784; each session sends from its own source port in 49152–65535 with
// TTL 255. Node cannot read a received datagram's TTL, so the RFC 5881 §5 check (TTL 255 on
// arrival) is left to the nftables rule in packaging/nftables/ (docs/bfd.md).
// It runs inside the BFD process (child.ts) but knows nothing of processes: tests drive it
// in-process.
// What it is not: the codec (packet.ts), the machine (session.ts), or who asks for a session
// (requests.ts).
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { familyOfText, unmapIpv4Text } from '../net/index.js';
import { DiscriminatorPool } from './discriminators.js';
import { openDownWriter, type DownWriter, type DownWriterKind } from './down-writer.js';
import type { BfdSessionSpec, BfdSessionView, BfdStateEvent, DownAction, FromEngine } from './messages.js';
import { AuthType, UNKNOWN_SEQUENCE, checkAuth, decodeControl, encodeControl, type AuthSettings, type ControlPacket, type DiscardReason, type ReceiveSequence } from './packet.js';
import { detectionTimeUs, initialSession, step, transmitIntervalUs, type SessionEvent, type SessionState, type TimerName } from './session.js';

export const SINGLE_HOP_PORT = 3784;
export const MULTIHOP_PORT = 4784;
const SOURCE_PORT_MIN = 49152;
const SOURCE_PORT_MAX = 65535;

/** Where the engine listens and how it writes down actions: what the daemon passes on to the BFD process. */
export interface EngineSettings {
  /** Receive ports; tests move them off the well-known ones. */
  singleHopPort?: number;
  multihopPort?: number;
  /** Namespace the down actions are written in (tests); null is the daemon's own. */
  netns?: string | null;
  /** How down actions reach the kernel; `netlink` falls back to `ip` where the addon does not load. Default netlink. */
  downWriter?: DownWriterKind;
}

export interface EngineOptions extends EngineSettings {
  emit: (message: FromEngine) => void;
}

interface Receiver {
  socket: Socket;
  users: number;
}

interface Session {
  spec: BfdSessionSpec;
  machine: SessionState;
  tx: Socket;
  sourcePort: number;
  timers: Record<TimerName, NodeJS.Timeout | null>;
  auth: AuthSettings | null;
  rcvSeq: ReceiveSequence;
  xmitSeq: number;
  downAction: DownAction | null;
  packetsIn: number;
  packetsOut: number;
  /** The latest a transmit timer has fired after its deadline, ms: CPU starvation shows here first. */
  txLateMaxMs: number;
  discards: number;
  lastDiscard: DiscardReason | null;
  sendErrors: number;
}

/**
 * The detection timer is armed this much before its deadline and the rest is waited precisely:
 * libuv's timers count whole milliseconds, which would act on a failure up to 2 ms after its
 * deadline, and the kernel change the failure carries is meant to follow within one.
 */
const DETECT_LEAD_MS = 1.5;
const waitCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks for `ms` (a fraction of a millisecond up to DETECT_LEAD_MS): a futex wait, no spinning. */
function waitPrecisely(ms: number): void {
  if (ms > 0) Atomics.wait(waitCell, 0, 0, ms);
}

/** Wall clock with sub-millisecond resolution, comparable across threads and processes. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

export class BfdEngine {
  private readonly sessions = new Map<string, Session>();
  private readonly byDiscr = new Map<number, Session>();
  private readonly receivers = new Map<string, Receiver>();
  private readonly usedPorts = new Set<number>();
  private readonly discriminators = new DiscriminatorPool(() => randomBytes(4).readUInt32BE(0) / 0x100000000);
  private downWriter: DownWriter | null = null;
  /** State events wait behind a down action the kernel has not acknowledged yet, so they stay in order. */
  private emitting: Promise<void> | null = null;

  constructor(private readonly opts: EngineOptions) {}

  /** Opened with the first down action: a daemon without nexthop groups never needs it. */
  private writer(): DownWriter {
    this.downWriter ??= openDownWriter(this.opts.downWriter ?? 'netlink', this.opts.netns ?? null, (message) => this.opts.emit({ type: 'error', id: null, message })).writer;
    return this.downWriter;
  }

  async add(spec: BfdSessionSpec): Promise<void> {
    if (this.sessions.has(spec.id)) return this.change(spec);
    const family = familyOfText(spec.remote) === 'ipv6' ? 'udp6' : 'udp4';
    const port = spec.multihop ? (this.opts.multihopPort ?? MULTIHOP_PORT) : (this.opts.singleHopPort ?? SINGLE_HOP_PORT);
    await this.acquireReceiver(family, spec.local, port);
    const { socket: tx, port: sourcePort } = await this.bindSource(family, spec.local);
    const now = performance.now();
    const discr = this.discriminators.allocate(now);
    const s: Session = {
      spec,
      machine: initialSession(spec.config, discr, now, randomInt(1, 0x7fffffff)),
      tx,
      sourcePort,
      timers: { tx: null, detect: null },
      auth: spec.auth,
      rcvSeq: UNKNOWN_SEQUENCE,
      xmitSeq: randomInt(0, 0x7fffffff),
      downAction: null,
      packetsIn: 0,
      packetsOut: 0,
      txLateMaxMs: 0,
      discards: 0,
      lastDiscard: null,
      sendErrors: 0,
    };
    this.sessions.set(spec.id, s);
    this.byDiscr.set(discr, s);
    this.feed(s, { type: 'Start' });
  }

  change(spec: BfdSessionSpec): void {
    const s = this.sessions.get(spec.id);
    if (!s) return;
    if (spec.local !== s.spec.local || spec.remote !== s.spec.remote || spec.multihop !== s.spec.multihop) {
      this.opts.emit({ type: 'error', id: spec.id, message: 'a BFD session cannot change its addresses; remove and add it' });
      return;
    }
    s.spec = spec;
    if (spec.auth?.type !== s.auth?.type || spec.auth?.keyId !== s.auth?.keyId) s.rcvSeq = UNKNOWN_SEQUENCE;
    s.auth = spec.auth;
    this.feed(s, { type: 'Configure', config: spec.config });
  }

  remove(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    // §6.8.16 would have us say AdminDown first; one packet tells a live remote not to count it
    // as a failure.
    if (s.machine.state !== 'AdminDown') this.feed(s, { type: 'AdminDown' });
    for (const t of Object.values(s.timers)) if (t) clearTimeout(t);
    this.sessions.delete(id);
    this.byDiscr.delete(s.machine.localDiscr);
    this.discriminators.release(s.machine.localDiscr, performance.now());
    this.usedPorts.delete(s.sourcePort);
    // Let the AdminDown leave before its socket goes.
    setTimeout(() => s.tx.close(), 50).unref();
    const port = s.spec.multihop ? (this.opts.multihopPort ?? MULTIHOP_PORT) : (this.opts.singleHopPort ?? SINGLE_HOP_PORT);
    this.releaseReceiver(s.spec.local, port);
  }

  admin(id: string, down: boolean): void {
    const s = this.sessions.get(id);
    if (s) this.feed(s, { type: down ? 'AdminDown' : 'AdminUp' });
  }

  setDownAction(id: string, action: DownAction | null): void {
    const s = this.sessions.get(id);
    if (!s) return;
    s.downAction = action && action.changes.length > 0 ? action : null;
    if (s.downAction) this.writer().prepare(s.downAction);
  }

  views(): BfdSessionView[] {
    const wallOffset = wallClock() - performance.now();
    return [...this.sessions.values()].map((s) => {
      const m = s.machine;
      return {
        id: s.spec.id,
        local: s.spec.local,
        remote: s.spec.remote,
        multihop: s.spec.multihop,
        state: m.state,
        remoteState: m.remoteState,
        since: m.since + wallOffset,
        localDiscriminator: m.localDiscr,
        remoteDiscriminator: m.remoteDiscr,
        localDiag: m.localDiag,
        remoteDiag: m.remoteDiag,
        txIntervalUs: transmitIntervalUs(m),
        detectTimeUs: detectionTimeUs(m),
        desiredMinTxUs: m.advertised.txUs,
        requiredMinRxUs: m.advertised.rxUs,
        detectMult: m.config.detectMult,
        remoteDesiredMinTxUs: m.remoteDesiredMinTxUs,
        remoteRequiredMinRxUs: m.remoteMinRxUs,
        remoteDetectMult: m.remoteDetectMult,
        sourcePort: s.sourcePort,
        auth: s.auth === null ? null : s.auth.type === AuthType.KeyedSha1 ? 'keyed-sha1' : 'meticulous-keyed-sha1',
        upCount: m.upCount,
        downCount: m.downCount,
        packetsIn: s.packetsIn,
        packetsOut: s.packetsOut,
        discards: s.discards,
        lastDiscard: s.lastDiscard,
        sendErrors: s.sendErrors,
        txLateMaxUs: Math.round(s.txLateMaxMs * 1000),
      };
    });
  }

  stop(): void {
    for (const id of [...this.sessions.keys()]) this.remove(id);
    for (const r of this.receivers.values()) r.socket.close();
    this.receivers.clear();
    this.downWriter?.close();
    this.downWriter = null;
  }

  /** `at`: a timer's deadline, when it fired a hair early; the machine counts it as due. */
  private feed(s: Session, event: SessionEvent, at = 0): void {
    const now = Math.max(performance.now(), at);
    const r = step(s.machine, event, now);
    s.machine = r.state;
    for (const a of r.actions) {
      switch (a.type) {
        case 'send':
          this.send(s, a.packet);
          break;
        case 'start-timer':
          this.arm(s, a.timer, a.at - now);
          break;
        case 'stop-timer': {
          const t = s.timers[a.timer];
          if (t) clearTimeout(t);
          s.timers[a.timer] = null;
          break;
        }
        case 'state-change': {
          const remoteAdminDown = a.to === 'Down' && s.machine.remoteState === 'AdminDown';
          const event: BfdStateEvent = { type: 'state', id: s.spec.id, from: a.from, to: a.to, diag: a.diag, remoteDiag: a.remoteDiag, remoteAdminDown, downActionApplied: false, at: wallClock() };
          // RFC 5882 §3.2: the remote's AdminDown is no failure, so the kernel keeps its routes.
          const written = a.from === 'Up' && a.to === 'Down' && !remoteAdminDown && s.downAction ? this.writer().write(s.downAction) : false;
          this.emitState(event, written);
          break;
        }
      }
    }
  }

  /** Sends the event once its down action (if any) is written, after every event before it. */
  private emitState(event: BfdStateEvent, written: Promise<boolean> | boolean): void {
    if (this.emitting === null && typeof written === 'boolean') {
      this.opts.emit({ ...event, downActionApplied: written });
      return;
    }
    const before = this.emitting ?? Promise.resolve();
    const mine = before
      .then(() => written)
      .then((applied) => this.opts.emit({ ...event, downActionApplied: applied }));
    this.emitting = mine;
    void mine.then(() => {
      if (this.emitting === mine) this.emitting = null;
    });
  }

  private arm(s: Session, timer: TimerName, inMs: number): void {
    const old = s.timers[timer];
    if (old) clearTimeout(old);
    const lead = timer === 'detect' ? DETECT_LEAD_MS : 0;
    s.timers[timer] = setTimeout(() => {
      s.timers[timer] = null;
      if (this.sessions.get(s.spec.id) !== s) return;
      const deadline = s.machine.timers[timer];
      if (deadline === null) return;
      // A timer may fire a hair before its deadline on the performance clock; it is due.
      const now = performance.now();
      if (deadline > now + 1 + lead) return this.arm(s, timer, deadline - now);
      if (timer === 'tx') {
        if (now - deadline > s.txLateMaxMs) s.txLateMaxMs = now - deadline;
        this.feed(s, { type: 'TxTimer' }, deadline);
        return;
      }
      // A loop that wakes late runs its timers before it reads its sockets, so packets that
      // arrived in time would still wait behind this expiry. Expire only after this turn's
      // reads (setImmediate runs after the poll phase): a packet already here is not a silence
      // (RFC 5880 §6.8.4 counts packets received, not packets read).
      waitPrecisely(deadline - now);
      setImmediate(() => this.expireDetect(s));
    }, Math.max(0, inMs - lead));
  }

  private expireDetect(s: Session): void {
    if (this.sessions.get(s.spec.id) !== s) return;
    const deadline = s.machine.timers.detect;
    if (deadline === null) return;
    const now = performance.now();
    // A packet read meanwhile moved the deadline on.
    if (deadline > now + 1) return this.arm(s, 'detect', deadline - now);
    // §6.8.1 bfd.AuthSeqKnown: forgotten once the remote has been silent (we take one
    // detection time, not two: the remote is gone either way and a restart must get back in).
    s.rcvSeq = UNKNOWN_SEQUENCE;
    this.feed(s, { type: 'DetectTimer' }, deadline);
  }

  private send(s: Session, packet: ControlPacket): void {
    let key: Uint8Array | undefined;
    if (s.auth) {
      // §6.7.4: meticulous needs a new number in every packet; keyed may, so both do.
      s.xmitSeq = (s.xmitSeq + 1) >>> 0;
      packet = { ...packet, auth: { type: s.auth.type, keyId: s.auth.keyId, sequence: s.xmitSeq, digest: new Uint8Array(20) } };
      key = s.auth.key;
    }
    const bytes = encodeControl(packet, key);
    const port = s.spec.multihop ? (this.opts.multihopPort ?? MULTIHOP_PORT) : (this.opts.singleHopPort ?? SINGLE_HOP_PORT);
    s.packetsOut++;
    s.tx.send(bytes, port, s.spec.remote, (err) => {
      // An unreachable remote is what detection is for; the count shows it.
      if (err) s.sendErrors++;
    });
  }

  private receive(bytes: Buffer, from: string, local: string, multihop: boolean): void {
    const decoded = decodeControl(bytes);
    const s = this.lookup(decoded.packet, from, local, multihop);
    if (decoded.outcome === 'discard') return this.discard(s, decoded.reason);
    if (s === null) return;
    const auth = checkAuth(decoded.packet, bytes, s.auth, s.rcvSeq);
    if (auth.outcome === 'discard') return this.discard(s, auth.reason);
    s.rcvSeq = auth.sequence;
    s.packetsIn++;
    this.feed(s, { type: 'Packet', packet: decoded.packet });
  }

  /** §6.8.6: by Your Discriminator, or by addresses while it is zero. */
  private lookup(p: ControlPacket | null, from: string, local: string, multihop: boolean): Session | null {
    if (p === null) return null;
    if (p.yourDiscriminator !== 0) {
      const s = this.byDiscr.get(p.yourDiscriminator);
      // A known discriminator from the wrong address is someone else's packet.
      return s && s.spec.remote === from && s.spec.multihop === multihop ? s : null;
    }
    for (const s of this.sessions.values()) if (s.spec.remote === from && s.spec.local === local && s.spec.multihop === multihop) return s;
    return null;
  }

  private discard(s: Session | null, reason: DiscardReason): void {
    if (s === null) return;
    s.discards++;
    s.lastDiscard = reason;
  }

  private async acquireReceiver(family: 'udp4' | 'udp6', local: string, port: number): Promise<void> {
    const key = `${local}|${port}`;
    const have = this.receivers.get(key);
    if (have) {
      have.users++;
      return;
    }
    const socket = createSocket({ type: family, reuseAddr: true });
    const multihop = port === (this.opts.multihopPort ?? MULTIHOP_PORT);
    socket.on('message', (msg, rinfo) => this.receive(msg, normalize(rinfo.address), local, multihop));
    socket.on('error', (err) => this.opts.emit({ type: 'error', id: null, message: `BFD socket ${local}:${port}: ${err.message}` }));
    await bind(socket, port, local);
    this.receivers.set(key, { socket, users: 1 });
  }

  private releaseReceiver(local: string, port: number): void {
    const key = `${local}|${port}`;
    const r = this.receivers.get(key);
    if (!r || --r.users > 0) return;
    r.socket.close();
    this.receivers.delete(key);
  }

  /** RFC 5881 §4: a source port in 49152–65535, unique per session; TTL 255 on every packet. */
  private async bindSource(family: 'udp4' | 'udp6', local: string): Promise<{ socket: Socket; port: number }> {
    for (let tries = 0; tries < 64; tries++) {
      const port = randomInt(SOURCE_PORT_MIN, SOURCE_PORT_MAX + 1);
      if (this.usedPorts.has(port)) continue;
      const socket = createSocket({ type: family });
      socket.on('error', (err) => this.opts.emit({ type: 'error', id: null, message: `BFD source ${local}:${port}: ${err.message}` }));
      try {
        await bind(socket, port, local);
      } catch {
        socket.close();
        continue;
      }
      socket.setTTL(255);
      this.usedPorts.add(port);
      return { socket, port };
    }
    throw new Error(`no free BFD source port on ${local}`);
  }
}

function bind(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

/** An IPv4 sender on a dual-stack socket reads as ::ffff:a.b.c.d. */
const normalize = unmapIpv4Text;

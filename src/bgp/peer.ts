// One BGP neighbor: runs the pure FSM for its connection and tells the rest of necod what
// happened. Normally there is one connection; while a collision is being settled (RFC 4271
// §6.8) a second one, the candidate, runs its own FSM until one of the two is closed.
import type { Family } from '../net/index.js';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import {
  BGP_PORT,
  CeaseSubcode,
  ErrorCode,
  RefreshSubtype,
  Safi,
  afiOf,
  decodeMessage,
  describeNotification,
  encodeMessage,
  encodeNotification,
  encodeRouteRefresh,
  familyOf,
  shutdownCommunication,
  toHex,
  type OpenMessage,
} from './wire/index.js';
import { checkPeerOpen, type NegotiatedSession } from './negotiate.js';
import {
  DEFAULT_FSM_TIMING,
  collisionCandidate,
  initialState,
  promoteCandidate,
  step,
  type FsmAction,
  type FsmConfig,
  type FsmError,
  type FsmEvent,
  type FsmStateName,
  type OutgoingMessage,
} from './fsm.js';
import type { Frame } from './framer.js';
import { resolveCollision } from './collision.js';
import { Connection, endGracefully, type ConnectionHooks } from './connection.js';
import { inboundEvent, negotiatedOrf } from './inbound.js';
import { messageTypeOf, newCounters, tallyUpdate, toLastError, type PeerCounters } from './counters.js';
import type { PeerEvents, PeerLastError, PeerOptions, PeerStatus, UpdateSink, UpdateVerdict } from './peer-types.js';

export type * from './peer-types.js';

const DEFAULT_MAX_QUEUED = 32 * 1024 * 1024;
const DEFAULT_CLOSE_GRACE_MS = 1000;
/** Enough of an offending message to see what went wrong without flooding the log. */
const MAX_LOGGED_BYTES = 4096;
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
const ACCEPTED: UpdateVerdict = { accepted: true };

export class Peer extends EventEmitter<PeerEvents> {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  private readonly options: PeerOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly config: FsmConfig;
  private readonly hooks: ConnectionHooks;
  private main: Connection;
  private candidate: Connection | null = null;
  private readonly queue: Array<[Connection, FsmEvent]> = [];
  private busy = false;
  private reportedState: FsmStateName = 'Idle';
  private lastReason = 'created';
  private readonly closing = new Set<Promise<void>>();
  private readonly counters: PeerCounters;
  private lastError: PeerLastError | null = null;
  /** Announced minus withdrawn in this session, for the default prefix count. */
  private readonly prefixCount: Record<Family, number> = { ipv4: 0, ipv6: 0 };
  /** Bumped whenever a session starts or ends, so long sends notice theirs is gone. */
  private session = 0;
  private sink: UpdateSink | null = null;

  constructor(options: PeerOptions) {
    super();
    this.options = options;
    this.name = options.name;
    this.address = options.address;
    this.port = options.port ?? BGP_PORT;
    this.now = options.now ?? Date.now;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ neighbor: options.name, address: options.address });
    this.config = {
      ...DEFAULT_FSM_TIMING,
      ...options.timing,
      session: options.session,
      passive: options.passive ?? false,
      maxPrefixRestartMs: options.maxPrefixes?.restartMs ?? 0,
    };
    this.hooks = {
      event: (conn, event) => this.dispatch(conn, event),
      frame: (conn, frame) => this.onFrame(conn, frame),
    };
    const seed = options.seed ?? Math.floor(Math.random() * 0x100000000);
    this.main = this.newConnection(initialState(this.config, seed));
    this.counters = newCounters(this.now());
  }

  // ---- control ------------------------------------------------------------------------

  /** Starts the session (connecting, or waiting when passive); failures restart it automatically. */
  start(): void {
    this.dispatch(this.main, { type: this.config.passive ? 'ManualStart_with_PassiveTcpEstablishment' : 'ManualStart' });
  }

  /**
   * Ends the session with a Cease (Peer De-configured unless told otherwise) and stays down
   * until start(). Resolves once the connections are closed.
   */
  stop(how: { subcode?: number; text?: string; silent?: boolean } = {}): Promise<void> {
    this.toAll({ type: 'ManualStop', subcode: how.subcode ?? CeaseSubcode.PEER_DECONFIGURED, text: how.text, silent: how.silent });
    return this.closed();
  }

  /** Cease/Administrative Shutdown with an RFC 9003 text; the session stays down until start(). */
  shutdown(text?: string): Promise<void> {
    return this.stop({ subcode: CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, text });
  }

  /** Cease/Administrative Reset with an RFC 9003 text, then a fresh start. */
  reset(text?: string): void {
    this.toAll({ type: 'ManualStop', subcode: CeaseSubcode.ADMINISTRATIVE_RESET, text });
    this.start();
  }

  /** RFC 9384: BFD declared the path down; an open session ends with Cease/BFD Down at once. */
  bfdDown(): void {
    this.toAll({ type: 'BfdDown' });
  }

  /**
   * A connection the speaker accepted from this neighbor's address. Returns false when it was
   * refused (the neighbor is stopped, or a session or a collision is already in progress).
   */
  acceptConnection(socket: Socket): boolean {
    const m = this.main.fsm;
    if (m.name === 'Idle') return this.refuse(socket, CeaseSubcode.CONNECTION_REJECTED, 'neighbor is Idle');
    // RFC 4271 §6.8: a new connection colliding with an Established session is the one closed.
    if (m.name === 'Established') return this.refuse(socket, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION, 'session already Established');
    if (!m.connection && !m.connecting) {
      this.main.attach(socket, 'incoming');
      this.dispatch(this.main, { type: 'TcpConnectionConfirmed' });
      return true;
    }
    if (this.candidate) return this.refuse(socket, CeaseSubcode.CONNECTION_REJECTED, 'a second connection is already being set up');
    // The neighbor connects while necod does too: both go ahead until the OPENs settle it.
    const cand = this.newConnection(collisionCandidate(m));
    cand.attach(socket, 'incoming');
    this.candidate = cand;
    this.log.info({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, 'second connection from the neighbor, resolving the collision');
    this.dispatch(cand, { type: 'TcpConnectionConfirmed' });
    return true;
  }

  // ---- sending --------------------------------------------------------------------------

  get state(): FsmStateName {
    return this.main.fsm.name;
  }

  get established(): boolean {
    return this.main.fsm.name === 'Established';
  }

  /** The session's parameters while Established, else null. */
  get negotiated(): NegotiatedSession | null {
    return this.established ? this.main.fsm.negotiated : null;
  }

  /**
   * Sends an encoded UPDATE (or any message) on the Established session. False means: wait
   * for writable() before sending more (the message itself is queued, unless the session is
   * not Established, in which case it is dropped).
   */
  send(bytes: Uint8Array): boolean {
    if (!this.established) return false;
    this.countOut(bytes);
    return this.main.write(bytes);
  }

  /** Resolves when send() may be called again, or when the session is gone. */
  writable(): Promise<void> {
    return this.main.whenWritable();
  }

  /** Asks the neighbor to send a family again (RFC 2918); false when route refresh was not negotiated. */
  requestRefresh(family: Family): boolean {
    const n = this.negotiated;
    if (!n || !n.routeRefresh || !n.families.includes(family)) return false;
    this.send(encodeRouteRefresh(afiOf(family), Safi.UNICAST, RefreshSubtype.NORMAL));
    return true;
  }

  /**
   * Answers a ROUTE-REFRESH with the family's Adj-RIB-Out, framed by BoRR and EoRR when
   * enhanced route refresh was negotiated (RFC 7313 §4). Respects backpressure; resolves to
   * false when the session went away before everything was sent.
   */
  async sendRefreshAnswer(family: Family, messages: readonly Uint8Array[]): Promise<boolean> {
    const n = this.negotiated;
    if (!n || !n.families.includes(family)) return false;
    const session = this.session;
    const afi = afiOf(family);
    const send = async (bytes: Uint8Array): Promise<boolean> => {
      if (this.session !== session || !this.established) return false;
      if (!this.send(bytes)) await this.writable();
      return this.session === session && this.established;
    };
    if (n.enhancedRouteRefresh && !(await send(encodeRouteRefresh(afi, Safi.UNICAST, RefreshSubtype.BEGIN)))) return false;
    for (const m of messages) if (!(await send(m))) return false;
    if (n.enhancedRouteRefresh && !(await send(encodeRouteRefresh(afi, Safi.UNICAST, RefreshSubtype.END)))) return false;
    return true;
  }

  // ---- status ---------------------------------------------------------------------------

  status(): PeerStatus {
    const fsm = this.main.fsm;
    const since = this.counters.establishedSince;
    return {
      name: this.name,
      address: this.address,
      port: this.port,
      state: fsm.name,
      since: this.counters.lastStateChange,
      sinceReason: this.counters.lastStateChangeReason,
      uptimeMs: fsm.name === 'Established' && since !== null ? this.now() - since : null,
      negotiated: fsm.negotiated,
      counters: structuredClone(this.counters),
      lastError: this.lastError,
      connectRetryCounter: fsm.connectRetryCounter,
      local: this.main.local,
      remote: this.main.remote,
      timersLeftMs: this.main.timeLeft(),
    };
  }

  /** Resolves when every connection this peer is closing has closed. */
  async closed(): Promise<void> {
    while (this.closing.size) await Promise.all([...this.closing]);
  }

  // ---- running the FSM ------------------------------------------------------------------

  private newConnection(fsm: Connection['fsm']): Connection {
    return new Connection(fsm, 'outgoing', this.hooks, {
      maxQueuedBytes: this.options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED,
      closeGraceMs: this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
      log: this.log,
    });
  }

  private toAll(event: FsmEvent): void {
    if (this.candidate) this.dispatch(this.candidate, event);
    this.dispatch(this.main, event);
  }

  /** Feeds an event to a connection's FSM. Events raised while one is handled wait their turn. */
  private dispatch(conn: Connection, event: FsmEvent): void {
    this.queue.push([conn, event]);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        const [c, e] = item;
        if (c !== this.main && c !== this.candidate) continue;
        const { state, actions } = step(c.fsm, e, this.now());
        c.fsm = state;
        for (const a of actions) this.perform(c, a);
        this.settle();
        this.reportState();
      }
    } finally {
      this.busy = false;
    }
  }

  private perform(conn: Connection, a: FsmAction): void {
    switch (a.type) {
      case 'connect':
        conn.connect({ host: this.address, port: this.port, localAddress: this.options.localAddress, localPort: this.options.localPort });
        return;
      case 'close':
        this.close(conn);
        return;
      case 'send':
        this.sendFsmMessage(conn, a.message);
        return;
      case 'start-timer':
        conn.startTimer(a.timer, a.ms);
        return;
      case 'stop-timer':
        conn.stopTimer(a.timer);
        return;
      case 'deliver-update':
        this.deliverUpdate(conn, a);
        return;
      case 'deliver-route-refresh':
        this.deliverRefresh(conn, a);
        return;
      case 'established':
        this.onEstablished(conn, a.negotiated);
        return;
      case 'session-down':
        this.onSessionDown(a.reason, a.error);
        return;
      case 'last-error':
        this.recordError(a.error, conn === this.main);
        return;
      case 'state-change':
        if (conn === this.main) this.noteState(a.from, a.to, a.reason);
        else this.log.debug({ from: a.from, to: a.to, reason: a.reason }, `second connection ${a.from} → ${a.to}: ${a.reason}`);
        return;
    }
  }

  private noteState(from: FsmStateName, to: FsmStateName, reason: string): void {
    this.counters.lastStateChange = this.now();
    this.counters.lastStateChangeReason = reason;
    this.lastReason = reason;
    this.log.info({ from, to, reason }, `${from} → ${to}: ${reason}`);
  }

  /** After a step: discard a dead candidate, or let it carry on when the main connection is gone. */
  private settle(): void {
    const cand = this.candidate;
    if (!cand) return;
    if (!cand.fsm.connection) {
      this.retire(cand, false);
      this.candidate = null;
      return;
    }
    const m = this.main.fsm;
    if (!m.connection && !m.connecting && m.autoRestart) this.takeOver(cand, `carried on with the second connection (${this.lastReason})`);
  }

  /** The candidate becomes the neighbor's connection; the old main one is dropped. */
  private takeOver(cand: Connection, reason: string, dumpMain = false): void {
    const old = this.main;
    this.retire(old, dumpMain);
    cand.fsm = promoteCandidate(old.fsm, cand.fsm);
    this.main = cand;
    this.candidate = null;
    this.noteState(old.fsm.name, cand.fsm.name, reason);
  }

  /** Drops a connection that leaves the neighbor; with dump, it gets Cease/Connection Collision Resolution first. */
  private retire(conn: Connection, dump: boolean): void {
    if (dump && conn.fsm.connection) {
      for (const a of step(conn.fsm, { type: 'OpenCollisionDump' }, this.now()).actions) {
        if (a.type === 'send') this.sendFsmMessage(conn, a.message);
        else if (a.type === 'last-error') this.recordError(a.error, false);
      }
    }
    conn.stopTimers();
    this.close(conn);
  }

  private close(conn: Connection): void {
    const done = conn.close();
    if (!done) return;
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
  }

  /** Listeners belong to other parts of necod; a throwing one must not wedge the FSM. */
  private tell<K extends keyof PeerEvents>(event: K, ...args: PeerEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: PeerEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.log.error({ err, event }, `a '${String(event)}' listener threw`);
    }
  }

  private reportState(): void {
    const now = this.main.fsm.name;
    if (now === this.reportedState) return;
    const from = this.reportedState;
    this.reportedState = now;
    this.tell('stateChange', { from, to: now, reason: this.lastReason });
  }

  /** Answers a connection necod does not want with a Cease and closes it. */
  private refuse(socket: Socket, subcode: number, reason: string): false {
    const n = { code: ErrorCode.CEASE, subcode, data: new Uint8Array(0) };
    this.log.info({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, `refused a connection with ${describeNotification(n)}: ${reason}`);
    void endGracefully(socket, this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS, encodeNotification(n.code, n.subcode));
    return false;
  }

  // ---- receiving ------------------------------------------------------------------------

  private onFrame(conn: Connection, frame: Frame): void {
    if (!frame.ok) {
      this.log.warn({ header: toHex(frame.header), reason: frame.reason }, `bad message header: ${frame.reason}`);
      this.dispatch(conn, { type: 'BGPHeaderErr', notification: frame.notification, reason: frame.reason });
      return;
    }
    const bytes = frame.bytes;
    const r = decodeMessage(bytes, conn.rxContext, 0);
    if (r.outcome === 'incomplete') return;
    const type = messageTypeOf(bytes);
    if (type && conn === this.main) this.counters.messagesIn[type]++;
    const event = inboundEvent(r);
    if (r.outcome === 'notification') {
      this.log.warn({ type: r.messageType, reason: r.reason, bytes: toHex(bytes.subarray(0, MAX_LOGGED_BYTES)) }, `malformed ${r.messageType ?? 'message'}: ${r.reason}`);
    } else if (r.outcome !== 'ok') {
      this.log.warn({ outcome: r.outcome, issues: r.issues.map((i) => i.reason), bytes: toHex(bytes.subarray(0, MAX_LOGGED_BYTES)) }, `UPDATE handled as ${r.outcome} (RFC 7606)`);
    } else if (r.message.type === 'NOTIFICATION') {
      const n = r.message;
      const text = shutdownCommunication(n);
      this.log.warn({ code: n.code, subcode: n.subcode, data: toHex(n.data), ...(text !== null ? { shutdownCommunication: text } : {}) }, `received NOTIFICATION ${describeNotification(n)}`);
    }
    if (event.type === 'BGPOpen') this.onOpen(conn, event.open);
    else this.dispatch(conn, event);
  }

  /** RFC 4271 §6.8: an OPEN may settle a collision before it is processed. */
  private onOpen(conn: Connection, open: OpenMessage): void {
    const other = conn === this.main ? this.candidate : this.main;
    if (other && checkPeerOpen(this.config.session, open) === null) {
      const decision = resolveCollision({
        localId: this.config.session.routerId,
        remoteId: open.bgpId,
        localAs: this.config.session.localAs,
        remoteAs: this.config.session.remoteAs,
        arrived: conn.direction,
        other: { direction: other.direction, state: other.fsm.name, connection: other.fsm.connection },
      });
      if (decision !== 'none') this.log.info({ decision, arrived: conn.direction, other: other.direction, otherState: other.fsm.name }, `connection collision: ${decision}`);
      if (decision === 'dump-arrived') {
        this.dispatch(conn, { type: 'OpenCollisionDump' });
        return;
      }
      if (decision !== 'none') {
        const dump = decision === 'dump-other';
        if (other === this.main) this.takeOver(conn, 'connection collision resolved (RFC 4271 §6.8)', dump);
        else {
          this.retire(other, dump);
          this.candidate = null;
        }
      }
    }
    this.dispatch(conn, { type: 'BGPOpen', open });
  }

  /** The routing side that takes this session's UPDATEs (PeerRoutes); one per Peer. */
  setUpdateSink(sink: UpdateSink | null): void {
    this.sink = sink;
  }

  private deliverUpdate(conn: Connection, a: Extract<FsmAction, { type: 'deliver-update' }>): void {
    const tally = tallyUpdate(a.message, a.outcome);
    const c = this.counters;
    c.updatesIn++;
    c.prefixesReceived += tally.announced.ipv4 + tally.announced.ipv6;
    c.prefixesWithdrawn += tally.withdrawn.ipv4 + tally.withdrawn.ipv6;
    const limit = this.options.maxPrefixes?.limit ?? null;
    const verdict = this.sink ? this.sink.receive({ message: a.message, outcome: a.outcome, issues: a.issues, maxPrefixes: limit }) : this.countAlone(tally, limit);
    if (!verdict.accepted) {
      // RFC 4486 §4: Cease/Maximum Number of Prefixes Reached; the sink changed nothing.
      this.log.warn({ family: verdict.family, count: verdict.count, limit: verdict.limit }, `maximum prefixes exceeded for ${verdict.family}`);
      this.dispatch(conn, { type: 'MaxPrefixExceeded', afi: afiOf(verdict.family), safi: Safi.UNICAST, limit: verdict.limit });
      return;
    }
    this.tell('update', a.message, a.outcome, a.issues);
  }

  /** Without a sink (a session on its own): announced minus withdrawn in this session. */
  private countAlone(tally: ReturnType<typeof tallyUpdate>, limit: number | null): UpdateVerdict {
    for (const f of FAMILIES) this.prefixCount[f] = Math.max(0, this.prefixCount[f] + tally.announced[f] - tally.withdrawn[f]);
    if (limit === null) return ACCEPTED;
    for (const f of FAMILIES) {
      if (tally.announced[f] > 0 && this.prefixCount[f] > limit) return { accepted: false, family: f, count: this.prefixCount[f], limit };
    }
    return ACCEPTED;
  }

  private deliverRefresh(conn: Connection, a: Extract<FsmAction, { type: 'deliver-route-refresh' }>): void {
    const { afi, safi, subtype } = a;
    const n = conn.fsm.negotiated;
    const family = familyOf(afi, safi);
    // RFC 2918 §4, RFC 7313 §5: refreshes for families not negotiated and unknown subtypes are ignored.
    if (!n || !n.routeRefresh || !family || !n.families.includes(family) || subtype > RefreshSubtype.END) {
      this.log.info({ afi, safi, subtype }, 'ignored a ROUTE-REFRESH that was not negotiated');
      return;
    }
    const orf = negotiatedOrf(a.orf, n.prefixOrf.includes(family));
    if (a.orf && orf?.groups.length !== a.orf.groups.length) {
      this.log.info({ afi, safi, types: a.orf.groups.map((g) => g.type) }, 'ignored ORF types that were not negotiated (RFC 5291 §5)');
    }
    if (a.orf?.malformed) this.log.warn({ afi, safi, reason: a.orf.malformed }, 'malformed ORF in a ROUTE-REFRESH');
    this.tell('routeRefresh', afi, safi, subtype, orf);
  }

  private onEstablished(conn: Connection, negotiated: NegotiatedSession): void {
    // The second connection got there first: the first one loses (RFC 4271 §6.8).
    if (conn !== this.main) this.takeOver(conn, 'second connection reached Established', true);
    this.session++;
    this.prefixCount.ipv4 = 0;
    this.prefixCount.ipv6 = 0;
    this.counters.establishedSince = this.now();
    const { peerAs, holdTime, keepaliveTime, families, as4, routeRefresh, enhancedRouteRefresh, addPath, extendedMessage } = negotiated;
    this.log.info(
      { peerAs, holdTime, keepaliveTime, families, as4, routeRefresh, enhancedRouteRefresh, addPath, extendedMessage, gracefulRestart: negotiated.gracefulRestart !== null },
      'session established',
    );
    if (negotiated.families.length === 0) this.log.warn('the neighbor shares no address family with necod');
    this.reportState();
    this.tell('established', negotiated);
  }

  private onSessionDown(reason: string, error: FsmError | null): void {
    this.counters.flaps++;
    this.counters.establishedSince = null;
    this.session++;
    this.log.warn({ reason }, `session down: ${reason}`);
    this.tell('down', { reason, error: error ? toLastError(error) : null });
  }

  private recordError(e: FsmError, keep: boolean): void {
    if (keep) this.lastError = toLastError(e);
    if (e.notification && e.direction === 'sent') {
      const n = e.notification;
      this.log.warn({ code: n.code, subcode: n.subcode, data: toHex(n.data), reason: e.reason }, `sent NOTIFICATION ${describeNotification(n)}: ${e.reason}`);
    }
  }

  private sendFsmMessage(conn: Connection, message: OutgoingMessage): void {
    const bytes = encodeMessage(message, conn.txContext);
    if (conn === this.main) this.countOut(bytes);
    if (message.type === 'NOTIFICATION') conn.writeFinal(bytes);
    else conn.write(bytes);
  }

  private countOut(bytes: Uint8Array): void {
    const type = messageTypeOf(bytes);
    if (!type) return;
    this.counters.messagesOut[type]++;
    if (type === 'UPDATE') this.counters.updatesOut++;
  }
}

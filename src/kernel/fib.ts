// The FIB manager: the RIB says what each prefix should be, the manager makes the kernel match,
// in coalesced `ip -batch` runs, touching nothing that does not carry necod's protocol number.
//
// Flow: set() records the wish and marks the prefix dirty; after `coalesceMs` (longer while a
// table pours in, see pouring()) the dirty prefixes get their next hops resolved, in batches of
// up to `batchMax`, the differ turns them into kernel changes against the model, the writer runs
// them, and the changes the kernel accepted go into the model. Refused ones leave the prefix
// failed, visible in the API, and retried.
//
// Failover plans (the contract with the BFD process). In nexthop-group mode, taking a dead next
// hop out of every route is a handful of group changes, whatever the number of routes; the FIB
// keeps those changes prepared for every next hop its groups hold, as netlink changes and as
// `ip -batch` lines (FailoverPlan in src/host/kernel-change.ts):
//   failoverPlan(via)            the plan now (`nexthop replace id G group … proto P`, one per
//                                group holding via and something else), or null when groups are
//                                off or there is nothing to do;
//   onFailoverPlan(cb)           cb(via, plan | null) whenever the plan of a via changes (after a
//                                batch changed nexthop objects, or the mode is known at start);
//   downWriter                   'netlink' or 'ip': the writer the FIB uses, for the BFD side to
//                                use the same;
//   nextHopDown(via, {applied})  with `applied: true`, another process already wrote the plan: the
//                                FIB applies the same group changes to its model without writing
//                                them, then writes only whatever still differs (normally nothing).
// The plan replaces groups rather than deleting the via's leg object: deleting the leg would also
// delete, in the kernel, every route whose group holds nothing else, which the model could only
// learn by a scan of all routes; replacing groups keeps every route and touches only the groups.
// A route whose only next hop is via keeps pointing at it until the RIB withdraws it, as without
// BFD. The changes carry numbers only (ids, protocol), so any netlink socket or `ip -batch -` in
// the namespace can write them.
import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import { BatchWriter, type BatchOutcome, type Lines } from '../host/batch-writers.js';
import type { PrefixCodec } from '../host/netlink-codec.js';
import { acceptingChannel, netlinkUnavailable, type ChannelEvents, type NetlinkChannel } from '../host/netlink-socket.js';
import { NetlinkRouteWriter } from '../host/netlink-writer.js';
import { runIp, type IpContext } from '../host/ip-runner.js';
import { streamRoutes } from '../host/route-stream.js';
import { DEFAULT_DIRS, protocolToWrite, tableToWrite } from '../host/rt-names.js';
import { canonicalAddress, isLinkLocalIpv6, parseIpv6, type RouteKind } from '../net/index.js';
import { IPV6_BASE, RouteKeys } from '../rib/route-key.js';
import { isHarmlessError, renderChange } from './batch-lines.js';
import { diffKeyed, downChanges, gcChanges } from './fib-diff.js';
import { FibModel, InstalledRoutes, ModelError } from './fib-model.js';
import { LegTable } from './leg-set.js';
import type { MonitorEvent } from './monitor-events.js';
import { RawSetTable, WANT_BLACKHOLE, WANT_NO_HOPS, WANT_UNREACHABLE, type RawSet } from './raw-sets.js';
import { deletionHits, installedFromKernel, loadObjects, readNexthops, sameObject, sameRoute, splitNexthops, streamOwnRoutes } from './reconcile.js';
import { NextHopResolver } from './resolver.js';
import { RouteMonitor } from './route-monitor.js';
import { RouteTable, WANT_NONE } from './route-table.js';
import type { Change, DesiredRoute, FailoverPlan, FibCounters, IdRange, InstalledRoute, LegSet, NexthopMode, NexthopObject, RouteStateName, RouteStatus, RouteTag, Target } from './types.js';

export type NexthopGroupsSetting = 'auto' | 'on' | 'off';
/** How changes reach the kernel: rtnetlink messages, `ip -batch` lines, or netlink when it loads. */
export type WriterSetting = 'auto' | 'netlink' | 'ip';

export interface FibOptions {
  /** Kernel table: number or rt_tables name. Default "main". */
  table?: number | string;
  /** Route metric (priority). Default 32, as BIRD's kernel protocol. */
  metric?: number;
  /** Protocol: number, or rt_protos name. Default "necod" (200 when not registered). */
  protocol?: number | string;
  /** Shared nexthop objects: auto (when the kernel has them), on (required), off (inline next hops). */
  nexthopGroups?: NexthopGroupsSetting;
  /** necod's nexthop object ids; objects outside it are never touched. */
  nexthopIds?: IdRange;
  /** Most next hops one route gets. Default 16. */
  ecmpMax?: number;
  /** What stop() does without an explicit `keep`. Default false: remove everything. */
  keepOnStop?: boolean;
  /** How long changes are gathered into one batch. Default 5 ms. */
  coalesceMs?: number;
  /** Most prefixes per batch. Default 10 000. */
  batchMax?: number;
  /**
   * While routes pour in as fast as a table is received (50 a millisecond or more), writing
   * waits for them to stop, for at most this long: decoding goes first. Default 2 000 ms.
   */
  arrivalWaitMs?: number;
  /** Long-lived `ip -batch -` writers sharing the route lines of large batches. Default 2. */
  writers?: number;
  /** Netlink messages (auto: when the addon loads) or `ip -batch` lines. Default auto. */
  writer?: WriterSetting;
  /**
   * This many route changes written within half a second (one batch or several) stop the
   * following of route events (links, addresses and nexthop objects are still followed) until
   * the writing is done; the periodic verification covers what happened to routes meanwhile.
   * Default 10 000; 0 never.
   */
  bulkLines?: number;
  /** Read-back of necod's routes, in ms; 0 turns it off. Default 30 000. */
  verifyIntervalMs?: number;
  /** Backoff for retrying refused writes: first and longest wait. Default 1 s and 60 s. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /**
   * Watch the kernel (`ip monitor`) for routes removed behind necod's back. Default true; off only
   * to measure what watching costs: then only verification notices anything.
   */
  monitor?: boolean;
  /**
   * The RIB's route keys, so that the feed hands over keys, not text, and IPv6 prefix ids are
   * shared; a Fib without a RIB (tests) makes its own.
   */
  keys?: RouteKeys;
  /**
   * A FIB that writes to no kernel, in this nexthop mode: nothing is probed, read or watched, and
   * every change is encoded as a netlink message and taken by a kernel stand-in that accepts all
   * (acceptingChannel). The start-up rehearsal runs its scratch table through one.
   */
  rehearsal?: NexthopMode;
  /** Run every ip command in this network namespace (tests, benchmarks). */
  netns?: string | null;
  /** The ip binary. */
  ip?: string;
  /** Where rt_protos and rt_tables are looked up. */
  iproute2Dirs?: readonly string[];
  logger?: Logger;
}

export interface StopOptions {
  /** Leave routes and nexthop objects in the kernel (graceful restart). */
  keep?: boolean;
}

export interface BatchReport {
  prefixes: number;
  lines: number;
  failures: number;
  ms: number;
}

export interface FibStatus {
  started: boolean;
  converged: boolean;
  mode: NexthopMode;
  protocol: number;
  table: number;
  metric: number;
  /** Prefixes waiting to be written (including those waiting for a next hop lookup). */
  pending: number;
  failed: number;
  /** Routes kept from a previous run, removed at convergence unless the RIB wants them. */
  stale: number;
  down: string[];
  counters: FibCounters;
  /** Lines `ip monitor` printed, and those that concerned necod. */
  monitor: { lines: number; events: number; restarts: number; overruns: number; echoes: number };
}

/** Route keys: IPv4 address × 64 + length, or 2^40 + an IPv6 prefix id (src/rib/route-key.ts). */
type Key = number;
/**
 * Slots of the FIB's route table (route-table.ts): the model, the differ and the writers name
 * routes by slot, so that a route's key is hashed once, when the RIB hands it over. A slot is not
 * given to another prefix while a write of it is prepared or in the kernel (see forget()).
 */
type Slot = number;

interface Prepared {
  no: number;
  changes: readonly Change<Slot>[];
  /** The `ip -batch` line of each change, rendered when the writer takes it. */
  lines: Lines;
  /** What the model held before each change, to put back if the kernel refuses it. */
  undo: Array<InstalledRoute | NexthopObject | undefined>;
  barrier: number;
  /** Slots written by this batch, and (parallel) the slot and target of each route diffed. */
  slice: readonly Slot[];
  owners: readonly Slot[];
  targets: ReadonlyArray<Target | null>;
  /** Slot → which next hops could not be used. */
  problems: Map<number, string>;
  what: string;
  t0: number;
}

const DEFAULT_IDS: IdRange = { min: 200_000_000, max: 200_999_999 };
/**
 * Routes a millisecond that count as a table pouring in: a full table arrives at 1–2 M/s once
 * under way, its first fraction of a second (TCP slow start, code not yet optimised) far slower.
 */
const POUR_PER_MS = 50;
const POUR_LOOK_MS = 5;

export class Fib extends EventEmitter {
  readonly tag: RouteTag;
  private mode: NexthopMode = 'inline';
  private readonly setting: NexthopGroupsSetting;
  private readonly ctx: IpContext;
  private readonly log: Logger;
  private readonly ecmpMax: number;
  private readonly keepOnStop: boolean;
  private readonly coalesceMs: number;
  private readonly batchMax: number;
  private readonly arrivalWaitMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly watch: boolean;
  private readonly keys: RouteKeys;
  private readonly bulkLines: number;
  private readonly rehearsal: NexthopMode | null;

  private readonly legs = new LegTable();
  private readonly installed: InstalledRoutes;
  private readonly model: FibModel<Slot>;
  /** Per route: what the RIB wants, state, failures, last batch. */
  private readonly table: RouteTable;
  /**
   * Slots to write, in the order they became dirty, between dirtyHead and dirtyTail; entries whose
   * dirty bit is off are skipped. A typed array: while a full table pours in it holds every route.
   */
  private dirtyQueue = new Int32Array(1024);
  private dirtyHead = 0;
  private dirtyTail = 0;
  private dirtyCount = 0;
  private readonly failed = new Set<number>();
  /** Slot → the last error or next-hop problem of the route (few routes have one). */
  private readonly errors = new Map<number, string>();
  // A new next hop is looked up at once, so that its routes need not wait for it at write time.
  private readonly raws = new RawSetTable((via, dev) => {
    if (dev === null && this.started) this.resolver.get(via);
  });
  private readonly down = new Set<string>();
  /** Route key → protocol of another program's route at necod's metric in necod's table. */
  private readonly foreign = new Map<Key, number>();
  private readonly viaCanon = new Map<string, string | null>();
  private strays: number[] = [];
  private epoch = 0;
  private verifyMark = 0;
  /** Failover plan per next-hop address, as last published. */
  private plans = new Map<string, FailoverPlan>();
  private readonly format = (key: Key): string => this.keys.format(key);
  private readonly formatSlot = (s: Slot): string => this.keys.format(this.table.key(s));

  private readonly writer: BatchWriter;
  /** The netlink writer, when it is the one in use; the ip writer then only clears up at stop. */
  private readonly nl: NetlinkRouteWriter<Slot> | null;
  private readonly resolver: NextHopResolver;
  private readonly monitor: RouteMonitor;

  private started = false;
  private stopping = false;
  private isConverged = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstDirtyAt = 0;
  private urgent = false;
  /** settled() callers waiting: write without waiting out the coalescing window. */
  private flushing = 0;
  private batchNo = 0;
  /** Batches prepared but not yet reported by the kernel. */
  private readonly unconfirmed = new Set<number>();
  private lastObjectBatch = -1;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryRound = 0;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly stats: FibCounters = {
    writes: 0, failures: 0, batches: 0, routesInstalled: 0, nexthopObjects: 0, restored: 0, retries: 0, verifications: 0,
  };

  /** Throws a NameError for a protocol or table name that is not registered. */
  constructor(opts: FibOptions = {}) {
    super();
    const dirs = opts.iproute2Dirs ?? DEFAULT_DIRS;
    this.tag = {
      protocol: protocolToWrite(opts.protocol ?? 'necod', dirs),
      table: tableToWrite(opts.table ?? 'main', dirs),
      metric: opts.metric ?? 32,
    };
    if (!Number.isInteger(this.tag.metric) || this.tag.metric < 0 || this.tag.metric > 0xffffffff) throw new RangeError(`metric ${this.tag.metric} out of range`);
    this.setting = opts.nexthopGroups ?? 'auto';
    const ids = opts.nexthopIds ?? DEFAULT_IDS;
    if (!(ids.min >= 1 && ids.max >= ids.min && ids.max <= 0xffffffff)) throw new RangeError(`nexthop id range ${ids.min}-${ids.max} invalid`);
    this.ctx = { ip: opts.ip ?? 'ip', netns: opts.netns ?? null };
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.ecmpMax = Math.max(1, opts.ecmpMax ?? 16);
    this.keepOnStop = opts.keepOnStop ?? false;
    this.coalesceMs = Math.max(0, opts.coalesceMs ?? 5);
    this.batchMax = Math.max(1, opts.batchMax ?? 10_000);
    this.arrivalWaitMs = Math.max(0, opts.arrivalWaitMs ?? 2_000);
    this.retryMinMs = opts.retryMinMs ?? 1_000;
    this.retryMaxMs = opts.retryMaxMs ?? 60_000;
    this.rehearsal = opts.rehearsal ?? null;
    this.watch = this.rehearsal === null && (opts.monitor ?? true);
    this.keys = opts.keys ?? new RouteKeys();
    // The FIB holds keys beyond the RIB's fan-out: their IPv6 ids must stay alive while it does.
    this.table = new RouteTable(this.keys.slots, this.keys.v6);
    this.installed = new InstalledRoutes(this.table);
    this.bulkLines = opts.bulkLines ?? 10_000;
    this.model = new FibModel<Slot>(ids, this.legs, this.installed);
    this.writer = new BatchWriter({ ip: this.ctx.ip, netns: this.ctx.netns, writers: opts.writers ?? 2, logger: this.log });
    this.nl = this.rehearsal !== null ? this.netlinkWriterTo(acceptingChannel) : this.netlinkWriter(opts.writer ?? 'auto');
    this.resolver = new NextHopResolver(this.ctx, {
      onChange: (vias) => this.resolutionChanged(vias),
      // No kernel to ask: every next hop of a rehearsal is on the loopback device.
      ...(this.rehearsal !== null ? { lookup: () => Promise.resolve({ ok: true, dev: 'lo' } as const) } : {}),
    });
    this.monitor = new RouteMonitor({
      ctx: this.ctx,
      verifyIntervalMs: opts.verifyIntervalMs ?? 30_000,
      verify: (full) => this.verify(full),
      onEvent: (e) => this.onMonitorEvent(e),
      logger: this.log,
      interest: {
        protocol: this.tag.protocol,
        table: this.tag.table,
        metric: this.tag.metric,
        ids,
        concernsPrefix: (p) => this.resolver.concerns(p),
        usesDev: (dev) => this.resolver.usesDev(dev) || this.legDevs().has(dev),
      },
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Probes nexthop object support, starts watching the kernel, and reads what a previous run
   * left: those routes stay untouched until converged(), unless set() says otherwise first. A
   * table that does not exist yet is an empty table.
   */
  async start(): Promise<void> {
    if (this.started || this.stopping) return;
    if (this.rehearsal !== null) {
      this.mode = this.rehearsal;
      this.started = true;
      return;
    }
    const nexthops = await this.probeNexthops();
    this.mode = nexthops ? 'groups' : 'inline';
    if (this.watch) await this.monitor.start();
    const objects = await readNexthops(this.ctx);
    if (objects) {
      const { own, reserved } = splitNexthops(objects, this.model, this.tag.protocol);
      for (const id of reserved) this.model.reserved.add(id);
      this.strays = loadObjects(this.model, own, this.legs);
    }
    let kept = 0;
    // Read as a stream: a full table left by a previous run is never held as text or records.
    await streamOwnRoutes(
      this.ctx,
      this.tag,
      (r) => {
        const key = this.keys.parse(r.prefix);
        if (key === null) return;
        kept++;
        let s = this.table.slot(key);
        if (s < 0) this.table.setState((s = this.table.add(key)), 'stale');
        this.model.setRoute(s, installedFromKernel(r, this.model, this.legs));
      },
      (prefix, proto) => {
        const key = this.keys.parse(prefix);
        if (key !== null) this.foreign.set(key, proto);
      },
    );
    if (this.nl) this.nl.warm();
    else this.writer.warm();
    this.started = true;
    this.refreshPlans();
    this.log.info(
      { mode: this.mode, writer: this.nl ? 'netlink' : 'ip', protocol: this.tag.protocol, table: this.tag.table, metric: this.tag.metric, kept, objects: this.model.objects.size, foreign: this.foreign.size },
      'kernel FIB started',
    );
    if (this.dirtyCount > 0) this.schedule();
  }

  /**
   * Every neighbor has sent End-of-RIB (or the wait timed out): routes from a previous run that
   * the RIB did not ask for are removed now. Resolves when that batch is written.
   */
  async converged(): Promise<void> {
    if (!this.isConverged) {
      this.isConverged = true;
      this.table.forEach((s) => {
        if (this.table.state(s) === 'stale') this.markDirty(s);
      });
    }
    await this.settled();
  }

  /** Stops writing. Without `keep`, removes every route and nexthop object of necod first. */
  async stop(opts: StopOptions = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const keep = this.rehearsal !== null || (opts.keep ?? this.keepOnStop);
    for (const t of [this.timer, this.retryTimer, this.refreshTimer]) if (t) clearTimeout(t);
    this.timer = this.retryTimer = this.refreshTimer = null;
    await this.loop;
    this.refreshPlans();
    await this.monitor.stop();
    this.resolver.close();
    if (!keep && this.started) await this.removeEverything();
    await this.writer.close();
    await this.nl?.close();
    this.log.info({ keep, routes: this.installed.size }, 'kernel FIB stopped');
  }

  // ---------------------------------------------------------------- the RIB's side

  /**
   * The RIB's wish for one prefix, by text; null removes it. Never throws for bad input: it is
   * logged. See setKey() for what may be shared.
   */
  set(prefix: string, route: DesiredRoute | null): void {
    const key = this.keys.parse(prefix);
    if (key === null) {
      this.log.error({ prefix }, 'kernel FIB: not a prefix, ignored');
      return;
    }
    this.setKey(key, route);
  }

  /**
   * The RIB's wish for one route key; null removes it. The route and its next-hop array are kept
   * by reference and must not be changed afterwards: one object shared by many routes (one per
   * interned Loc-RIB selection) costs one lookup per route and nothing else.
   */
  setKey(key: Key, route: DesiredRoute | null): void {
    this.setAt(this.keys.slots.find(key), key, route);
  }

  /**
   * setKey() for a caller that looked the key up in the shared slot index already (`slot`: what
   * `keys.slots.find(key)` gave, -1 for none): the Loc-RIB feed, which needs the slot itself.
   */
  setAt(slot: Slot, key: Key, route: DesiredRoute | null): void {
    if (this.stopping) return;
    if (route === null) {
      if (!this.table.inUse(slot)) return;
      this.raws.move(this.table.want(slot), WANT_NONE);
      this.table.setWant(slot, WANT_NONE);
      if (this.table.state(slot) === 'stale' && !this.isConverged) this.table.setState(slot, 'pending');
      this.markDirty(slot);
      return;
    }
    const want = this.wantOf(key, route);
    if (want === null) return;
    slot = slot < 0 ? this.table.add(key) : this.table.addAt(slot, key);
    if (this.table.want(slot) === want && !this.table.dirty(slot) && this.table.state(slot) !== 'stale') return;
    this.raws.move(this.table.want(slot), want);
    this.table.setWant(slot, want);
    if (this.table.state(slot) !== 'failed') this.table.setState(slot, 'pending');
    this.markDirty(slot);
  }

  /** Whether keys go through the same slot index as `keys` (setAt() with its slots). */
  sharesKeys(keys: RouteKeys): boolean {
    return this.keys === keys;
  }

  /** The interned want id of a desired route; null (logged) when its next hops are unusable. */
  private wantOf(key: Key, route: DesiredRoute): number | null {
    if (route.kind === 'blackhole') return WANT_BLACKHOLE;
    if (route.kind === 'unreachable') return WANT_UNREACHABLE;
    if (route.nextHops.length === 0) return WANT_NO_HOPS;
    const raw = this.raws.intern(route.nextHops, this.canonVia);
    if (raw === null || (raw.hasV4 && key >= IPV6_BASE)) {
      this.log.error({ prefix: this.format(key), nextHops: route.nextHops }, 'kernel FIB: bad next hop, route ignored');
      return null;
    }
    if (raw.asked !== this.epoch) {
      // A next-hop set new in this epoch: its devices are looked up now, while the table still
      // arrives, rather than when its first batch is prepared (which would then wait for ip).
      raw.asked = this.epoch;
      for (const h of raw.hops) if (h.dev === null && !h.onlink && !this.down.has(h.via)) this.resolver.get(h.via);
    }
    return raw.want;
  }

  /**
   * A next hop is gone (its BFD session or BGP neighbor went down). Every nexthop group holding
   * it drops it at once, in one batch ahead of everything else: one write per group, whatever
   * the number of routes. Routes are re-examined afterwards as usual. With `applied`, the
   * failover plan of this via was already written by another thread (see the file comment).
   */
  nextHopDown(via: string, opts: { applied?: boolean } = {}): void {
    const v = this.canonVia(via);
    if (v === null || this.down.has(v) || this.stopping) return;
    this.down.add(v);
    this.epoch++;
    if (this.mode === 'groups') {
      if (opts.applied) this.applyWrittenPlan(v);
      this.urgent = true;
      this.kick();
    }
    this.markUsersOf(v);
  }

  /**
   * Next hops routes are likely to use (the neighbors' addresses, which next-hop rewriting puts
   * on their routes): their devices are looked up now, so that neither a session coming up nor
   * its first routes wait for the lookup. Link-local addresses need a device and are left out.
   */
  expectNextHops(vias: readonly string[]): void {
    if (!this.started || this.stopping) return;
    for (const via of vias) {
      const v = this.canonVia(via);
      const v6 = v === null ? null : parseIpv6(v);
      if (v !== null && !(v6 !== null && isLinkLocalIpv6(v6))) this.resolver.get(v);
    }
  }

  /**
   * The next hop is usable again (or its session just came up): routes asking for it get it back.
   * Its device is looked up now, so that the first routes through it need not wait for that.
   */
  nextHopUp(via: string): void {
    const v = this.canonVia(via);
    if (v !== null && this.started && !this.stopping) this.resolver.get(v);
    if (v === null || !this.down.delete(v) || this.stopping) return;
    this.epoch++;
    this.markUsersOf(v);
  }

  /**
   * The group changes that take `via` out of every route at once, prepared in advance; null
   * when nexthop groups are off or no group holds via next to another next hop.
   */
  failoverPlan(via: string): FailoverPlan | null {
    const v = this.canonVia(via);
    return v === null ? null : (this.plans.get(v) ?? null);
  }

  /** The writer this FIB uses; the BFD process writes failover plans with the same kind. */
  get downWriter(): 'netlink' | 'ip' {
    return this.nl ? 'netlink' : 'ip';
  }

  /** Calls `cb(via, plan | null)` whenever a via's failover plan changes; returns the unsubscribe. */
  onFailoverPlan(cb: (via: string, plan: FailoverPlan | null) => void): () => void {
    this.on('failover-plan', cb);
    return () => this.off('failover-plan', cb);
  }

  /** The model takes the group changes of the plan another thread wrote, as the kernel did. */
  private applyWrittenPlan(via: string): void {
    const plan = this.plans.get(via);
    if (!plan) return;
    for (const c of plan.changes) {
      try {
        this.model.apply(c);
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
        // The plan was older than the model: verification finds what the kernel holds.
        this.monitor.requestVerify(0);
      }
    }
    this.refreshPlans();
  }

  /** Recomputes every via's failover plan and announces those that changed. */
  private refreshPlans(): void {
    const next = new Map<string, FailoverPlan>();
    if (this.mode === 'groups' && !this.stopping) {
      const vias = new Set<string>();
      for (const o of this.model.objects.values()) if (o.type === 'leg' && !this.down.has(o.leg.via)) vias.add(o.leg.via);
      for (const via of vias) {
        const changes = downChanges(this.model, new Set([via]));
        if (changes.length > 0) next.set(via, { changes, lines: changes.map((c) => renderChange(c, this.tag, this.formatSlot)), tag: this.tag });
      }
    }
    const old = this.plans;
    this.plans = next;
    for (const [via, plan] of next) {
      const before = old.get(via);
      if (!before || before.lines.join('\n') !== plan.lines.join('\n')) this.emit('failover-plan', via, plan);
    }
    for (const via of old.keys()) if (!next.has(via)) this.emit('failover-plan', via, null);
  }

  /** Resolves when nothing is waiting to be written (tests, benchmarks, shutdown). */
  async settled(): Promise<void> {
    this.flushing++;
    try {
      for (let i = 0; i < 1000 && !this.stopping; i++) {
        if (this.loop) {
          await this.loop;
          continue;
        }
        if (this.dirtyCount > 0 || this.urgent) {
          if (!this.started) return;
          this.kick();
          continue;
        }
        await this.resolver.idle();
        if (this.dirtyCount === 0 && !this.loop && !this.urgent) return;
      }
    } finally {
      this.flushing--;
    }
  }

  // ---------------------------------------------------------------- the API's side

  route(prefix: string): RouteStatus | undefined {
    const key = this.keys.parse(prefix);
    const slot = key === null ? -1 : this.table.slot(key);
    return slot < 0 ? undefined : this.statusOf(slot);
  }

  /** Route states, optionally only one kind, at most `limit` of them. */
  routes(opts: { state?: RouteStateName; limit?: number } = {}): RouteStatus[] {
    const limit = opts.limit ?? 1000;
    const out: RouteStatus[] = [];
    if (opts.state === 'failed') {
      for (const s of this.failed) if (out.length < limit) out.push(this.statusOf(s));
      return out;
    }
    this.table.forEach((s) => {
      if (out.length < limit && (opts.state === undefined || this.table.state(s) === opts.state)) out.push(this.statusOf(s));
    });
    return out;
  }

  counters(): FibCounters {
    return { ...this.stats, routesInstalled: this.installed.size, nexthopObjects: this.model.objects.size };
  }

  status(): FibStatus {
    let stale = 0;
    if (!this.isConverged) this.table.forEach((s) => {
      if (this.table.state(s) === 'stale') stale++;
    });
    return {
      started: this.started,
      converged: this.isConverged,
      mode: this.mode,
      protocol: this.tag.protocol,
      table: this.tag.table,
      metric: this.tag.metric,
      pending: this.dirtyCount,
      failed: this.failed.size,
      stale,
      down: [...this.down],
      counters: this.counters(),
      monitor: { ...this.monitor.counters, restarts: this.monitor.restarts, echoes: this.monitor.echoes },
    };
  }

  /**
   * Bytes the per-route state holds in typed arrays (routes, installed forms), for benchmarks;
   * the slot index of the keys is the RIB's and not counted here.
   */
  get stateBytes(): number {
    return this.table.byteSize;
  }

  /** Runs a read-back of the kernel now (tests; the monitor runs it periodically). */
  verifyNow(): Promise<void> {
    return this.monitor.verifyNow();
  }

  private foreignReason(key: Key, proto: number): string {
    return `a route of protocol ${proto} holds ${this.format(key)} at metric ${this.tag.metric} in table ${this.tag.table}; necod leaves it alone`;
  }

  // ---------------------------------------------------------------- scheduling

  private markDirty(slot: number): void {
    if (this.table.dirty(slot)) return;
    if (this.dirtyCount === 0) {
      this.firstDirtyAt = Date.now();
      // The rate of a table pouring in is judged from its first route on, so the first window
      // of writing already knows (see pouring()).
      if (this.pourSince === 0) {
        this.marksAt = this.firstDirtyAt;
        this.marksSeen = this.marks;
      }
    }
    this.marks++;
    this.table.setDirty(slot, true);
    this.queueDirty(slot);
    this.dirtyCount++;
    this.schedule();
  }

  private markUsersOf(via: string): void {
    const wants = this.raws.wantsOfVia(via);
    if (wants.size > 0) for (const s of this.table.slotsWanting(wants)) this.markDirty(s);
  }

  /** Up to `max` dirty slots whose last write has reported, in the order they became dirty. */
  private takeDirty(max: number): number[] {
    const slice: number[] = [];
    const waiting: number[] = [];
    const q = this.dirtyQueue;
    while (this.dirtyHead < this.dirtyTail && slice.length < max) {
      const s = q[this.dirtyHead++]!; // head < tail ≤ length
      if (!this.table.dirty(s)) continue;
      if (this.table.inflight(s)) {
        waiting.push(s); // its previous write has not reported yet
        continue;
      }
      this.table.setDirty(s, false);
      this.dirtyCount--;
      slice.push(s);
    }
    if (this.dirtyHead === this.dirtyTail) {
      this.dirtyHead = this.dirtyTail = 0;
      // A full table's queue is not kept for the odd change afterwards.
      if (this.dirtyQueue.length > 65536) this.dirtyQueue = new Int32Array(1024);
    }
    for (const s of waiting) this.queueDirty(s);
    return slice;
  }

  private queueDirty(slot: number): void {
    if (this.dirtyTail === this.dirtyQueue.length) {
      const live = this.dirtyTail - this.dirtyHead;
      // Room at the front is reused before the queue grows.
      if (live * 2 <= this.dirtyQueue.length) this.dirtyQueue.copyWithin(0, this.dirtyHead, this.dirtyTail);
      else {
        const q = new Int32Array(this.dirtyQueue.length * 2);
        q.set(this.dirtyQueue.subarray(this.dirtyHead, this.dirtyTail));
        this.dirtyQueue = q;
      }
      this.dirtyHead = 0;
      this.dirtyTail = live;
    }
    this.dirtyQueue[this.dirtyTail++] = slot;
  }

  private schedule(): void {
    if (!this.started || this.stopping || this.loop) return;
    if (this.urgent) {
      this.kick();
      return;
    }
    if (this.dirtyCount === 0 || this.timer) return;
    const wait = Math.max(0, this.coalesceMs - (Date.now() - this.firstDirtyAt));
    const fire = (): void => {
      this.timer = null;
      if (this.pouring()) this.timer = setTimeout(fire, POUR_LOOK_MS);
      else this.kick();
    };
    this.timer = setTimeout(fire, wait);
  }

  /**
   * Routes are still pouring in (a table being received: more than POUR_PER_MS a millisecond
   * over the last POUR_LOOK_MS or more), so writing waits, for at most `arrivalWaitMs` of
   * pouring: the FIB and the decoding of UPDATEs share one thread, and every route the FIB
   * writes meanwhile delays the RIB by its cost. A trickle of changes, a flap of a few thousand
   * routes, a settled() caller or a next hop going down never wait.
   */
  private pouring(): boolean {
    if (this.flushing > 0 || this.urgent) return false;
    const now = Date.now();
    if (now - this.marksAt >= POUR_LOOK_MS) {
      const fast = this.marks - this.marksSeen >= POUR_PER_MS * (now - this.marksAt);
      if (fast && this.pourSince === 0) {
        this.pourSince = now;
        // A table is coming: stop following route events now, while nothing is written, so the
        // monitor's swap is done before the first bulk batch rather than racing it (every route
        // of that batch would come back as an event for ip to format and necod to drop, and an
        // overrun of the old monitor's socket asks for a full read-back).
        if (this.bulkLines > 0) this.monitor.quiet(true);
      } else if (!fast) this.pourSince = 0;
      this.marksSeen = this.marks;
      this.marksAt = now;
    }
    return this.pourSince > 0 && now - this.pourSince < this.arrivalWaitMs;
  }

  /** Prefixes marked dirty so far, the count and time of the last look, and since when they pour. */
  private marks = 0;
  private marksSeen = 0;
  private marksAt = 0;
  private pourSince = 0;

  private kick(): void {
    if (!this.started || this.stopping || this.loop) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.loop = this.run().finally(() => {
      this.loop = null;
      this.schedule();
    });
  }

  /**
   * The write loop. Batch k+1 is prepared (diffed against the model as if batch k succeeds) and
   * streamed into the writers while batch k is still in the kernel, so ip never waits for
   * JavaScript; refused changes are undone in the model when their batch reports. Unused
   * objects are deleted only when nothing is in flight.
   */
  private async run(): Promise<void> {
    // At most two batches in the writers' pipes: an urgent batch (a next hop lost) goes through
    // its own writer and never waits behind them.
    const inFlight: Array<Promise<void>> = [];
    let objectJobs = 0;
    const start = (p: Prepared): void => {
      // A batch of routes only streams into the writers while the one ahead is still being
      // written. One that changes objects, or follows one that does, waits: its routes may need
      // objects whose lines another writer has not run yet.
      const objects = p.barrier > 0;
      const prev = objects || objectJobs > 0 ? inFlight.at(-1) : undefined;
      if (objects) objectJobs++;
      const job: Promise<void> = (async () => {
        await prev;
        await this.execute(p);
      })().finally(() => {
        inFlight.splice(inFlight.indexOf(job), 1);
        if (objects) objectJobs--;
      });
      inFlight.push(job);
    };
    const drain = async (): Promise<void> => {
      while (inFlight.length > 0) await inFlight[0];
    };
    while (!this.stopping) {
      try {
        if (this.urgent) {
          this.urgent = false;
          const p = this.prepare(downChanges(this.model, this.down), [], [], [], new Map(), 'next hop down');
          if (p) await this.execute(p, true);
          continue;
        }
        const windowOpen = this.flushing === 0 && this.dirtyCount < this.batchMax && Date.now() - this.firstDirtyAt < this.coalesceMs;
        // A table pouring in: let the decoding have the thread (the timer looks again).
        if (this.dirtyCount === 0 || windowOpen || this.pouring()) {
          if (inFlight.length === 0) break;
          await inFlight[0];
          continue;
        }
        if (inFlight.length >= 2) {
          await inFlight[0];
          continue;
        }
        const slice = this.takeDirty(this.batchMax);
        if (slice.length === 0) {
          if (inFlight.length === 0) {
            await new Promise((r) => setTimeout(r, 1));
            continue;
          }
          await inFlight[0];
          continue;
        }
        if (this.dirtyCount > 0) this.firstDirtyAt = Date.now() - this.coalesceMs;
        let p: Prepared | null;
        try {
          p = this.prepareSlice(slice);
        } catch (err) {
          for (const s of slice) this.setFailed(s, `internal error: ${String(err)}`);
          this.scheduleRetry();
          throw err;
        }
        if (p) {
          if (this.isBulk(p.changes.length)) this.monitor.quiet(true);
          start(p);
        }
        // Let the batch get going before preparing the next one.
        await new Promise((r) => setImmediate(r));
      } catch (err) {
        // A bug here must not stop the FIB: log it, and let retries and verification catch up.
        this.log.error({ err }, 'kernel FIB batch failed');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await drain();
    // Routes follow again once the table is written; not while it still pours in (the loop
    // stopped to let the decoding have the thread, and writing goes on after it).
    if (this.pourSince === 0 || this.dirtyCount === 0) this.monitor.quiet(false);
    if (!this.stopping && !this.urgent) {
      const gc = this.prepare([...gcChanges(this.model), ...this.strayChanges()], [], [], [], new Map(), 'unused nexthop objects');
      if (gc) await this.execute(gc);
    }
  }

  /**
   * Whether writes come in bulk: `bulkLines` changes within half a second, in one batch or in
   * several. A table arriving UPDATE by UPDATE makes batches of a few thousand routes each, and
   * every one of their routes would come back as a monitor event (and overrun its socket, which
   * costs a full read-back) if only single batches counted.
   */
  private isBulk(changes: number): boolean {
    if (this.bulkLines <= 0) return false;
    const now = Date.now();
    if (now - this.recentSince > 500) {
      this.recentSince = now;
      this.recentWrites = 0;
    }
    this.recentWrites += changes;
    return this.recentWrites >= this.bulkLines;
  }

  private recentWrites = 0;
  private recentSince = 0;

  // ---------------------------------------------------------------- one batch

  /** Targets for the slice, diffed into changes; null when there is nothing to write. */
  private prepareSlice(slice: Slot[]): Prepared | null {
    const targets: Array<Target | null> = [];
    const owners: Slot[] = [];
    const problems = new Map<number, string>();
    for (const s of slice) {
      const key = this.table.key(s);
      const holder = this.foreign.get(key);
      if (holder !== undefined && this.table.want(s) !== WANT_NONE) {
        this.setFailed(s, this.foreignReason(key, holder));
        continue;
      }
      if (!this.target(s)) continue; // marked dirty again when the lookup answers
      if (this.tProblem) problems.set(s, this.tProblem);
      targets.push(this.tTarget);
      owners.push(s);
    }
    if (owners.length === 0) return null;
    const changes = diffKeyed(this.model, owners, targets, { mode: this.mode });
    const p = this.prepare(changes, slice, owners, targets, problems, `${owners.length} prefixes`);
    if (!p) this.settleStates(owners, targets, problems, new Map(), new Map());
    return p;
  }

  /** Renders the changes and puts them into the model now, remembering how to undo each. */
  private prepare(
    changes: readonly Change<Slot>[],
    slice: readonly Slot[],
    owners: readonly Slot[],
    targets: ReadonlyArray<Target | null>,
    problems: Map<number, string>,
    what: string,
  ): Prepared | null {
    if (changes.length === 0) return null;
    const no = ++this.batchNo;
    for (const s of slice) {
      this.table.setGen(s, no);
      this.table.setInflight(s, true);
    }
    const undo: Array<InstalledRoute | NexthopObject | undefined> = new Array(changes.length);
    const kept: Change<Slot>[] = [];
    let barrier = 0;
    for (const c of changes) {
      const i = kept.length;
      let before: InstalledRoute | NexthopObject | undefined;
      if (c.op === 'route-replace' || c.op === 'route-delete') before = this.installed.get(c.prefix);
      else {
        before = this.model.objects.get(c.op === 'nexthop-replace' ? c.obj.id : c.id);
        this.lastObjectBatch = no;
        barrier = i + 1;
      }
      try {
        this.model.apply(c);
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
        this.log.error({ err, change: c }, 'kernel FIB model out of step; verification will repair it');
        this.monitor.requestVerify(0);
        continue;
      }
      kept.push(c);
      undo[i] = before;
    }
    undo.length = kept.length;
    const lines: Lines = { length: kept.length, at: (i) => {
        const c = kept[i];
        return c === undefined ? undefined : renderChange(c, this.tag, this.formatSlot);
      } };
    this.unconfirmed.add(no);
    return { no, changes: kept, lines, undo, barrier, slice, owners, targets, problems, what, t0: performance.now() };
  }

  /** Runs a prepared batch; refused changes are undone in the model and their prefixes fail. */
  private async execute(p: Prepared, quick = false): Promise<void> {
    let outcome: BatchOutcome;
    try {
      if (this.nl) outcome = await this.nl.run(p.changes, quick);
      else outcome = quick ? await this.writer.runQuick(p.lines) : await this.writer.run({ lines: p.lines, barrier: p.barrier });
    } catch (err) {
      outcome = { errors: new Map(p.changes.map((_, i) => [i, `cannot write: ${String(err)}`])), processes: 0, crashes: 0 };
    }
    this.stats.batches++;
    this.stats.writes += p.lines.length;
    const refused = new Map<number, string>();
    for (const [i, msg] of outcome.errors) {
      const c = p.changes[i];
      if (c !== undefined && !isHarmlessError(c, msg)) refused.set(i, msg);
    }
    const objectErrors = new Map<number, string>();
    const routeErrors = new Map<Slot, string>();
    let logged = 0;
    for (const i of [...refused.keys()].sort((a, b) => b - a)) {
      const c = p.changes[i]!; // refused holds only indexes of p.changes
      const msg = refused.get(i)!;
      this.stats.failures++;
      if (logged++ < 10) this.log.warn({ line: p.lines.at(i), error: msg }, 'kernel refused a write');
      this.undo(c, p.undo[i]);
      if (c.op === 'nexthop-replace') objectErrors.set(c.obj.id, msg);
    }
    for (const [i, msg] of refused) {
      const c = p.changes[i];
      if (c === undefined || (c.op !== 'route-replace' && c.op !== 'route-delete')) continue;
      // "Nexthop id does not exist" says less than why the object could not be made.
      const why = c.op === 'route-replace' && c.route.type === 'nhid' ? this.whyObjectFailed(c.route.nhid, p.changes, objectErrors) : null;
      routeErrors.set(c.prefix, why ?? msg);
    }
    if (refused.size > 10) this.log.warn({ refused: refused.size }, 'kernel refused writes');
    for (const s of p.slice) this.table.setInflight(s, false);
    this.unconfirmed.delete(p.no);
    this.settleStates(p.owners, p.targets, p.problems, routeErrors, objectErrors);
    const report: BatchReport = { prefixes: p.slice.length, lines: p.lines.length, failures: refused.size, ms: performance.now() - p.t0 };
    this.log.debug({ ...report, what: p.what, crashes: outcome.crashes }, 'kernel batch');
    if (this.mode === 'groups' && p.barrier > 0) this.refreshPlans();
    this.emit('batch', report);
  }

  /** Puts back what the model held before a change the kernel refused. */
  private undo(c: Change<Slot>, before: InstalledRoute | NexthopObject | undefined): void {
    try {
      if (c.op === 'route-replace' || c.op === 'route-delete') {
        const now = this.installed.get(c.prefix);
        const mine = c.op === 'route-replace' ? c.route : undefined;
        if (now === mine) this.model.setRoute(c.prefix, before as InstalledRoute | undefined);
        return;
      }
      if (before !== undefined) {
        this.model.putObject(before as NexthopObject);
        return;
      }
      // An object that never came to be: whatever was prepared on top of it goes too, and a
      // read-back makes sure the model and the kernel agree again.
      const id = c.op === 'nexthop-replace' ? c.obj.id : c.id;
      for (const s of this.model.forgetObject(id)) if (!this.table.inflight(s)) this.markDirty(s);
      this.monitor.requestVerify(500);
    } catch (err) {
      this.log.error({ err, change: c }, 'cannot undo a refused change; verification will repair it');
      this.monitor.requestVerify(0);
    }
  }

  private settleStates(
    owners: readonly Slot[],
    targets: ReadonlyArray<Target | null>,
    problems: ReadonlyMap<number, string>,
    routeErrors: ReadonlyMap<Slot, string>,
    objectErrors: ReadonlyMap<number, string>,
  ): void {
    for (let i = 0; i < owners.length; i++) {
      const target = targets[i];
      const s = owners[i];
      if (s === undefined || target === undefined) continue; // the two run in step
      // Changed again meanwhile. The slot is still this prefix's: forget() keeps a slot in flight.
      if (this.table.inflight(s) || this.table.dirty(s)) continue;
      const ok = this.model.satisfies(this.installed.get(s), target);
      const problem = problems.size === 0 ? null : (problems.get(s) ?? null);
      if (ok && (target !== null || problem === null)) this.setInstalled(s, problem);
      else this.setFailed(s, routeErrors.get(s) ?? this.objectError(s, target, objectErrors) ?? problem ?? 'not installed');
    }
    if (this.failed.size > 0) this.scheduleRetry();
    else this.retryRound = 0;
  }

  private whyObjectFailed(id: number, changes: readonly Change<Slot>[], errors: ReadonlyMap<number, string>): string | null {
    if (errors.size === 0) return null;
    const own = errors.get(id);
    if (own !== undefined) return `nexthop object ${id}: ${own}`;
    for (const c of changes) {
      if (c.op !== 'nexthop-replace' || c.obj.id !== id || c.obj.type !== 'group') continue;
      for (const m of c.obj.members) {
        const e = errors.get(m);
        if (e !== undefined) return `nexthop object ${m}: ${e}`;
      }
    }
    return null;
  }

  /** The refusal of an object a unicast route needed (its group change, or one of its legs). */
  private objectError(s: Slot, target: Target | null, errors: ReadonlyMap<number, string>): string | null {
    if (errors.size === 0 || target?.kind !== 'unicast') return null;
    const r = this.installed.get(s);
    const mine = r?.type === 'nhid' ? errors.get(r.nhid) : undefined;
    if (mine !== undefined) return `nexthop object ${r?.type === 'nhid' ? r.nhid : ''}: ${mine}`;
    const [first] = errors;
    return first === undefined ? null : `nexthop object ${first[0]}: ${first[1]}`;
  }

  private setInstalled(s: number, problem: string | null): void {
    // Per route of every batch: the sets of the few routes with trouble are skipped when empty.
    if (this.failed.size > 0) this.failed.delete(s);
    if (this.table.failures(s) !== 0) this.table.setFailures(s, 0);
    if (problem !== null) this.errors.set(s, problem);
    else if (this.errors.size > 0) this.errors.delete(s);
    if (this.table.want(s) === WANT_NONE && !this.installed.has(s)) {
      this.forget(s);
      return;
    }
    this.table.setState(s, this.table.want(s) === WANT_NONE ? 'stale' : 'installed');
  }

  private setFailed(s: number, error: string): void {
    if (this.table.want(s) === WANT_NONE && !this.installed.has(s)) {
      this.forget(s);
      return;
    }
    this.table.setState(s, 'failed');
    this.errors.set(s, error);
    this.table.setFailures(s, this.table.failures(s) + 1);
    this.failed.add(s);
  }

  /**
   * A route the RIB no longer wants and the kernel no longer has: its slot goes. Not while a write
   * of it is prepared or in the kernel: the writers name the route by its slot, so the slot must
   * not become another prefix's before that write reports (its settling comes back here).
   */
  private forget(s: Slot): void {
    if (this.table.inflight(s)) return;
    if (this.failed.size > 0) this.failed.delete(s);
    if (this.errors.size > 0) this.errors.delete(s);
    this.raws.move(this.table.want(s), WANT_NONE);
    if (this.table.dirty(s)) this.dirtyCount--;
    this.table.remove(s);
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopping) return;
    const delay = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** this.retryRound);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryRound++;
      this.retryFailed();
    }, delay);
    this.retryTimer.unref();
  }

  private retryFailed(): void {
    if (this.failed.size === 0) return;
    this.resolver.refresh();
    this.stats.retries += this.failed.size;
    for (const s of this.failed) this.markDirty(s);
  }

  private *strayChanges(): Generator<Change<Slot>> {
    if (!this.isConverged || this.strays.length === 0) return;
    const ids = this.strays;
    this.strays = [];
    for (const id of ids) yield { op: 'nexthop-delete', id };
  }

  // ---------------------------------------------------------------- next hops

  /** Canonical text of a next-hop address, cached: a table has few distinct next hops. */
  private readonly canonVia = (via: string): string | null => {
    let c = this.viaCanon.get(via);
    if (c === undefined) {
      c = canonicalAddress(via);
      if (this.viaCanon.size > 10_000) this.viaCanon.clear();
      this.viaCanon.set(via, c);
    }
    return c;
  };

  // The target of the last target() call: one result reused, not an object per route.
  private tTarget: Target | null = null;
  private tProblem: string | null = null;

  /** Sets tTarget and tProblem for a slot; false when a next-hop lookup is under way (decide later). */
  private target(s: number): boolean {
    this.tTarget = null;
    this.tProblem = null;
    const want = this.table.want(s);
    if (want === WANT_NONE) return true;
    if (want === WANT_BLACKHOLE) {
      this.tTarget = BLACKHOLE_TARGET;
      return true;
    }
    if (want === WANT_UNREACHABLE) {
      this.tTarget = UNREACHABLE_TARGET;
      return true;
    }
    const raw = this.raws.ofWant(want);
    if (raw === null || raw.hops.length === 0) {
      this.tProblem = 'unicast route without next hops';
      return true;
    }
    if (raw.epoch !== this.epoch) {
      const r = this.resolve(raw);
      if (r === 'wait') return false;
      raw.epoch = this.epoch;
      raw.resolved = r.set;
      raw.problem = r.problem;
      raw.target = r.set ? { kind: 'unicast', set: r.set } : null;
    }
    if (raw.resolved === null) {
      this.tProblem = raw.problem ?? 'no usable next hop';
      return true;
    }
    this.tTarget = raw.target;
    this.tProblem = raw.problem;
    return true;
  }

  private resolve(raw: RawSet): { set: LegSet | null; problem: string | null } | 'wait' {
    const legs = [];
    const problems: string[] = [];
    let wait = false;
    for (const h of raw.hops) {
      if (this.down.has(h.via)) {
        problems.push(`next hop ${h.via} is down`);
        continue;
      }
      if (h.dev !== null) {
        legs.push(this.legs.leg(h.via, h.dev, h.onlink ?? false));
        continue;
      }
      if (h.onlink) {
        problems.push(`onlink next hop ${h.via} needs a device`);
        continue;
      }
      const v6 = parseIpv6(h.via);
      if (v6 !== null && isLinkLocalIpv6(v6)) {
        problems.push(`link-local next hop ${h.via} needs a device`);
        continue;
      }
      const r = this.resolver.get(h.via);
      if (r === undefined) wait = true;
      else if (r.ok) legs.push(this.legs.leg(h.via, r.dev, false));
      else problems.push(r.error);
    }
    if (wait) return 'wait';
    let set = this.legs.set(legs);
    if (set && set.legs.length > this.ecmpMax) set = this.legs.set(set.legs.slice(0, this.ecmpMax));
    const problem = problems.length === 0 ? null : set ? `not all next hops usable: ${problems.join('; ')}` : problems.join('; ');
    return { set, problem };
  }

  private resolutionChanged(vias: string[]): void {
    this.epoch++;
    for (const via of vias) this.markUsersOf(via);
  }

  private legDevs(): Set<string> {
    const devs = new Set<string>();
    for (const o of this.model.objects.values()) if (o.type === 'leg') devs.add(o.leg.dev);
    for (const raw of this.raws.all()) if (raw.resolved) for (const l of raw.resolved.legs) devs.add(l.dev);
    return devs;
  }

  private refreshResolutionSoon(): void {
    if (this.refreshTimer || this.stopping) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.resolver.retain((via) => this.raws.hasVia(via));
      this.resolver.refresh();
    }, 20);
  }

  // ---------------------------------------------------------------- the kernel's side

  private onMonitorEvent(ev: MonitorEvent): void {
    if (!this.started || this.stopping) return;
    switch (ev.kind) {
      case 'own-route-gone': {
        const key = this.keys.parse(ev.prefix);
        const s = key === null ? -1 : this.table.slot(key);
        if (s < 0) return;
        const mine = this.installed.get(s);
        if (!mine || !deletionHits(mine, ev.route)) return;
        if (this.table.inflight(s)) return; // being written right now
        this.model.setRoute(s, undefined);
        this.log.warn({ prefix: ev.prefix }, 'a route of necod was removed from the kernel; restoring it');
        if (this.table.want(s) === WANT_NONE) this.setInstalled(s, null);
        else {
          this.stats.restored++;
          this.markDirty(s);
        }
        return;
      }
      case 'foreign-route': {
        const key = this.keys.parse(ev.prefix);
        if (key === null) return;
        if (ev.deleted) {
          if (this.foreign.delete(key)) {
            const s = this.table.slot(key);
            if (s >= 0 && this.table.want(s) !== WANT_NONE) this.markDirty(s);
          }
          return;
        }
        this.foreign.set(key, ev.protocol);
        const s = this.table.slot(key);
        if (s < 0) return;
        // The kernel replaced necod's route with theirs.
        if (this.installed.has(s)) this.model.setRoute(s, undefined);
        this.setFailed(s, this.foreignReason(key, ev.protocol));
        return;
      }
      case 'own-nexthop-gone': {
        if (!this.model.objects.has(ev.id) || this.unconfirmed.size > 0) {
          if (this.unconfirmed.size > 0) this.monitor.requestVerify(50);
          return;
        }
        for (const s of this.model.forgetObject(ev.id)) this.markDirty(s);
        this.refreshPlans();
        return;
      }
      case 'device':
        // Long-lived writers cache interface indexes by name: a device that came or went makes
        // them stale.
        this.writer.recycle();
        this.nl?.recycle();
        // The kernel drops routes and nexthop objects of a device going down without telling
        // anyone: read back what is left, and look next hops up again.
        this.refreshResolutionSoon();
        this.monitor.requestVerify(100);
        this.retryRound = 0;
        if (this.failed.size > 0) this.retryFailed();
        return;
      case 'resolution':
        this.refreshResolutionSoon();
        return;
    }
  }

  /**
   * Reads necod's routes and objects back and repairs the model where the kernel differs; routes
   * written while the read ran are skipped (the read may have missed their write). The table is
   * compared as it streams in: nothing of it is held but a mark per route.
   */
  private async verify(full: boolean): Promise<void> {
    if (!this.started || this.stopping) return;
    // Not while a bulk write streams in or waits for a table still pouring in: every route of
    // it would be skipped as too new anyway, and the read would take CPU from the writers and
    // the decoding. Afterwards the kernel holds what ip accepted.
    for (let i = 0; i < 100 && (this.loop || this.dirtyCount > 0) && !this.stopping; i++) await (this.loop ?? new Promise((r) => setTimeout(r, 50)));
    if (this.stopping) return;
    this.stats.verifications++;
    // Routes of batches not yet confirmed, or written while the read runs, may legitimately differ.
    const g0 = this.unconfirmed.size > 0 ? Math.min(...this.unconfirmed) : this.batchNo + 1;
    const touched: Slot[] = [];
    const objects = await readNexthops(this.ctx);
    if (this.stopping) return;
    if (objects && this.lastObjectBatch < g0) {
      const { own } = splitNexthops(objects, this.model, this.tag.protocol);
      const seen = new Set(own.map((n) => n.id));
      for (const id of [...this.model.objects.keys()]) {
        if (!seen.has(id)) touched.push(...this.model.forgetObject(id));
      }
      const changed = own.filter((nh) => this.model.objects.has(nh.id) && !sameObject(this.model, nh));
      const fresh = own.filter((nh) => !this.model.objects.has(nh.id));
      for (const nh of changed) touched.push(...this.model.forgetObject(nh.id));
      this.strays.push(...loadObjects(this.model, [...changed, ...fresh], this.legs));
    }
    const mark = (this.verifyMark = (this.verifyMark % 255) + 1);
    const foreign = full ? new Map<Key, number>() : null;
    try {
      await streamOwnRoutes(
        this.ctx,
        this.tag,
        (r) => {
          const key = this.keys.parse(r.prefix);
          if (key === null) return;
          let s = this.table.slot(key);
          if (s >= 0) {
            this.table.setMark(s, mark);
            if (this.table.gen(s) >= g0) return;
          }
          const mine = s < 0 ? undefined : this.installed.get(s);
          const inKernel = installedFromKernel(r, this.model, this.legs);
          if (sameRoute(mine, inKernel)) return;
          if (s < 0) {
            // A route of necod's protocol nobody asked for (left by a crash, or made by hand).
            s = this.table.add(key);
            this.table.setState(s, 'stale');
            this.table.setMark(s, mark);
          }
          this.model.setRoute(s, inKernel);
          touched.push(s);
        },
        foreign ? (prefix, proto) => {
          const key = this.keys.parse(prefix);
          if (key !== null) foreign.set(key, proto);
        } : undefined,
      );
    } catch (err) {
      this.log.error({ err }, 'cannot read the kernel table back');
      return;
    }
    if (this.stopping) return;
    // Routes of necod the kernel did not list: gone behind its back.
    this.table.forEach((s) => {
      if (this.table.mark(s) === mark || this.table.gen(s) >= g0) return;
      if (!this.installed.has(s)) return;
      this.stats.restored++;
      this.model.setRoute(s, undefined);
      touched.push(s);
    });
    if (foreign) {
      // Routes of other protocols that came or went while nobody watched.
      for (const [key, proto] of foreign) {
        if (this.foreign.has(key)) continue;
        this.foreign.set(key, proto);
        const s = this.table.slot(key);
        if (s >= 0 && !this.installed.has(s) && this.table.want(s) !== WANT_NONE) this.setFailed(s, this.foreignReason(key, proto));
      }
      for (const key of [...this.foreign.keys()]) {
        if (foreign.has(key)) continue;
        this.foreign.delete(key);
        const s = this.table.slot(key);
        if (s >= 0) touched.push(s);
      }
    }
    for (const s of touched) {
      if (!this.table.inUse(s)) continue; // forgotten while the table was read
      if (this.table.want(s) === WANT_NONE && this.table.state(s) === 'stale' && !this.isConverged) continue;
      this.markDirty(s);
    }
    if (touched.length > 0) this.log.warn({ routes: touched.length }, 'kernel differed from necod; repairing');
    this.refreshPlans();
  }

  /** The netlink writer for the setting, or null for `ip -batch`; "netlink" where it cannot load throws. */
  private netlinkWriter(setting: WriterSetting): NetlinkRouteWriter<Slot> | null {
    if (setting === 'ip') return null;
    const why = netlinkUnavailable();
    if (why !== null) {
      if (setting === 'netlink') throw new Error(`kernel writer is "netlink" but ${why}`);
      this.log.info({ reason: why }, 'kernel writes go through ip -batch');
      return null;
    }
    return this.netlinkWriterTo();
  }

  /** The netlink writer, through `channel` instead of a socket when given. */
  private netlinkWriterTo(channel?: (events: ChannelEvents) => NetlinkChannel): NetlinkRouteWriter<Slot> {
    const keys = this.keys;
    const table = this.table;
    // Changes name routes by slot; the slot's key is read as the message is built.
    const prefixes: PrefixCodec<Slot> = {
      v6: (s) => table.key(s) >= IPV6_BASE,
      length: (s) => {
        const k = table.key(s);
        return k >= IPV6_BASE ? keys.v6.length(k) : k % 64;
      },
      write: (s, buf, at) => {
        const k = table.key(s);
        if (k >= IPV6_BASE) keys.v6.copyAddress(k, buf, at);
        else {
          const a = Math.floor(k / 64);
          buf[at] = a >>> 24;
          buf[at + 1] = a >>> 16;
          buf[at + 2] = a >>> 8;
          buf[at + 3] = a;
        }
      },
    };
    return new NetlinkRouteWriter<Slot>({ netns: this.ctx.netns, ip: this.ctx.ip, prefixes, tag: this.tag, ecmpMax: this.ecmpMax, logger: this.log, ...(channel ? { channel } : {}) });
  }

  private async probeNexthops(): Promise<boolean> {
    if (this.setting === 'off') return false;
    const r = await runIp(this.ctx, ['-N', '-json', 'nexthop', 'show']);
    let ok = r.code === 0;
    let why = r.stderr.trim();
    if (ok) {
      // Creating one object proves more than listing: some kernels list but cannot add.
      let taken: Set<number>;
      try {
        taken = new Set((JSON.parse(r.stdout.trim() || '[]') as Array<{ id: number }>).map((n) => n.id));
      } catch {
        taken = new Set();
      }
      let id = this.model.range.max;
      while (taken.has(id) && id > this.model.range.min) id--;
      const add = await runIp(this.ctx, ['nexthop', 'add', 'id', String(id), 'blackhole', 'proto', String(this.tag.protocol)]);
      ok = add.code === 0;
      why = add.stderr.trim();
      if (ok) await runIp(this.ctx, ['nexthop', 'del', 'id', String(id)]);
      else this.log.info({ error: why }, 'kernel cannot create nexthop objects');
    }
    if (!ok && this.setting === 'on') throw new Error(`nexthop-groups is "on" but nexthop objects are not usable here: ${why}`);
    return ok;
  }

  /**
   * Removes every route of necod's protocol in its table, then its nexthop objects. Routes are
   * deleted one by one from a fresh read: `ip route flush` cannot delete routes on nexthop objects
   * while the kernel reports their next hops too (nexthop_compat_mode=1).
   */
  private async removeEverything(): Promise<void> {
    const lines: string[] = [];
    for (const v6 of [false, true]) {
      try {
        await streamRoutes(this.ctx, { v6, table: this.tag.table, protocol: this.tag.protocol }, (r) => {
          lines.push(`route delete ${r.prefix} proto ${this.tag.protocol} metric ${r.metric} table ${this.tag.table}`);
        });
      } catch (err) {
        this.log.error({ err }, 'cannot read necod routes to remove them');
      }
    }
    const nexthops = await readNexthops(this.ctx);
    if (nexthops) {
      const { own } = splitNexthops(nexthops, this.model, this.tag.protocol);
      for (const nh of own) if (nh.kind === 'group') lines.push(`nexthop delete id ${nh.id}`);
      for (const nh of own) if (nh.kind !== 'group') lines.push(`nexthop delete id ${nh.id}`);
    }
    if (lines.length > 0) {
      const out = await this.writer.run({ lines });
      let refused = 0;
      for (const [i, msg] of out.errors) if (!/No such process|No such file|does not exist/.test(msg) && refused++ < 10) this.log.warn({ line: lines[i], error: msg }, 'could not remove');
    }
    for (const key of this.installed.keys()) this.model.setRoute(key, undefined);
  }

  private statusOf(s: number): RouteStatus {
    const key = this.table.key(s);
    const prefix = this.format(key);
    const installed = this.installed.get(s);
    let kernel: string | null = null;
    if (installed) {
      switch (installed.type) {
        case 'nhid': {
          const set = this.model.objectSet(installed.nhid);
          kernel = `nhid ${installed.nhid}${set ? ` (${set.legs.map((l) => `via ${l.via} dev ${l.dev}`).join(', ')})` : ''}`;
          break;
        }
        case 'inline':
          kernel = installed.set.legs.map((l) => `via ${l.via} dev ${l.dev}${l.onlink ? ' onlink' : ''}`).join(', ');
          break;
        case 'other':
          kernel = installed.text;
          break;
        default:
          kernel = installed.type;
      }
    }
    const want = this.table.want(s);
    const kind: RouteKind | null = want === WANT_NONE ? null : want === WANT_BLACKHOLE ? 'blackhole' : want === WANT_UNREACHABLE ? 'unreachable' : 'unicast';
    const hops = this.raws.ofWant(want)?.hops ?? [];
    const desired: DesiredRoute | null =
      kind === null ? null : { prefix, kind, nextHops: hops.map((h) => ({ via: h.via, dev: h.dev, ...(h.onlink ? { onlink: true } : {}) })) };
    return { prefix, desired, state: this.table.state(s), error: this.errors.get(s) ?? null, failures: this.table.failures(s), kernel };
  }
}

const BLACKHOLE_TARGET: Target = Object.freeze({ kind: 'blackhole' });
const UNREACHABLE_TARGET: Target = Object.freeze({ kind: 'unreachable' });

// One `ip -N -o monitor route nexthop link address` per ip binary and network namespace, shared
// by everyone who follows the kernel: the FIB (its routes removed behind its back, devices of its
// next hops), the kernel-table origin (routes of a table) and the interface origin (addresses
// and links). Each subscriber gets every line and every resync; the child runs while at least
// one subscription is started. Lines that no subscriber wants — routes added with a protocol
// every route subscriber ignores, above all necod's own writes echoed back by the million during
// a full-table install — are dropped while still part of the child's output chunk, before a
// string is made for them. A subscriber writing a bulk of routes may ask for quiet: when every
// route subscriber has, the child is replaced by one that follows links, addresses and nexthop
// objects only (the kernel then formats no route event at all), and route subscribers get a
// resync when routes are followed again. Not a parser: the subscribers read the lines
// (monitor-lines.ts).
import type { Logger } from 'pino';
import { IpMonitor, type MonitorTuning } from './ip-monitor.js';
import type { IpContext } from './ip-runner.js';

/** -N: tables, protocols and scopes as numbers, whatever names rt_tables gives them. */
export const MONITOR_ARGS: readonly string[] = ['-N', '-o', 'monitor', 'route', 'nexthop', 'link', 'address'];
/** The same without routes, while every route subscriber asked for quiet. */
export const QUIET_ARGS: readonly string[] = ['-N', '-o', 'monitor', 'nexthop', 'link', 'address'];

export interface MonitorListener {
  line(line: string): void;
  /** Events may have been lost (child restarted, netlink overflow): read the kernel afresh. */
  resync(reason: string): void;
}

export interface MonitorInterest {
  /** Whether route lines matter at all; false for a subscriber of addresses and links only. */
  routes: boolean;
  /** Added routes of these protocols are of no interest (deletions still are). */
  ignoresAdded?: readonly number[];
}

export interface MonitorSubscription {
  /** Resolves once the shared child listens; rejects when ip cannot be run at all. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Asks that route events not be followed for now (a bulk write of one's own routes) or again;
   * honoured while every route subscriber asks the same.
   */
  quiet(on: boolean): void;
  readonly restarts: number;
  /** Route additions of an ignored protocol that ip printed and the shared child dropped (echoes of one's own writes). */
  readonly echoes: number;
  readonly pid: number | null;
  /** Whether route events are left out right now. */
  readonly routesOff: boolean;
}

interface Sub {
  listener: MonitorListener;
  interest: MonitorInterest;
  quiet: boolean;
}

/** The shared child of one (ip, netns, tuning). */
class Hub {
  monitor: IpMonitor;
  routesOff = false;
  private readonly subs = new Set<Sub>();
  private swapping: Promise<void> = Promise.resolve();
  private restartsBefore = 0;
  /** The child being started to replace the current one. */
  private incoming: IpMonitor | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> = Promise.resolve();
  /** ` proto N ` for each protocol whose added routes no one wants; next match per needle. */
  private needles: string[] = [];
  private nextAt: number[] = [];
  private scanned: string | null = null;

  constructor(
    private readonly ctx: IpContext,
    private readonly tuning: MonitorTuning,
    private readonly logger: Logger | undefined,
    private readonly onEmpty: () => void,
  ) {
    this.monitor = this.make(MONITOR_ARGS);
  }

  get restarts(): number {
    return this.restartsBefore + this.monitor.restarts;
  }

  private make(args: readonly string[]): IpMonitor {
    const m = new IpMonitor({ ...this.tuning, args, ipPath: this.ctx.ip, netns: this.ctx.netns, logger: this.logger });
    m.on('line', (line) => {
      // Both children speak while the new one starts: a line twice does no harm, one lost would.
      if (m !== this.monitor && m !== this.incoming) return;
      for (const s of this.subs) s.listener.line(line);
    });
    m.on('resync', (reason) => {
      if (m !== this.monitor) return;
      for (const s of this.subs) s.listener.resync(reason);
    });
    m.drop = (text, start, end) => this.dropped(text, start, end);
    return m;
  }

  quiet(sub: Sub, on: boolean): void {
    sub.quiet = on;
    this.requote();
  }

  /** Replaces the child when the quiet verdict changes; the new one listens before the old goes. */
  private requote(): void {
    const routeSubs = [...this.subs].filter((s) => s.interest.routes);
    const off = routeSubs.length > 0 && routeSubs.every((s) => s.quiet);
    if (off === this.routesOff || this.starting === null) return;
    this.routesOff = off;
    this.swapping = this.swapping.then(async () => {
      if (this.subs.size === 0) return;
      const old = this.monitor;
      const next = this.make(off ? QUIET_ARGS : MONITOR_ARGS);
      this.incoming = next;
      try {
        await next.start();
      } catch (err) {
        this.logger?.warn({ err }, 'cannot restart ip monitor; keeping the one running');
        return;
      } finally {
        this.incoming = null;
      }
      this.restartsBefore += old.restarts;
      this.monitor = next;
      await old.stop();
      if (!off) for (const s of this.subs) if (s.interest.routes) s.listener.resync('routes were not followed during a bulk write');
    });
  }

  async add(sub: Sub): Promise<void> {
    await this.stopping;
    this.subs.add(sub);
    this.refilter();
    this.requote();
    this.starting ??= this.monitor.start();
    try {
      await this.starting;
    } catch (err) {
      this.subs.delete(sub);
      this.onEmpty();
      throw err;
    }
  }

  async remove(sub: Sub): Promise<void> {
    if (!this.subs.delete(sub)) return;
    this.refilter();
    if (this.subs.size > 0) {
      this.requote();
      return;
    }
    this.onEmpty();
    this.stopping = this.swapping.then(() => this.monitor.stop());
    await this.stopping;
  }

  private refilter(): void {
    const routeSubs = [...this.subs].filter((s) => s.interest.routes);
    let common: number[] = [];
    const [first] = routeSubs;
    if (first !== undefined) {
      common = [...(first.interest.ignoresAdded ?? [])];
      for (const s of routeSubs.slice(1)) common = common.filter((p) => s.interest.ignoresAdded?.includes(p));
    }
    this.needles = common.map((p) => ` proto ${p} `);
    this.nextAt = this.needles.map(() => -1);
    this.scanned = null;
  }

  /** A route added with an ignored protocol: a scan of the chunk, one indexOf per match. */
  private dropped(text: string, start: number, end: number): boolean {
    if (this.needles.length === 0) return false;
    if (text.startsWith('Deleted ', start)) return false;
    // Link, address and nexthop lines begin with a digit and a colon, or "id ".
    if (text.startsWith('id ', start)) return false;
    if (this.scanned !== text) {
      this.scanned = text;
      this.nextAt.fill(-1);
    }
    for (let i = 0; i < this.needles.length; i++) {
      // nextAt has one entry per needle and i < needles.length: `!` on a per-line path.
      let at = this.nextAt[i]!;
      if (at !== -2 && at < start) {
        at = text.indexOf(this.needles[i]!, start);
        this.nextAt[i] = at < 0 ? -2 : at;
      }
      if (at >= start && at < end) {
        this.echoes++;
        return true;
      }
    }
    return false;
  }

  /** Lines dropped as routes added with an ignored protocol: necod's own writes, echoed. */
  echoes = 0;
}

const hubs = new Map<string, Hub>();

/**
 * A subscription to the shared monitor of this ip and namespace. Subscribers that pass
 * different tuning (tests) get a child of their own.
 */
export function subscribeMonitor(ctx: IpContext, listener: MonitorListener, interest: MonitorInterest, opts: { tuning?: MonitorTuning; logger?: Logger } = {}): MonitorSubscription {
  const key = `${ctx.ip}\0${ctx.netns ?? ''}\0${JSON.stringify(opts.tuning ?? {})}`;
  const sub: Sub = { listener, interest, quiet: false };
  let hub: Hub | null = null;
  return {
    async start() {
      hub = hubs.get(key) ?? null;
      if (!hub) {
        const made: Hub = new Hub(ctx, opts.tuning ?? {}, opts.logger, () => {
          if (hubs.get(key) === made) hubs.delete(key);
        });
        hubs.set(key, made);
        hub = made;
      }
      await hub.add(sub);
    },
    async stop() {
      await hub?.remove(sub);
    },
    quiet(on: boolean) {
      if (sub.quiet !== on) hub?.quiet(sub, on);
    },
    get routesOff() {
      return hub?.routesOff ?? false;
    },
    get restarts() {
      return hub?.restarts ?? 0;
    },
    get echoes() {
      return hub?.echoes ?? 0;
    },
    get pid() {
      return hub?.monitor.pid ?? null;
    },
  };
}

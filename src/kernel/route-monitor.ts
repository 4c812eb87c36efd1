// The FIB's view of the kernel's events and its periodic read-back. Lines come from the shared
// monitor of src/host (necod's own route additions are dropped there, before they cost a string);
// monitor-events.ts turns the rest into events, and only those that concern necod reach the FIB.
// When events may have been lost (kernel buffer overrun, ip restarted) the FIB is asked for a
// verification instead. Verification runs when asked and on its interval, never twice at once.
import type { Logger } from 'pino';
import type { IpContext } from '../host/ip-runner.js';
import { subscribeMonitor, type MonitorSubscription } from '../host/monitor-hub.js';
import { MonitorClassifier, type Interest, type MonitorEvent } from './monitor-events.js';

export interface RouteMonitorOptions {
  ctx: IpContext;
  interest: Interest;
  /** Read-back period; 0 turns it off. */
  verifyIntervalMs: number;
  /** Compares the kernel with what necod believes; never run twice at once. `full` also re-reads
   * routes of other protocols. */
  verify: (full: boolean) => Promise<void>;
  onEvent: (e: MonitorEvent) => void;
  logger?: Logger;
}

export interface MonitorCounters {
  lines: number;
  events: number;
  restarts: number;
  overruns: number;
}

export class RouteMonitor {
  readonly counters: MonitorCounters = { lines: 0, events: 0, restarts: 0, overruns: 0 };
  private readonly subscription: MonitorSubscription;
  private readonly classifier: MonitorClassifier;
  private stopped = true;
  private periodic: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private verifying: Promise<void> | null = null;
  private again = false;
  private full = false;
  private started: Promise<void> = Promise.resolve();
  private lastVerifyAt = 0;

  constructor(private readonly opts: RouteMonitorOptions) {
    this.classifier = new MonitorClassifier(opts.interest);
    this.subscription = subscribeMonitor(
      opts.ctx,
      { line: (line) => this.line(line), resync: (reason) => this.resync(reason) },
      { routes: true, ignoresAdded: [opts.interest.protocol] },
      { logger: opts.logger },
    );
  }

  /** Resolves once the kernel's events are followed (a failure to run ip is logged, not thrown). */
  start(): Promise<void> {
    if (!this.stopped) return this.started;
    this.stopped = false;
    // The start-up read counts as the first verification.
    this.lastVerifyAt = Date.now();
    this.started = this.subscription.start().catch((err: unknown) => {
      this.opts.logger?.error({ err }, 'cannot run ip monitor');
    });
    this.schedulePeriodic();
    return this.started;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.periodic, this.soon, this.loud]) if (t) clearTimeout(t);
    this.periodic = this.soon = this.loud = null;
    await this.started;
    await this.subscription.stop();
    await this.verifying;
  }

  get restarts(): number {
    return this.subscription.restarts;
  }

  /** Echoes of necod's own route additions that ip printed and the shared monitor dropped. */
  get echoes(): number {
    return this.subscription.echoes;
  }

  /**
   * Route events are not followed while necod writes a bulk of its own routes (every one would
   * come back as an event for ip to format): links, addresses and nexthop objects still are.
   * What happens to routes meanwhile is found by the next periodic verification.
   */
  quiet(on: boolean): void {
    if (this.loud) clearTimeout(this.loud);
    this.loud = null;
    if (on || this.stopped) {
      this.subscription.quiet(on);
      return;
    }
    // A full table arrives as a run of bulk batches with short pauses: follow routes again only
    // once writing has paused for a while, not between every two batches.
    this.loud = setTimeout(() => {
      this.loud = null;
      this.subscription.quiet(false);
    }, 500);
    this.loud.unref();
  }

  private loud: NodeJS.Timeout | null = null;

  private resync(reason: string): void {
    // "netlink receive error No buffer space available": the kernel dropped events.
    if (/No buffer space|ENOBUFS|overrun/i.test(reason)) this.counters.overruns++;
    this.opts.logger?.warn({ reason }, 'route monitor may have lost kernel events; verifying all routes');
    // A full-table install can overrun the monitor's socket again and again: reading the table
    // back each time would cost more than the install. Never more often than the interval.
    const interval = this.opts.verifyIntervalMs > 0 ? this.opts.verifyIntervalMs : 30_000;
    this.requestVerify(Math.max(200, this.lastVerifyAt + interval - Date.now()), true);
  }

  /** A verification within `delayMs`; several requests in that time make one. */
  requestVerify(delayMs = 100, full = false): void {
    if (full) this.full = true;
    if (this.stopped || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.runVerify();
    }, delayMs);
  }

  /** Runs a verification now (or right after the one under way) and resolves when it is done. */
  verifyNow(): Promise<void> {
    return this.runVerify();
  }

  private schedulePeriodic(): void {
    if (this.stopped || this.opts.verifyIntervalMs <= 0) return;
    this.periodic = setTimeout(() => {
      this.periodic = null;
      void this.runVerify().finally(() => this.schedulePeriodic());
    }, this.opts.verifyIntervalMs);
    this.periodic.unref();
  }

  private async runVerify(): Promise<void> {
    if (this.verifying) {
      // Something changed while a read-back ran: one more pass afterwards, not one per request.
      this.again = true;
      return this.verifying;
    }
    this.verifying = (async () => {
      do {
        this.again = false;
        const full = this.full;
        this.full = false;
        this.lastVerifyAt = Date.now();
        try {
          await this.opts.verify(full);
        } catch (err) {
          this.opts.logger?.error({ err }, 'kernel route verification failed');
        }
      } while (this.again && !this.stopped);
    })();
    try {
      await this.verifying;
    } finally {
      this.verifying = null;
    }
  }

  private line(line: string): void {
    this.counters.lines++;
    if (line === '') return;
    let e: MonitorEvent | null;
    try {
      e = this.classifier.classify(line);
    } catch (err) {
      this.opts.logger?.debug({ err, line }, 'unparsed monitor line');
      return;
    }
    if (!e) return;
    this.counters.events++;
    try {
      this.opts.onEvent(e);
    } catch (err) {
      this.opts.logger?.error({ err, line }, 'route monitor event handler failed');
    }
  }
}

// Owns the `ip monitor` child and the periodic read-back of necod's routes. Lines are classified
// in monitor-lines.ts; only those that concern necod reach the FIB. When events may have been lost
// (kernel buffer overrun, ip restarted) the FIB is asked for a full verification instead.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { ipArgs, type IpContext } from './kernel-reader.js';
import { MonitorClassifier, type Interest, type MonitorEvent } from './monitor-lines.js';

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
  private child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  private readonly classifier: MonitorClassifier;
  private stopped = true;
  private restartDelay = 500;
  private restartTimer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private verifying: Promise<void> | null = null;
  private again = false;
  private full = false;
  private paused = false;
  private childExit: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RouteMonitorOptions) {
    this.classifier = new MonitorClassifier(opts.interest);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.spawnChild();
    this.schedulePeriodic();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.restartTimer, this.periodic, this.soon]) if (t) clearTimeout(t);
    this.restartTimer = this.periodic = this.soon = null;
    this.child?.kill('SIGTERM');
    await this.childExit;
    await this.verifying;
  }

  /**
   * Stops watching while necod writes a bulk of routes: every route it adds would come back as an
   * event to format and read, which costs about as much as the write itself. resume() starts the
   * watch again and reads everything back, so nothing that happened meanwhile is missed.
   */
  pause(): void {
    if (this.stopped || this.paused) return;
    this.paused = true;
    const child = this.child;
    this.child = null;
    child?.kill('SIGTERM');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.stopped) return;
    this.spawnChild();
    // ip gives no sign when it listens; reading back a little later covers the time before it does.
    this.requestVerify(250, true);
  }

  get isPaused(): boolean {
    return this.paused;
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

  private spawnChild(): void {
    const args = ipArgs(this.opts.ctx, ['-N', '-o', 'monitor', 'route', 'nexthop', 'link', 'address']);
    const child = spawn(this.opts.ctx.ip, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.line(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // "netlink receive error No buffer space available": the kernel dropped events.
      if (/No buffer space|ENOBUFS|overrun/i.test(chunk)) {
        this.counters.overruns++;
        this.opts.logger?.warn('route monitor lost kernel events; verifying all routes');
        this.requestVerify(200);
      }
    });
    this.childExit = new Promise((resolve) => {
      child.once('error', (err) => {
        this.opts.logger?.error({ err }, 'cannot run ip monitor');
      });
      child.once('close', (code, signal) => {
        resolve();
        // Only the current child's death matters: a paused one was killed on purpose.
        if (this.child !== child) return;
        this.child = null;
        if (this.stopped || this.paused) return;
        this.counters.restarts++;
        this.opts.logger?.warn({ code, signal }, 'ip monitor exited; restarting');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (this.stopped) return;
          this.spawnChild();
          // Events between the two children are lost.
          this.requestVerify(200);
        }, this.restartDelay);
        this.restartDelay = Math.min(this.restartDelay * 2, 30_000);
      });
    });
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
    this.restartDelay = 500;
    try {
      this.opts.onEvent(e);
    } catch (err) {
      this.opts.logger?.error({ err, line }, 'route monitor event handler failed');
    }
  }
}

// A long-running `ip … monitor …` child: spawned without a shell, its output split into lines,
// restarted with a bounded backoff whenever it dies, stopped cleanly. A dying child is logged
// and replaced, never thrown at the caller.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { pino, type Logger } from 'pino';
import { ipArgv } from './ip-runner.js';

export interface IpMonitorOptions {
  /** Arguments after `ip` (and `-n NS`), e.g. ['-o', 'monitor', 'address', 'link']. */
  args: readonly string[];
  /** The `ip` binary; default "ip" from PATH. */
  ipPath?: string;
  /** Follow this network namespace (`ip -n NS`); null or absent: the current one. */
  netns?: string | null;
  logger?: Logger;
  /** First restart delay; doubled after each quick death up to maxBackoffMs. Default 100 ms. */
  minBackoffMs?: number;
  /** Default 10 s. */
  maxBackoffMs?: number;
  /** A child that lived this long was healthy: its death restarts the backoff. Default 30 s. */
  stableAfterMs?: number;
  /** SIGTERM, then SIGKILL after this long on stop(). Default 2 s. */
  stopTimeoutMs?: number;
  /** How long start() waits for the child to subscribe to kernel events. Default 2 s. */
  readyTimeoutMs?: number;
}

/** The knobs of the monitor child that a reader passes through. */
export type MonitorTuning = Pick<IpMonitorOptions, 'minBackoffMs' | 'maxBackoffMs' | 'stableAfterMs' | 'stopTimeoutMs' | 'readyTimeoutMs'>;

export interface IpMonitorEvents {
  line: [string];
  /**
   * Events may have been missed — the child was restarted, or the kernel dropped messages
   * (netlink overflow, reported on stderr): whoever follows the kernel must read it afresh.
   */
  resync: [reason: string];
}

/** Longest partial line kept; anything longer is not iproute2 output. */
const MAX_PENDING = 1024 * 1024;

/**
 * Whether /proc/PID/net/netlink (the table of the namespace PID lives in) shows a
 * NETLINK_ROUTE socket of that process bound to multicast groups. iproute2 binds with port id
 * 0, so the kernel gives its socket the process id as port id.
 */
export function hasRouteSubscription(procNetNetlink: string, pid: number): boolean {
  const id = String(pid);
  for (const line of procNetNetlink.split('\n')) {
    // sk Eth(protocol) Pid(port id) Groups(hex) …; protocol 0 is NETLINK_ROUTE.
    const [, protocol, portId, groups = ''] = line.trim().split(/\s+/);
    if (protocol === '0' && portId === id && /^[0-9a-f]+$/i.test(groups) && !/^0+$/.test(groups)) return true;
  }
  return false;
}

async function waitForSubscription(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let text: string;
    try {
      text = await readFile(`/proc/${pid}/net/netlink`, 'utf8');
    } catch {
      return false;
    }
    if (hasRouteSubscription(text, pid)) return true;
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export class IpMonitor extends EventEmitter<IpMonitorEvents> {
  private readonly options: IpMonitorOptions;
  private readonly log: Logger;
  private child: ChildProcess | null = null;
  private pending = '';
  private stopping = false;
  private started = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private spawnedAt = 0;
  private exited: Promise<void> = Promise.resolve();
  private restartCount = 0;
  /**
   * Lines for which this says true are dropped before any string is cut out for them: the text
   * and the line's bounds in it. Set by whoever knows which lines nobody wants.
   */
  drop: ((text: string, start: number, end: number) => boolean) | null = null;

  constructor(options: IpMonitorOptions) {
    super();
    this.options = options;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ monitor: options.args.join(' ') });
    this.backoffMs = options.minBackoffMs ?? 100;
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** How many times the child was started after the first. */
  get restarts(): number {
    return this.restartCount;
  }

  /**
   * Starts the child; resolves once it is subscribed to kernel events (so that a read made
   * afterwards cannot miss a change), rejects if it cannot be spawned at all (no `ip`).
   */
  start(): Promise<void> {
    if (this.started) throw new Error('IpMonitor already started');
    this.started = true;
    return this.spawnChild();
  }

  /** Stops the child (SIGTERM, then SIGKILL) and any pending restart; resolves once it is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child === null) return;
    const timeout = this.options.stopTimeoutMs ?? 2000;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, timeout);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    // After SIGKILL the exit follows at once; the bound only guards against a wedged kernel.
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, timeout).unref())]);
  }

  private spawnChild(): Promise<void> {
    const argv = ipArgv({ ip: this.options.ipPath ?? 'ip', netns: this.options.netns ?? null }, this.options.args);
    const file = this.options.ipPath ?? 'ip';
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.pending = '';
    let resolveExit: () => void = () => {};
    this.exited = new Promise((resolve) => {
      resolveExit = resolve;
    });
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    child.stderr?.on('data', (chunk: string) => this.onStderr(chunk));
    return new Promise((resolve, reject) => {
      let spawned = false;
      child.once('spawn', () => {
        spawned = true;
        this.spawnedAt = Date.now();
        const pid = child.pid ?? 0;
        // Where /proc cannot tell (or the child dies first), carry on: the consumers' periodic
        // re-reads cover the gap.
        void waitForSubscription(pid, this.options.readyTimeoutMs ?? 2000).then((ready) => {
          this.log.debug({ pid, ready }, 'ip monitor started');
          resolve();
        });
      });
      // 'error' without 'spawn': it never ran (e.g. no such binary). 'close' follows either way.
      child.once('error', (err) => {
        if (!spawned) {
          this.log.error({ err }, 'cannot start ip monitor');
          reject(err);
        } else {
          this.log.warn({ err }, 'ip monitor error');
        }
      });
      child.once('close', (code, signal) => {
        this.child = null;
        resolveExit();
        if (this.stopping) return;
        if (spawned) this.scheduleRestart(`exited (code ${code}, signal ${signal})`);
        else if (this.restartCount > 0) this.scheduleRestart('could not be spawned again');
      });
    });
  }

  private scheduleRestart(why: string): void {
    const lived = Date.now() - this.spawnedAt;
    if (lived >= (this.options.stableAfterMs ?? 30_000)) this.backoffMs = this.options.minBackoffMs ?? 100;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 10_000);
    this.log.warn({ delayMs: delay }, `ip monitor ${why}; restarting`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restartCount++;
      this.spawnChild().then(
        () => this.signal('resync', 'monitor restarted'),
        () => {
          // Logged in spawnChild; its 'close' handler schedules the next attempt.
        },
      );
    }, delay);
  }

  private onData(chunk: string): void {
    const text0 = this.pending + chunk;
    let start = 0;
    for (let nl = text0.indexOf('\n'); nl >= 0; nl = text0.indexOf('\n', start)) {
      if (nl > start && !this.drop?.(text0, start, nl)) this.signal('line', text0.slice(start, nl));
      start = nl + 1;
    }
    let text = text0.slice(start);
    if (text.length > MAX_PENDING) {
      this.log.warn({ bytes: text.length }, 'ip monitor line too long; dropped');
      text = '';
      this.signal('resync', 'line too long');
    }
    this.pending = text;
  }

  /** Both events carry one string. */
  private signal(event: keyof IpMonitorEvents, text: string): void {
    // Output still buffered when stop() was called is of no interest to anyone.
    if (this.stopping) return;
    try {
      this.emit(event, text);
    } catch (err) {
      // A listener's bug must not take the child's stream handling (and the process) down.
      this.log.error({ err, event }, 'ip monitor listener failed');
    }
  }

  private onStderr(chunk: string): void {
    const text = chunk.trim();
    if (text === '') return;
    // iproute2 reports a netlink overflow (ENOBUFS) on stderr and carries on: events were lost.
    this.log.warn({ stderr: text }, 'ip monitor reported an error');
    this.signal('resync', `ip monitor: ${text}`);
  }
}

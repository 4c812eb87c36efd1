// The daemon's handle on the BFD process: starts the child (child.ts) with child_process.fork and
// an IPC channel, adds, changes and removes sessions by message and hands state events to one
// listener. A process rather than a worker thread: a thread shares the daemon's address space
// (the mmap lock while the main heap grows, page tables copied when `ip` is forked), V8's
// platform threads and the process's CPU share, and that made transmissions late by up to 1.5 s
// under a full-table install (docs/performance.md). If the child dies, the handle logs it and
// starts a new one with the sessions it had; they come back through Down and Up with new
// discriminators. It owns the child process and nothing else: which sessions exist and who hears
// about them is requests.ts's business; how the child is scheduled is src/host/scheduled-child.ts's.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chooseScheduling, forkScheduled, type ChildScheduling } from '../host/scheduled-child.js';
import { DEFAULT_BFD_REALTIME_PRIORITY } from '../config/defaults.js';
import type { BfdChildOptions } from './child.js';
import type { EngineSettings } from './io.js';
import type { BfdSessionSpec, BfdSessionView, BfdStateEvent, DownAction, FromEngine, ToEngine } from './messages.js';

/** Restarts back off from this delay, doubling up to RESTART_MAX_MS while the child keeps dying. */
const RESTART_MIN_MS = 100;
const RESTART_MAX_MS = 5_000;
/** A child that lived this long resets the back-off. */
const STABLE_MS = 60_000;

/** The engine's settings (the FIB's writer for `downWriter`), and how the process runs and reports. */
export interface BfdProcessOptions extends EngineSettings {
  /** SCHED_FIFO priority of the child, or null for nice -15 only. Default `bfd.realtime-priority`'s (10). */
  realtimePriority?: number | null;
  onState: (event: BfdStateEvent) => void;
  onError: (id: string | null, message: string) => void;
}

/** What a new child must be told to run the sessions the last one had. */
interface Held {
  spec: BfdSessionSpec;
  action: DownAction | null;
  adminDown: boolean;
}

export class BfdProcess {
  private child: ChildProcess;
  private readonly held = new Map<string, Held>();
  private readonly waiting = new Map<number, (sessions: BfdSessionView[]) => void>();
  private nextRequest = 1;
  private stopped: Promise<void> | null = null;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  /** How the child runs; decided once, at the first start. */
  readonly scheduling: ChildScheduling;
  /** Children started, the first one included. */
  starts = 0;

  constructor(private readonly opts: BfdProcessOptions) {
    this.scheduling = chooseScheduling(opts.realtimePriority === undefined ? DEFAULT_BFD_REALTIME_PRIORITY : opts.realtimePriority);
    if (this.scheduling.kind === 'nice' && opts.realtimePriority !== null) opts.onError(null, `BFD process runs at nice -15: ${this.scheduling.why}`);
    if (this.scheduling.kind === 'inherited' && opts.realtimePriority !== null) opts.onError(null, `BFD process runs at the daemon's real-time priority, not above it: ${this.scheduling.why}`);
    this.child = this.spawn();
  }

  /** The child's process id (tests, `ps`). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  add(spec: BfdSessionSpec): void {
    const h = this.held.get(spec.id);
    if (h) h.spec = spec;
    else this.held.set(spec.id, { spec, action: null, adminDown: false });
    this.post({ type: 'add', spec });
  }

  change(spec: BfdSessionSpec): void {
    const h = this.held.get(spec.id);
    if (h) h.spec = spec;
    this.post({ type: 'change', spec });
  }

  remove(id: string): void {
    this.held.delete(id);
    this.post({ type: 'remove', id });
  }

  admin(id: string, down: boolean): void {
    const h = this.held.get(id);
    if (h) h.adminDown = down;
    this.post({ type: 'admin', id, down });
  }

  setDownAction(id: string, action: DownAction | null): void {
    const h = this.held.get(id);
    if (h) h.action = action;
    this.post({ type: 'down-action', id, action });
  }

  sessions(): Promise<BfdSessionView[]> {
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.waiting.set(request, resolve);
      if (!this.post({ type: 'sessions', request })) this.answerAll();
    });
  }

  /** Sends AdminDown on every session and ends the process. */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.stopped = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!this.post({ type: 'stop' })) child.kill('SIGKILL');
    });
    return this.stopped;
  }

  private spawn(): ChildProcess {
    const options: BfdChildOptions = {
      singleHopPort: this.opts.singleHopPort,
      multihopPort: this.opts.multihopPort,
      netns: this.opts.netns ?? null,
      downWriter: this.opts.downWriter,
      nice: this.scheduling.kind === 'nice',
    };
    const child = forkScheduled(fileURLToPath(new URL('./child.js', import.meta.url)), [JSON.stringify(options)], this.scheduling);
    this.starts++;
    this.startedAt = Date.now();
    child.on('message', (m: FromEngine) => this.onMessage(m));
    child.on('error', (err) => this.opts.onError(null, `BFD process: ${err.message}`));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    return child;
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.answerAll();
    if (this.stopped) return;
    if (Date.now() - this.startedAt > STABLE_MS) this.restartDelay = RESTART_MIN_MS;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(RESTART_MAX_MS, this.restartDelay * 2);
    this.opts.onError(null, `BFD process exited (${signal ?? `code ${code}`}); starting a new one with ${this.held.size} sessions in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.child = this.spawn();
      for (const [id, h] of this.held) {
        this.post({ type: 'add', spec: h.spec });
        if (h.adminDown) this.post({ type: 'admin', id, down: true });
        if (h.action) this.post({ type: 'down-action', id, action: h.action });
      }
    }, delay);
  }

  /** False when the child cannot take messages (it died; a new one gets the sessions it needs). */
  private post(message: ToEngine): boolean {
    if (!this.child.connected) return false;
    this.child.send(message);
    return true;
  }

  /** Requests the dead child cannot answer get no sessions rather than no answer. */
  private answerAll(): void {
    for (const resolve of this.waiting.values()) resolve([]);
    this.waiting.clear();
  }

  private onMessage(m: FromEngine): void {
    switch (m.type) {
      case 'state':
        return this.opts.onState(m);
      case 'sessions': {
        const resolve = this.waiting.get(m.request);
        this.waiting.delete(m.request);
        return resolve?.(m.sessions);
      }
      case 'error':
        return this.opts.onError(m.id, m.message);
      case 'stopped':
        return;
    }
  }
}

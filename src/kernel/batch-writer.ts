// Runs `ip -batch -force` child processes and reports, for every line written, whether the
// kernel refused it. Small batches are streamed into the stdin of a spare ip started ahead of
// time; large ones are written to a file that ip reads at its own pace, so that ip never waits
// for a busy event loop to refill a pipe. The event loop never waits on the child. One process
// per batch keeps ip's interface-name cache fresh.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BatchErrorReader } from './batch-lines.js';

/** A line that iproute2 rejects without side effects: its failure report marks progress. */
const SENTINEL = 'necod-sync';
const CHUNK_BYTES = 64 * 1024;

export interface BatchWriterOptions {
  /** The ip binary. */
  ip?: string;
  /** Run inside this network namespace (`ip -n NS`). */
  netns?: string | null;
  /** Processes that may share the route lines of one large batch. */
  parallel?: number;
  /** Route lines per extra process before splitting pays. */
  parallelMin?: number;
  /** A process gets this long, plus 1 ms per line, before it is killed. */
  timeoutMs?: number;
  /** Batches of at least this many lines go through a file rather than a pipe. */
  fileMin?: number;
  logger?: Logger;
}

export interface BatchJob {
  lines: readonly string[];
  /**
   * Lines before this index (nexthop objects) must have run before any later one starts; only
   * matters when later lines are split over several processes.
   */
  barrier?: number;
}

export interface BatchOutcome {
  /** Line index → the kernel's reason, for every refused line. */
  errors: Map<number, string>;
  processes: number;
  /** Processes that died before finishing (ip exits on some argument errors). */
  crashes: number;
}

interface RunResult {
  errors: Map<number, string>;
  /** Index (exclusive) up to which every line's fate is known. */
  doneUpTo: number;
  crashed: boolean;
  reason: string;
}

export class BatchWriter {
  private readonly ip: string;
  private readonly baseArgs: string[];
  private readonly parallel: number;
  private readonly parallelMin: number;
  private readonly timeoutMs: number;
  private readonly fileMin: number;
  private dir: string | null = null;
  private fileNo = 0;
  private readonly log: Logger | undefined;
  private spare: IpProcess | null = null;
  private session: IpSession | null = null;
  private sessionQueue: Promise<unknown> = Promise.resolve();
  private readonly live = new Set<IpProcess>();
  private closed = false;

  constructor(opts: BatchWriterOptions = {}) {
    this.ip = opts.ip ?? 'ip';
    this.baseArgs = opts.netns ? ['-n', opts.netns] : [];
    this.parallel = Math.max(1, opts.parallel ?? 1);
    this.parallelMin = Math.max(1, opts.parallelMin ?? 20_000);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.fileMin = Math.max(1, opts.fileMin ?? 2_000);
    this.log = opts.logger;
  }

  /** Starts the spare process (and the session for urgent batches) now rather than when needed. */
  warm(): void {
    if (this.closed) return;
    if (!this.spare?.usable) this.spare = this.start(false);
    if (!this.session?.alive) this.session = new IpSession(this.ip, [...this.baseArgs, '-batch', '-', '-force']);
  }

  async run(job: BatchJob): Promise<BatchOutcome> {
    if (this.closed) throw new Error('batch writer closed');
    const outcome: BatchOutcome = { errors: new Map(), processes: 0, crashes: 0 };
    const n = job.lines.length;
    if (n === 0) return outcome;
    const barrier = Math.min(Math.max(job.barrier ?? 0, 0), n);
    const split = Math.min(this.parallel, Math.ceil((n - barrier) / this.parallelMin));
    if (split <= 1) {
      await this.runRange(job.lines, 0, n, outcome);
    } else {
      if (barrier > 0) await this.runRange(job.lines, 0, barrier, outcome);
      const parts: Promise<void>[] = [];
      const step = Math.ceil((n - barrier) / split);
      for (let from = barrier; from < n; from += step) parts.push(this.runRange(job.lines, from, Math.min(n, from + step), outcome));
      await Promise.all(parts);
    }
    return outcome;
  }

  /**
   * A small urgent batch through a long-lived ip: no process start or exit on the way, so a group
   * change reaches the kernel in well under a millisecond of overhead. Only for lines that name
   * no device (nexthop group changes): a long-lived ip caches interface indexes by name, and a
   * device re-created under the same name would be written to the old index.
   */
  runQuick(lines: readonly string[]): Promise<BatchOutcome> {
    const job = this.sessionQueue.then(async (): Promise<BatchOutcome> => {
      if (this.closed) throw new Error('batch writer closed');
      if (lines.some((l) => / dev /.test(l))) return this.run({ lines });
      if (!this.session?.alive) this.session = new IpSession(this.ip, [...this.baseArgs, '-batch', '-', '-force']);
      const errors = await this.session.run(lines, this.timeoutMs);
      if (errors !== null) return { errors, processes: 0, crashes: 0 };
      // The session died or stalled: the ordinary path finds out line by line.
      this.log?.warn('ip session lost; rerunning the batch in a new process');
      this.session = null;
      return this.run({ lines });
    });
    this.sessionQueue = job.catch(() => {});
    return job;
  }

  /** Ends the spare process and the session, and waits for running ones. */
  async close(): Promise<void> {
    await this.sessionQueue;
    this.closed = true;
    const spare = this.spare;
    this.spare = null;
    spare?.endIdle();
    const session = this.session;
    this.session = null;
    await session?.close();
    await Promise.all([...this.live].map((p) => p.exited));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private take(): IpProcess {
    const p = this.spare?.usable ? this.spare : this.start(false);
    this.spare = null;
    // The next spare starts after this batch's lines are on their way, not before.
    setImmediate(() => this.warm());
    return p;
  }

  private start(careful: boolean, file: string | null = null): IpProcess {
    const p = new IpProcess(this.ip, [...this.baseArgs, '-batch', file ?? '-', '-force'], careful, file !== null);
    this.live.add(p);
    void p.exited.then(() => this.live.delete(p));
    return p;
  }

  private async batchFile(lines: readonly string[], from: number, to: number, careful: boolean): Promise<string> {
    this.dir ??= mkdtempSync(join(tmpdir(), 'necod-batch-'));
    const path = join(this.dir, `batch-${++this.fileNo}`);
    await writeFile(path, batchText(lines, from, to, careful));
    return path;
  }

  /** Runs lines [from, to), re-running whatever a crashed process left unknown. */
  private async runRange(lines: readonly string[], from: number, to: number, outcome: BatchOutcome): Promise<void> {
    let careful = false;
    let start = from;
    while (start < to) {
      const file = to - start >= this.fileMin ? await this.batchFile(lines, start, to, careful) : null;
      const proc = file !== null || careful ? this.start(careful, file) : this.take();
      outcome.processes++;
      let r: RunResult;
      try {
        r = await proc.run(lines, start, to, this.timeoutMs + (to - start));
      } finally {
        if (file !== null) await rm(file, { force: true });
      }
      for (const [i, reason] of r.errors) outcome.errors.set(i, reason);
      if (!r.crashed) return;
      outcome.crashes++;
      this.log?.warn({ line: lines[r.doneUpTo], reason: r.reason, careful }, 'ip -batch exited early');
      if (careful) {
        // In careful mode the first unconfirmed line is the one ip died on.
        if (r.doneUpTo < to) outcome.errors.set(r.doneUpTo, r.reason || 'ip exited on this line');
        start = r.doneUpTo + 1;
      } else {
        // Lines after the last reported failure may or may not have run: run them again, one
        // confirmation per line, which names the line that kills ip. Replaces are idempotent and
        // deletes of what is gone count as done.
        start = r.doneUpTo;
        careful = true;
      }
    }
  }
}

/** Lines [from, to) as a batch file, with a sentinel after each line in careful mode. */
function batchText(lines: readonly string[], from: number, to: number, careful: boolean): string {
  let text = '';
  for (let i = from; i < to; i++) text += careful ? `${lines[i]}\n${SENTINEL}\n` : `${lines[i]}\n`;
  return text;
}

/** One `ip -batch - -force` child. */
class IpProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: string | null }>;
  private used = false;
  private alive = true;
  private onStderr: ((chunk: string) => void) | null = null;
  private earlyStderr = '';

  constructor(
    ip: string,
    args: string[],
    private readonly careful: boolean,
    /** ip reads its lines from a file named in args, not from stdin. */
    private readonly fromFile = false,
  ) {
    this.child = spawn(ip, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.resume();
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      if (this.onStderr) this.onStderr(chunk);
      else if (this.earlyStderr.length < 4096) this.earlyStderr += chunk;
    });
    // A child that died leaves EPIPE on stdin; its exit status tells the story.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      let spawnError: string | null = null;
      this.child.once('error', (err) => {
        spawnError = err.message;
        this.alive = false;
        // 'close' may never come for a child that never started.
        if (this.child.pid === undefined) resolve({ code: null, signal: null, spawnError });
      });
      this.child.once('close', (code, signal) => {
        this.alive = false;
        resolve({ code, signal, spawnError });
      });
    });
  }

  get usable(): boolean {
    return this.alive && !this.used;
  }

  endIdle(): void {
    if (!this.used) {
      this.used = true;
      this.child.stdin.end();
    }
  }

  async run(lines: readonly string[], from: number, to: number, timeoutMs: number): Promise<RunResult> {
    this.used = true;
    const errors = new Map<number, string>();
    const step = this.careful ? 2 : 1;
    let confirmed = 0; // careful mode: lines known done, counted from `from`
    const reader = new BatchErrorReader((ipLine, reason) => {
      const k = Math.floor((ipLine - 1) / step);
      if (this.careful && ipLine % 2 === 0) {
        confirmed = Math.max(confirmed, k + 1);
        return;
      }
      if (from + k < to) errors.set(from + k, reason);
    });
    this.onStderr = (chunk) => reader.feed(chunk);
    if (this.earlyStderr) reader.feed(this.earlyStderr);

    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    if (this.fromFile) this.child.stdin.end();
    else void this.pump(lines, from, to);
    const { code, signal, spawnError } = await this.exited;
    clearTimeout(timer);

    const crashed = spawnError !== null || signal !== null || (code !== 0 && code !== 1);
    if (!crashed) return { errors, doneUpTo: to, crashed: false, reason: '' };
    const reason = spawnError ? `cannot run ip: ${spawnError}` : signal ? `ip killed by ${signal}${reader.pending ? `: ${reader.pending}` : ''}` : reader.pending || `ip exited with ${code}`;
    if (spawnError) {
      for (let i = from; i < to; i++) errors.set(i, reason);
      return { errors, doneUpTo: to, crashed: false, reason };
    }
    const doneUpTo = this.careful ? from + confirmed : Math.min(to, from + Math.floor(reader.lastFailedLine / step));
    return { errors, doneUpTo, crashed: true, reason };
  }

  private async pump(lines: readonly string[], from: number, to: number): Promise<void> {
    const stdin = this.child.stdin;
    let buf = '';
    for (let i = from; i < to; i++) {
      buf += lines[i] + '\n';
      if (this.careful) buf += SENTINEL + '\n';
      if (buf.length >= CHUNK_BYTES) {
        if (!this.alive) return;
        const ok = stdin.write(buf);
        buf = '';
        if (!ok) await this.drained();
      }
    }
    if (this.alive) stdin.end(buf);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.child.stdin.off('drain', done);
        this.child.stdin.off('close', done);
        resolve();
      };
      this.child.stdin.on('drain', done);
      this.child.stdin.on('close', done);
    });
  }
}

/** A long-lived `ip -batch - -force`; a sentinel after each job reports when it is done. */
class IpSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: BatchErrorReader;
  private written = 0;
  private job: { start: number; end: number; errors: Map<number, string>; done: (ok: boolean) => void } | null = null;
  private readonly exited: Promise<void>;
  alive = true;

  constructor(ip: string, args: string[]) {
    this.child = spawn(ip, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.resume();
    this.child.stdin.on('error', () => {});
    this.reader = new BatchErrorReader((n, reason) => {
      const job = this.job;
      if (!job) return;
      if (n === job.end + 1) {
        this.job = null;
        job.done(true);
      } else if (n > job.start && n <= job.end) job.errors.set(n - job.start - 1, reason);
    });
    this.child.stderr.setEncoding('utf8').on('data', (c: string) => this.reader.feed(c));
    this.exited = new Promise((resolve) => {
      const gone = (): void => {
        this.alive = false;
        const job = this.job;
        this.job = null;
        job?.done(false);
        resolve();
      };
      this.child.once('error', gone);
      this.child.once('close', gone);
    });
  }

  /** The refused lines of this job, or null if ip died or did not answer in time. */
  async run(lines: readonly string[], timeoutMs: number): Promise<Map<number, string> | null> {
    if (!this.alive) return null;
    const errors = new Map<number, string>();
    const start = this.written;
    this.written += lines.length + 1;
    let timer: NodeJS.Timeout | undefined;
    const ok = await new Promise<boolean>((resolve) => {
      this.job = { start, end: start + lines.length, errors, done: resolve };
      timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      this.child.stdin.write(lines.join('\n') + `\n${SENTINEL}\n`);
    });
    clearTimeout(timer);
    return ok ? errors : null;
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}

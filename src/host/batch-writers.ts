// The kernel's writers: long-lived `ip -batch - -force` processes (two by default, one per core
// of a small server) fed through their stdin pipes, so that ip works while necod goes on
// decoding, with backpressure from the pipes rather than from waiting for whole batches. Each
// job ends with a sentinel line ip refuses; its "Command failed -:N" marks the job done, and every
// other failure maps back to the job's line (and so to its prefix). A writer that dies mid-job
// (ip exits on some argument errors) is replaced, and the job's lines run again in one-shot
// processes that find the line that kills ip. Long-lived ip caches interface indexes by name, so
// writers are recycled when a device comes or goes (recycle()). Not a differ: lines in, refusals out.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Logger } from 'pino';
import { BatchErrorReader } from './batch-errors.js';

/** A line that iproute2 rejects without side effects: its failure report marks progress. */
const SENTINEL = 'necod-sync';
const CHUNK_BYTES = 64 * 1024;

export interface BatchWriterOptions {
  /** The ip binary. */
  ip?: string;
  /** Run inside this network namespace (`ip -n NS`). */
  netns?: string | null;
  /** Long-lived ip processes sharing the route lines of large batches. Default 2. */
  writers?: number;
  /** Route lines per extra writer before splitting pays. Default 2 000. */
  parallelMin?: number;
  /** A job gets this long, plus 1 ms per line, before its process is killed. */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * The lines of a job: an array, or anything that renders line i on demand (a batch of a full
 * table is rendered chunk by chunk as the pipe takes it, never held as 50 000 strings).
 */
export interface Lines {
  readonly length: number;
  at(i: number): string | undefined;
}

export interface BatchJob {
  lines: Lines;
  /**
   * Lines before this index (nexthop objects) must have run before any later one starts; only
   * matters when later lines are split over several writers.
   */
  barrier?: number;
}

export interface BatchOutcome {
  /** Line index → the kernel's reason, for every refused line. */
  errors: Map<number, string>;
  /** Writer jobs and one-shot processes the batch took. */
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
  private readonly args: string[];
  private readonly count: number;
  private readonly parallelMin: number;
  private readonly timeoutMs: number;
  private readonly log: Logger | undefined;
  private readonly writers: Array<IpSession | null>;
  /** The writer of urgent jobs (next-hop failover): never queued behind a bulk batch. */
  private quick: IpSession | null = null;
  private readonly live = new Set<IpProcess>();
  private closed = false;

  constructor(opts: BatchWriterOptions = {}) {
    this.ip = opts.ip ?? 'ip';
    this.args = [...(opts.netns ? ['-n', opts.netns] : []), '-batch', '-', '-force'];
    this.count = Math.max(1, opts.writers ?? 2);
    this.parallelMin = Math.max(1, opts.parallelMin ?? 2_000);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.log = opts.logger;
    this.writers = new Array<IpSession | null>(this.count).fill(null);
  }

  /** Starts the writers now rather than at the first batch. */
  warm(): void {
    if (this.closed) return;
    for (let i = 0; i < this.count; i++) this.writer(i);
    if (!this.quick?.alive) this.quick = new IpSession(this.ip, this.args);
  }

  /**
   * Ends the writers once their queued jobs are done; later jobs get fresh ones. For when a
   * device appeared or went: a long-lived ip would write to the index it cached for the name.
   */
  recycle(): void {
    for (let i = 0; i < this.count; i++) {
      const w = this.writers[i];
      this.writers[i] = null;
      void w?.close();
    }
    const q = this.quick;
    this.quick = null;
    void q?.close();
  }

  async run(job: BatchJob): Promise<BatchOutcome> {
    if (this.closed) throw new Error('batch writer closed');
    const outcome: BatchOutcome = { errors: new Map(), processes: 0, crashes: 0 };
    const n = job.lines.length;
    if (n === 0) return outcome;
    const barrier = Math.min(Math.max(job.barrier ?? 0, 0), n);
    const split = Math.max(1, Math.min(this.count, Math.ceil((n - barrier) / this.parallelMin)));
    if (split <= 1) {
      await this.runOn(0, job.lines, 0, n, outcome);
    } else {
      if (barrier > 0) await this.runOn(0, job.lines, 0, barrier, outcome);
      const parts: Promise<void>[] = [];
      const step = Math.ceil((n - barrier) / split);
      let w = 0;
      for (let from = barrier; from < n; from += step) parts.push(this.runOn(w++, job.lines, from, Math.min(n, from + step), outcome));
      await Promise.all(parts);
    }
    return outcome;
  }

  /**
   * A small urgent batch through its own long-lived ip: no process start, and no bulk batch
   * ahead of it in the pipe, so a group change reaches the kernel within a millisecond.
   */
  async runQuick(lines: Lines): Promise<BatchOutcome> {
    if (this.closed) throw new Error('batch writer closed');
    if (!this.quick?.alive) this.quick = new IpSession(this.ip, this.args);
    const outcome: BatchOutcome = { errors: new Map(), processes: 1, crashes: 0 };
    await this.runSession(this.quick, lines, 0, lines.length, outcome);
    return outcome;
  }

  /** Ends the writers, waiting for their jobs, and waits for one-shot processes. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.writers, this.quick];
    this.writers.fill(null);
    this.quick = null;
    await Promise.all(all.map((w) => w?.close()));
    await Promise.all([...this.live].map((p) => p.exited));
  }

  private writer(i: number): IpSession {
    let w = this.writers[i];
    if (!w?.alive) {
      w = new IpSession(this.ip, this.args);
      this.writers[i] = w;
    }
    return w;
  }

  private runOn(i: number, lines: Lines, from: number, to: number, outcome: BatchOutcome): Promise<void> {
    return this.runSession(this.writer(i % this.count), lines, from, to, outcome);
  }

  private async runSession(session: IpSession, lines: Lines, from: number, to: number, outcome: BatchOutcome): Promise<void> {
    outcome.processes++;
    const errors = await session.run(lines, from, to, this.timeoutMs + (to - from));
    if (errors !== null) {
      for (const [i, reason] of errors) outcome.errors.set(i, reason);
      return;
    }
    // The writer died or stalled: which lines ran is unknown. Replaces are idempotent and
    // deletes of what is gone count as done, so the whole part runs again, line by line if need be.
    outcome.crashes++;
    this.log?.warn({ lines: to - from }, 'ip writer lost; rerunning its job in new processes');
    await this.runRange(lines, from, to, outcome);
  }

  private start(careful: boolean): IpProcess {
    const p = new IpProcess(this.ip, this.args, careful);
    this.live.add(p);
    void p.exited.then(() => this.live.delete(p));
    return p;
  }

  /** Runs lines [from, to) in one-shot processes, re-running whatever a crashed one left unknown. */
  private async runRange(lines: Lines, from: number, to: number, outcome: BatchOutcome): Promise<void> {
    let careful = false;
    let start = from;
    while (start < to) {
      const proc = this.start(careful);
      outcome.processes++;
      const r = await proc.run(lines, start, to, this.timeoutMs + (to - start));
      for (const [i, reason] of r.errors) outcome.errors.set(i, reason);
      if (!r.crashed) return;
      outcome.crashes++;
      this.log?.warn({ line: lines.at(r.doneUpTo), reason: r.reason, careful }, 'ip -batch exited early');
      if (careful) {
        // In careful mode the first unconfirmed line is the one ip died on.
        if (r.doneUpTo < to) outcome.errors.set(r.doneUpTo, r.reason || 'ip exited on this line');
        start = r.doneUpTo + 1;
      } else {
        // Lines after the last reported failure may or may not have run: run them again, one
        // confirmation per line, which names the line that kills ip.
        start = r.doneUpTo;
        careful = true;
      }
    }
  }
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

  async run(lines: Lines, from: number, to: number, timeoutMs: number): Promise<RunResult> {
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
    void pump(this.child.stdin, lines, from, to, this.careful, () => this.alive, true);
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
}

/**
 * Writes lines [from, to) in chunks, waiting for 'drain' when the pipe is full (a sentinel after
 * each line in careful mode); ends stdin afterwards if `end`.
 */
async function pump(stdin: NodeJS.WritableStream, lines: Lines, from: number, to: number, careful: boolean, alive: () => boolean, end: boolean, tail = ''): Promise<void> {
  let buf = '';
  for (let i = from; i < to; i++) {
    buf += lines.at(i) + '\n';
    if (careful) buf += SENTINEL + '\n';
    if (buf.length >= CHUNK_BYTES) {
      if (!alive()) return;
      const ok = stdin.write(buf);
      buf = '';
      if (!ok) await drained(stdin);
    }
  }
  if (!alive()) return;
  if (end) stdin.end(buf + tail);
  else stdin.write(buf + tail);
}

function drained(stdin: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stdin.off('drain', done);
      stdin.off('close', done);
      resolve();
    };
    stdin.on('drain', done);
    stdin.on('close', done);
  });
}

/** A long-lived `ip -batch - -force`; a sentinel after each job reports when it is done. Jobs queue. */
class IpSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: BatchErrorReader;
  private written = 0;
  private job: { start: number; end: number; from: number; errors: Map<number, string>; done: (ok: boolean) => void } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
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
      } else if (n > job.start && n <= job.end) job.errors.set(job.from + n - job.start - 1, reason);
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

  /** The refused lines (by index) of lines [from, to), or null if ip died or did not answer in time. */
  run(lines: Lines, from: number, to: number, timeoutMs: number): Promise<Map<number, string> | null> {
    const job = this.queue.then(() => this.runNow(lines, from, to, timeoutMs));
    this.queue = job.catch(() => {});
    return job;
  }

  private async runNow(lines: Lines, from: number, to: number, timeoutMs: number): Promise<Map<number, string> | null> {
    if (!this.alive) return null;
    const errors = new Map<number, string>();
    const start = this.written;
    this.written += to - from + 1;
    let timer: NodeJS.Timeout | undefined;
    const ok = await new Promise<boolean>((resolve) => {
      this.job = { start, end: start + (to - from), from, errors, done: resolve };
      timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      void pump(this.child.stdin, lines, from, to, false, () => this.alive, false, `${SENTINEL}\n`);
    });
    clearTimeout(timer);
    return ok ? errors : null;
  }

  async close(): Promise<void> {
    await this.queue;
    this.child.stdin.end();
    await this.exited;
  }
}

// The kernel writer that speaks rtnetlink itself: the FIB's changes are encoded straight into
// large buffers (netlink-codec.ts) and sent many messages per sendmsg, without an ack per message:
// the kernel answers only refusals, and one NLMSG_NOOP with NLM_F_ACK after each job is the
// barrier that says every message before it was handled (a socket's messages are handled in
// order). No text is made or parsed, no child process runs; the kernel's work happens in the
// sendmsg call itself. Backpressure is the send callback: the next buffer is encoded only when the
// kernel took the last one. A refusal maps back to its change by sequence number, as an errno text
// like ip's ("RTNETLINK answers: No such process"), so the FIB's error handling is the same for
// both writers. Answers lost to a full receive buffer (ENOBUFS) make the job run again with an ack
// per message, in small steps. Two channels: bulk jobs queue on one, urgent jobs (a next hop lost)
// use the other and never wait behind a full-table batch. Not a differ; not the `ip` fallback
// (batch-writers.ts is).
import type { Logger } from 'pino';
import type { BatchOutcome } from './batch-writers.js';
import type { Change, RouteTag } from './kernel-change.js';
import { encodeChange, encodeGetLink, encodeNoop, errnoText, maxChangeBytes, readAnswers, type PrefixCodec } from './netlink-codec.js';
import { openChannel, type ChannelEvents, type NetlinkChannel } from './netlink-socket.js';

const CHUNK_BYTES = 128 * 1024;
/** Messages per step when every message is acknowledged (after lost answers). */
const CAREFUL_STEP = 256;
const ENOBUFS = 105;

export interface NetlinkWriterOptions<K> {
  /** Write into this network namespace (through a relay child); null: necod's own. */
  netns?: string | null;
  ip?: string;
  prefixes: PrefixCodec<K>;
  tag: RouteTag;
  /** Most legs of one inline route (sizes the per-message room). Default 16. */
  ecmpMax?: number;
  /** The channel to write through instead of a netlink socket (the rehearsal's acceptingChannel). */
  channel?: (events: ChannelEvents) => NetlinkChannel;
  /** A job gets this long, plus 1 ms per 100 changes, before its answers count as lost. */
  timeoutMs?: number;
  logger?: Logger;
}

interface Pending {
  /** Sequence number of change 0 of the job. */
  base: number;
  count: number;
  barrier: number;
  errors: Map<number, string>;
  /** Answers may have been lost. */
  lost: boolean;
  done: () => void;
}

/** One socket and the jobs waiting for its answers. */
class Channel {
  readonly jobs: Pending[] = [];
  private readonly links = new Map<number, (index: number) => void>();
  private sock: NetlinkChannel | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly open: (c: Channel) => NetlinkChannel) {}

  get socket(): NetlinkChannel {
    if (!this.sock) this.sock = this.open(this);
    return this.sock;
  }

  /** Runs jobs one after the other. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => {});
    return p;
  }

  onMessage(msg: Buffer): void {
    readAnswers(msg, (a) => {
      if (a.kind === 'link') {
        this.links.get(a.seq)?.(a.index);
        this.links.delete(a.seq);
        return;
      }
      if (a.kind !== 'ack') return;
      const link = this.links.get(a.seq);
      if (link) {
        this.links.delete(a.seq);
        if (a.errno !== 0) link(0);
        return;
      }
      for (let j = 0; j < this.jobs.length; j++) {
        const job = this.jobs[j]!;
        if (a.seq === job.barrier) {
          this.jobs.splice(j, 1);
          job.done();
          return;
        }
        const i = a.seq - job.base;
        if (i >= 0 && i < job.count) {
          if (a.errno !== 0) job.errors.set(i, errnoText(a.errno));
          return;
        }
      }
    });
  }

  /** The socket failed or answers were lost: every waiting job may lack refusals. */
  onError(err: Error & { errno?: number }): void {
    for (const j of this.jobs) j.lost = true;
    if (err.errno !== undefined && Math.abs(err.errno) === ENOBUFS) return;
    // Anything else: the socket is unusable; waiting jobs end now and run again on a new one.
    this.sock?.close();
    this.sock = null;
    for (const j of this.jobs.splice(0)) j.done();
    for (const l of this.links.values()) l(0);
    this.links.clear();
  }

  askLink(seq: number, resolve: (index: number) => void): void {
    this.links.set(seq, resolve);
  }

  close(): void {
    this.sock?.close();
    this.sock = null;
  }
}

export class NetlinkRouteWriter<K> {
  private readonly bulk: Channel;
  private readonly quick: Channel;
  private readonly ifindexes = new Map<string, number>();
  private seq = 1;
  private readonly chunk: number;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(private readonly opts: NetlinkWriterOptions<K>) {
    const open = (c: Channel): NetlinkChannel => {
      const events: ChannelEvents = { message: (m) => c.onMessage(m), error: (e) => c.onError(e) };
      return opts.channel ? opts.channel(events) : openChannel(opts.netns ?? null, events, opts.ip);
    };
    this.bulk = new Channel(open);
    this.quick = new Channel(open);
    this.chunk = Math.max(CHUNK_BYTES, 4 * maxChangeBytes(opts.ecmpMax ?? 16));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Opens the sockets now rather than at the first job. */
  warm(): void {
    void this.bulk.socket;
    void this.quick.socket;
  }

  /** Device indexes are looked up again (a device came or went). */
  recycle(): void {
    this.ifindexes.clear();
  }

  /** Writes the changes in order; refused ones come back by index, with the kernel's reason. */
  run(changes: readonly Change<K>[], urgent = false): Promise<BatchOutcome> {
    if (this.closed) return Promise.reject(new Error('netlink writer closed'));
    const ch = urgent ? this.quick : this.bulk;
    return ch.serial(() => this.runNow(ch, changes));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.bulk.serial(async () => {});
    await this.quick.serial(async () => {});
    this.bulk.close();
    this.quick.close();
  }

  private nextSeq(n: number): number {
    if (this.seq + n + 2 > 0xfffffff0) this.seq = 1;
    const s = this.seq;
    this.seq += n;
    return s;
  }

  private async runNow(ch: Channel, changes: readonly Change<K>[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { errors: new Map(), processes: 1, crashes: 0 };
    if (changes.length === 0) return outcome;
    const missing = await this.resolveDevices(ch, changes);
    const r = await this.send(ch, changes, missing, false);
    if (!r.lost) {
      for (const [i, e] of r.errors) outcome.errors.set(i, e);
      return outcome;
    }
    // Some refusals may have been lost: everything again, each message acknowledged. Replaces
    // are idempotent, and deleting what is gone counts as done.
    outcome.crashes++;
    this.opts.logger?.warn({ changes: changes.length }, 'netlink answers lost; writing the job again with an ack per change');
    for (let from = 0; from < changes.length; from += CAREFUL_STEP) {
      const part = changes.slice(from, from + CAREFUL_STEP);
      const again = await this.send(ch, part, missing, true);
      for (const [i, e] of again.errors) outcome.errors.set(from + i, e);
      if (again.lost) for (let i = 0; i < part.length; i++) if (!again.errors.has(i)) outcome.errors.set(from + i, 'netlink answers lost');
    }
    return outcome;
  }

  /**
   * Sends the changes in buffers of whole messages, one barrier after them; resolves when the
   * barrier's ack arrived. `missing`: device names that do not exist (those changes are refused here).
   */
  private send(ch: Channel, changes: readonly Change<K>[], missing: Map<string, string>, ackEach: boolean): Promise<{ errors: Map<number, string>; lost: boolean }> {
    const n = changes.length;
    const base = this.nextSeq(n + 1);
    const errors = new Map<number, string>();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const job: Pending = {
        base,
        count: n,
        barrier: base + n,
        errors,
        lost: false,
        done: () => {
          clearTimeout(timer);
          resolve({ errors, lost: job.lost });
        },
      };
      ch.jobs.push(job);
      const ifindex = (dev: string): number => this.ifindexes.get(dev) ?? 0;
      let i = 0;
      // One buffer per job: the next is encoded only after the kernel took the last.
      const buf = Buffer.allocUnsafe(this.chunk);
      const room = this.chunk - maxChangeBytes(this.opts.ecmpMax ?? 16);
      const pump = (): void => {
        let o = 0;
        for (; i < n && o < room; i++) {
          const c = changes[i]!;
          const dev = missing.size > 0 ? missingDevice(c, missing) : null;
          if (dev !== null) {
            errors.set(i, dev);
            continue;
          }
          try {
            o = encodeChange(buf, o, c, base + i, ackEach, this.opts.prefixes, this.opts.tag, ifindex);
          } catch (err) {
            errors.set(i, err instanceof Error ? err.message : String(err));
          }
        }
        if (i >= n) o = encodeNoop(buf, o, base + n);
        ch.socket.send(buf.subarray(0, o), (err) => {
          if (err) {
            // The kernel did not take the buffer (the socket broke): its outcome is unknown.
            ch.onError(err);
            return;
          }
          if (i < n) pump();
        });
      };
      timer = setTimeout(() => {
        job.lost = true;
        const at = ch.jobs.indexOf(job);
        if (at >= 0) ch.jobs.splice(at, 1);
        job.done();
      }, this.timeoutMs + n / 100);
      timer.unref();
      pump();
    });
  }

  /** Looks up the index of every device the changes name that is not known yet. */
  private async resolveDevices(ch: Channel, changes: readonly Change<K>[]): Promise<Map<string, string>> {
    const wanted = new Set<string>();
    // An indexed loop: this runs over every change of every batch, most of them routes on objects.
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!; // i < length
      if (c.op === 'route-replace' && c.route.type === 'inline') {
        for (const l of c.route.set.legs) if (!this.ifindexes.has(l.dev)) wanted.add(l.dev);
      } else if (c.op === 'nexthop-replace' && c.obj.type === 'leg' && !this.ifindexes.has(c.obj.leg.dev)) wanted.add(c.obj.leg.dev);
    }
    const missing = new Map<string, string>();
    await Promise.all(
      [...wanted].map(
        (dev) =>
          new Promise<void>((resolve) => {
            const seq = this.nextSeq(1);
            ch.askLink(seq, (index) => {
              if (index > 0) this.ifindexes.set(dev, index);
              else missing.set(dev, `Cannot find device "${dev}"`);
              resolve();
            });
            ch.socket.send(encodeGetLink(dev, seq), (err) => {
              if (err) {
                missing.set(dev, `Cannot find device "${dev}"`);
                resolve();
              }
            });
          }),
      ),
    );
    return missing;
  }
}

function missingDevice<K>(c: Change<K>, missing: Map<string, string>): string | null {
  if (c.op === 'route-replace' && c.route.type === 'inline') {
    for (const l of c.route.set.legs) {
      const e = missing.get(l.dev);
      if (e !== undefined) return e;
    }
  } else if (c.op === 'nexthop-replace' && c.obj.type === 'leg') return missing.get(c.obj.leg.dev) ?? null;
  return null;
}

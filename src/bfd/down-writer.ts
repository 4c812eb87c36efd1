// How the BFD process writes a session's down action to the kernel: the nexthop-object changes
// through its own rtnetlink socket (src/host/netlink-writer.ts, the urgent channel, sockets opened
// ahead of need), or, when the writer is `ip` or the netlink addon does not load here, the same
// change as lines to a long-lived `ip -batch` (src/host/prepared-batch.ts). A write resolves true
// once the kernel took it: for netlink when its barrier was acknowledged with no refusal, for
// `ip` when the lines are in its pipe. What it is not: the plan (the FIB computes it) or the
// decision when to write (io.ts).
import { netlinkUnavailable } from '../host/netlink-socket.js';
import { NetlinkRouteWriter } from '../host/netlink-writer.js';
import type { PrefixCodec } from '../host/netlink-codec.js';
import { PreparedBatchWriter } from '../host/prepared-batch.js';
import type { RouteTag } from '../host/kernel-change.js';
import type { DownAction } from './messages.js';

/** `netlink` where the addon loads, else `ip`; `ip` always writes lines. */
export type DownWriterKind = 'netlink' | 'ip';

export interface DownWriter {
  /** Opens what the first write needs, so that a failure does not pay for it. */
  prepare(action: DownAction): void;
  /** True when the kernel took the whole change; false when any part was refused or not written. */
  write(action: DownAction): Promise<boolean> | boolean;
  close(): void;
}

/** Down actions change nexthop objects only: a route key here is a bug. */
const NO_PREFIXES: PrefixCodec<never> = {
  v6: () => false,
  length: () => 0,
  write: () => {
    throw new Error('a BFD down action names no route');
  },
};

function sameTag(a: RouteTag, b: RouteTag): boolean {
  return a.protocol === b.protocol && a.metric === b.metric && a.table === b.table;
}

class NetlinkDownWriter implements DownWriter {
  private writer: NetlinkRouteWriter<never> | null = null;
  private tag: RouteTag | null = null;

  constructor(
    private readonly netns: string | null,
    private readonly onError: (message: string) => void,
  ) {}

  prepare(action: DownAction): void {
    this.writerFor(action.tag).warm();
  }

  async write(action: DownAction): Promise<boolean> {
    if (action.changes.length === 0) return false;
    try {
      const outcome = await this.writerFor(action.tag).run(action.changes, true);
      for (const [i, reason] of outcome.errors) this.onError(`down action: ${action.lines[i] ?? action.changes[i]?.op}: ${reason}`);
      return outcome.errors.size === 0;
    } catch (err) {
      this.onError(`down action not written: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  close(): void {
    void this.writer?.close();
    this.writer = null;
  }

  /** The tag names the protocol of every nexthop object; a new one (rare) needs a new writer. */
  private writerFor(tag: RouteTag): NetlinkRouteWriter<never> {
    if (this.writer && this.tag && sameTag(this.tag, tag)) return this.writer;
    void this.writer?.close();
    this.tag = tag;
    this.writer = new NetlinkRouteWriter<never>({ netns: this.netns, prefixes: NO_PREFIXES, tag, timeoutMs: 2_000 });
    return this.writer;
  }
}

class LinesDownWriter implements DownWriter {
  private readonly ip: PreparedBatchWriter;

  constructor(netns: string | null, onError: (message: string) => void) {
    this.ip = new PreparedBatchWriter(netns, onError);
  }

  prepare(): void {
    this.ip.ensure();
  }

  write(action: DownAction): boolean {
    return this.ip.write(action.lines);
  }

  close(): void {
    this.ip.close();
  }
}

/** The writer for `kind`; netlink falls back to `ip` lines, with one error saying why. */
export function openDownWriter(kind: DownWriterKind, netns: string | null, onError: (message: string) => void): { writer: DownWriter; kind: DownWriterKind } {
  if (kind === 'netlink') {
    const why = netlinkUnavailable();
    if (why === null) return { writer: new NetlinkDownWriter(netns, onError), kind };
    onError(`down actions go through ip -batch: ${why}`);
  }
  return { writer: new LinesDownWriter(netns, onError), kind: 'ip' };
}

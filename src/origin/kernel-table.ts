// Origin "kernel table": the routes of one kernel routing table (where a CNI puts pod routes),
// read at start, followed through `ip -N -o monitor route`, and re-read every scan interval as a
// safety net. Route events of other tables cost one substring search each.
import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import { Coalescer } from './coalescer.js';
import type { MonitorTuning } from '../host/ip-monitor.js';
import { ipContext, readTableRoutes, type IpContext } from '../host/ip-runner.js';
import { subscribeMonitor, type MonitorSubscription } from '../host/monitor-hub.js';
import { kernelRoutes } from './kernel-routes.js';
import { isRouteLine, routeLineTable } from '../host/monitor-lines.js';
import { DEFAULT_DIRS, protocolToRead, tableToRead } from '../host/rt-names.js';
import { ORIGIN_FAMILIES, diffRoutes, type OriginEvents, type OriginReader, type OriginFamily, type OriginRoute } from './types.js';

export interface KernelTableOriginOptions {
  /** A table number, or a name from rt_tables. */
  table: number | string;
  /** Default both. */
  families?: readonly OriginFamily[];
  /**
   * Leave out routes installed with these protocols (numbers or rt_protos names), so that
   * necod never takes its own routes back. Default ["kernel"]: routes the kernel made itself.
   */
  ignoreProtocols?: readonly (number | string)[];
  netns?: string | null;
  ipPath?: string;
  logger?: Logger;
  /** Wait this long after an event for more before re-reading. Default 10 ms. */
  debounceMs?: number;
  /** Re-read the table this often as a safety net (0: never). Default 60 s. */
  scanIntervalMs?: number;
  /** Pause before retrying a failed read. Default 1 s. */
  retryMs?: number;
  monitor?: MonitorTuning;
  /** Where rt_tables and rt_protos are looked up; default iproute2's directories. */
  iproute2Dirs?: readonly string[];
}

export interface KernelTableStats {
  lines: number;
  /** Monitor lines about this table. */
  relevantLines: number;
  /** Reads of the table (each reads every configured family). */
  reads: number;
  failedReads: number;
  monitorRestarts: number;
  /** The `ip monitor` child now running, if any. */
  monitorPid: number | null;
}

export class KernelTableOrigin extends EventEmitter<OriginEvents> implements OriginReader {
  private readonly options: KernelTableOriginOptions;
  private readonly families: readonly OriginFamily[];
  private readonly ip: IpContext;
  private readonly log: Logger;
  private monitor: MonitorSubscription | null = null;
  private readonly coalescer: Coalescer;
  private tableId = 0;
  private ignoreProtocols = new Set<number>();
  private current = new Map<string, OriginRoute>();
  private scanTimer: NodeJS.Timeout | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly counters: Omit<KernelTableStats, 'monitorRestarts' | 'monitorPid'> = { lines: 0, relevantLines: 0, reads: 0, failedReads: 0 };

  constructor(options: KernelTableOriginOptions) {
    super();
    this.options = options;
    this.families = options.families ?? ORIGIN_FAMILIES;
    this.ip = ipContext(options);
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ origin: 'kernel-table', table: options.table });
    this.coalescer = new Coalescer(() => this.refresh(), {
      debounceMs: options.debounceMs ?? 10,
      retryMs: options.retryMs ?? 1000,
      onError: (err) => {
        this.counters.failedReads++;
        this.log.warn({ err }, 'reading the kernel table failed; will retry');
      },
    });
  }

  /** The table's number (resolved from its name at start). */
  get table(): number {
    return this.tableId;
  }

  /**
   * Resolves the table and protocol names, starts following the table and reads it; the routes
   * read arrive as the first 'change' event. Rejects for an unknown name or if `ip` cannot run.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('KernelTableOrigin already started');
    this.state = 'running';
    try {
      const dirs = this.options.iproute2Dirs ?? DEFAULT_DIRS;
      this.tableId = tableToRead(this.options.table, dirs);
      this.ignoreProtocols = new Set((this.options.ignoreProtocols ?? ['kernel']).map((p) => protocolToRead(p, dirs)));
      this.monitor = subscribeMonitor(
        this.ip,
        { line: (line) => this.onLine(line), resync: () => this.coalescer.request() },
        { routes: true, ignoresAdded: [...this.ignoreProtocols] },
        { tuning: this.options.monitor, logger: this.log },
      );
      // Monitor first: whatever changes during the first read is then reported, not lost.
      await this.monitor.start();
      await this.refresh();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.coalescer.resume();
    const scan = this.options.scanIntervalMs ?? 60_000;
    if (scan > 0) {
      this.scanTimer = setInterval(() => this.coalescer.request(), scan);
      this.scanTimer.unref();
    }
  }

  /** Stops following; no 'change' event is emitted after this resolves. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.scanTimer !== null) clearInterval(this.scanTimer);
    this.scanTimer = null;
    await Promise.all([this.monitor?.stop(), this.coalescer.stop()]);
  }

  routes(): OriginRoute[] {
    return [...this.current.values()];
  }

  stats(): KernelTableStats {
    return { ...this.counters, monitorRestarts: this.monitor?.restarts ?? 0, monitorPid: this.monitor?.pid ?? null };
  }

  private onLine(line: string): void {
    this.counters.lines++;
    if (!isRouteLine(line)) return;
    // null: a table named in words, which -N rules out; read rather than guess.
    const table = routeLineTable(line);
    if (table !== null && table !== this.tableId) return;
    this.counters.relevantLines++;
    this.coalescer.request();
  }

  private async refresh(): Promise<void> {
    this.counters.reads++;
    const next = new Map<string, OriginRoute>();
    const filter = { ignoreProtocols: this.ignoreProtocols };
    for (const family of this.families) {
      const routes = await readTableRoutes(this.ip, this.tableId, family);
      for (const [prefix, route] of kernelRoutes(routes, family, filter)) next.set(prefix, route);
    }
    this.publish(next);
  }

  private publish(next: Map<string, OriginRoute>): void {
    if (this.state !== 'running') return;
    const change = diffRoutes(this.current, next);
    if (change === null) return;
    this.current = next;
    this.log.debug({ added: change.added.length, removed: change.removed.length }, 'kernel table routes changed');
    try {
      this.emit('change', change);
    } catch (err) {
      this.log.error({ err }, "a 'change' listener failed");
    }
  }
}

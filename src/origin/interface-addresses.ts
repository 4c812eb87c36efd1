// Origin "direct": the addresses of named interfaces as routes, read at start and then followed
// through `ip -o monitor address link`. Each monitor line costs one regular expression and a
// map lookup; only lines about a watched interface (by index, or by a name a rule matches)
// lead to a re-read, and only of the interfaces concerned.
import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import { Coalescer } from './coalescer.js';
import { interfaceRoutes, mergeInterfaceRoutes, ruleFor, toRule, type InterfaceRule, type InterfaceSpec } from './interface-routes.js';
import type { MonitorTuning } from '../host/ip-monitor.js';
import type { IpInterface } from '../host/ip-records.js';
import { ipContext, readAddresses, type IpContext } from '../host/ip-runner.js';
import { subscribeMonitor, type MonitorSubscription } from '../host/monitor-hub.js';
import { parseLinkAddrLine } from '../host/monitor-lines.js';
import { diffRoutes, type OriginEvents, type OriginReader, type OriginRoute } from './types.js';

export interface InterfaceAddressOriginOptions {
  interfaces: readonly InterfaceSpec[];
  /** Follow this network namespace instead of the current one. */
  netns?: string | null;
  ipPath?: string;
  logger?: Logger;
  /** Wait this long after an event for more before re-reading. Default 5 ms. */
  debounceMs?: number;
  /** Re-read everything this often as a safety net (0: never). Default 60 s. */
  scanIntervalMs?: number;
  /** Pause before retrying a failed read. Default 1 s. */
  retryMs?: number;
  monitor?: MonitorTuning;
}

export interface InterfaceOriginStats {
  /** Monitor lines seen, and those about a watched interface. */
  lines: number;
  relevantLines: number;
  /** Reads of every interface (start, scans, resyncs). */
  fullReads: number;
  /** Reads of single interfaces, by name. */
  deviceReads: Record<string, number>;
  failedReads: number;
  monitorRestarts: number;
  /** The `ip monitor` child now running, if any. */
  monitorPid: number | null;
}

/** Above this many interfaces to re-read at once, one full read is cheaper. */
const MAX_DEVICE_READS = 8;

interface Watched {
  index: number;
  routes: OriginRoute[];
}

export class InterfaceAddressOrigin extends EventEmitter<OriginEvents> implements OriginReader {
  private readonly rules: InterfaceRule[];
  private readonly options: InterfaceAddressOriginOptions;
  private readonly ip: IpContext;
  private readonly log: Logger;
  private readonly monitor: MonitorSubscription;
  private readonly coalescer: Coalescer;
  /** Interfaces some rule names, present now, by name (up or down, with or without routes). */
  private watched = new Map<string, Watched>();
  private nameOfIndex = new Map<number, string>();
  private current = new Map<string, OriginRoute>();
  private pendingNames = new Set<string>();
  private pendingFull = false;
  private scanTimer: NodeJS.Timeout | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly counters = { lines: 0, relevantLines: 0, fullReads: 0, failedReads: 0 };
  private readonly deviceReads = new Map<string, number>();

  constructor(options: InterfaceAddressOriginOptions) {
    super();
    this.options = options;
    this.rules = options.interfaces.map(toRule);
    this.ip = ipContext(options);
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ origin: 'interfaces' });
    this.monitor = subscribeMonitor(
      this.ip,
      { line: (line) => this.onLine(line), resync: () => this.requestFull() },
      { routes: false },
      { tuning: options.monitor, logger: this.log },
    );
    this.coalescer = new Coalescer(() => this.refresh(), {
      debounceMs: options.debounceMs ?? 5,
      retryMs: options.retryMs ?? 1000,
      onError: (err) => {
        this.counters.failedReads++;
        this.log.warn({ err }, 'reading interface addresses failed; will retry');
      },
    });
  }

  /**
   * Starts following the interfaces; resolves after the first read, whose routes arrive as the
   * first 'change' event (none if there are none). Rejects if `ip` cannot be run at all.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('InterfaceAddressOrigin already started');
    this.state = 'running';
    // Monitor first: whatever changes during the first read is then reported, not lost.
    await this.monitor.start();
    try {
      this.pendingFull = true;
      await this.refresh();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.coalescer.resume();
    const scan = this.options.scanIntervalMs ?? 60_000;
    if (scan > 0) {
      this.scanTimer = setInterval(() => this.requestFull(), scan);
      this.scanTimer.unref();
    }
  }

  /** Stops following; no 'change' event is emitted after this resolves. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.scanTimer !== null) clearInterval(this.scanTimer);
    this.scanTimer = null;
    await Promise.all([this.monitor.stop(), this.coalescer.stop()]);
  }

  /** The routes advertised now. */
  routes(): OriginRoute[] {
    return [...this.current.values()];
  }

  stats(): InterfaceOriginStats {
    return {
      ...this.counters,
      deviceReads: Object.fromEntries(this.deviceReads),
      monitorRestarts: this.monitor.restarts,
      monitorPid: this.monitor.pid,
    };
  }

  private onLine(line: string): void {
    this.counters.lines++;
    const event = parseLinkAddrLine(line);
    if (event === null) return;
    let relevant = false;
    const known = this.nameOfIndex.get(event.index);
    if (known !== undefined) {
      // Deleted, renamed, up/down, or an address change of an interface we hold.
      this.pendingNames.add(known);
      relevant = true;
    }
    // A new interface, one renamed to a watched name, or an address on one not yet seen. Address
    // lines may carry a stale name after a rename; a wasted read then finds nothing to change.
    if ((event.object === 'link' || known === undefined) && ruleFor(this.rules, event.name) !== null) {
      this.pendingNames.add(event.name);
      relevant = true;
    }
    if (!relevant) return;
    this.counters.relevantLines++;
    this.coalescer.request();
  }

  private requestFull(): void {
    this.pendingFull = true;
    this.coalescer.request();
  }

  private async refresh(): Promise<void> {
    const full = this.pendingFull || this.pendingNames.size > MAX_DEVICE_READS;
    const names = this.pendingNames;
    this.pendingFull = false;
    this.pendingNames = new Set();
    try {
      if (full) await this.readAll();
      else await Promise.all([...names].map((name) => this.readOne(name)));
    } catch (err) {
      // Keep the work for the retry.
      if (full) this.pendingFull = true;
      for (const name of names) this.pendingNames.add(name);
      throw err;
    }
    this.publish();
  }

  private async readAll(): Promise<void> {
    this.counters.fullReads++;
    const interfaces = await readAddresses(this.ip, null);
    const watched = new Map<string, Watched>();
    for (const iface of interfaces) {
      const entry = this.entryFor(iface);
      if (entry !== null) watched.set(iface.name, entry);
    }
    this.watched = watched;
    this.reindex();
  }

  private async readOne(name: string): Promise<void> {
    this.deviceReads.set(name, (this.deviceReads.get(name) ?? 0) + 1);
    const found = (await readAddresses(this.ip, name)).find((iface) => iface.name === name);
    const entry = found === undefined ? null : this.entryFor(found);
    if (entry === null) this.watched.delete(name);
    else this.watched.set(name, entry);
    this.reindex();
  }

  private entryFor(iface: IpInterface): Watched | null {
    const rule = ruleFor(this.rules, iface.name);
    return rule === null ? null : { index: iface.index, routes: interfaceRoutes(iface, rule) };
  }

  private reindex(): void {
    const byIndex = new Map<number, string>();
    for (const [name, { index }] of this.watched) byIndex.set(index, name);
    this.nameOfIndex = byIndex;
  }

  private publish(): void {
    if (this.state !== 'running') return;
    const next = mergeInterfaceRoutes(this.watched.values());
    const change = diffRoutes(this.current, next);
    if (change === null) return;
    this.current = next;
    this.log.debug({ added: change.added.map((r) => r.prefix), removed: change.removed }, 'interface routes changed');
    try {
      this.emit('change', change);
    } catch (err) {
      this.log.error({ err }, "a 'change' listener failed");
    }
  }
}

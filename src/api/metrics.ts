/**
 * GET /metrics in the Prometheus text format, through prom-client (the Node client the
 * Prometheus project lists: it gets the exposition format, escaping and the process and
 * event-loop collectors right, which we would otherwise write and test ourselves). Every value
 * is read at scrape time from the same views the API serves, so metrics cost nothing between
 * scrapes. Names: `necod_` prefix, `_total` for counters, base units (seconds, bytes).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BfdSessionView } from '../bfd/messages.js';
import { BGP_STATES, type NeighborProvider } from './types.js';
import type { KernelSummary } from './kernel-view.js';

export interface MetricsSources {
  neighbors: NeighborProvider;
  /** Loc-RIB routes per family. */
  routes(): { ipv4: number; ipv6: number };
  kernel(): KernelSummary | null;
  /** Calls `fn` after every kernel write batch with its duration; absent without kernel export. */
  onKernelBatch?(fn: (batch: { ms: number; lines: number; failures: number }) => void): void;
  /** BFD sessions as the BFD process reports them; absent without BFD. */
  bfdSessions?(): Promise<BfdSessionView[]>;
}

/** Kernel batches take from well under a millisecond (one failover line) to seconds (a full table). */
const KERNEL_WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BFD_STATES = ['AdminDown', 'Down', 'Init', 'Up'] as const;

export interface Metrics {
  readonly contentType: string;
  text(): Promise<string>;
}

const MESSAGE_TYPES = ['open', 'update', 'notification', 'keepalive', 'routeRefresh'] as const;
const MESSAGE_TYPE_LABEL: Record<(typeof MESSAGE_TYPES)[number], string> = {
  open: 'OPEN',
  update: 'UPDATE',
  notification: 'NOTIFICATION',
  keepalive: 'KEEPALIVE',
  routeRefresh: 'ROUTE-REFRESH',
};

export function createMetrics(src: MetricsSources): Metrics {
  const registry = new Registry();
  // Heap, RSS, CPU, file descriptors, event-loop lag (necod_nodejs_eventloop_lag_seconds), GC.
  // The lag is sampled every 100 ms, not prom-client's 10 ms: at 10 ms its timer woke an idle
  // daemon 100 times a second (about 1 % of a core doing nothing); a stall still shows in the
  // histogram whenever a sample falls into it.
  collectDefaultMetrics({ register: registry, prefix: 'necod_', eventLoopMonitoringPrecision: 100 });

  new Gauge({
    name: 'necod_bgp_neighbor_state',
    help: 'BGP session state of each neighbor: 1 for the state it is in, 0 for the others (RFC 4271 §8.2.2)',
    labelNames: ['neighbor', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) for (const s of BGP_STATES) this.set({ neighbor: n.name, state: s }, n.state === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'necod_bgp_neighbor_uptime_seconds',
    help: 'Seconds the session has been Established; 0 when it is not',
    labelNames: ['neighbor'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) this.set({ neighbor: n.name }, n.uptimeSeconds ?? 0);
    },
  });
  new Counter({
    name: 'necod_bgp_messages_received_total',
    help: 'BGP messages received, by neighbor and message type',
    labelNames: ['neighbor', 'type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) for (const t of MESSAGE_TYPES) this.inc({ neighbor: n.name, type: MESSAGE_TYPE_LABEL[t] }, n.counters.messagesIn[t]);
    },
  });
  new Counter({
    name: 'necod_bgp_messages_sent_total',
    help: 'BGP messages sent, by neighbor and message type',
    labelNames: ['neighbor', 'type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) for (const t of MESSAGE_TYPES) this.inc({ neighbor: n.name, type: MESSAGE_TYPE_LABEL[t] }, n.counters.messagesOut[t]);
    },
  });
  new Gauge({
    name: 'necod_bgp_neighbor_prefixes',
    help: 'Prefixes held from each neighbor after import policy',
    labelNames: ['neighbor'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) this.set({ neighbor: n.name }, n.counters.prefixesReceived);
    },
  });
  new Counter({
    name: 'necod_bgp_prefixes_withdrawn_total',
    help: 'Prefixes each neighbor withdrew',
    labelNames: ['neighbor'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) this.inc({ neighbor: n.name }, n.counters.prefixesWithdrawn);
    },
  });
  new Counter({
    name: 'necod_bgp_session_flaps_total',
    help: 'Times the session left Established',
    labelNames: ['neighbor'],
    registers: [registry],
    collect() {
      this.reset();
      for (const n of src.neighbors.listNeighbors()) this.inc({ neighbor: n.name }, n.counters.flaps);
    },
  });
  new Gauge({
    name: 'necod_rib_routes',
    help: 'Routes in the Loc-RIB, by address family',
    labelNames: ['family'],
    registers: [registry],
    collect() {
      const r = src.routes();
      this.set({ family: 'ipv4' }, r.ipv4);
      this.set({ family: 'ipv6' }, r.ipv6);
    },
  });
  const kernelGauge = (name: string, help: string, pick: (k: KernelSummary) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const k = src.kernel();
        if (k) this.set(pick(k));
      },
    });
  };
  const kernelCounter = (name: string, help: string, pick: (k: KernelSummary) => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const k = src.kernel();
        this.reset();
        if (k) this.inc(pick(k));
      },
    });
  };
  kernelGauge('necod_kernel_routes', 'necod routes in the kernel table', (k) => k.installed);
  kernelGauge('necod_kernel_pending_routes', 'Routes waiting to be written to the kernel', (k) => k.pending);
  kernelGauge('necod_kernel_failed_routes', 'Routes the kernel refused and that wait for a retry', (k) => k.failed);
  kernelCounter('necod_kernel_writes_total', 'Route lines written to ip -batch', (k) => k.writes);
  kernelCounter('necod_kernel_write_failures_total', 'Route lines the kernel refused', (k) => k.failures);
  kernelCounter('necod_kernel_batches_total', 'ip -batch runs', (k) => k.batches);
  kernelCounter('necod_kernel_routes_restored_total', 'Routes put back after something else removed them', (k) => k.restored);

  const writeDuration = new Histogram({
    name: 'necod_kernel_write_duration_seconds',
    help: 'Time from a batch of kernel changes being prepared to the kernel having answered every line of it',
    buckets: KERNEL_WRITE_BUCKETS,
    registers: [registry],
  });
  src.onKernelBatch?.((b) => writeDuration.observe(b.ms / 1000));

  const bfd = src.bfdSessions;
  if (bfd) {
    // One worker round trip per scrape serves every BFD series.
    let scrape: Promise<BfdSessionView[]> | null = null;
    const sessions = (): Promise<BfdSessionView[]> => (scrape ??= bfd().finally(() => setImmediate(() => (scrape = null))));
    new Gauge({
      name: 'necod_bfd_session_state',
      help: 'BFD session state toward each neighbor address: 1 for the state it is in, 0 for the others (RFC 5880 §4.1)',
      labelNames: ['peer', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const v of await sessions()) for (const st of BFD_STATES) this.set({ peer: v.remote, state: st }, v.state === st ? 1 : 0);
      },
    });
    new Counter({
      name: 'necod_bfd_session_down_total',
      help: 'Times a BFD session went from Up to Down',
      labelNames: ['peer'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const v of await sessions()) this.inc({ peer: v.remote }, v.downCount);
      },
    });
    new Gauge({
      name: 'necod_bfd_detect_time_seconds',
      help: 'Detection time in use (RFC 5880 §6.8.4): the remote multiplier times the agreed receive interval',
      labelNames: ['peer'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const v of await sessions()) this.set({ peer: v.remote }, v.detectTimeUs / 1e6);
      },
    });
  }

  return { contentType: registry.contentType, text: () => registry.metrics() };
}

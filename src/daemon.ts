/**
 * The running daemon: wires the rooms together and owns the process lifecycle (logging, API
 * socket, signals, systemd readiness). It holds no protocol logic of its own: sessions live in
 * routing/neighbor-set.ts, reload in routing/reload.ts, first convergence in
 * routing/readiness.ts, and what the API shows in src/api/.
 */
import { destination as fileDestination, pino, type DestinationStream, type Logger } from 'pino';
import { createApiServer, type ApiDeps } from './api/server.js';
import { listenApi, listenApiTcp } from './api/listen.js';
import { readFile } from 'node:fs/promises';
import { createMetrics } from './api/metrics.js';
import { neighborDetail, neighborView } from './api/neighbor-view.js';
import { routeProvider } from './api/route-view.js';
import { kernelStateOf, kernelSummary, kernelView } from './api/kernel-view.js';
import { routesByFamily, statusView } from './api/status-view.js';
import type { NeighborProvider, NeighborView } from './api/types.js';
import type { Peer } from './bgp/peer.js';
import { Speaker } from './bgp/speaker.js';
import type { LogLevel, NecodConfig, NeighborConfig } from './config/types.js';
import { RouteEngine } from './routing/route-engine.js';
import { Origins } from './routing/origins.js';
import { feedKernel, startKernel } from './routing/kernel-setup.js';
import { rehearseRoutePath } from './routing/rehearsal.js';
import { announcementStore } from './routing/announcement-store.js';
import { NeighborSet } from './routing/neighbor-set.js';
import { EventBus } from './routing/events.js';
import { publishBfdEvent, publishKernelEvents, publishRoutingEvents } from './routing/event-sources.js';
import { FirstConvergence } from './routing/readiness.js';
import { reloadConfig, type ReloadOutcome } from './routing/reload.js';
import { notifySystemd } from './systemd-notify.js';
import { NECOD_VERSION } from './util/version.js';
import { startBfd } from './routing/bfd-setup.js';

export interface DaemonOptions {
  /** Neighbor state served by the API; the BGP session layer supplies it. Empty until it does. */
  neighbors?: NeighborProvider;
  /** Where JSON log lines go; stdout by default, written synchronously so none is lost at exit. */
  logDestination?: DestinationStream;
  /** Whether SIGTERM and SIGINT stop the daemon and exit the process; on by default. */
  handleSignals?: boolean;
  /** The file the configuration came from: what SIGHUP and POST /v1/reload read again. */
  configFile?: string;
  /**
   * Run a scratch table through the route path while the sessions come up (routing/rehearsal.ts),
   * so that the first real one meets compiled code. The necod command does, unless
   * NECOD_REHEARSAL=0; off by default here.
   */
  rehearse?: boolean;
}

export interface Daemon {
  readonly logger: Logger;
  readonly engine: RouteEngine;
  readonly peers: ReadonlyMap<string, Peer>;
  /** The port the BGP listener got (useful when the configuration asked for port 0). */
  readonly bgpPort: number | null;
  /** Re-reads the configuration file (SIGHUP does the same). */
  reload(): Promise<ReloadOutcome>;
  /** Sends Cease/Administrative Shutdown to every neighbor, closes the API socket. Safe to call more than once. */
  stop(how?: { graceful: boolean }): Promise<void>;
}

/** The bearer token of api.listen, from api.token-file; an empty file is refused, never "no token". */
async function readToken(file: string): Promise<string> {
  const token = (await readFile(file, 'utf8')).trim();
  if (token === '') throw new Error(`api.token-file ${file} is empty`);
  return token;
}

/** How long first convergence waits for a neighbor's initial table before giving up on it. */
const CONVERGENCE_WAIT_MS = 120_000;

export async function startDaemon(initialConfig: NecodConfig, options: DaemonOptions = {}): Promise<Daemon> {
  let config = initialConfig;
  const startedAt = Date.now();
  const logStream = options.logDestination ?? fileDestination({ dest: 1, sync: true });
  const logger = pino({ name: 'necod', level: config.log.level }, logStream);
  const engine = new RouteEngine(config, logger);
  const events = new EventBus();
  // The FIB starts first: routes a previous run left in the kernel mean necod is restarting,
  // which the OPENs announce (RFC 4724 §3) so the ToRs keep our routes meanwhile.
  const kernel = await startKernel(config, logger, engine.rib.keys);
  const restarting = kernel !== null && kernel.preserved.length > 0;
  if (restarting) logger.info({ families: kernel?.preserved }, 'routes of a previous run found: restarting gracefully');
  const speaker = config.listen ? new Speaker({ address: config.listen.address, port: config.listen.port, logger }) : null;
  const neighbors = new NeighborSet(config, engine, speaker, { restarting, forwardingPreserved: kernel?.preserved ?? [] }, logger);
  publishRoutingEvents(events, neighbors, engine);
  if (kernel) publishKernelEvents(events, kernel);
  // BFD follows the neighbor set: a reload that adds or changes a neighbor's `bfd` applies it.
  const bfd = startBfd({ neighbors, fib: kernel?.fib ?? null, logger, realtimePriority: config.bfd.realtimePriority, onTransition: (e) => publishBfdEvent(events, e) });

  const viewOf = (n: NeighborConfig, peer: Peer): NeighborView => {
    const src = engine.sourceByName(n.name);
    const held = src ? engine.rib.adjRibInCount(src.index, 'ipv4') + engine.rib.adjRibInCount(src.index, 'ipv6') : 0;
    const bfdState = bfd.stateOf(n);
    return { ...neighborView(peer.status(), n.remoteAs, config.asn, held), ...(bfdState ? { bfd: bfdState } : {}) };
  };
  const neighborProvider: NeighborProvider = options.neighbors ?? {
    listNeighbors: () => neighbors.list().map(({ config: n, peer }) => viewOf(n, peer)),
    neighbor: (name) => {
      const peer = neighbors.get(name);
      const n = neighbors.configOf(name);
      if (!peer || !n) return null;
      const src = engine.sourceByName(name);
      let best = 0;
      if (src) engine.rib.forEachRoute((_key, sel) => void (sel.source === src.index && best++));
      const view = viewOf(n, peer);
      const routes = engine.routesOf(name)?.state() ?? null;
      const exported = engine.exporter.adjRibOut(name)?.size ?? 0;
      return { ...view, detail: neighborDetail(peer.status(), { config: n, routes, prefixes: { received: view.counters.prefixesReceived, best, exported } }) };
    },
  };

  const origins = new Origins(config, engine, logger);
  const convergenceStart = Date.now();
  const firstConvergence = new FirstConvergence(() => ({
    neighbors: neighbors.active().map((name) => ({
      name,
      established: neighbors.get(name)?.established ?? false,
      converged: engine.routesOf(name)?.converged() ?? false,
    })),
    waitedOut: Date.now() - convergenceStart >= CONVERGENCE_WAIT_MS,
    kernel: kernelSummary(kernel),
  }));

  const reload = async (): Promise<ReloadOutcome> => {
    if (options.configFile === undefined) return { ok: false, errors: ['necod was started without a configuration file; nothing to reload'] };
    const outcome = await reloadConfig({
      fileName: options.configFile,
      current: () => config,
      commit: (next) => {
        config = next;
      },
      engine,
      neighbors,
      origins,
      setLogLevel: (level) => {
        logger.level = level;
      },
      logger,
    });
    events.publish('config', outcome.ok ? 'configuration reloaded' : `configuration reload refused: ${outcome.errors[0] ?? ''}`, { ok: outcome.ok });
    return outcome;
  };

  const apiDeps: ApiDeps = {
    neighbors: neighborProvider,
    routes: routeProvider(engine.rib, (prefix) => kernelStateOf(kernel, prefix)),
    announcements: announcementStore(engine, logger),
    ribSummary: () => ({ ...engine.rib.stats(), pendingChanges: engine.rib.pendingChanges }),
    kernel: () => kernelView(kernel),
    status: () =>
      statusView({
        config,
        startedAt,
        now: Date.now(),
        neighbors: neighborProvider.listNeighbors(),
        routes: routesByFamily(engine.rib),
        kernel: kernelSummary(kernel),
        ready: firstConvergence.check().ready,
      }),
    readiness: () => firstConvergence.check(),
    logLevel: {
      get: () => logger.level as LogLevel,
      set: (level) => {
        logger.level = level;
        logger.info({ level }, 'log level changed');
      },
    },
    control: neighbors,
    reload,
    events,
    metrics: createMetrics({
      neighbors: neighborProvider,
      routes: () => routesByFamily(engine.rib),
      kernel: () => kernelSummary(kernel),
      ...(kernel ? { onKernelBatch: (fn) => void kernel.fib.on('batch', fn) } : {}),
      bfdSessions: () => bfd.sessions(),
    }),
    bfdSessions: () => bfd.sessions(),
    logger,
  };
  const api = createApiServer(apiDeps);
  // fastify listens once per instance: the TCP listener is a second server over the same state.
  const tcp = config.api.listen;
  const tcpApi = tcp ? createApiServer({ ...apiDeps, ...(config.api.tokenFile ? { token: await readToken(config.api.tokenFile) } : {}) }) : null;
  const closeApi = async (): Promise<void> => {
    await api.close();
    await tcpApi?.close();
  };
  try {
    await listenApi(api, config.api.socket, config.api.socketGroup);
    if (tcpApi && tcp) await listenApiTcp(tcpApi, tcp.address, tcp.port);
    if (speaker) await speaker.listen();
  } catch (error) {
    await closeApi();
    await speaker?.close();
    await bfd.stop();
    throw error;
  }
  try {
    await origins.start();
  } catch (error) {
    logger.error({ err: error }, 'an origin could not start');
    await origins.stop();
    await closeApi();
    await speaker?.close();
    await bfd.stop();
    throw error;
  }
  const disconnectKernel = kernel ? feedKernel(engine, kernel, neighbors.active(), CONVERGENCE_WAIT_MS) : () => undefined;
  neighbors.startActive();

  let stopping: Promise<void> | undefined;
  // Ends as soon as a session is up: from then on a real table may arrive, and it goes first.
  const rehearsal = options.rehearse
    ? rehearseRoutePath({
        config,
        fibMode: kernel ? kernel.fib.status().mode : null,
        stop: () => stopping !== undefined || config.neighbors.some((n) => neighbors.get(n.name)?.established === true),
      }).then(
        (r) => logger.info({ updates: r.updates, routes: r.routes, installed: r.installed, ms: Math.round(r.ms), cut: r.cut }, 'route path rehearsed on a scratch table'),
        (err: unknown) => logger.warn({ err }, 'route path rehearsal failed; the first table meets uncompiled code'),
      )
    : Promise.resolve();
  /**
   * A plain stop tells every neighbor why the session ends (Cease/Administrative Shutdown with
   * an RFC 9003 text), as BIRD does on SIGTERM. A graceful stop (SIGUSR2, before a planned
   * restart) closes sessions that negotiated graceful restart without a NOTIFICATION
   * (RFC 4724 §4), so the neighbors keep our routes while we restart, as the kernel keeps theirs.
   */
  const stop = (how: { graceful: boolean } = { graceful: false }): Promise<void> => {
    stopping ??= (async () => {
      removeSignalHandlers();
      notifySystemd('STOPPING=1', logger);
      disconnectKernel();
      await rehearsal;
      // AdminDown first (RFC 5882 §3.2): the ToRs must not take our goodbye for a failure.
      await bfd.stop();
      await neighbors.stopAll(how);
      await speaker?.close();
      await origins.stop();
      engine.close();
      // With graceful restart our routes stay for the next start to reconcile (RFC 4724).
      const keep = how.graceful || config.kernel.keepOnStop || config.neighbors.some((n) => n.capabilities.gracefulRestart);
      await kernel?.stop(keep);
      await closeApi();
      logger.info({ graceful: how.graceful }, 'necod stopped');
    })();
    return stopping;
  };

  const onStopSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, signal === 'SIGUSR2' ? 'necod stopping for a graceful restart' : 'necod stopping');
    stop({ graceful: signal === 'SIGUSR2' }).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'necod did not stop cleanly');
        process.exit(1);
      },
    );
  };
  // SIGHUP (and `systemctl reload`, whose ExecReload sends it) re-reads the file; reloadConfig logs the outcome.
  const onHangup = (): void => {
    logger.info('configuration reload requested (SIGHUP)');
    reload().catch((error: unknown) => logger.error({ err: error }, 'configuration reload failed'));
  };
  const removeSignalHandlers = (): void => {
    process.off('SIGTERM', onStopSignal);
    process.off('SIGINT', onStopSignal);
    process.off('SIGUSR2', onStopSignal);
    process.off('SIGHUP', onHangup);
  };
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onStopSignal);
    process.on('SIGINT', onStopSignal);
    process.on('SIGUSR2', onStopSignal);
    process.on('SIGHUP', onHangup);
  }

  logger.info(
    { version: NECOD_VERSION, routerId: config.routerId, asn: config.asn, neighbors: config.neighbors.length, apiSocket: config.api.socket },
    'necod started',
  );
  // The API listens and the kernel state was read (startKernel): systemd may start what needs necod.
  notifySystemd('READY=1', logger, [`STATUS=${config.neighbors.length} neighbors, API on ${config.api.socket}`]);
  return {
    logger,
    engine,
    get peers() {
      return new Map(neighbors.list().map(({ config: n, peer }) => [n.name, peer]));
    },
    bgpPort: speaker?.address()?.port ?? null,
    reload,
    stop,
  };
}

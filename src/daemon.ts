/**
 * The running daemon: wires the rooms together and owns the process lifecycle (logging, API
 * socket, signals). It holds no protocol logic of its own.
 */
import { destination as fileDestination, pino, type DestinationStream, type Logger } from 'pino';
import { createApiServer } from './api/server.js';
import { listenApi } from './api/listen.js';
import type { NeighborProvider } from './api/types.js';
import { Peer } from './bgp/peer.js';
import { Speaker } from './bgp/speaker.js';
import { CeaseSubcode } from './bgp/wire/index.js';
import type { NecodConfig } from './config/types.js';
import { neighborView } from './routing/neighbor-view.js';
import { peerOptions } from './routing/neighbor-settings.js';
import { RouteEngine } from './routing/route-engine.js';
import { routeProvider } from './routing/route-view.js';
import { Origins } from './routing/origins.js';
import { feedKernel, kernelStateOf, kernelView, startKernel } from './routing/kernel-setup.js';
import { announcementStore } from './routing/announcement-store.js';

export interface DaemonOptions {
  /** Neighbor state served by the API; the BGP session layer supplies it. Empty until it does. */
  neighbors?: NeighborProvider;
  /** Where JSON log lines go; stdout by default, written synchronously so none is lost at exit. */
  logDestination?: DestinationStream;
  /** Whether SIGTERM and SIGINT stop the daemon and exit the process; on by default. */
  handleSignals?: boolean;
}

export interface Daemon {
  readonly logger: Logger;
  readonly engine: RouteEngine;
  readonly peers: ReadonlyMap<string, Peer>;
  /** The port the BGP listener got (useful when the configuration asked for port 0). */
  readonly bgpPort: number | null;
  /** Sends Cease/Administrative Shutdown to every neighbor, closes the API socket. Safe to call more than once. */
  stop(how?: { graceful: boolean }): Promise<void>;
}

export async function startDaemon(config: NecodConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const logStream = options.logDestination ?? fileDestination({ dest: 1, sync: true });
  const logger = pino({ name: 'necod', level: config.log.level }, logStream);
  const engine = new RouteEngine(config, logger);
  // The FIB starts first: routes a previous run left in the kernel mean necod is restarting,
  // which the OPENs announce (RFC 4724 §3) so the ToRs keep our routes meanwhile.
  const kernel = await startKernel(config, logger);
  const restarting = kernel !== null && kernel.preserved.length > 0;
  if (restarting) logger.info({ families: kernel?.preserved }, 'routes of a previous run found: restarting gracefully');
  const peers = new Map<string, Peer>();
  const speaker = config.listen ? new Speaker({ address: config.listen.address, port: config.listen.port, logger }) : null;
  for (const n of config.neighbors) {
    const peer = new Peer(peerOptions(config, n, { restarting, forwardingPreserved: kernel?.preserved ?? [], logger }));
    engine.addNeighbor(n, peer);
    peers.set(n.name, peer);
    speaker?.addPeer(peer);
  }
  const neighbors: NeighborProvider = options.neighbors ?? {
    listNeighbors: () =>
      config.neighbors.map((n) => {
        const peer = peers.get(n.name) as Peer;
        const src = engine.sourceByName(n.name);
        const held = src ? engine.rib.adjRibInCount(src.index, 'ipv4') + engine.rib.adjRibInCount(src.index, 'ipv6') : 0;
        return neighborView(peer.status(), n.remoteAs, config.asn, held);
      }),
  };
  const api = createApiServer({
    neighbors,
    routes: routeProvider(engine.rib, (prefix) => kernelStateOf(kernel, prefix)),
    announcements: announcementStore(engine, logger),
    ribSummary: () => ({ ...engine.rib.stats(), pendingChanges: engine.rib.pendingChanges }),
    kernel: () => kernelView(kernel),
    logger,
  });
  try {
    await listenApi(api, config.api.socket);
    if (speaker) await speaker.listen();
  } catch (error) {
    await api.close();
    await speaker?.close();
    throw error;
  }
  const origins = new Origins(config, engine, logger);
  try {
    await origins.start();
  } catch (error) {
    logger.error({ err: error }, 'an origin could not start');
    await origins.stop();
    await api.close();
    await speaker?.close();
    throw error;
  }
  const active = config.neighbors.filter((n) => !n.shutdown).map((n) => n.name);
  const disconnectKernel = kernel ? feedKernel(engine, kernel, active, 120_000) : () => undefined;
  for (const name of active) peers.get(name)?.start();

  let stopping: Promise<void> | undefined;
  /**
   * A plain stop tells every neighbor why the session ends (Cease/Administrative Shutdown with
   * an RFC 9003 text), as BIRD does on SIGTERM. A graceful stop (SIGUSR2, before a planned
   * restart) closes sessions that negotiated graceful restart without a NOTIFICATION
   * (RFC 4724 §4), so the neighbors keep our routes while we restart, as the kernel keeps theirs.
   */
  const stop = (how: { graceful: boolean } = { graceful: false }): Promise<void> => {
    stopping ??= (async () => {
      removeSignalHandlers();
      disconnectKernel();
      await Promise.all(
        config.neighbors.map((n) => {
          const p = peers.get(n.name) as Peer;
          return how.graceful && n.capabilities.gracefulRestart && p.negotiated?.gracefulRestart
            ? p.stop({ silent: true })
            : p.stop({ subcode: CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, text: 'necod stopping' });
        }),
      );
      await speaker?.close();
      await origins.stop();
      engine.close();
      // With graceful restart our routes stay for the next start to reconcile (RFC 4724).
      const keep = how.graceful || config.kernel.keepOnStop || config.neighbors.some((n) => n.capabilities.gracefulRestart);
      await kernel?.stop(keep);
      await api.close();
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
  // Without a handler SIGHUP would end the process; operators send it expecting a reload.
  const onHangup = (): void => logger.warn('configuration reload (SIGHUP) is not supported yet; ignoring it');
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
    { routerId: config.routerId, asn: config.asn, neighbors: config.neighbors.length, apiSocket: config.api.socket },
    'necod started',
  );
  return { logger, engine, peers, bgpPort: speaker?.address()?.port ?? null, stop };
}

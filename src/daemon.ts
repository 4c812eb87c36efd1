/**
 * The running daemon: wires the rooms together and owns the process lifecycle (logging, API
 * socket, signals). It holds no protocol logic; the BGP session layer plugs in through
 * DaemonOptions.neighbors.
 */
import { destination as fileDestination, pino, type DestinationStream, type Logger } from 'pino';
import { createApiServer } from './api/server.js';
import { listenApi } from './api/listen.js';
import type { NeighborProvider } from './api/types.js';
import type { NecodConfig } from './config/types.js';

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
  /** Closes the API socket (and, later, every session). Safe to call more than once. */
  stop(): Promise<void>;
}

const noNeighbors: NeighborProvider = { listNeighbors: () => [] };

export async function startDaemon(config: NecodConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const logStream = options.logDestination ?? fileDestination({ dest: 1, sync: true });
  const logger = pino({ name: 'necod', level: config.log.level }, logStream);
  const api = createApiServer({ neighbors: options.neighbors ?? noNeighbors, logger });
  try {
    await listenApi(api, config.api.socket);
  } catch (error) {
    await api.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      removeSignalHandlers();
      await api.close();
      logger.info('necod stopped');
    })();
    return stopping;
  };

  const onStopSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'necod stopping');
    stop().then(
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
    process.off('SIGHUP', onHangup);
  };
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onStopSignal);
    process.on('SIGINT', onStopSignal);
    process.on('SIGHUP', onHangup);
  }

  logger.info(
    { routerId: config.routerId, asn: config.asn, neighbors: config.neighbors.length, apiSocket: config.api.socket },
    'necod started',
  );
  return { logger, stop };
}

/** The control API: a fastify instance with necod's routes, not yet listening. */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { registerNeighborRoutes } from './routes/neighbors.js';
import { registerRouteRoutes } from './routes/routes.js';
import { registerAnnouncementRoutes, type AnnouncementStore } from './routes/announcements.js';
import type { RouteProvider } from './route-types.js';
import { registerRibSummary, type RibSummary } from './routes/rib-summary.js';
import { registerKernelRoutes, type KernelView } from './routes/kernel.js';
import { registerBfdRoutes, type BfdSessionsView } from './routes/bfd.js';
import type { NeighborProvider } from './types.js';

export interface ApiDeps {
  neighbors: NeighborProvider;
  routes?: RouteProvider;
  announcements?: AnnouncementStore;
  ribSummary?: () => Omit<RibSummary, 'memory'>;
  kernel?: () => KernelView;
  bfdSessions?: () => Promise<BfdSessionsView>;
  /** The daemon's logger; without one the server logs nothing. */
  logger?: FastifyBaseLogger;
}

export function createApiServer(deps: ApiDeps): FastifyInstance {
  const server: FastifyInstance = Fastify({
    ...(deps.logger === undefined ? { logger: false } : { loggerInstance: deps.logger }),
    // necod-cli polls; a log line per request would drown the protocol events. Requests are
    // logged at debug level below instead.
    logController: new LogController({ disableRequestLogging: true }),
    // An unknown key in a request is a mistake worth a 400, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
  });

  server.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
      'api request',
    );
  });

  // Every error response has the same shape, {error: "..."}, so clients need one code path.
  server.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: `no such API endpoint: ${request.method} ${request.url}` }),
  );
  server.setErrorHandler<FastifyError>(async (error, request, reply) => {
    const clientError = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500;
    const status = clientError ? (error.statusCode ?? 400) : 500;
    if (status === 500) request.log.error({ err: error, url: request.url }, 'api request failed');
    return reply.code(status).send({ error: status === 500 ? `internal error: ${error.message}` : error.message });
  });

  registerNeighborRoutes(server, deps.neighbors);
  if (deps.routes) registerRouteRoutes(server, deps.routes);
  if (deps.announcements) registerAnnouncementRoutes(server, deps.announcements);
  if (deps.ribSummary) registerRibSummary(server, deps.ribSummary);
  if (deps.kernel) registerKernelRoutes(server, deps.kernel);
  registerBfdRoutes(server, deps.bfdSessions);
  return server;
}

/** The control API: a fastify instance with necod's routes and its OpenAPI document, not yet listening. */
import { timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { EventBus } from '../routing/events.js';
import type { ReloadOutcome } from '../routing/reload.js';
import { NECOD_VERSION } from '../util/version.js';
import type { Metrics } from './metrics.js';
import { registerNeighborRoutes } from './routes/neighbors.js';
import { registerNeighborActions, type NeighborControl } from './routes/neighbor-actions.js';
import { registerRouteRoutes } from './routes/routes.js';
import { registerAnnouncementRoutes, type AnnouncementStore } from './routes/announcements.js';
import type { RouteProvider } from './route-types.js';
import { registerRibSummary, type RibSummary } from './routes/rib-summary.js';
import { registerKernelRoutes, type KernelView } from './routes/kernel.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerLogLevelRoutes, type LogLevelControl } from './routes/log-level.js';
import { registerReloadRoute } from './routes/reload.js';
import { registerEventRoutes } from './routes/events.js';
import { registerBfdRoutes, type BfdSessionsView } from './routes/bfd.js';
import type { NeighborProvider, Readiness, StatusView } from './types.js';

export interface ApiDeps {
  neighbors: NeighborProvider;
  routes?: RouteProvider;
  announcements?: AnnouncementStore;
  ribSummary?: () => Omit<RibSummary, 'memory'>;
  kernel?: () => KernelView;
  status?: () => StatusView;
  readiness?: () => Readiness;
  logLevel?: LogLevelControl;
  control?: NeighborControl;
  reload?: () => Promise<ReloadOutcome>;
  events?: EventBus;
  metrics?: Metrics;
  /**
   * Bearer token every request over TCP must carry (api.listen); requests over the unix socket,
   * which its file mode already guards, need none.
   */
  token?: string;
  bfdSessions?: () => Promise<BfdSessionsView>;
  /** The daemon's logger; without one the server logs nothing. */
  logger?: FastifyBaseLogger;
}

/** Request bodies are a few hundred bytes; anything near this is a mistake or an attack (413). */
export const BODY_LIMIT_BYTES = 64 * 1024;

export function createApiServer(deps: ApiDeps): FastifyInstance {
  const server: FastifyInstance = Fastify({
    ...(deps.logger === undefined ? { logger: false } : { loggerInstance: deps.logger }),
    // necod-cli polls; a log line per request would drown the protocol events. Requests are
    // logged at debug level below instead.
    logController: new LogController({ disableRequestLogging: true }),
    // An unknown key in a request is a mistake worth a 400, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
    bodyLimit: BODY_LIMIT_BYTES,
  });

  server.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
      'api request',
    );
  });

  if (deps.token !== undefined) {
    const expected = Buffer.from(`Bearer ${deps.token}`);
    server.addHook('onRequest', async (request, reply) => {
      // A unix-socket request has no remote address.
      if (request.socket.remoteAddress === undefined) return;
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid bearer token is required (Authorization: Bearer …)' });
      }
    });
  }

  // Every error response has the same shape, {error: "..."}, so clients need one code path.
  server.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: `no such API endpoint: ${request.method} ${request.url}` }),
  );
  server.setErrorHandler<FastifyError>(async (error, request, reply) => {
    const clientError = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500;
    const status = clientError ? (error.statusCode ?? 400) : 500;
    if (status === 500) request.log.error({ err: error, url: request.url }, 'api request failed');
    const message = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `request body over ${BODY_LIMIT_BYTES} bytes` : error.message;
    return reply.code(status).send({ error: status === 500 ? `internal error: ${message}` : message });
  });

  // The document is built from the schemas the routes below declare (registered after it, so it sees them).
  void server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'necod control API', version: NECOD_VERSION, description: 'BGP-4 speaker for layer-3 data-center servers; necod-cli speaks this API.' },
    },
  });

  void server.register(async (app) => {
    registerNeighborRoutes(app, deps.neighbors);
    if (deps.control) registerNeighborActions(app, deps.control);
    if (deps.routes) registerRouteRoutes(app, deps.routes);
    if (deps.announcements) registerAnnouncementRoutes(app, deps.announcements);
    if (deps.ribSummary) registerRibSummary(app, deps.ribSummary);
    if (deps.kernel) registerKernelRoutes(app, deps.kernel);
    registerBfdRoutes(app, deps.bfdSessions);
    registerStatusRoutes(app, deps.status, deps.readiness);
    if (deps.logLevel) registerLogLevelRoutes(app, deps.logLevel);
    if (deps.reload) registerReloadRoute(app, deps.reload);
    if (deps.events) registerEventRoutes(app, deps.events);
    const metrics = deps.metrics;
    if (metrics) {
      app.get('/metrics', { schema: { response: { 200: { type: 'string', description: 'Prometheus text format' } } } }, async (_request, reply) =>
        reply.type(metrics.contentType).send(await metrics.text()),
      );
    }
    app.get('/v1/openapi.json', { schema: { hide: true, response: { 200: { type: 'object', additionalProperties: true } } } }, async () => app.swagger());
  });
  return server;
}

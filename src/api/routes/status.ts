/** GET /v1/status, GET /healthz (the process answers) and GET /readyz (first convergence reached). */
import type { FastifyInstance } from 'fastify';
import { readinessSchema, statusSchema } from '../schemas.js';
import type { Readiness, StatusView } from '../types.js';

/** Without a readiness source (a server outside the daemon) /readyz answers ready. */
export function registerStatusRoutes(server: FastifyInstance, status?: () => StatusView, readiness?: () => Readiness): void {
  if (status) server.get('/v1/status', { schema: { response: { 200: statusSchema } } }, async () => status());

  server.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } } } },
    async () => ({ ok: true }),
  );

  // 503 until ready, so a load balancer or an orchestrator can use the status code alone.
  server.get('/readyz', { schema: { response: { 200: readinessSchema, 503: readinessSchema } } }, async (_request, reply) => {
    const r = readiness ? readiness() : { ready: true, waitingFor: [] };
    return reply.code(r.ready ? 200 : 503).send(r);
  });
}

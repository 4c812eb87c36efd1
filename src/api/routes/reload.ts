/** POST /v1/reload: re-read the configuration file and apply it, or refuse it whole with the FILE:LINE errors. */
import type { FastifyInstance } from 'fastify';
import type { ReloadOutcome } from '../../routing/reload.js';

const reloadSchema = {
  type: 'object',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    changed: { type: 'boolean' },
    errors: { type: 'array', items: { type: 'string' } },
    notes: { type: 'array', items: { type: 'string' } },
    plan: { type: 'object', additionalProperties: true },
  },
} as const;

export function registerReloadRoute(server: FastifyInstance, reload: () => Promise<ReloadOutcome>): void {
  server.post('/v1/reload', { schema: { response: { 200: reloadSchema, 422: reloadSchema } } }, async (_request, reply) => {
    const outcome = await reload();
    // 422: the request was fine, the file is not; nothing changed.
    return reply.code(outcome.ok ? 200 : 422).send(outcome);
  });
}

/** GET /v1/routes: the Loc-RIB, one prefix or all, with the paths behind each route. */
import type { FastifyInstance } from 'fastify';
import { errorSchema } from '../schemas.js';
import type { RouteProvider } from '../route-types.js';

interface Query {
  prefix?: string;
  family?: 'ipv4' | 'ipv6';
  all?: boolean;
  limit?: number;
}

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prefix: { type: 'string', maxLength: 64 },
    family: { type: 'string', enum: ['ipv4', 'ipv6'] },
    all: { type: 'boolean' },
    limit: { type: 'integer', minimum: 0, maximum: 10_000_000 },
  },
} as const;

export function registerRouteRoutes(server: FastifyInstance, provider: RouteProvider): void {
  server.get<{ Querystring: Query }>(
    '/v1/routes',
    { schema: { querystring: querySchema, response: { 400: errorSchema } }, attachValidation: true },
    async (request, reply) => {
      if (request.validationError) {
        return reply.code(400).send({ error: `bad query: ${request.validationError.message.replace(/^querystring/, '')}` });
      }
      const q = request.query;
      const list = provider.listRoutes({ prefix: q.prefix, family: q.family, all: q.all ?? false, limit: q.limit ?? 10_000 });
      if (list === null) return reply.code(400).send({ error: `not a prefix or address: ${JSON.stringify(q.prefix)}` });
      return list;
    },
  );
}

/**
 * GET /v1/routes: the Loc-RIB, filtered, one page at a time (`limit`, `cursor`), or with
 * limit=0 every route, streamed page by page so the whole answer never exists in memory.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Family } from '../../net/index.js';
import { errorSchema } from '../schemas.js';
import type { RouteList, RouteProvider, RouteQuery } from '../route-types.js';

interface Query {
  prefix?: string;
  match?: 'exact' | 'longer' | 'covering';
  for?: string;
  family?: Family;
  neighbor?: string;
  best?: boolean;
  all?: boolean;
  limit?: number;
  cursor?: string;
}

export const routeQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prefix: { type: 'string', maxLength: 64, description: 'a prefix; an address asks for the longest match' },
    match: { type: 'string', enum: ['exact', 'longer', 'covering'], description: 'how routes relate to prefix' },
    for: { type: 'string', maxLength: 64, description: 'an address: the longest prefix holding it' },
    family: { type: 'string', enum: ['ipv4', 'ipv6'] },
    neighbor: { type: 'string', maxLength: 255, description: 'only routes this neighbor sent a path for' },
    best: { type: 'boolean', description: 'only the best path of each route' },
    all: { type: 'boolean', description: 'also paths that lost, and every attribute' },
    limit: { type: 'integer', minimum: 0, maximum: 100_000, description: 'routes per page; 0 streams every route' },
    cursor: { type: 'string', maxLength: 16, description: 'the next of the previous page' },
  },
} as const;

/** Routes per page while streaming everything: small enough to keep each turn of the event loop short. */
const STREAM_PAGE = 2000;

export function registerRouteRoutes(server: FastifyInstance, provider: RouteProvider): void {
  server.get<{ Querystring: Query }>(
    '/v1/routes',
    {
      schema: {
        querystring: routeQuerySchema,
        // The route list's shape is src/api/route-types.ts; it is not declared here so that the
        // streamed form (limit=0) and the paged form share one serializer: JSON.stringify.
        response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 404: errorSchema },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError) {
        return reply.code(400).send({ error: `bad query: ${request.validationError.message.replace(/^querystring\/?/, '')}` });
      }
      const q = request.query;
      const query: RouteQuery = { ...q, all: q.all ?? false, limit: q.limit ?? 1000 };
      if (query.limit !== 0) {
        const page = provider.listRoutes(query);
        if ('error' in page) return reply.code(page.status).send({ error: page.error });
        return reply.type('application/json').send(JSON.stringify(page));
      }
      const first = provider.listRoutes({ ...query, limit: STREAM_PAGE });
      if ('error' in first) return reply.code(first.status).send({ error: first.error });
      return reply.type('application/json').send(Readable.from(streamAll(provider, query, first)));
    },
  );
}

/** `{"total":…,"truncated":false,"next":null,"routes":[…]}`, written one page at a time. */
async function* streamAll(provider: RouteProvider, query: RouteQuery, first: RouteList): AsyncGenerator<string> {
  yield `{"total":${first.total},"truncated":false,"next":null,"routes":[`;
  let page: RouteList = first;
  let comma = '';
  for (;;) {
    for (const r of page.routes) {
      yield comma + JSON.stringify(r);
      comma = ',';
    }
    if (page.next === null) break;
    // Let other requests and the sessions run between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const next = provider.listRoutes({ ...query, limit: STREAM_PAGE, cursor: page.next });
    if ('error' in next) break;
    page = next;
  }
  yield ']}';
}

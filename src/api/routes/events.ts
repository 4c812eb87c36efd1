/**
 * GET /v1/events: server-sent events (text/event-stream), one `event: KIND` + `data: JSON` per
 * change, filtered by `kind` (comma-separated). A comment line every 15 s keeps proxies and
 * idle timeouts from closing a quiet stream.
 */
import type { FastifyInstance } from 'fastify';
import { EVENT_KINDS, type EventBus, type EventKind } from '../../routing/events.js';
import { errorSchema } from '../schemas.js';

const KEEPALIVE_MS = 15_000;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { kind: { type: 'string', maxLength: 100, description: `comma-separated: ${EVENT_KINDS.join(', ')}` } },
} as const;

export function parseKinds(text: string | undefined): Set<EventKind> | string {
  if (text === undefined || text === '') return new Set(EVENT_KINDS);
  const kinds = new Set<EventKind>();
  for (const k of text.split(',')) {
    const kind = EVENT_KINDS.find((known) => known === k.trim());
    if (kind === undefined) return `kind: unknown event kind ${JSON.stringify(k)} (known: ${EVENT_KINDS.join(', ')})`;
    kinds.add(kind);
  }
  return kinds;
}

export function registerEventRoutes(server: FastifyInstance, bus: EventBus): void {
  server.get<{ Querystring: { kind?: string } }>(
    '/v1/events',
    {
      schema: {
        querystring: querySchema,
        response: { 200: { type: 'string', description: 'text/event-stream: event: KIND, data: {kind, time, message, data}' }, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const kinds = parseKinds(request.query.kind);
      if (typeof kinds === 'string') return reply.code(400).send({ error: kinds });
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': necod events\n\n');
      const unsubscribe = bus.subscribe((event) => {
        if (kinds.has(event.kind)) res.write(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
      request.raw.once('close', () => {
        clearInterval(keepalive);
        unsubscribe();
      });
    },
  );
}

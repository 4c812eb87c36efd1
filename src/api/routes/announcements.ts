/**
 * Routes announced through the API (load-balancer addresses and the like):
 * GET /v1/announcements, POST /v1/announcements, DELETE /v1/announcements?prefix=P, and the
 * idempotent forms a controller uses: PUT and DELETE /v1/announcements/PREFIX (the prefix as
 * it is, slash included: /v1/announcements/192.0.2.10/32).
 */
import type { FastifyInstance } from 'fastify';
import { parseCommunity, type LargeCommunity } from '../../bgp/wire/index.js';
import { addressFamily, formatPrefix, hasHostBits, networkOf, parseAddress, parsePrefix } from '../../net/index.js';
import { largeCommunityCheck } from '../../config/community-text.js';
import type { LocalRoute } from '../../routing/local-routes.js';
import type { AnnouncementStore } from '../../routing/announcement-store.js';
import { errorSchema } from '../schemas.js';

export type { AnnouncementStore };

interface Body {
  prefix: string;
  'next-hop'?: string;
  blackhole?: boolean;
  communities?: string[];
  'large-communities'?: string[];
  'local-pref'?: number;
  med?: number;
}

const routeProperties = {
    'next-hop': { type: 'string', maxLength: 64 },
    blackhole: { type: 'boolean' },
    communities: { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 32 } },
    'large-communities': { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 40 } },
    'local-pref': { type: 'integer', minimum: 0, maximum: 4294967295 },
    med: { type: 'integer', minimum: 0, maximum: 4294967295 },
} as const;

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prefix'],
  properties: { prefix: { type: 'string', maxLength: 64 }, ...routeProperties },
} as const;

/** PUT's body: the route without its prefix, which the path names; empty means a plain route. */
const putBodySchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { prefix: { type: 'string', maxLength: 64, description: 'if given, must equal the path' }, ...routeProperties },
} as const;

const announcementSchema = { type: 'object', additionalProperties: true } as const;

function parseLarge(s: string): LargeCommunity | null {
  const r = largeCommunityCheck.check(s);
  return r.ok ? r.value : null;
}

/** Checks and converts a request body; returns the reason when it is not acceptable. */
export function announcementFromBody(b: Body): LocalRoute | string {
  const p = parsePrefix(b.prefix);
  if (!p) return `prefix: not a prefix: ${JSON.stringify(b.prefix)}`;
  if (hasHostBits(p)) return `prefix: ${b.prefix} has host bits set; did you mean ${formatPrefix(networkOf(p))}?`;
  const nh = b['next-hop'];
  if (nh !== undefined) {
    const via = parseAddress(nh);
    if (via === null) return `next-hop: not an address: ${JSON.stringify(nh)}`;
    if (addressFamily(via) !== addressFamily(p.address)) return `next-hop: ${nh} is not of the prefix's family`;
    if (b.blackhole) return 'blackhole and next-hop exclude each other';
  }
  const communities: number[] = [];
  for (const c of b.communities ?? []) {
    const v = parseCommunity(c);
    if (v === null) return `communities: not a community: ${JSON.stringify(c)} (expected a:b with 16-bit parts, or a name such as NO_EXPORT)`;
    communities.push(v);
  }
  const large: LargeCommunity[] = [];
  for (const c of b['large-communities'] ?? []) {
    const v = parseLarge(c);
    if (!v) return `large-communities: not a large community: ${JSON.stringify(c)} (expected a:b:c with 32-bit parts)`;
    large.push(v);
  }
  return {
    prefix: b.prefix,
    kind: b.blackhole ? 'blackhole' : 'unicast',
    nextHop: nh ?? null,
    device: null,
    communities,
    largeCommunities: large,
    ...(b['local-pref'] !== undefined ? { localPref: b['local-pref'] } : {}),
    ...(b.med !== undefined ? { med: b.med } : {}),
  };
}

export function registerAnnouncementRoutes(server: FastifyInstance, store: AnnouncementStore): void {
  server.get('/v1/announcements', { schema: { response: { 200: { type: 'array', items: announcementSchema } } } }, async () => store.list());

  server.post<{ Body: Body }>('/v1/announcements', { schema: { body: bodySchema, response: { 201: announcementSchema, 400: errorSchema } }, attachValidation: true }, async (request, reply) => {
    if (request.validationError) return reply.code(400).send({ error: `bad announcement: ${request.validationError.message.replace(/^body\/?/, '')}` });
    const route = announcementFromBody(request.body);
    if (typeof route === 'string') return reply.code(400).send({ error: route });
    store.announce(route);
    return reply.code(201).send(route);
  });

  server.put<{ Params: { '*': string }; Body: Partial<Body> | null }>(
    '/v1/announcements/*',
    { schema: { body: putBodySchema, response: { 200: announcementSchema, 201: announcementSchema, 400: errorSchema } }, attachValidation: true },
    async (request, reply) => {
      if (request.validationError) return reply.code(400).send({ error: `bad announcement: ${request.validationError.message.replace(/^body\/?/, '')}` });
      const prefix = request.params['*'];
      const body = request.body ?? {};
      if (body.prefix !== undefined && body.prefix !== prefix) return reply.code(400).send({ error: `prefix: ${body.prefix} in the body differs from ${prefix} in the path` });
      const route = announcementFromBody({ ...body, prefix });
      if (typeof route === 'string') return reply.code(400).send({ error: route });
      const existed = store.list().some((r) => r.prefix === prefix);
      store.announce(route);
      return reply.code(existed ? 200 : 201).send(route);
    },
  );

  server.delete<{ Params: { '*': string } }>(
    '/v1/announcements/*',
    { schema: { response: { 204: { type: 'null' }, 400: errorSchema, 404: errorSchema } } },
    async (request, reply) => {
      const prefix = request.params['*'];
      if (!parsePrefix(prefix)) return reply.code(400).send({ error: `prefix: not a prefix: ${JSON.stringify(prefix)}` });
      if (!store.withdraw(prefix)) return reply.code(404).send({ error: `nothing announced for ${prefix}` });
      return reply.code(204).send();
    },
  );

  server.delete<{ Querystring: { prefix?: string } }>(
    '/v1/announcements',
    { schema: { querystring: { type: 'object', properties: { prefix: { type: 'string', maxLength: 64 } } }, response: { 204: { type: 'null' }, 400: errorSchema, 404: errorSchema } } },
    async (request, reply) => {
    const prefix = request.query.prefix;
    if (!prefix) return reply.code(400).send({ error: 'prefix: missing (DELETE /v1/announcements?prefix=10.0.0.1/32)' });
    if (!parsePrefix(prefix)) return reply.code(400).send({ error: `prefix: not a prefix: ${JSON.stringify(prefix)}` });
    if (!store.withdraw(prefix)) return reply.code(404).send({ error: `nothing announced for ${prefix}` });
    return reply.code(204).send();
  },
  );
}

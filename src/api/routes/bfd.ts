/**
 * GET /v1/bfd/sessions: every BFD session with its state, intervals in use, discriminators,
 * diagnostics and counters, as the BFD process reports them. An empty list without BFD.
 */
import type { FastifyInstance } from 'fastify';
import type { BfdSessionView } from '../../bfd/messages.js';

export type { BfdSessionView };
export type BfdSessionsView = BfdSessionView[];

export function registerBfdRoutes(server: FastifyInstance, sessions: (() => Promise<BfdSessionsView>) | undefined): void {
  server.get('/v1/bfd/sessions', async () => ({ sessions: sessions ? await sessions() : [] }));
}

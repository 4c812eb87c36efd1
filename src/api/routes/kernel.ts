/** GET /v1/kernel: the FIB's mode, protocol, table, counts, and the writes pending or failed. */
import type { FastifyInstance } from 'fastify';

export interface KernelView {
  enabled: boolean;
  status?: unknown;
  pending?: unknown[];
  failed?: unknown[];
}

export function registerKernelRoutes(server: FastifyInstance, view: () => KernelView): void {
  server.get('/v1/kernel', async () => view());
}

/** GET /v1/rib: table sizes and memory, cheap enough to poll while a full table loads. */
import type { FastifyInstance } from 'fastify';

export interface RibSummary {
  prefixes: number;
  attributeSets: number;
  selections: number;
  /** Prefixes held per source (neighbor or local origin). */
  adjRibIn: Record<string, number>;
  /** Loc-RIB changes not yet handed to export and the kernel. */
  pendingChanges: number;
  memory: { rss: number; heapUsed: number; arrayBuffers: number };
}

export function registerRibSummary(server: FastifyInstance, summary: () => Omit<RibSummary, 'memory'>): void {
  server.get('/v1/rib', async (): Promise<RibSummary> => {
    const m = process.memoryUsage();
    return { ...summary(), memory: { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers } };
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiServer, type NeighborView } from '../../../src/api/index.js';
import { establishedNeighbor, idleNeighbor } from './neighbor-view-fixtures.js';

let server: FastifyInstance | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function serve(neighbors: NeighborView[]): FastifyInstance {
  server = createApiServer({ neighbors: { listNeighbors: () => neighbors } });
  return server;
}

describe('GET /v1/neighbors', () => {
  it('returns every neighbor as the provider gives it', async () => {
    const neighbors = [establishedNeighbor(), idleNeighbor()];
    const response = await serve(neighbors).inject({ method: 'GET', url: '/v1/neighbors' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual(neighbors);
  });

  it('returns an empty list when no neighbor is configured', async () => {
    const response = await serve([]).inject({ method: 'GET', url: '/v1/neighbors' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });

  it('drops fields the schema does not declare', async () => {
    const leaky = { ...establishedNeighbor(), socket: 'internal' } as NeighborView;
    const response = await serve([leaky]).inject({ method: 'GET', url: '/v1/neighbors' });
    expect(response.json()[0]).not.toHaveProperty('socket');
  });

  it('keeps the optional text of the last error', async () => {
    const neighbor = idleNeighbor({
      lastError: {
        time: '2025-11-22T15:50:00.000Z',
        direction: 'local',
        code: 0,
        subcode: 0,
        codeName: '',
        subcodeName: '',
        text: 'connect ECONNREFUSED 10.69.1.1:179',
      },
    });
    const response = await serve([neighbor]).inject({ method: 'GET', url: '/v1/neighbors' });
    expect(response.json()[0].lastError.text).toBe('connect ECONNREFUSED 10.69.1.1:179');
  });

  it('answers 500 with a reason when the provider breaks the schema', async () => {
    const broken = { name: 'tor1' } as NeighborView;
    const response = await serve([broken]).inject({ method: 'GET', url: '/v1/neighbors' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: expect.stringMatching(/^internal error: /) });
  });
});

describe('GET /v1/neighbors/:name', () => {
  it('returns one neighbor', async () => {
    const response = await serve([establishedNeighbor(), idleNeighbor()]).inject({ method: 'GET', url: '/v1/neighbors/tor2' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(idleNeighbor());
  });

  it('answers 404 for an unknown name', async () => {
    const response = await serve([establishedNeighbor()]).inject({ method: 'GET', url: '/v1/neighbors/tor9' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'no neighbor named tor9' });
  });

  it('answers 400 for a name no neighbor can have', async () => {
    const response = await serve([establishedNeighbor()]).inject({ method: 'GET', url: '/v1/neighbors/tor%201' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid neighbor name "tor 1": a name has only letters, digits, "_", "." and "-"',
    });
  });
});

describe('other requests', () => {
  it('answer 404 with the same error shape', async () => {
    const response = await serve([]).inject({ method: 'GET', url: '/v1/routes' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'no such API endpoint: GET /v1/routes' });
  });

  it('do not allow writing to a read-only endpoint', async () => {
    const response = await serve([]).inject({ method: 'POST', url: '/v1/neighbors' });
    expect(response.statusCode).toBe(404);
  });
});

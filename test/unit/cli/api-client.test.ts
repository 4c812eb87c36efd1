import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiErrorMessage, createApiClient } from '../../../src/cli/api-client.js';
import { CliError } from '../../../src/cli/cli-error.js';

let dir: string;
let server: Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-client-'));
});

afterEach(async () => {
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  }
  await rm(dir, { recursive: true, force: true });
});

/** A plain HTTP server on a unix socket that answers every request with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const socketPath = join(dir, 'api.sock');
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
  return socketPath;
}

describe('createApiClient', () => {
  it('returns status, parsed body and raw text', async () => {
    const socketPath = await serve((req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no route ${req.url}` }));
    });
    const response = await createApiClient(socketPath).get('/v1/x');
    expect(response).toEqual({ status: 404, body: { error: 'no route /v1/x' }, text: '{"error":"no route /v1/x"}' });
    expect(apiErrorMessage(response)).toBe('no route /v1/x');
  });

  it('falls back to the HTTP status when the body has no error text', () => {
    expect(apiErrorMessage({ status: 502, body: [], text: '[]' })).toBe('necod answered with HTTP status 502');
  });

  it('says necod is not running when nothing listens', async () => {
    const socketPath = join(dir, 'absent.sock');
    await expect(createApiClient(socketPath).get('/v1/neighbors')).rejects.toThrow(
      new CliError(`necod is not running (no socket at ${socketPath})`),
    );
  });

  it('rejects an answer that is not JSON', async () => {
    const socketPath = await serve((_req, res) => res.end('<html>'));
    await expect(createApiClient(socketPath).get('/v1/neighbors')).rejects.toThrow(
      `necod at ${socketPath} answered /v1/neighbors with something that is not JSON`,
    );
  });

  it('gives up on a daemon that does not answer', async () => {
    const socketPath = await serve(() => {
      // Never answers.
    });
    await expect(createApiClient(socketPath, 50).get('/v1/neighbors')).rejects.toThrow(
      `necod at ${socketPath} did not answer within 0.05 s`,
    );
  });
});

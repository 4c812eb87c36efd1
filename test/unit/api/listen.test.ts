import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiServer, listenApi } from '../../../src/api/index.js';
import { establishedNeighbor } from './neighbor-view-fixtures.js';

let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-api-'));
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await rm(dir, { recursive: true, force: true });
});

function apiServer(): FastifyInstance {
  const server = createApiServer({ neighbors: { listNeighbors: () => [establishedNeighbor()] } });
  closers.push(() => server.close());
  return server;
}

function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listenApi', () => {
  it('serves the API on a unix socket in a directory it creates, mode 0660', async () => {
    const socketPath = join(dir, 'run', 'necod', 'necod.sock');
    await listenApi(apiServer(), socketPath);
    expect((await stat(socketPath)).mode & 0o777).toBe(0o660);
    const response = await get(socketPath, '/v1/neighbors/tor1');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual(establishedNeighbor());
  });

  it('leaves no socket file behind when the server closes', async () => {
    const socketPath = join(dir, 'necod.sock');
    const server = apiServer();
    await listenApi(server, socketPath);
    await server.close();
    await expect(stat(socketPath)).rejects.toThrow(/ENOENT/);
  });

  it('replaces a socket a killed daemon left behind', async () => {
    const socketPath = join(dir, 'necod.sock');
    await leaveStaleSocket(socketPath);
    expect((await stat(socketPath)).isSocket()).toBe(true);
    await listenApi(apiServer(), socketPath);
    expect((await get(socketPath, '/v1/neighbors')).status).toBe(200);
  });

  it('refuses to take over a socket that another process serves', async () => {
    const socketPath = join(dir, 'necod.sock');
    await listenApi(apiServer(), socketPath);
    await expect(listenApi(apiServer(), socketPath)).rejects.toThrow(
      `another process is serving ${socketPath} already (is necod running?)`,
    );
  });

  it('refuses to delete a file that is not a socket', async () => {
    const socketPath = join(dir, 'necod.sock');
    await writeFile(socketPath, 'precious');
    await expect(listenApi(apiServer(), socketPath)).rejects.toThrow('exists and is not a socket');
  });
});

/** A process listens on `socketPath` and is killed with SIGKILL, so its socket file stays. */
async function leaveStaleSocket(socketPath: string): Promise<void> {
  const script = "require('node:net').createServer().listen(process.argv[1], () => console.log('ready'))";
  const child = spawn(process.execPath, ['-e', script, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener exited early with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// api.listen: the optional TCP listener refuses requests without the bearer token; the unix
// socket needs none; a listener beyond loopback without a token file is a config error.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/cli/api-client.js';
import { parseConfig } from '../../../src/config/index.js';
import { startDaemon, type Daemon } from '../../../src/daemon.js';

let dir: string;
let daemon: Daemon;
let socket: string;
const port = 30000 + Math.floor(Math.random() * 10000);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-tcp-'));
  socket = join(dir, 'necod.sock');
  await writeFile(join(dir, 'token'), 's3cret\n');
  const r = parseConfig(
    `router-id: 10.0.0.1\nasn: 64600\nkernel: {export: false}\napi: {socket: ${socket}, listen: {address: 127.0.0.1, port: ${port}}, token-file: ${join(dir, 'token')}}\n`,
    'necod.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  daemon = await startDaemon(r.config, { logDestination: new Writable({ write: (_c, _e, done) => done() }), handleSignals: false });
});

afterAll(async () => {
  await daemon?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('api.listen', () => {
  const url = () => `http://127.0.0.1:${port}`;

  it('answers 401 without the token, or with a wrong one', async () => {
    expect(await createApiClient({ socketPath: socket, url: url() }).get('/v1/status')).toMatchObject({ status: 401 });
    expect(await createApiClient({ socketPath: socket, url: url(), token: 's3cre' }).get('/v1/status')).toMatchObject({ status: 401 });
  });

  it('answers with the token, and over the socket without one', async () => {
    expect(await createApiClient({ socketPath: socket, url: url(), token: 's3cret' }).get('/v1/status')).toMatchObject({ status: 200 });
    expect(await createApiClient(socket).get('/v1/status')).toMatchObject({ status: 200 });
  });

  it('is a config error beyond loopback without a token file', () => {
    const r = parseConfig('router-id: 10.0.0.1\nasn: 64600\napi:\n  listen: {address: 10.0.0.1}\n', 'necod.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([
        { path: 'api.listen.address', line: 4, message: '10.0.0.1 is not a loopback address; a listener beyond this host needs api.token-file' },
      ]);
    }
  });
});

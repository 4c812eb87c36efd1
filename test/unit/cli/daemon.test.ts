import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/cli/api-client.js';
import { parseConfig, type NecodConfig } from '../../../src/config/index.js';
import { startDaemon, type Daemon } from '../../../src/daemon.js';
import { establishedNeighbor } from '../api/neighbor-view-fixtures.js';

let dir: string;
let daemon: Daemon | undefined;
let logLines: Record<string, unknown>[];
const logDestination = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
    done();
  },
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-daemon-'));
  logLines = [];
});

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

function config(socketPath: string, level = 'info'): NecodConfig {
  const text = `router-id: 10.0.0.1\nasn: 64600\napi: {socket: ${socketPath}}\nlog: {level: ${level}}\n`;
  const result = parseConfig(text, 'necod.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

describe('startDaemon', () => {
  it('serves an empty neighbor list on the configured socket and logs that it started', async () => {
    const socketPath = join(dir, 'run', 'necod.sock');
    daemon = await startDaemon(config(socketPath), { logDestination, handleSignals: false });
    const response = await createApiClient(socketPath).get('/v1/neighbors');
    expect(response).toMatchObject({ status: 200, body: [] });
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'necod started', name: 'necod', level: 30, neighbors: 0 }));
  });

  it('serves what the neighbor provider supplies', async () => {
    const socketPath = join(dir, 'necod.sock');
    daemon = await startDaemon(config(socketPath), {
      logDestination,
      handleSignals: false,
      neighbors: { listNeighbors: () => [establishedNeighbor()] },
    });
    expect((await createApiClient(socketPath).get('/v1/neighbors/tor1')).body).toEqual(establishedNeighbor());
  });

  it('logs at the configured level', async () => {
    daemon = await startDaemon(config(join(dir, 'necod.sock'), 'warn'), { logDestination, handleSignals: false });
    expect(logLines).toEqual([]);
    expect(daemon.logger.level).toBe('warn');
  });

  it('removes its socket when it stops', async () => {
    const socketPath = join(dir, 'necod.sock');
    daemon = await startDaemon(config(socketPath), { logDestination, handleSignals: false });
    await daemon.stop();
    await daemon.stop();
    await expect(stat(socketPath)).rejects.toThrow(/ENOENT/);
    expect(logLines.filter((line) => line.msg === 'necod stopped')).toHaveLength(1);
  });

  it('refuses to start on a socket another daemon serves', async () => {
    const socketPath = join(dir, 'necod.sock');
    daemon = await startDaemon(config(socketPath), { logDestination, handleSignals: false });
    await expect(startDaemon(config(socketPath), { logDestination, handleSignals: false })).rejects.toThrow(
      `another process is serving ${socketPath} already (is necod running?)`,
    );
    expect((await createApiClient(socketPath).get('/v1/neighbors')).status).toBe(200);
  });
});

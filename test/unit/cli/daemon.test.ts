import { execFileSync } from 'node:child_process';
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

  it('rehearses the route path on a scratch table that never reaches its own RIB', async () => {
    const ownRoutesBefore = execFileSync('ip', ['-4', 'route', 'show', 'table', 'all', 'proto', '200'], { encoding: 'utf8' });
    const ownObjectsBefore = execFileSync('ip', ['nexthop', 'show', 'proto', '200'], { encoding: 'utf8' });
    const socketPath = join(dir, 'necod.sock');
    daemon = await startDaemon(config(socketPath), { logDestination, handleSignals: false, rehearse: true });
    for (let i = 0; i < 200 && !logLines.some((l) => l.msg === 'route path rehearsed on a scratch table'); i++) await new Promise((r) => setTimeout(r, 25));
    // The kernel side is on by default (table main): the scratch FIB takes part, the kernel does not.
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'route path rehearsed on a scratch table', routes: 30_000, installed: 30_000, cut: false }));
    expect(execFileSync('ip', ['-4', 'route', 'show', 'table', 'all', 'proto', '200'], { encoding: 'utf8' })).toBe(ownRoutesBefore);
    expect(execFileSync('ip', ['nexthop', 'show', 'proto', '200'], { encoding: 'utf8' })).toBe(ownObjectsBefore);
    expect(daemon.engine.rib.stats().prefixes).toBe(0);
    expect((await createApiClient(socketPath).get('/v1/rib')).body).toMatchObject({ prefixes: 0 });
  });

  it('ends the rehearsal when it stops', async () => {
    daemon = await startDaemon(config(join(dir, 'necod.sock')), { logDestination, handleSignals: false, rehearse: true });
    await daemon.stop();
    const line = logLines.find((l) => l.msg === 'route path rehearsed on a scratch table');
    expect(line).toMatchObject({ cut: true });
    expect(logLines.findIndex((l) => l === line)).toBeLessThan(logLines.findIndex((l) => l.msg === 'necod stopped'));
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

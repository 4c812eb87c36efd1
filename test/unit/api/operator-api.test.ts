// The operator's API end to end: two necod daemons in this process with a real BGP session over
// loopback (127.0.0.1 ↔ 127.0.0.2), driven through their unix sockets as necod-cli does.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, sleep } from '../../support/wait.js';
import { createApiClient, type ApiClient } from '../../../src/cli/api-client.js';
import { parseConfig, type NecodConfig } from '../../../src/config/index.js';
import { startDaemon, type Daemon } from '../../../src/daemon.js';
import type { NeighborView, Readiness, StatusView } from '../../../src/api/types.js';
import { NECOD_VERSION } from '../../../src/util/version.js';

const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

function parsed(text: string): NecodConfig {
  const r = parseConfig(text, 'necod.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

let dir: string;
let a: Daemon;
let b: Daemon;
let apiA: ApiClient;
let apiB: ApiClient;
let fileA: string;
let socketA: string;
let textA: (extraNeighbors: string) => string;

const neighborOf = async (api: ApiClient, name: string): Promise<NeighborView> => (await api.get(`/v1/neighbors/${name}`)).body as NeighborView;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-ops-'));
  const socketB = join(dir, 'b.sock');
  b = await startDaemon(
    parsed(
      `router-id: 127.0.0.2\nasn: 64600\nlisten: {address: 127.0.0.2, port: ${40000 + Math.floor(Math.random() * 20000)}}\napi: {socket: ${socketB}}\nkernel: {export: false}\n` +
        `neighbors:\n  - {name: a, address: 127.0.0.1, remote-as: 64600, passive: true, export: all}\n` +
        `originate: {static: [{prefix: 10.20.0.0/24, blackhole: true}]}\n`,
    ),
    { logDestination: quiet(), handleSignals: false },
  );
  socketA = join(dir, 'a.sock');
  fileA = join(dir, 'a.yaml');
  textA = (extra) =>
    `router-id: 127.0.0.1\nasn: 64600\napi: {socket: ${socketA}}\nkernel: {export: false}\n` +
    `neighbors:\n  - {name: b, address: 127.0.0.2, port: ${b.bgpPort}, local-address: 127.0.0.1, remote-as: 64600, connect-retry-time: 1}\n${extra}`;
  await writeFile(fileA, textA(''));
  a = await startDaemon(parsed(textA('')), { logDestination: quiet(), handleSignals: false, configFile: fileA });
  apiA = createApiClient(socketA);
  apiB = createApiClient(socketB);
  await waitFor(async () => (await neighborOf(apiA, 'b')).state === 'Established', { what: 'the session' });
}, 30_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('read', () => {
  it('GET /v1/status names the version, identity and counts', async () => {
    const s = (await apiA.get('/v1/status')).body as StatusView;
    expect(s).toMatchObject({ version: NECOD_VERSION, routerId: '127.0.0.1', asn: 64600, neighbors: { total: 1, byState: { Established: 1 } }, kernel: { enabled: false } });
    await waitFor(async () => ((await apiA.get('/v1/status')).body as StatusView).routes.ipv4 === 1, { what: 'the static route at a' });
  });

  it('GET /healthz answers, /readyz turns 200 once the initial table is in', async () => {
    expect((await apiA.get('/healthz')).body).toEqual({ ok: true });
    const ready = await waitFor(async () => {
      const r = await apiA.get('/readyz');
      return r.status === 200 ? (r.body as Readiness) : null;
    }, { what: 'ready' });
    expect(ready).toEqual({ ready: true, waitingFor: [] });
  });

  it('GET /v1/neighbors/:name has the detail: endpoints, peer capabilities, prefixes', async () => {
    const n = await neighborOf(apiA, 'b');
    expect(n.detail).toMatchObject({
      local: { address: '127.0.0.1' },
      remote: { address: '127.0.0.2', port: b.bgpPort },
      peerRouterId: '127.0.0.2',
      configured: { holdTime: 90, passive: false, import: 'all', export: 'local' },
      prefixes: { received: 1, best: 1, filtered: 0 },
    });
    expect(n.detail?.peerCapabilities).toContain('ROUTE_REFRESH');
    // Hold time 90 s negotiated: the hold timer has at most that left, the keepalive timer a third.
    expect(n.detail?.timers).toMatchObject({ connectRetry: null, idleHold: null, delayOpen: null });
    expect(n.detail?.timers.hold).toBeGreaterThan(0);
    expect(n.detail?.timers.hold).toBeLessThanOrEqual(90);
    expect(n.detail?.timers.keepalive).toBeLessThanOrEqual(30);
    expect((await apiA.get('/v1/neighbors')).body).toEqual([expect.not.objectContaining({ detail: expect.anything() })]);
  });

  it('GET /metrics is Prometheus text with necod_ names', async () => {
    const raw = await rawGet(socketA, '/metrics');
    expect(raw.type).toMatch(/^text\/plain/);
    expect(raw.body).toContain('necod_bgp_neighbor_state{neighbor="b",state="Established"} 1');
    expect(raw.body).toMatch(/necod_bgp_messages_received_total\{neighbor="b",type="UPDATE"\} [1-9]/);
    expect(raw.body).toContain('necod_rib_routes{family="ipv4"} 1');
    expect(raw.body).toContain('necod_nodejs_eventloop_lag_seconds');
    expect(raw.body).toContain('necod_process_resident_memory_bytes');
  });
});

describe('write', () => {
  it('disable sends the shutdown text (RFC 8203) and keeps the session down; enable brings it back', async () => {
    const r = await apiA.send('POST', '/v1/neighbors/b/disable', { message: 'maintenance until 14:00' });
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
    const seen = await waitFor(async () => {
      const n = await neighborOf(apiB, 'a');
      return n.lastError?.direction === 'received' ? n.lastError : null;
    }, { what: 'the NOTIFICATION at b' });
    expect(seen).toMatchObject({ code: 6, subcode: 2, text: 'maintenance until 14:00' });
    await sleep(1500);
    expect((await neighborOf(apiA, 'b')).state).toBe('Idle');
    expect((await apiA.send('POST', '/v1/neighbors/b/enable')).status).toBe(200);
    await waitFor(async () => (await neighborOf(apiA, 'b')).state === 'Established', { what: 'Established again' });
  });

  it('refresh asks for the routes again without touching the session', async () => {
    const before = await neighborOf(apiA, 'b');
    const r = await apiA.send('POST', '/v1/neighbors/b/refresh', { direction: 'in' });
    expect(r.body).toMatchObject({ ok: true, details: { in: true, out: false } });
    await waitFor(async () => (await neighborOf(apiB, 'a')).counters.messagesIn.routeRefresh > 0, { what: 'the ROUTE-REFRESH at b' });
    const after = await neighborOf(apiA, 'b');
    expect(after.counters.flaps).toBe(before.counters.flaps);
    expect(after.counters.messagesOut.routeRefresh).toBe(before.counters.messagesOut.routeRefresh + 1);
  });

  it('answers an unknown neighbor with 404 and a bad body with 400 naming the field', async () => {
    expect(await apiA.send('POST', '/v1/neighbors/nobody/restart')).toMatchObject({ status: 404, body: { error: 'no neighbor named nobody' } });
    const bad = await apiA.send('POST', '/v1/neighbors/b/refresh', { direction: 'sideways' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toMatch(/direction/);
  });

  it('PUT /v1/log-level changes the level at run time', async () => {
    expect((await apiA.send('PUT', '/v1/log-level', { level: 'debug' })).body).toEqual({ level: 'debug' });
    expect(a.logger.level).toBe('debug');
    const bad = await apiA.send('PUT', '/v1/log-level', { level: 'loud' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'level: must be one of trace, debug, info, warn, error' } });
    await apiA.send('PUT', '/v1/log-level', { level: 'info' });
  });

  it('PUT and DELETE /v1/announcements/PREFIX are idempotent; a huge body is 413', async () => {
    expect((await apiA.send('PUT', '/v1/announcements/192.0.2.10/32', { communities: ['64600:9'] })).status).toBe(201);
    expect((await apiA.send('PUT', '/v1/announcements/192.0.2.10/32', { communities: ['64600:9'] })).status).toBe(200);
    expect((await apiA.get('/v1/routes?prefix=192.0.2.10/32')).body).toMatchObject({ total: 1 });
    expect((await apiA.send('PUT', '/v1/announcements/192.0.2.10/32', { prefix: '192.0.2.11/32' })).status).toBe(400);
    expect((await apiA.send('DELETE', '/v1/announcements/192.0.2.10/32')).status).toBe(204);
    expect((await apiA.send('DELETE', '/v1/announcements/192.0.2.10/32')).status).toBe(404);
    const huge = await apiA.send('PUT', '/v1/announcements/192.0.2.12/32', { communities: Array.from({ length: 20_000 }, () => '64600:1') });
    expect(huge).toMatchObject({ status: 413, body: { error: 'request body over 65536 bytes' } });
  });
});

describe('reload', () => {
  it('starts an added neighbor, stops a removed one, refuses a bad file with FILE:LINE', async () => {
    await writeFile(fileA, textA('  - {name: c, address: 127.0.0.3, port: 9, remote-as: 64601}\n'));
    const added = await apiA.send('POST', '/v1/reload');
    expect(added).toMatchObject({ status: 200, body: { ok: true, plan: { add: ['c'], restart: [] } } });
    expect((await neighborOf(apiA, 'c')).state).not.toBe('Established');
    expect((await neighborOf(apiA, 'c')).detail?.configured.holdTime).toBe(90);
    expect((await neighborOf(apiA, 'b')).state).toBe('Established');

    await writeFile(fileA, textA('  - {name: c, address: 127.0.0.3, remote-as: many}\n'));
    const refused = await apiA.send('POST', '/v1/reload');
    expect(refused.status).toBe(422);
    expect((refused.body as { errors: string[] }).errors[0]).toMatch(/a\.yaml:7: neighbors\[1\]\.remote-as/);
    expect((await apiA.get('/v1/neighbors/c')).status).toBe(200);

    await writeFile(fileA, textA(''));
    expect((await apiA.send('POST', '/v1/reload')).body).toMatchObject({ ok: true, plan: { remove: ['c'] } });
    expect((await apiA.get('/v1/neighbors/c')).status).toBe(404);
    expect((await neighborOf(apiA, 'b')).counters.flaps).toBe(1);
  });

  it('refuses a change it cannot apply while running, and changes nothing', async () => {
    await writeFile(fileA, textA('').replace('asn: 64600', 'asn: 64700'));
    const r = await apiA.send('POST', '/v1/reload');
    expect(r.body).toEqual({ ok: false, errors: ['asn cannot change while necod runs; restart necod to apply it'] });
    await writeFile(fileA, textA(''));
  });
});

describe('events', () => {
  it('GET /v1/events streams neighbor events, filtered by kind', async () => {
    const lines: string[] = [];
    const req = request({ socketPath: socketA, path: '/v1/events?kind=neighbor' });
    const opened = new Promise<void>((resolve) =>
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => lines.push(...chunk.split('\n')));
        resolve();
      }),
    );
    req.end();
    await opened;
    await apiA.send('POST', '/v1/neighbors/b/restart', { message: 'event test' });
    await waitFor(async () => lines.some((l) => l.startsWith('data: ') && l.includes('"to":"Idle"')), { what: 'a neighbor event' });
    expect(lines.filter((l) => l.startsWith('event: ')).every((l) => l === 'event: neighbor')).toBe(true);
    req.destroy();
    expect((await apiA.get('/v1/events?kind=weather')).status).toBe(400);
    await waitFor(async () => (await neighborOf(apiA, 'b')).state === 'Established', { what: 'Established again' });
  });
});

describe('OpenAPI', () => {
  it('documents every route with response schemas, and request schemas where a route takes input', async () => {
    const doc = (await apiA.get('/v1/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, OpenApiOperation>> };
    expect(doc.openapi).toBe('3.1.0');
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.responses || Object.keys(op.responses).length === 0) missing.push(`${where}: no response schema`);
        if ((method === 'post' || method === 'put') && !op.requestBody && !path.endsWith('/reload')) missing.push(`${where}: no request body schema`);
        if (path.includes('{') && !(op.parameters ?? []).some((p) => p.in === 'path')) missing.push(`${where}: path parameter not declared`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/status', '/v1/routes', '/v1/neighbors/{name}/disable', '/v1/reload', '/metrics', '/readyz']));
  });
});

interface OpenApiOperation {
  responses?: Record<string, unknown>;
  requestBody?: unknown;
  parameters?: Array<{ in: string }>;
}

function rawGet(socketPath: string, path: string): Promise<{ type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// necod itself as a peer: the built daemon (`dist/src/cli/necod.js`) in a namespace, configured from
// a spec, queried and steered through its control API on a unix socket in the lab's temp dir.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { NeighborError, NeighborView } from '../../../src/api/types.js';
import type { PathView, RouteList, RouteView } from '../../../src/api/route-types.js';
import type { BfdSessionView } from '../../../src/bfd/messages.js';
import { run } from '../../support/lab/exec.js';
import type { Lab } from '../../support/lab/lab.js';
import { PeerRunner } from './runner.js';
import type { ExitInfo } from '../../support/lab/process.js';
import {
  isObject,
  neighborFamilies,
  parseJson,
  type BgpPeer,
  type Family,
  type LastError,
  type NeighborSpec,
  type Route,
  type RouteAttrs,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

export type { BfdSessionView, NeighborError, NeighborView, PathView, RouteList, RouteView };

/** The repository root (this file is test/interop/harness/necod.ts, or its build under dist/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/dist\/$/, '');
export const NECOD_JS = `${REPO_ROOT}dist/src/cli/necod.js`;

export interface NecodNeighborSpec extends NeighborSpec {
  /** Neighbor name in necod's config and API; default `n-<address>` with separators as `-`. */
  name?: string;
  /** Seconds; default a third of the hold time. */
  keepaliveTime?: number;
  /** Seconds between connection attempts; the runner defaults to 1 (necod's own default is 5). */
  connectRetryTime?: number;
  /** `shutdown: true`: configured, but the session is not started. */
  shutdown?: boolean;
  maxPrefixes?: { limit: number; restartTime?: number };
  /** The `capabilities` mapping as necod spells it (`four-octet-as`, `add-path`, ...). */
  capabilities?: Record<string, boolean | string>;
  /** `all`, `none` or a policy name. */
  import?: string;
  /** `local` (necod's default), `all`, `none` or a policy name. */
  export?: string;
  nextHopRewrite?: boolean;
  nextHopSubnetLength?: number;
  /** Further neighbor keys, written as they are (necod's own spelling). */
  extra?: Record<string, unknown>;
}

export interface NecodSpec extends SpeakerSpec {
  neighbors: NecodNeighborSpec[];
  /**
   * Where necod accepts connections: default `{ address: '::' }` on `listenPort` (179), which
   * passive neighbors need; `false` writes no `listen` (necod then only connects).
   */
  listen?: { address?: string; port?: number } | false;
  /** Default `info`. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Further top-level keys (`decision`, `policies`, `originate`, `kernel`, ...), written as they are. */
  extra?: Record<string, unknown>;
}

/** One path of a necod route in the harness vocabulary, with necod's own fields beside it. */
export interface NecodRoute extends Route {
  /** best, multipath, or the decision step the path lost at. */
  status: string;
  /** Neighbor name or local origin (`api`, `static`, ...). */
  source: string;
  /** The NEXT_HOP as received; `nextHop` is after the receive-side rewrite. */
  receivedNextHop: string | null;
}

export interface NecodOptions {
  name?: string;
}

/** The neighbor's name as the runner writes it into the config. */
export function necodNeighborName(n: NecodNeighborSpec): string {
  return n.name ?? `n-${n.address.replace(/[^0-9A-Za-z]/g, '-')}`;
}

function addPathMode(m: NeighborSpec['addPath']): string {
  return m === 'rx' ? 'receive' : m === 'tx' ? 'send' : 'both';
}

function neighborDoc(n: NecodNeighborSpec): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: necodNeighborName(n),
    address: n.address,
    'remote-as': n.remoteAs,
  };
  if (n.localAddress !== undefined) doc['local-address'] = n.localAddress;
  if (n.port !== undefined) doc.port = n.port;
  if (n.passive !== undefined) doc.passive = n.passive;
  if (n.holdTime !== undefined) doc['hold-time'] = n.holdTime;
  if (n.keepaliveTime !== undefined) doc['keepalive-time'] = n.keepaliveTime;
  doc['connect-retry-time'] = n.connectRetryTime ?? 1;
  doc.families = neighborFamilies(n);
  if (n.shutdown !== undefined) doc.shutdown = n.shutdown;
  if (n.maxPrefixes !== undefined) {
    doc['max-prefixes'] = {
      limit: n.maxPrefixes.limit,
      ...(n.maxPrefixes.restartTime !== undefined ? { 'restart-time': n.maxPrefixes.restartTime } : {}),
    };
  }
  const caps: Record<string, boolean | string> = { ...n.capabilities };
  if (n.addPath !== undefined) caps['add-path'] = addPathMode(n.addPath);
  if (n.gracefulRestart !== undefined) caps['graceful-restart'] = n.gracefulRestart;
  if (Object.keys(caps).length > 0) doc.capabilities = caps;
  if (n.gracefulRestartTime !== undefined) doc['graceful-restart-time'] = n.gracefulRestartTime;
  if (n.routeReflectorClient !== undefined) doc['route-reflector-client'] = n.routeReflectorClient;
  if (n.import !== undefined) doc.import = n.import;
  if (n.export !== undefined) doc.export = n.export;
  if (n.nextHopRewrite !== undefined) doc['next-hop-rewrite'] = n.nextHopRewrite;
  if (n.nextHopSubnetLength !== undefined) doc['next-hop-subnet-length'] = n.nextHopSubnetLength;
  if (n.iface !== undefined) doc.interface = n.iface;
  return { ...doc, ...n.extra };
}

/**
 * necod's configuration for a spec. Written as JSON, which is YAML 1.2 too: no quoting rules to
 * get wrong for `"::"` and the like.
 */
export function necodConfig(spec: NecodSpec, apiSocket: string): string {
  const doc: Record<string, unknown> = {
    'router-id': spec.routerId,
    asn: spec.asn,
  };
  if (spec.clusterId !== undefined) doc['cluster-id'] = spec.clusterId;
  if (spec.listen !== false) {
    doc.listen = { address: spec.listen?.address ?? '::', port: spec.listen?.port ?? spec.listenPort ?? 179 };
  }
  doc.api = { socket: apiSocket };
  doc.log = { level: spec.logLevel ?? 'info' };
  doc.neighbors = spec.neighbors.map(neighborDoc);
  return `${JSON.stringify({ ...doc, ...spec.extra }, null, 2)}\n`;
}

/** "65001 {65002,65003} (65004)" → [65001, 65002, 65003, 65004]. */
export function parseNecodAsPath(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

/** One HTTP request on a unix socket; the body is JSON-encoded, the answer parsed when it is JSON. */
export function apiRequest(socketPath: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          if (text !== '' && (res.headers['content-type'] ?? '').includes('json')) parsed = parseJson(text, `${method} ${path}`);
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export class NecodPeer extends PeerRunner implements BgpPeer {
  readonly kind = 'necod';
  private lastExit: ExitInfo | null = null;

  constructor(
    lab: Lab,
    ns: string,
    public spec: NecodSpec,
    opts: NecodOptions = {},
  ) {
    super(lab, ns, opts.name ?? 'necod');
  }

  get configPath(): string {
    return this.file('.yaml');
  }

  get socketPath(): string {
    return this.file('.sock');
  }

  get logPath(): string {
    return this.file('.log');
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** How the last necod process ended (after stop(), kill() or a crash); null while it runs. */
  get exit(): ExitInfo | null {
    return this.proc?.exit ?? this.lastExit;
  }

  /** Writes the config, checks it with `--check-config`, starts necod and waits for its API. */
  async start(): Promise<void> {
    if (this.proc?.running) throw new Error(`${this.name} is already running`);
    if (!existsSync(NECOD_JS)) throw new Error(`${NECOD_JS} is missing: run \`npm run build\` first`);
    this.lab.writeFile(`${this.name}.yaml`, necodConfig(this.spec, this.socketPath));
    // A config mistake is reported as such, with necod's own FILE:LINE messages.
    await run([process.execPath, NECOD_JS, '--check-config', this.configPath]);
    const proc = this.lab.spawnIn(this.ns, [process.execPath, NECOD_JS, '--config', this.configPath], {
      name: this.name,
      cwd: REPO_ROOT,
    });
    this.proc = proc;
    this.lastExit = null;
    await proc.untilReady(async () => (await this.api('GET', '/v1/neighbors')).status === 200, `${this.name} API on ${this.socketPath}`, 15_000, () => this.logTail(20));
    for (const r of this.spec.routes ?? []) {
      const { prefix, ...attrs } = r;
      await this.announce(prefix, attrs);
    }
  }

  /**
   * SIGTERM (necod sends Cease/Administrative Shutdown "necod stopping" to every neighbor) and
   * waits for the exit, SIGKILL after `graceMs`. How it ended is in `exit` afterwards.
   */
  override async stop(graceMs = 10_000): Promise<void> {
    const proc = this.proc;
    if (proc === null) return;
    this.lastExit = await proc.stop(graceMs);
  }

  /** SIGKILL: necod ends without a word to its neighbors. */
  async kill(): Promise<void> {
    if (this.proc !== null) this.lastExit = await this.proc.kill();
  }

  /** Sends `sig` to necod without waiting. */
  signal(sig: NodeJS.Signals): void {
    this.proc?.signal(sig);
  }

  // ---- API ------------------------------------------------------------------------------

  api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    return apiRequest(this.socketPath, method, path, body);
  }

  /** GET that must answer 200; returns the parsed body. */
  private async getJson(path: string): Promise<unknown> {
    const res = await this.api('GET', path);
    if (res.status !== 200) throw new Error(`${this.name}: GET ${path} → ${res.status}: ${res.text.slice(0, 300)}`);
    return res.body;
  }

  async neighbors(): Promise<NeighborView[]> {
    const body = await this.getJson('/v1/neighbors');
    if (!Array.isArray(body)) throw new Error(`${this.name}: /v1/neighbors is not a list`);
    return body as NeighborView[];
  }

  /** GET /v1/bfd/sessions. */
  async bfdSessions(): Promise<BfdSessionView[]> {
    return ((await this.getJson('/v1/bfd/sessions')) as { sessions: BfdSessionView[] }).sessions;
  }

  /** The BFD session to `remote`; throws when necod has none. */
  async bfdSession(remote: string): Promise<BfdSessionView> {
    const s = (await this.bfdSessions()).find((v) => v.remote === remote);
    if (s === undefined) throw new Error(`${this.name} has no BFD session to ${remote}`);
    return s;
  }

  /** The neighbor by name or address. */
  async neighbor(neighbor: string): Promise<NeighborView> {
    const all = await this.neighbors();
    const n = all.find((v) => v.name === neighbor || v.address === neighbor);
    if (n === undefined) throw new Error(`${this.name} has no neighbor ${neighbor} (has ${all.map((v) => v.name).join(', ')})`);
    return n;
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    return (await this.neighbor(neighbor)).state;
  }

  /** necod's own view of the last error (direction `local` for failures without a NOTIFICATION). */
  async necodLastError(neighbor: string): Promise<NeighborError | null> {
    return (await this.neighbor(neighbor)).lastError;
  }

  async lastError(neighbor: string): Promise<LastError | null> {
    const e = await this.necodLastError(neighbor);
    if (e === null) return null;
    if (e.direction === 'local') return { direction: 'unknown', code: null, subcode: null, message: null, text: `${e.codeName}: ${e.subcodeName}` };
    const message = e.code === 6 && e.text !== undefined ? e.text : null;
    return {
      direction: e.direction,
      code: e.code,
      subcode: e.subcode,
      message,
      text: `${e.direction} ${e.codeName}/${e.subcodeName}${e.text !== undefined ? `: ${e.text}` : ''}`,
    };
  }

  /** GET /v1/routes with the query given (e.g. `{ family: 'ipv4', all: 'true' }`). */
  async routeList(query: Record<string, string> = {}): Promise<RouteList> {
    const qs = new URLSearchParams(query).toString();
    const body = await this.getJson(`/v1/routes${qs === '' ? '' : `?${qs}`}`);
    if (!isObject(body) || !Array.isArray(body.routes)) throw new Error(`${this.name}: /v1/routes answered ${JSON.stringify(body).slice(0, 200)}`);
    return body as unknown as RouteList;
  }

  /** One prefix with all its paths (also those that lost), or null when necod has no route for it. */
  async route(prefix: string): Promise<RouteView | null> {
    const list = await this.routeList({ prefix, all: 'true' });
    return list.routes.find((r) => r.prefix === prefix) ?? null;
  }

  /** Every path of every route of the family, those that lost included (`best` marks the best). */
  async routes(family: Family): Promise<NecodRoute[]> {
    const list = await this.routeList({ family, all: 'true', limit: '0' });
    const addressOf = new Map(this.spec.neighbors.map((n) => [necodNeighborName(n), n.address]));
    const out: NecodRoute[] = [];
    for (const r of list.routes) {
      for (const p of r.paths) {
        out.push({
          prefix: r.prefix,
          nextHop: p.nextHop,
          receivedNextHop: p.receivedNextHop,
          asPath: parseNecodAsPath(p.asPath),
          communities: p.communities,
          largeCommunities: p.largeCommunities,
          localPref: p.localPref,
          med: p.med,
          peer: p.sourceKind === 'bgp' ? (addressOf.get(p.source) ?? p.source) : null,
          best: p.status === 'best',
          status: p.status,
          source: p.source,
        });
      }
    }
    return out;
  }

  /** POST /v1/announcements: necod originates the route (exported with `export: local`). */
  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    const body: Record<string, unknown> = { prefix };
    if (attrs.nextHop !== undefined) body['next-hop'] = attrs.nextHop;
    if (attrs.communities !== undefined) body.communities = attrs.communities;
    if (attrs.largeCommunities !== undefined) body['large-communities'] = attrs.largeCommunities;
    if (attrs.localPref !== undefined) body['local-pref'] = attrs.localPref;
    if (attrs.med !== undefined) body.med = attrs.med;
    const res = await this.api('POST', '/v1/announcements', body);
    if (res.status !== 201) throw new Error(`${this.name}: announce ${prefix} → ${res.status}: ${res.text}`);
  }

  async withdraw(prefix: string): Promise<void> {
    const res = await this.api('DELETE', `/v1/announcements?${new URLSearchParams({ prefix }).toString()}`);
    if (res.status !== 204) throw new Error(`${this.name}: withdraw ${prefix} → ${res.status}: ${res.text}`);
  }

  /** necod has no API to shut one session down yet; stop() shuts down all of them. */
  async disableNeighbor(neighbor: string, message?: string): Promise<void> {
    await this.action(neighbor, 'disable', message === undefined ? {} : { message });
  }

  async enableNeighbor(neighbor: string): Promise<void> {
    await this.action(neighbor, 'enable', {});
  }

  /** POST /v1/neighbors/NAME/ACTION; throws unless necod answers 200. */
  async action(neighbor: string, action: 'disable' | 'enable' | 'restart' | 'refresh', body: Record<string, string>): Promise<unknown> {
    const r = await this.api('POST', `/v1/neighbors/${encodeURIComponent(neighbor)}/${action}`, body);
    if (r.status !== 200) throw new Error(`${this.name}: ${action} ${neighbor}: HTTP ${r.status} ${r.text}`);
    return r.body;
  }

  /** Writes a new configuration from `spec` over the file necod was started with (then reload it). */
  rewriteConfig(spec: NecodSpec): void {
    this.spec = spec;
    this.lab.writeFile(`${this.name}.yaml`, necodConfig(spec, this.socketPath));
  }

  // ---- log ------------------------------------------------------------------------------

  /** necod's JSON log lines (objects), oldest first; lines that are not JSON are skipped. */
  logEntries(): Record<string, unknown>[] {
    let text = '';
    try {
      text = readFileSync(this.logPath, 'utf8');
    } catch {
      return [];
    }
    const out: Record<string, unknown>[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const v: unknown = JSON.parse(line);
        if (isObject(v)) out.push(v);
      } catch {
        // a line cut short by a kill
      }
    }
    return out;
  }

  private logTail(lines: number): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

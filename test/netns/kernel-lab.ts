// A network namespace for kernel FIB tests: two uplinks (veth pairs a0/a1, b0/b1) with IPv4 and
// IPv6 subnets, as a server has towards its two ToRs. Everything it makes, destroy() removes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface IpRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface JsonRoute {
  dst: string;
  type?: string;
  nhid?: number;
  gateway?: string;
  dev?: string;
  protocol?: string;
  metric?: number;
  nexthops?: Array<{ gateway?: string; dev?: string; flags?: string[] }>;
  flags?: string[];
}

const live = new Set<KernelLab>();
process.once('exit', () => {
  for (const lab of live) lab.destroySync();
});

export const UPLINKS = {
  a: { dev: 'a0', peer: 'a1', v4: '10.1.0.5/24', gw4: '10.1.0.1', v6: '2001:db8:1::5/64', gw6: '2001:db8:1::1' },
  b: { dev: 'b0', peer: 'b1', v4: '10.2.0.5/24', gw4: '10.2.0.1', v6: '2001:db8:2::5/64', gw6: '2001:db8:2::1' },
} as const;

export class KernelLab {
  readonly ns: string;
  private readonly children = new Set<ChildProcess>();

  private constructor() {
    this.ns = `necod-k-${randomBytes(4).toString('hex')}`;
  }

  /** A namespace with lo up, IPv6 DAD off, and both uplinks addressed and up. */
  static async create(opts: { uplinks?: boolean } = {}): Promise<KernelLab> {
    const lab = new KernelLab();
    const add = spawnSync('ip', ['netns', 'add', lab.ns], { encoding: 'utf8', timeout: 10_000 });
    if (add.status !== 0) throw new Error(`ip netns add ${lab.ns}: ${add.stderr}`);
    live.add(lab);
    await lab.must(['link', 'set', 'lo', 'up']);
    for (const k of ['all', 'default']) await lab.exec(['sysctl', '-qw', `net.ipv6.conf.${k}.accept_dad=0`]);
    if (opts.uplinks !== false) for (const u of Object.values(UPLINKS)) await lab.addUplink(u);
    return lab;
  }

  async addUplink(u: { dev: string; peer: string; v4: string; v6: string }): Promise<void> {
    await this.must(['link', 'add', u.dev, 'type', 'veth', 'peer', 'name', u.peer]);
    await this.must(['addr', 'add', u.v4, 'dev', u.dev]);
    await this.must(['addr', 'add', u.v6, 'dev', u.dev, 'nodad']);
    await this.must(['link', 'set', u.peer, 'up']);
    await this.must(['link', 'set', u.dev, 'up']);
  }

  ip(args: readonly string[], timeoutMs = 60_000): Promise<IpRun> {
    return this.exec(['ip', ...args], timeoutMs);
  }

  async must(args: readonly string[]): Promise<string> {
    const r = await this.ip(args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Runs a command inside the namespace. */
  exec(argv: readonly string[], timeoutMs = 60_000): Promise<IpRun> {
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', this.ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('close', (code) => {
        clearTimeout(t);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Routes of one family in JSON, optionally one protocol and table. */
  async routes(opts: { v6?: boolean; proto?: number | string; table?: number } = {}): Promise<JsonRoute[]> {
    const args = ['-json', opts.v6 ? '-6' : '-4', 'route', 'show', 'table', String(opts.table ?? 254)];
    if (opts.proto !== undefined) args.push('proto', String(opts.proto));
    const out = await this.must(args);
    return out.trim() ? (JSON.parse(out) as JsonRoute[]) : [];
  }

  async routeMap(opts: { v6?: boolean; proto?: number | string; table?: number } = {}): Promise<Map<string, JsonRoute>> {
    return new Map((await this.routes(opts)).map((r) => [r.dst, r]));
  }

  async nexthops(): Promise<Array<{ id: number; gateway?: string; dev?: string; group?: Array<{ id: number }>; protocol?: string }>> {
    const out = await this.must(['-json', 'nexthop', 'show']);
    return out.trim() ? (JSON.parse(out) as Array<{ id: number; gateway?: string; dev?: string; group?: Array<{ id: number }>; protocol?: string }>) : [];
  }

  /** Gateways a route uses, sorted: from `nexthops` (multipath or group) or its single gateway. */
  static gateways(r: JsonRoute | undefined): string[] {
    if (!r) return [];
    if (r.nexthops) return r.nexthops.filter((n) => !n.flags?.includes('dead')).map((n) => n.gateway ?? '').sort();
    return r.gateway ? [r.gateway] : [];
  }

  /** Gateways of a route found through its nexthop object when the kernel reports only the id. */
  async gatewaysVia(r: JsonRoute | undefined): Promise<string[]> {
    if (!r || r.nhid === undefined || r.nexthops || r.gateway) return KernelLab.gateways(r);
    const objs = new Map((await this.nexthops()).map((n) => [n.id, n]));
    const o = objs.get(r.nhid);
    const legs = o?.group ? o.group.map((m) => objs.get(m.id)) : [o];
    return legs.map((l) => l?.gateway ?? '').sort();
  }

  /** Starts `ip -o monitor route` and collects its lines until stop(). */
  monitor(): { lines: string[]; stop: () => Promise<void> } {
    const child = spawn('ip', ['-n', this.ns, '-o', 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.children.add(child);
    const lines: string[] = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      const parts = (partial + c).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    return {
      lines,
      stop: async () => {
        child.kill('SIGTERM');
        await closed;
        this.children.delete(child);
      },
    };
  }

  async destroy(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    this.children.clear();
    this.destroySync();
  }

  destroySync(): void {
    if (!live.has(this)) return;
    live.delete(this);
    // Kill anything still running inside (a crashed child's ip processes), then delete.
    const pids = spawnSync('ip', ['netns', 'pids', this.ns], { encoding: 'utf8', timeout: 5_000 }).stdout ?? '';
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    spawnSync('ip', ['netns', 'del', this.ns], { timeout: 10_000 });
  }
}

/** Polls `check` until it returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Both kernel writers: every FIB suite runs with each. */
export const WRITERS = ['netlink', 'ip'] as const;
/** Nexthop-groups setting × writer, for suites that run both modes. */
export const GROUPS_AND_WRITERS = (['on', 'off'] as const).flatMap((g) => WRITERS.map((w) => [g, w] as const));

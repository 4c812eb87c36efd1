// A network namespace for kernel FIB tests: two uplinks (veth pairs a0/a1, b0/b1) with IPv4 and
// IPv6 subnets, as a server has towards its two ToRs, built on the one Lab of test/support (which
// removes it on destroy() and on process exit), plus readers of the kernel's routes and nexthops.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, beforeEach } from 'vitest';
import { Fib, type FibOptions } from '../../src/kernel/fib.js';
import { Lab, type RunResult } from '../support/lab/lab.js';

export type IpRun = RunResult;

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

export const UPLINKS = {
  a: { dev: 'a0', peer: 'a1', v4: '10.1.0.5/24', gw4: '10.1.0.1', v6: '2001:db8:1::5/64', gw6: '2001:db8:1::1' },
  b: { dev: 'b0', peer: 'b1', v4: '10.2.0.5/24', gw4: '10.2.0.1', v6: '2001:db8:2::5/64', gw6: '2001:db8:2::1' },
} as const;

export class KernelLab {
  private readonly children = new Set<ChildProcess>();

  private constructor(
    /** The lab that owns the namespace: it removes it, also when the test process dies. */
    readonly lab: Lab,
    readonly ns: string,
  ) {}

  /** A namespace with lo up, IPv6 DAD off, and both uplinks addressed and up. */
  static async create(opts: { uplinks?: boolean } = {}): Promise<KernelLab> {
    const lab = Lab.create();
    const kernel = new KernelLab(lab, await lab.addNamespace('fib'));
    if (opts.uplinks !== false) for (const u of Object.values(UPLINKS)) await kernel.addUplink(u);
    return kernel;
  }

  /** A veth pair inside the namespace: `dev` addressed (IPv6 without DAD), both ends up. */
  async addUplink(u: { dev: string; peer: string; v4: string; v6: string }): Promise<void> {
    await this.lab.link({ ns: this.ns, iface: u.dev, addrs: [u.v4, u.v6] }, { ns: this.ns, iface: u.peer });
  }

  /** `ip ARGS` in the namespace; the exit status is in the result, not thrown. */
  ip(args: readonly string[], timeoutMs = 60_000): Promise<IpRun> {
    return this.lab.ip(this.ns, args, { timeoutMs, allowFailure: true });
  }

  async must(args: readonly string[]): Promise<string> {
    const r = await this.ip(args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Runs a command inside the namespace; the exit status is in the result, not thrown. */
  exec(argv: readonly string[], timeoutMs = 60_000): Promise<IpRun> {
    return this.lab.exec(this.ns, argv, { timeoutMs, allowFailure: true });
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
    await this.lab.destroy();
  }
}

/** What fibPerTest hands each test: set before it, removed after it. */
export interface FibUnderTest {
  lab: KernelLab;
  fib: Fib;
}

/** For each test of the enclosing suite: a fresh KernelLab and a started Fib on it, both removed after it. */
export function fibPerTest(options: Omit<FibOptions, 'netns'>): FibUnderTest {
  const t = {} as FibUnderTest;
  beforeEach(async () => {
    t.lab = await KernelLab.create();
    t.fib = new Fib({ ...options, netns: t.lab.ns });
    await t.fib.start();
  });
  afterEach(async () => {
    await t.fib?.stop().catch(() => {});
    await t.lab?.destroy();
  });
  return t;
}

/** Both kernel writers: every FIB suite runs with each. */
export const WRITERS = ['netlink', 'ip'] as const;
/** Nexthop-groups setting × writer, for suites that run both modes. */
export const GROUPS_AND_WRITERS = (['on', 'off'] as const).flatMap((g) => WRITERS.map((w) => [g, w] as const));

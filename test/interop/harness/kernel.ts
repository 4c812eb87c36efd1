// The kernel routing table of a namespace, read back with `ip -json`, in one shape whether a
// route carries its next hops inline or points at a nexthop object (`nhid`).
import { run } from '../../support/lab/exec.js';
import { isObject, parseJson, type Family } from './types.js';
import { sleep } from '../../support/wait.js';

export interface KernelNextHop {
  via: string;
  dev: string;
}

export interface KernelRoute {
  /** Canonical prefix: `0.0.0.0/0` for `default`, `/32` or `/128` added to host routes. */
  prefix: string;
  /** Route type: `unicast`, `blackhole`, `unreachable`, `local`, ... */
  type: string;
  /** As `ip` prints it: a name from rt_protos (`kernel`, `bird`) or the number (`"200"`). */
  protocol: string;
  metric: number | null;
  /** The nexthop object the route points at; null for inline next hops. */
  nhid: number | null;
  /** Gateways, sorted by address. With `nexthop_compat_mode` 1 (the default) `ip` prints them for `nhid` routes too. */
  nextHops: KernelNextHop[];
}

/** How `ip` prints necod's default protocol id: `necod` is 200 unless rt_protos names it. */
export const NECOD_PROTOCOL: readonly string[] = ['200', 'necod'];

/** A protocol as `ip` prints it, a number, or a list of either (any of them). */
export type ProtocolFilter = string | number | readonly (string | number)[];

function protocolMatcher(f: ProtocolFilter | undefined): (p: string) => boolean {
  if (f === undefined) return () => true;
  const want = (Array.isArray(f) ? f : [f]).map(String);
  return (p) => want.includes(p);
}

export interface KernelNexthopObject {
  id: number;
  protocol: string;
  /** A single next hop: its gateway and device. */
  via: string | null;
  dev: string | null;
  /** A group: the ids of its members. */
  group: number[];
}

function canonicalPrefix(dst: string, family: Family): string {
  if (dst === 'default') return family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  if (dst.includes('/')) return dst;
  return `${dst}/${family === 'ipv4' ? 32 : 128}`;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function hop(v: unknown): KernelNextHop | null {
  if (!isObject(v)) return null;
  const via = str(v.gateway);
  const dev = str(v.dev);
  return via !== null && dev !== null ? { via, dev } : null;
}

/** `ip -json route show table TABLE` in `ns`, every protocol; filter with `protocol`. */
export async function kernelRoutes(
  ns: string,
  opts: { family?: Family; table?: string | number; protocol?: ProtocolFilter } = {},
): Promise<KernelRoute[]> {
  const family = opts.family ?? 'ipv4';
  const { stdout } = await run([
    'ip', '-n', ns, family === 'ipv4' ? '-4' : '-6', '-json', 'route', 'show', 'table', String(opts.table ?? 'main'),
  ]);
  const list = parseJson(stdout === '' ? '[]' : stdout, `ip route in ${ns}`);
  if (!Array.isArray(list)) throw new Error(`ip -json route in ${ns}: not a list: ${stdout.slice(0, 200)}`);
  const out: KernelRoute[] = [];
  for (const r of list) {
    if (!isObject(r)) continue;
    const dst = str(r.dst);
    if (dst === null) continue;
    const nextHops: KernelNextHop[] = [];
    if (Array.isArray(r.nexthops)) {
      for (const h of r.nexthops) {
        const x = hop(h);
        if (x !== null) nextHops.push(x);
      }
    } else {
      const x = hop(r);
      if (x !== null) nextHops.push(x);
    }
    nextHops.sort((a, b) => a.via.localeCompare(b.via, 'en', { numeric: true }));
    out.push({
      prefix: canonicalPrefix(dst, family),
      type: str(r.type) ?? 'unicast',
      protocol: str(r.protocol) ?? 'boot',
      metric: typeof r.metric === 'number' ? r.metric : null,
      nhid: typeof r.nhid === 'number' ? r.nhid : null,
      nextHops,
    });
  }
  const ok = protocolMatcher(opts.protocol);
  return out.filter((r) => ok(r.protocol));
}

/** `ip -json nexthop show` in `ns`; filter with `protocol`. */
export async function kernelNexthops(ns: string, opts: { protocol?: ProtocolFilter } = {}): Promise<KernelNexthopObject[]> {
  const { stdout } = await run(['ip', '-n', ns, '-json', 'nexthop', 'show']);
  const list = parseJson(stdout === '' ? '[]' : stdout, `ip nexthop in ${ns}`);
  if (!Array.isArray(list)) throw new Error(`ip -json nexthop in ${ns}: not a list: ${stdout.slice(0, 200)}`);
  const out: KernelNexthopObject[] = [];
  for (const o of list) {
    if (!isObject(o) || typeof o.id !== 'number') continue;
    const group = Array.isArray(o.group) ? o.group.flatMap((m) => (isObject(m) && typeof m.id === 'number' ? [m.id] : [])) : [];
    out.push({ id: o.id, protocol: str(o.protocol) ?? '', via: str(o.gateway), dev: str(o.dev), group });
  }
  const ok = protocolMatcher(opts.protocol);
  return out.filter((o) => ok(o.protocol));
}

/** One reading of a kernel watch: which of the watched prefixes were there, with how many next hops. */
export interface KernelSample {
  /** Milliseconds since the watch started. */
  at: number;
  /** prefix → number of next hops; a missing prefix is absent. */
  present: Map<string, number>;
}

export interface KernelWatch {
  /** Stops polling and returns every sample taken. */
  stop(): Promise<KernelSample[]>;
  /** Samples in which `prefix` was absent so far. */
  gaps(prefix: string): KernelSample[];
  readonly samples: readonly KernelSample[];
}

/**
 * Reads the routes of `protocol` in `ns` over and over (one `ip` run at a time, `intervalMs`
 * apart) until stop(): evidence that a route never left the kernel while something restarted.
 */
export function watchKernelRoutes(
  ns: string,
  prefixes: readonly string[],
  opts: { protocol: ProtocolFilter; family?: Family; intervalMs?: number },
): KernelWatch {
  const samples: KernelSample[] = [];
  const t0 = Date.now();
  let running = true;
  let failure: unknown = null;
  const loop = (async () => {
    while (running) {
      try {
        const routes = await kernelRoutes(ns, { family: opts.family, protocol: opts.protocol });
        const present = new Map<string, number>();
        for (const r of routes) if (prefixes.includes(r.prefix)) present.set(r.prefix, r.nextHops.length);
        samples.push({ at: Date.now() - t0, present });
      } catch (err) {
        failure = err;
        running = false;
      }
      await sleep(opts.intervalMs ?? 50);
    }
  })();
  return {
    samples,
    gaps: (prefix) => samples.filter((s) => !s.present.has(prefix)),
    async stop() {
      running = false;
      await loop;
      if (failure !== null) throw new Error(`kernel watch in ${ns} failed`, { cause: failure });
      return samples;
    },
  };
}

// Finds the outgoing device of a next hop from its connected route, as the kernel sees it now
// (`ip route get`). Next hops are few (the ToRs and their subnets), so each is looked up once and
// cached until an interface or address change that concerns it.
import type { IpContext } from '../host/ip-runner.js';
import { runIp } from '../host/ip-runner.js';
import { parseAddress, prefixContains, type IpAddress, type Prefix } from '../net/index.js';

export type Resolution = { readonly ok: true; readonly dev: string } | { readonly ok: false; readonly error: string };

interface RouteGetJson {
  type?: unknown;
  gateway?: unknown;
  dev?: unknown;
}

/** Reads `ip -json route get VIA` output: a connected route gives the device. */
export function interpretRouteGet(via: string, code: number | null, stdout: string, stderr: string): Resolution {
  if (code !== 0) {
    const why = stderr.trim().replace(/^RTNETLINK answers: /, '') || `ip exited with ${code}`;
    return { ok: false, error: `no route to next hop ${via}: ${why}` };
  }
  let r: RouteGetJson | undefined;
  try {
    const data: unknown = JSON.parse(stdout);
    r = Array.isArray(data) ? (data[0] as RouteGetJson) : undefined;
  } catch {
    r = undefined;
  }
  if (!r || typeof r.dev !== 'string') return { ok: false, error: `no route to next hop ${via}` };
  const type = r.type === undefined ? 'unicast' : String(r.type);
  if (type !== 'unicast' && type !== '1') {
    return { ok: false, error: `next hop ${via} is not a neighbor: the kernel routes it as ${type === '2' ? 'local' : type}` };
  }
  if (typeof r.gateway === 'string') {
    return { ok: false, error: `no connected route to next hop ${via} (the kernel reaches it through ${r.gateway} dev ${r.dev})` };
  }
  return { ok: true, dev: r.dev };
}

export interface ResolverOptions {
  /** Called with next hops whose resolution is new or changed. */
  onChange: (vias: string[]) => void;
  concurrency?: number;
  /** How one next hop is looked up; default `ip route get`. The rehearsal's FIB answers without asking the kernel. */
  lookup?: (ctx: IpContext, via: string) => Promise<Resolution>;
}

/** The kernel's answer: `ip -json route get VIA`. */
async function routeGet(ctx: IpContext, via: string): Promise<Resolution> {
  const r = await runIp(ctx, ['-N', '-json', 'route', 'get', via]);
  return interpretRouteGet(via, r.code, r.stdout, r.stderr);
}

export class NextHopResolver {
  private readonly cache = new Map<string, Resolution>();
  private readonly addresses = new Map<string, IpAddress>();
  private readonly inFlight = new Set<string>();
  /** Asked again while a lookup ran: its answer may predate the change, so look once more. */
  private readonly again = new Set<string>();
  private readonly queue: string[] = [];
  private running = 0;
  private readonly concurrency: number;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly ctx: IpContext,
    private readonly opts: ResolverOptions,
  ) {
    this.concurrency = opts.concurrency ?? 4;
  }

  /** The cached answer, or undefined while a lookup is on its way (started here if needed). */
  get(via: string): Resolution | undefined {
    const r = this.cache.get(via);
    if (r === undefined) this.lookup(via);
    return r;
  }

  /** Looks every known next hop up again; changed ones are reported through onChange. */
  refresh(): void {
    for (const via of this.cache.keys()) this.lookup(via);
  }

  /** Drops next hops no route uses any more, so the cache stays as small as the next-hop set. */
  retain(used: (via: string) => boolean): void {
    for (const via of [...this.cache.keys()]) {
      if (!used(via)) {
        this.cache.delete(via);
        this.addresses.delete(via);
      }
    }
  }

  /** Whether a route or address change for this prefix can change a known next hop's answer. */
  concerns(prefix: Prefix): boolean {
    for (const a of this.addresses.values()) if (prefixContains(prefix, a)) return true;
    return false;
  }

  /** Whether some next hop currently leaves through this device. */
  usesDev(dev: string): boolean {
    for (const r of this.cache.values()) if (r.ok && r.dev === dev) return true;
    return false;
  }

  /** Resolves when no lookup is queued or running. */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private lookup(via: string): void {
    if (this.closed) return;
    if (this.inFlight.has(via)) {
      this.again.add(via);
      return;
    }
    const a = parseAddress(via);
    if (a) this.addresses.set(via, a);
    this.inFlight.add(via);
    this.queue.push(via);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const via = this.queue.shift()!;
      this.running++;
      void (this.opts.lookup ?? routeGet)(this.ctx, via).then((next) => {
        this.running--;
        this.inFlight.delete(via);
        if (!this.closed) {
          const prev = this.cache.get(via);
          this.cache.set(via, next);
          if (!prev || prev.ok !== next.ok || (prev.ok && next.ok && prev.dev !== next.dev) || (!prev.ok && !next.ok && prev.error !== next.error)) {
            this.opts.onChange([via]);
          }
          if (this.again.delete(via)) this.lookup(via);
        }
        this.pump();
        if (this.running === 0 && this.queue.length === 0) {
          const w = this.idleWaiters;
          this.idleWaiters = [];
          for (const f of w) f();
        }
      });
    }
  }
}

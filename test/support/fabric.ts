// The virtual data center, built from network namespaces: two BIRD spines, per rack two BIRD ToRs
// (iBGP route reflectors, each with its own /26 on a bridge, BFD toward the servers), and servers
// running necod from docs/examples/server.yaml (or, for the side-by-side benchmark, the bird.conf
// it replaces). One builder for the suite, the lab script and the failover benchmark; what a test
// asserts stays in the test. Addresses come from fabric-plan.ts, BIRD configs from fabric-bird.ts.
import {
  BirdPeer,
  NECOD_PROTOCOL,
  NecodPeer,
  kernelRoutes,
  sleep,
  waitFor,
  watchKernelRoutes,
  waitForState,
  type Drop,
  type KernelRoute,
  type Lab,
  type LabProcess,
} from '../interop/harness/index.js';
import { readFileSync } from 'node:fs';
import { serverBirdConfig, spineConfig, torConfig, type BfdTiming } from './fabric-bird.js';
import { POD_TABLE, expectedNextHops, fabricPlan, torsOf, type FabricPlan, type FabricShape, type ServerPlan, type SpinePlan, type TorPlan } from './fabric-plan.js';
import { serverNecodSpec, type ServerOverrides } from './server-template.js';

export interface FabricOptions {
  shape?: FabricShape;
  /** BFD on every server ↔ ToR session; default 100 ms × 3 (docs/examples/server.yaml). */
  bfd?: BfdTiming;
  /** BGP hold time everywhere but on necod (which keeps the example's); default 9 s. */
  holdTime?: number;
  /** What runs on the servers; default necod. */
  servers?: 'necod' | 'bird';
  /** Routes each ToR holds in a disabled static protocol `flood`. */
  floodRoutes?: number;
  /** Routes the first spine originates besides the servers' own (e.g. 100k for a benchmark). */
  backgroundRoutes?: number;
  /** ToRs treat a BFD failure toward a server as a graceful restart (fabric-bird.ts); default false. */
  torBfdGraceful?: boolean;
  /** Changes to the example config of every necod server. */
  necod?: ServerOverrides;
}

export interface SpineNode {
  plan: SpinePlan;
  ns: string;
  bird: BirdPeer;
}

export interface TorNode {
  plan: TorPlan;
  ns: string;
  bird: BirdPeer;
}

export interface ServerNode {
  plan: ServerPlan;
  ns: string;
  label: string;
  /** Set when necod runs on the server. */
  necod: NecodPeer | null;
  /** Set when BIRD runs on the server instead. */
  bird: BirdPeer | null;
  /** Its rack's ToRs, in uplink order. */
  tors: TorNode[];
}

export interface PingResult {
  transmitted: number;
  received: number;
  lost: number;
}

/** A ping stream running in the background; stop() ends it and reads ping's own count. */
export interface SteadyPing {
  stop(): Promise<PingResult>;
}

const DEFAULT_BFD: BfdTiming = { intervalMs: 100, multiplier: 3 };

export class Fabric {
  private pings = 0;

  constructor(
    readonly lab: Lab,
    readonly plan: FabricPlan,
    readonly spines: SpineNode[],
    readonly tors: TorNode[],
    readonly servers: ServerNode[],
  ) {}

  server(label: string): ServerNode {
    const s = this.servers.find((x) => x.label === label || x.plan.label === label);
    if (s === undefined) throw new Error(`no server ${label} (have ${this.servers.map((x) => x.label).join(', ')})`);
    return s;
  }

  /** How the server's daemon tags its kernel routes. */
  protocolOf(server: ServerNode): readonly string[] {
    return server.necod !== null ? NECOD_PROTOCOL : ['bird', '12'];
  }

  /** The server's routes in the main table written by its BGP daemon. */
  async kernel(server: ServerNode): Promise<KernelRoute[]> {
    return kernelRoutes(server.ns, { family: 'ipv4', protocol: this.protocolOf(server) });
  }

  /**
   * Every other server's management /32 and pod prefix as the server should have them: ECMP over
   * both uplinks (in the rack the other server's uplink addresses, across racks the two ToRs).
   */
  expected(server: ServerNode): { prefix: string; nextHops: string[] }[] {
    const out: { prefix: string; nextHops: string[] }[] = [];
    for (const other of this.servers) {
      if (other === server) continue;
      const nextHops = expectedNextHops(server.plan, other.plan);
      out.push({ prefix: `${other.plan.mgmt}/32`, nextHops }, { prefix: other.plan.pod, nextHops });
    }
    return out;
  }

  /** What is missing or different in the server's kernel compared with expected(); empty when all is there. */
  async differences(server: ServerNode): Promise<string[]> {
    const have = new Map((await this.kernel(server)).map((r) => [r.prefix, r.nextHops.map((h) => h.via).sort()]));
    const diffs: string[] = [];
    for (const want of this.expected(server)) {
      const got = have.get(want.prefix);
      if (got === undefined) diffs.push(`${want.prefix} missing`);
      else if (got.join(',') !== want.nextHops.join(',')) diffs.push(`${want.prefix} via ${got.join(',')}, want ${want.nextHops.join(',')}`);
    }
    return diffs;
  }

  /** Waits until every server has the full ECMP picture. */
  async waitForEcmp(timeoutMs = 60_000): Promise<void> {
    let last: string[] = [];
    await waitFor(
      async () => {
        const all = await Promise.all(this.servers.map(async (s) => (await this.differences(s)).map((d) => `${s.label}: ${d}`)));
        last = all.flat();
        return last.length === 0;
      },
      { timeoutMs, intervalMs: 200, what: `ECMP routes on every server (${last.slice(0, 4).join('; ')})` },
    ).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nstill different: ${last.join('; ')}`);
    });
  }

  /** Waits until every server's sessions to both ToRs are Established. */
  async waitForSessions(timeoutMs = 30_000): Promise<void> {
    await Promise.all(
      this.servers.map(async (s) => {
        for (const up of s.plan.uplinks) {
          const daemon = s.necod ?? s.bird;
          if (daemon === null) continue;
          await waitForState(daemon, s.necod !== null ? `tor${up.tor + 1}` : up.torAddress, 'Established', timeoutMs);
        }
      }),
    );
  }

  /**
   * Watches every server's routes to the other servers until stop(), which names each route that
   * was ever absent (`r1-srv2: 10.70.0.1/32 absent in 3 of 120 samples`); empty when none was.
   */
  watchRoutes(servers: readonly ServerNode[] = this.servers): { stop(): Promise<string[]> } {
    const watches = servers.map((s) => {
      const prefixes = this.expected(s).map((e) => e.prefix);
      return { s, prefixes, watch: watchKernelRoutes(s.ns, prefixes, { protocol: this.protocolOf(s), family: 'ipv4', intervalMs: 20 }) };
    });
    return {
      stop: async () => {
        const out: string[] = [];
        for (const { s, prefixes, watch } of watches) {
          const samples = await watch.stop();
          for (const p of prefixes) {
            const gaps = watch.gaps(p).length;
            if (gaps > 0) out.push(`${s.label}: ${p} absent in ${gaps} of ${samples.length} samples`);
          }
        }
        return out;
      },
    };
  }

  /** The gateways of one kernel route (`ip route show exact`: cheap beside a full table). */
  async nextHopsOf(server: ServerNode, prefix: string): Promise<string[]> {
    const { stdout } = await this.lab.ip(server.ns, ['-4', 'route', 'show', 'exact', prefix, 'proto', this.protocolOf(server)[0] ?? '']);
    return [...stdout.matchAll(/via (\S+)/g)].map((m) => m[1] ?? '').sort();
  }

  /**
   * Milliseconds from `t0` (performance.now()) until the server's route to `prefix` has next hops
   * and none is `gone`; null when that does not happen within `limitMs`. Polls `ip`, so the
   * resolution is one `ip` run (a few ms).
   */
  async timeUntilLeaves(server: ServerNode, prefix: string, gone: string, t0: number, limitMs = 10_000): Promise<number | null> {
    while (performance.now() - t0 < limitMs) {
      const hops = await this.nextHopsOf(server, prefix);
      if (hops.length > 0 && !hops.includes(gone)) return performance.now() - t0;
      await sleep(2);
    }
    return null;
  }

  /** All traffic on one uplink of a server dropped, in both directions; the link stays up. */
  cut(server: ServerNode, uplink: number): Promise<Drop> {
    const up = server.plan.uplinks[uplink];
    if (up === undefined) throw new Error(`${server.label} has no uplink ${uplink}`);
    return this.lab.drop(server.ns, up.iface, 'all');
  }

  /** `count` pings from `from`'s management address (node0) to `to`. */
  async ping(from: ServerNode, to: string, count = 3): Promise<PingResult> {
    const { stdout } = await this.lab.exec(from.ns, ['ping', '-n', '-q', '-c', String(count), '-i', '0.2', '-W', '1', '-I', from.plan.mgmt, to], {
      allowFailure: true,
    });
    return parsePing(stdout);
  }

  /** A steady ping stream from `from`'s management address to `to`, one packet every `intervalMs`. */
  startPing(from: ServerNode, to: string, intervalMs = 10): SteadyPing {
    const name = `ping-${from.label}-${++this.pings}`;
    const proc: LabProcess = this.lab.spawnIn(from.ns, ['ping', '-n', '-q', '-i', String(intervalMs / 1000), '-I', from.plan.mgmt, to], { name });
    return {
      stop: async () => {
        // SIGINT: ping prints its summary and exits.
        proc.signal('SIGINT');
        await proc.exited;
        return parsePing(readFileSync(proc.logPath, 'utf8'));
      },
    };
  }
}

export function parsePing(text: string): PingResult {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  if (m === null) throw new Error(`no ping summary in: ${text.slice(-300)}`);
  const transmitted = Number(m[1]);
  const received = Number(m[2]);
  return { transmitted, received, lost: transmitted - received };
}

/** Builds the namespaces and links, starts every daemon and waits for the full ECMP picture. */
export async function buildFabric(lab: Lab, opts: FabricOptions = {}): Promise<Fabric> {
  const plan = fabricPlan(opts.shape);
  const bfd = opts.bfd ?? DEFAULT_BFD;
  const holdTime = opts.holdTime ?? 9;

  const spineNs = await Promise.all(plan.spines.map((s) => lab.addNamespace(s.label)));
  const torNs = await Promise.all(plan.tors.map((t) => lab.addNamespace(t.label)));
  const serverNs = await Promise.all(plan.servers.map((s) => lab.addNamespace(s.label)));

  // Spines and ToRs route between their interfaces.
  for (const ns of [...spineNs, ...torNs]) await lab.exec(ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);

  await Promise.all(
    plan.tors.map(async (tor, ti) => {
      const ns = torNs[ti] as string;
      await lab.addBridge(ns, 'br0', [`${tor.address}/${tor.prefixLength}`]);
      for (const link of tor.spines) {
        await lab.link(
          { ns, iface: link.torIface, addrs: [`${link.torAddress}/31`] },
          { ns: spineNs[link.spine] as string, iface: link.spineIface, addrs: [`${link.spineAddress}/31`] },
        );
      }
    }),
  );

  await Promise.all(
    plan.servers.map(async (server, si) => {
      const ns = serverNs[si] as string;
      for (const up of server.uplinks) {
        const tor = plan.tors.findIndex((t) => t.rack === server.rack && t.index === up.tor);
        const tns = torNs[tor] as string;
        await lab.link({ ns, iface: up.iface }, { ns: tns, iface: up.torPort });
        await lab.ip(tns, ['link', 'set', up.torPort, 'master', 'br0']);
        // Scope link: the kernel never picks an uplink address as a source (REFERENCE.md).
        await lab.ip(ns, ['addr', 'add', `${up.address}/${plan.tors[tor]?.prefixLength ?? 26}`, 'dev', up.iface, 'scope', 'link']);
      }
      await lab.addBridge(ns, 'node0', [`${server.mgmt}/32`]);
      // The CNI's part: a pod network on its own interface, its route in table 119.
      const podGateway = server.pod.replace(/\.0\/24$/, '.1');
      await lab.addBridge(ns, 'pod0', [`${podGateway}/32`]);
      await lab.ip(ns, ['route', 'add', server.pod, 'dev', 'pod0', 'table', String(POD_TABLE)]);
    }),
  );

  const spines: SpineNode[] = plan.spines.map((p, i) => {
    const ns = spineNs[i] as string;
    const neighbors = plan.tors.map((t) => ({ address: t.spines[p.index]?.torAddress ?? '', remoteAs: t.asn }));
    const bird = new BirdPeer(lab, ns, { asn: 65000, routerId: p.routerId, neighbors }, { name: p.label, config: spineConfig(plan, p, { holdTime, backgroundRoutes: i === 0 ? (opts.backgroundRoutes ?? 0) : 0 }) });
    return { plan: p, ns, bird };
  });
  const tors: TorNode[] = plan.tors.map((p, i) => {
    const ns = torNs[i] as string;
    const neighbors = [
      ...plan.servers.filter((s) => s.rack === p.rack).map((s) => ({ address: s.uplinks[p.index]?.address ?? '', remoteAs: s.asn })),
      ...p.spines.map((l) => ({ address: l.spineAddress, remoteAs: 65000 })),
    ];
    const config = torConfig(plan, p, { bfd, holdTime, floodRoutes: opts.floodRoutes ?? 0, bfdGraceful: opts.torBfdGraceful ?? false });
    return { plan: p, ns, bird: new BirdPeer(lab, ns, { asn: p.asn, routerId: p.address, neighbors }, { name: p.label, config }) };
  });
  const servers: ServerNode[] = plan.servers.map((p, i) => {
    const ns = serverNs[i] as string;
    const myTors = torsOf(plan, p).map((t) => tors.find((n) => n.plan === t) as TorNode);
    if (opts.servers === 'bird') {
      const neighbors = p.uplinks.map((u) => ({ address: u.torAddress, remoteAs: p.asn }));
      const config = serverBirdConfig(p, torsOf(plan, p), { bfd, holdTime });
      return { plan: p, ns, label: p.label, necod: null, bird: new BirdPeer(lab, ns, { asn: p.asn, routerId: p.mgmt, neighbors }, { name: p.label, config }), tors: myTors };
    }
    const spec = serverNecodSpec(p, {
      ...opts.necod,
      top: { bfd: { interval: bfd.intervalMs, multiplier: bfd.multiplier }, ...opts.necod?.top },
    });
    return { plan: p, ns, label: p.label, necod: new NecodPeer(lab, ns, spec, { name: p.label }), bird: null, tors: myTors };
  });

  await Promise.all([...spines, ...tors].map((n) => n.bird.start()));
  await Promise.all(servers.map((s) => (s.necod ?? s.bird)?.start()));
  const fabric = new Fabric(lab, plan, spines, tors, servers);
  await fabric.waitForSessions();
  await fabric.waitForEcmp();
  return fabric;
}

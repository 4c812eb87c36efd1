// FRR as a peer: zebra + bgpd in a namespace (bgpd never installs routes), steered through vtysh.
import { chmodSync, chownSync, existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { run } from '../../support/lab/exec.js';
import { FRR_BFD_PROFILE, afiOf, familyAfi, frrBfdConfig, frrConfig, type FrrBfdPeer, frrLastError, frrNeighbor, frrSessionState, parseFrrBfdPeers, parseFrrRoutes, routeMapSets } from './frr-conf.js';
import type { Lab } from '../../support/lab/lab.js';
import type { LabProcess } from '../../support/lab/process.js';
import { PeerRunner } from './runner.js';
import {
  parseJson,
  type BgpPeer,
  type Family,
  type LastError,
  type Route,
  type RouteAttrs,
  type RouteSpec,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

export { frrConfig } from './frr-conf.js';

export const FRR_DIR = '/usr/lib/frr';

export interface FrrOptions {
  name?: string;
  /**
   * Run zebra beside bgpd (default true). Without zebra bgpd knows no interfaces and treats
   * every IPv6 route with a link-local next hop as withdrawn; with `false` bgpd runs with -Z and
   * all next hops count as reachable.
   */
  zebra?: boolean;
  /** Sessions configured in bfdd itself (e.g. multihop ones bgpd does not ask for). */
  bfdPeers?: FrrBfdPeer[];
}

/** Removes `dir` if it exists and is empty. */
function rmEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // absent, or not empty (crash logs): keep
  }
}

async function frrIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run(['id', '-u', 'frr'])).stdout.trim());
  const gid = Number((await run(['id', '-g', 'frr'])).stdout.trim());
  return { uid, gid };
}

export class FrrPeer extends PeerRunner implements BgpPeer {
  readonly kind = 'frr';
  /** Holds the configs, pid files, zserv.api and the vty sockets (bgpd.vty) of this instance. */
  readonly dir: string;
  private readonly useZebra: boolean;
  private readonly staticBfdPeers: readonly FrrBfdPeer[];
  private zebra: LabProcess | null = null;
  private bfdd: LabProcess | null = null;
  private readonly routeSpecs = new Map<string, RouteSpec>();
  private readonly routeMaps = new Map<string, string>();
  private nextMap = 1;

  constructor(
    lab: Lab,
    ns: string,
    readonly spec: SpeakerSpec,
    opts: FrrOptions = {},
  ) {
    super(lab, ns, opts.name ?? 'frr');
    this.useZebra = opts.zebra ?? true;
    this.staticBfdPeers = opts.bfdPeers ?? [];
    this.dir = lab.path(this.name);
    for (const r of spec.routes ?? []) this.addRouteSpec(r);
  }

  private addRouteSpec(r: RouteSpec): string | undefined {
    this.routeSpecs.set(r.prefix, r);
    if (routeMapSets(r).length === 0) return undefined;
    const rm = `NT_${this.nextMap++}`;
    this.routeMaps.set(r.prefix, rm);
    return rm;
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const conf = this.lab.writeFile(
      `${this.name}/bgpd.conf`,
      frrConfig({ ...this.spec, hostname: this.name, routes: [...this.routeSpecs.values()], routeMaps: this.routeMaps }),
    );
    const argv = [
      `${FRR_DIR}/bgpd`,
      '-n', // never install routes (into zebra or the kernel)
      '-S', // stay root: no frr user, no capability juggling
      '-f', conf,
      '-i', `${this.dir}/bgpd.pid`,
      '--vty_socket', this.dir,
      '-P', '0', // no telnet vty port
      ...(this.useZebra ? ['-z', `${this.dir}/zserv.api`] : ['-Z']),
    ];
    if (this.spec.listenPort !== undefined) argv.push('-p', String(this.spec.listenPort));
    // Dry run first so a config error is reported as such, not as a startup timeout. It exits 0
    // even then; the rejected lines are logged as "... on config line N: ...".
    const dry = await run([...argv, '-C'], { timeoutMs: 15_000 });
    rmEmptyDir(`/var/tmp/frr/bgpd.${dry.pid}`);
    const rejected = `${dry.stdout}\n${dry.stderr}`.split('\n').filter((l) => / on config line \d+:/.test(l));
    if (rejected.length > 0) throw new Error(`${this.name}: bgpd rejects its config:\n${rejected.join('\n')}`);
    if (this.useZebra) await this.startZebra();
    await this.startBfdd();
    this.proc = this.lab.spawnIn(this.ns, [...argv, '--log', 'stdout'], { name: this.name });
    this.removeTmpDirAfter(this.proc, 'bgpd');
    await this.proc.untilReady(async () => (await this.vtysh(['show bgp summary json']), true), `${this.name} vty socket`);
  }

  /**
   * zebra refuses to run as root ("root is not part of vty group frrvty") and has no -S, so it
   * runs as the frr user: the lab dir must be traversable and the instance dir owned by frr.
   */
  private async startZebra(): Promise<void> {
    const { uid, gid } = await frrIds();
    chmodSync(this.lab.dir, 0o711);
    chownSync(this.dir, uid, gid);
    const conf = this.lab.writeFile(`${this.name}/zebra.conf`, `hostname ${this.name}-zebra\n`);
    const api = `${this.dir}/zserv.api`;
    this.zebra = this.lab.spawnIn(
      this.ns,
      [
        `${FRR_DIR}/zebra`,
        '-f', conf,
        '-i', `${this.dir}/zebra.pid`,
        '-z', api,
        '--vty_socket', this.dir,
        '-u', 'frr',
        '-g', 'frr',
        '-P', '0',
        '--log', 'stdout',
      ],
      { name: `${this.name}-zebra` },
    );
    this.removeTmpDirAfter(this.zebra, 'zebra');
    await this.zebra.untilReady(() => existsSync(api), `${this.name}-zebra socket`);
  }

  /** bfdd beside zebra when a neighbor has BFD: bgpd registers its sessions through zebra. */
  private async startBfdd(): Promise<void> {
    const text = frrBfdConfig(this.name, this.spec.neighbors, this.staticBfdPeers);
    if (text === null) return;
    if (!this.useZebra) throw new Error(`${this.name}: BFD needs zebra (bgpd reaches bfdd through it)`);
    const conf = this.lab.writeFile(`${this.name}/bfdd.conf`, text);
    this.bfdd = this.lab.spawnIn(
      this.ns,
      [
        `${FRR_DIR}/bfdd`,
        '-f', conf,
        '-i', `${this.dir}/bfdd.pid`,
        '-z', `${this.dir}/zserv.api`,
        '--vty_socket', this.dir,
        '--bfdctl', `${this.dir}/bfdd.sock`,
        '-u', 'frr',
        '-g', 'frr',
        '-P', '0',
        '--log', 'stdout',
      ],
      { name: `${this.name}-bfdd` },
    );
    this.removeTmpDirAfter(this.bfdd, 'bfdd');
    await this.bfdd.untilReady(async () => (await this.vtyshIn('bfdd', ['show bfd peers json']), true), `${this.name}-bfdd vty socket`);
  }

  /**
   * bfdd stopped and started again: its sessions come back with new discriminators, and bgpd
   * registers its own again when zebra tells it bfdd is back. `kill: true` is a crash (SIGKILL).
   */
  async restartBfdd(opts: { kill?: boolean } = {}): Promise<void> {
    if (opts.kill === true) this.bfdd?.signal('SIGKILL');
    await this.bfdd?.stop();
    await this.startBfdd();
  }

  /** BFD peers as bfdd sees them, by address. */
  async bfdPeers(): Promise<ReturnType<typeof parseFrrBfdPeers>> {
    return parseFrrBfdPeers(parseJson(await this.vtyshIn('bfdd', ['show bfd peers json']), `${this.name}: show bfd peers json`));
  }

  /** New intervals for the BFD profile every BFD neighbor uses (bfdd runs a poll sequence). */
  async setBfd(intervalMs: number, multiplier: number): Promise<void> {
    await this.vtyshIn('bfdd', ['configure terminal', 'bfd', `profile ${FRR_BFD_PROFILE}`, `receive-interval ${intervalMs}`, `transmit-interval ${intervalMs}`, `detect-multiplier ${multiplier}`]);
  }

  /** `shutdown` in the BFD profile: bfdd sends AdminDown. */
  async setBfdShutdown(down: boolean): Promise<void> {
    await this.vtyshIn('bfdd', ['configure terminal', 'bfd', `profile ${FRR_BFD_PROFILE}`, down ? 'shutdown' : 'no shutdown']);
  }

  /**
   * Every FRR daemon makes /var/tmp/frr/<daemon>.<pid> for crash logs; bgpd running as root
   * (and its -C dry run) leaves it behind even on a clean exit. Empty ones are removed.
   */
  private removeTmpDirAfter(proc: LabProcess, daemon: string): void {
    const remove = (): void => rmEmptyDir(`/var/tmp/frr/${daemon}.${proc.pid}`);
    void proc.exited.then(remove);
    this.lab.addCleanup(remove);
  }

  override async stop(): Promise<void> {
    await this.proc?.stop();
    await this.bfdd?.stop();
    await this.zebra?.stop();
  }

  /** Runs vtysh commands in order (one `-c` each) against this bgpd only. */
  vtysh(commands: readonly string[]): Promise<string> {
    return this.vtyshIn('bgpd', commands);
  }

  private async vtyshIn(daemon: 'bgpd' | 'bfdd', commands: readonly string[]): Promise<string> {
    const args = ['vtysh', '--vty_socket', this.dir, '-d', daemon];
    for (const c of commands) args.push('-c', c);
    const { stdout } = await run(args, { timeoutMs: 10_000 });
    // vtysh reports a rejected command on stdout with a leading '%' and may still exit 0.
    const bad = stdout.split('\n').find((l) => l.startsWith('%'));
    if (bad !== undefined) throw new Error(`${this.name}: vtysh ${commands.join(' | ')}: ${bad}`);
    return stdout;
  }

  async vtyshJson(command: string): Promise<unknown> {
    return parseJson(await this.vtysh([command]), `${this.name}: ${command}`);
  }

  private async neighbor(address: string): Promise<Record<string, unknown>> {
    return frrNeighbor(await this.vtyshJson(`show bgp neighbors ${address} json`), address);
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    return frrSessionState(await this.neighbor(neighbor));
  }

  async lastError(neighbor: string): Promise<LastError | null> {
    return frrLastError(await this.neighbor(neighbor));
  }

  async routes(family: Family): Promise<Route[]> {
    return parseFrrRoutes(await this.vtyshJson(`show bgp ${familyAfi(family)} json detail`));
  }

  private configure(commands: readonly string[]): Promise<string> {
    return this.vtysh(['configure terminal', `router bgp ${this.spec.asn}`, ...commands]);
  }

  /** A `network` statement, with a route-map carrying the attributes. */
  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    await this.withdrawIfPresent(prefix);
    const r: RouteSpec = { prefix, ...attrs };
    const rm = this.addRouteSpec(r);
    if (rm !== undefined) {
      await this.vtysh(['configure terminal', `route-map ${rm} permit 10`, ...routeMapSets(r)]);
    }
    await this.configure([
      `address-family ${afiOf(prefix)}`,
      `network ${prefix}${rm !== undefined ? ` route-map ${rm}` : ''}`,
    ]);
  }

  async withdraw(prefix: string): Promise<void> {
    if (!this.routeSpecs.has(prefix)) throw new Error(`${this.name}: ${prefix} was not announced`);
    await this.withdrawIfPresent(prefix);
  }

  private async withdrawIfPresent(prefix: string): Promise<void> {
    if (!this.routeSpecs.has(prefix)) return;
    await this.configure([`address-family ${afiOf(prefix)}`, `no network ${prefix}`]);
    const rm = this.routeMaps.get(prefix);
    if (rm !== undefined) await this.vtysh(['configure terminal', `no route-map ${rm}`]);
    this.routeSpecs.delete(prefix);
    this.routeMaps.delete(prefix);
  }

  /** `neighbor A shutdown message TEXT`: Cease/Administrative Shutdown with the message. */
  async disableNeighbor(neighbor: string, message?: string): Promise<void> {
    await this.configure([`neighbor ${neighbor} shutdown${message !== undefined ? ` message ${message}` : ''}`]);
  }

  async enableNeighbor(neighbor: string): Promise<void> {
    await this.configure([`no neighbor ${neighbor} shutdown`]);
  }
}

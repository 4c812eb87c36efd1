// BIRD 2 as a peer: `bird -f` in a namespace, queried and steered through its own control socket.
import { birdConfig, birdProtoName, parseBirdBfdSessions, parseBirdProtocol, parseBirdRoutes, stripBanner } from './bird-text.js';
import { run } from '../../support/lab/exec.js';
import type { Lab } from '../../support/lab/lab.js';
import { PeerRunner } from './runner.js';
import type { BgpPeer, Family, LastError, Route, RouteAttrs, RouteSpec, SessionState, SpeakerSpec } from './types.js';

export { birdConfig, birdProtoName } from './bird-text.js';

export class BirdPeer extends PeerRunner implements BgpPeer {
  readonly kind = 'bird';
  private readonly routeSpecs = new Map<string, RouteSpec>();
  /** A config written by the caller (e.g. the data-center builder) instead of one made from `spec`. */
  private readonly configText: string | null;

  constructor(
    lab: Lab,
    ns: string,
    readonly spec: SpeakerSpec,
    opts: { name?: string; config?: string } = {},
  ) {
    super(lab, ns, opts.name ?? 'bird');
    this.configText = opts.config ?? null;
    for (const r of spec.routes ?? []) this.routeSpecs.set(r.prefix, r);
  }

  get configPath(): string {
    return this.file('.conf');
  }

  get socketPath(): string {
    return this.file('.ctl');
  }

  private writeConfig(): void {
    if (this.configText !== null) {
      this.lab.writeFile(`${this.name}.conf`, this.configText);
      return;
    }
    this.lab.writeFile(`${this.name}.conf`, birdConfig({ ...this.spec, routes: [...this.routeSpecs.values()] }));
  }

  /**
   * Starts BIRD. `recovery: true` adds `-R` (graceful restart recovery): BIRD then announces the
   * restart (R) and forwarding-preserved (F) bits, as after a crash with its routes kept. Without
   * it a restarted BIRD sends neither, and RFC 4724 §4.2 has its peers drop the stale routes at once.
   */
  async start(opts: { recovery?: boolean } = {}): Promise<void> {
    if (this.proc?.running) throw new Error(`${this.name} is already running`);
    this.writeConfig();
    // Parse-only run first: a config error is reported at once and not as a startup timeout.
    await run(['bird', '-p', '-c', this.configPath]);
    const argv = ['bird', '-f', '-c', this.configPath, '-s', this.socketPath, '-P', this.file('.pid')];
    if (opts.recovery) argv.push('-R');
    this.proc = this.lab.spawnIn(this.ns, argv, { name: this.name });
    await this.proc.untilReady(async () => (await this.birdc(['show', 'status'])).includes('Daemon is up and running'), `${this.name} control socket`);
  }

  /** SIGKILL: BIRD ends without a NOTIFICATION; the kernel closes its TCP connections. */
  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  /** One birdc command; returns its output without the banner. */
  async birdc(args: readonly string[]): Promise<string> {
    const { stdout } = await run(['birdc', '-s', this.socketPath, ...args], { timeoutMs: 10_000 });
    return stripBanner(stdout);
  }

  private protoName(neighbor: string): string {
    return birdProtoName(neighbor);
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    return parseBirdProtocol(await this.birdc(['show', 'protocols', 'all', this.protoName(neighbor)])).state;
  }

  async lastError(neighbor: string): Promise<LastError | null> {
    return parseBirdProtocol(await this.birdc(['show', 'protocols', 'all', this.protoName(neighbor)])).lastError;
  }

  async routes(family: Family): Promise<Route[]> {
    const table = family === 'ipv4' ? 'master4' : 'master6';
    const text = await this.birdc(['show', 'route', 'all', 'table', table]);
    const peers = new Map(this.spec.neighbors.map((n) => [birdProtoName(n.address), n.address]));
    return parseBirdRoutes(text, (proto) => peers.get(proto) ?? null);
  }

  /** Adds the route to the static protocol in the config and reloads it (`birdc configure`). */
  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    this.routeSpecs.set(prefix, { prefix, ...attrs });
    await this.reconfigure();
  }

  async withdraw(prefix: string): Promise<void> {
    this.routeSpecs.delete(prefix);
    await this.reconfigure();
  }

  private async reconfigure(): Promise<void> {
    this.writeConfig();
    const out = await this.birdc(['configure']);
    if (!/Reconfigured|Reconfiguration in progress/.test(out)) {
      throw new Error(`${this.name}: birdc configure failed: ${out}`);
    }
  }

  /**
   * `birdc restart` of the BFD protocol: its sessions are torn down and made anew with new
   * discriminators, as after a restart of BFD alone.
   */
  async restartBfd(): Promise<void> {
    const name = /^(\S+)\s+BFD\b/m.exec(await this.birdc(['show', 'protocols']))?.[1];
    if (name === undefined) throw new Error(`${this.name}: no BFD protocol in show protocols`);
    await this.birdc(['restart', name]);
  }

  /** BFD session state per neighbor address, from `show bfd sessions`. */
  async bfdSessions(): Promise<Map<string, string>> {
    return parseBirdBfdSessions(await this.birdc(['show', 'bfd', 'sessions']));
  }

  /** New BFD settings for every neighbor with BFD, through `birdc configure` (a poll sequence). */
  async setBfd(bfd: NonNullable<SpeakerSpec['neighbors'][number]['bfd']>): Promise<void> {
    for (const n of this.spec.neighbors) if (n.bfd) n.bfd = bfd;
    await this.reconfigure();
  }

  /** `disable NAME "message"`: Cease/Administrative Shutdown with an RFC 8203 message. */
  async disableNeighbor(neighbor: string, message?: string): Promise<void> {
    if (message?.includes('"')) throw new Error('BIRD shutdown messages cannot contain double quotes');
    const args = ['disable', this.protoName(neighbor)];
    if (message !== undefined) args.push(`"${message}"`);
    await this.birdc(args);
  }

  async enableNeighbor(neighbor: string): Promise<void> {
    await this.birdc(['enable', this.protoName(neighbor)]);
  }
}

// ExaBGP as a peer. Commands go through a file its API process follows; state, received routes
// and notifications come back as JSON events (see exabgp-conf.ts).
import { appendFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { EXA_API_SCRIPT, exabgpConfig, exaRouteText, foldExaEvents, type ExaView } from './exabgp-conf.js';
import type { Lab } from '../../support/lab/lab.js';
import { PeerRunner } from './runner.js';
import {
  familyOf,
  type BgpPeer,
  type Family,
  type LastError,
  type Route,
  type RouteAttrs,
  type RouteSpec,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

export { exabgpConfig } from './exabgp-conf.js';

export class ExabgpPeer extends PeerRunner implements BgpPeer {
  readonly kind = 'exabgp';
  private readonly announced = new Map<string, RouteSpec>();

  constructor(
    lab: Lab,
    ns: string,
    readonly spec: SpeakerSpec,
    opts: { name?: string } = {},
  ) {
    super(lab, ns, opts.name ?? 'exabgp');
    for (const r of spec.routes ?? []) this.announced.set(r.prefix, r);
  }

  private get commandFile(): string {
    return this.file('.commands');
  }

  private get eventFile(): string {
    return this.file('.events');
  }

  async start(): Promise<void> {
    const script = this.lab.writeFile(`${this.name}-api.sh`, EXA_API_SCRIPT);
    chmodSync(script, 0o755);
    writeFileSync(this.commandFile, '');
    writeFileSync(this.eventFile, '');
    const conf = this.lab.writeFile(
      `${this.name}.conf`,
      exabgpConfig(this.spec, `${script} ${this.commandFile} ${this.eventFile}`),
    );
    const passive = this.spec.neighbors.filter((n) => n.passive && n.localAddress !== undefined);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Stay in the foreground as root, no CLI pipes under /run, logs on stdout.
      exabgp_daemon_user: 'root',
      exabgp_daemon_drop: 'false',
      exabgp_daemon_daemonize: 'false',
      exabgp_api_cli: 'false',
      exabgp_api_ack: 'false',
      exabgp_api_respawn: 'false',
      exabgp_log_destination: 'stdout',
      exabgp_log_level: 'INFO',
      // ExaBGP listens only where told to: on the local addresses of passive neighbors.
      exabgp_tcp_bind: passive.map((n) => n.localAddress).join(' '),
      exabgp_tcp_port: String(this.spec.listenPort ?? 179),
    };
    this.proc = this.lab.spawnIn(this.ns, ['exabgp', conf], { name: this.name, env });
    // The API process is started once the configuration is loaded.
    const proc = this.proc;
    await proc.untilReady(() => readFileSync(proc.logPath, 'utf8').includes('loaded new configuration successfully'), `${this.name} configuration loaded`, 15_000);
  }

  /** Appends one API command (e.g. "announce route ..."); ExaBGP picks it up within ~0.2 s. */
  command(line: string): void {
    appendFileSync(this.commandFile, `${line}\n`);
  }

  private view(): ExaView {
    return foldExaEvents(readFileSync(this.eventFile, 'utf8'));
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    return this.view().state.get(neighbor) ?? 'Idle';
  }

  async lastError(neighbor: string): Promise<LastError | null> {
    return this.view().lastError.get(neighbor) ?? null;
  }

  /** Routes received (from events) plus the routes this ExaBGP announces (peer null). */
  async routes(family: Family): Promise<Route[]> {
    const received = [...this.view().routes.values()].filter((r) => familyOf(r.prefix) === family);
    const own: Route[] = [...this.announced.values()]
      .filter((r) => familyOf(r.prefix) === family)
      .map((r) => ({
        prefix: r.prefix,
        nextHop: r.nextHop ?? null,
        asPath: [],
        communities: r.communities ?? [],
        largeCommunities: r.largeCommunities ?? [],
        localPref: r.localPref ?? null,
        med: r.med ?? null,
        peer: null,
        best: true,
      }));
    return [...own, ...received];
  }

  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    const r: RouteSpec = { prefix, ...attrs };
    this.announced.set(prefix, r);
    this.command(`announce ${exaRouteText(r)}`);
  }

  async withdraw(prefix: string): Promise<void> {
    const r = this.announced.get(prefix) ?? { prefix };
    this.announced.delete(prefix);
    this.command(`withdraw route ${prefix} next-hop ${r.nextHop ?? 'self'}`);
  }

  /**
   * `neighbor A teardown 2`: Cease/Administrative Shutdown without a message (ExaBGP's API has no
   * shutdown communication). ExaBGP reconnects on its own, so enableNeighbor() has nothing to do.
   */
  async disableNeighbor(neighbor: string, message?: string): Promise<void> {
    if (message !== undefined) throw new Error('ExaBGP cannot send a shutdown communication');
    this.command(`neighbor ${neighbor} teardown 2`);
  }

  async enableNeighbor(_neighbor: string): Promise<void> {
    // nothing: see disableNeighbor
  }
}

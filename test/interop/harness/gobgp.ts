// GoBGP as a peer: gobgpd in a namespace with its gRPC API on a unix socket in the lab's temp
// dir, so the `gobgp` client needs no namespace and no TCP port.
import { readFileSync } from 'node:fs';
import { run } from '../../support/lab/exec.js';
import { gobgpConfig, gobgpLastError, gobgpSessionState, parseGobgpRoutes } from './gobgp-conf.js';
import type { Lab } from '../../support/lab/lab.js';
import { PeerRunner } from './runner.js';
import {
  familyOf,
  parseJson,
  type BgpPeer,
  type Family,
  type LastError,
  type Route,
  type RouteAttrs,
  type SessionState,
  type SpeakerSpec,
} from './types.js';

export { gobgpConfig } from './gobgp-conf.js';

export class GobgpPeer extends PeerRunner implements BgpPeer {
  readonly kind = 'gobgp';

  constructor(
    lab: Lab,
    ns: string,
    readonly spec: SpeakerSpec,
    opts: { name?: string } = {},
  ) {
    super(lab, ns, opts.name ?? 'gobgp');
  }

  get apiTarget(): string {
    return `unix://${this.file('.sock')}`;
  }

  async start(): Promise<void> {
    const conf = this.lab.writeFile(`${this.name}.toml`, gobgpConfig(this.spec));
    await run(['gobgpd', '-d', '-f', conf, '-t', 'toml']); // config check, reported as such
    this.proc = this.lab.spawnIn(
      this.ns,
      // JSON log (the default): lastError() reads notifications from it.
      ['gobgpd', '-f', conf, '-t', 'toml', '--api-hosts', this.apiTarget, '--pprof-disable'],
      { name: this.name },
    );
    await this.proc.untilReady(async () => (await this.gobgp(['global']), true), `${this.name} API`);
    for (const r of this.spec.routes ?? []) {
      const { prefix, ...attrs } = r;
      await this.announce(prefix, attrs);
    }
  }

  async gobgp(args: readonly string[]): Promise<string> {
    const { stdout } = await run(['gobgp', '--target', this.apiTarget, ...args], { timeoutMs: 10_000 });
    return stdout;
  }

  async sessionState(neighbor: string): Promise<SessionState> {
    const doc = parseJson(await this.gobgp(['neighbor', neighbor, '-j']), `${this.name} neighbor`);
    return gobgpSessionState(doc, neighbor);
  }

  async lastError(neighbor: string): Promise<LastError | null> {
    const log = this.proc === null ? '' : readFileSync(this.proc.logPath, 'utf8');
    return gobgpLastError(log, neighbor);
  }

  async routes(family: Family): Promise<Route[]> {
    return parseGobgpRoutes(parseJson(await this.gobgp(['global', 'rib', '-a', family, '-j']), `${this.name} rib`));
  }

  /** `gobgp global rib add`; without a next hop GoBGP sends its session address. */
  async announce(prefix: string, attrs: RouteAttrs = {}): Promise<void> {
    const args = ['global', 'rib', 'add', '-a', familyOf(prefix), prefix, 'origin', 'igp'];
    if (attrs.nextHop !== undefined) args.push('nexthop', attrs.nextHop);
    if (attrs.communities?.length) args.push('community', attrs.communities.join(','));
    if (attrs.largeCommunities?.length) args.push('large-community', attrs.largeCommunities.join(','));
    if (attrs.med !== undefined) args.push('med', String(attrs.med));
    if (attrs.localPref !== undefined) args.push('local-pref', String(attrs.localPref));
    await this.gobgp(args);
  }

  async withdraw(prefix: string): Promise<void> {
    await this.gobgp(['global', 'rib', 'del', '-a', familyOf(prefix), prefix]);
  }

  /**
   * `neighbor A disable`: Cease/Administrative Shutdown. GoBGP 3.10 accepts `--reason` here but
   * sends the NOTIFICATION without it; use resetNeighbor() to send a shutdown communication.
   */
  async disableNeighbor(neighbor: string, message?: string): Promise<void> {
    await this.gobgp(['neighbor', neighbor, 'disable', ...(message !== undefined ? ['--reason', message] : [])]);
  }

  /**
   * `neighbor A reset --reason TEXT`: Cease/Administrative Reset (6/4) with the message. GoBGP
   * 3.10 sends a shutdown communication only this way, and then stays Idle for its 30 s idle
   * hold time (refusing connections) before the session can come back.
   */
  async resetNeighbor(neighbor: string, message?: string): Promise<void> {
    await this.gobgp(['neighbor', neighbor, 'reset', ...(message !== undefined ? ['--reason', message] : [])]);
  }

  async enableNeighbor(neighbor: string): Promise<void> {
    await this.gobgp(['neighbor', neighbor, 'enable']);
  }
}

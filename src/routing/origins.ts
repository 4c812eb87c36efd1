// Starts the configured local origins and feeds each into its own RIB source: static routes
// once, interface addresses and kernel tables live (their readers follow `ip monitor`).
import type { Logger } from 'pino';
import type { NecodConfig, StaticRouteConfig } from '../config/types.js';
import { InterfaceAddressOrigin } from '../origin/interface-addresses.js';
import { KernelTableOrigin } from '../origin/kernel-table.js';
import type { OriginChange, OriginReader } from '../origin/types.js';
import { LocalRoutes, type LocalRoute } from './local-routes.js';
import type { RouteEngine } from './route-engine.js';

export function staticRoute(r: StaticRouteConfig): LocalRoute {
  const t = r.target;
  return {
    prefix: r.prefix,
    kind: t.kind === 'blackhole' ? 'blackhole' : t.kind === 'unreachable' ? 'unreachable' : 'unicast',
    nextHop: t.kind === 'via' ? t.address : null,
    device: t.kind === 'device' ? t.device : null,
    communities: r.communities,
    largeCommunities: r.largeCommunities,
    localPref: r.localPref,
    ...(r.med !== null ? { med: r.med } : {}),
  };
}

export class Origins {
  private readonly readers: OriginReader[] = [];
  private statics: LocalRoutes | null = null;

  constructor(
    private readonly config: NecodConfig,
    private readonly engine: RouteEngine,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const o = this.config.originate;
    const changed = () => this.engine.changed();
    if (o.static.length) this.setStatic(o.static);
    if (o.interfaces.length) {
      const direct = new LocalRoutes(this.engine.rib, this.engine.addLocalSource('direct', 'direct'), changed);
      const reader = new InterfaceAddressOrigin({ interfaces: o.interfaces, logger: this.logger });
      await this.follow(reader, direct, 'interface addresses');
    }
    for (const t of o.kernelTables) {
      const routes = new LocalRoutes(this.engine.rib, this.engine.addLocalSource(`kernel-${t.table}`, 'kernel'), changed);
      const reader = new KernelTableOrigin({
        table: t.table,
        families: t.families,
        ignoreProtocols: t.ignoreProtocols,
        scanIntervalMs: t.scanTime * 1000,
        logger: this.logger,
      });
      await this.follow(reader, routes, `kernel table ${t.table}`);
    }
  }

  /** The static routes, replaced as a set: a reload announces what is new and withdraws what is gone. */
  setStatic(routes: readonly StaticRouteConfig[]): void {
    if (this.statics === null && routes.length === 0) return;
    this.statics ??= new LocalRoutes(this.engine.rib, this.engine.addLocalSource('static', 'static'), () => this.engine.changed());
    this.statics.replace(routes.map(staticRoute));
  }

  private async follow(reader: OriginReader, routes: LocalRoutes, what: string): Promise<void> {
    reader.on('change', (c: OriginChange) => {
      const bad = routes.apply(c.added, c.removed);
      if (bad.length) this.logger.warn({ origin: what, prefixes: bad }, 'origin routes that are no prefixes were ignored');
      this.logger.info({ origin: what, added: c.added.length, removed: c.removed.length, total: routes.size }, 'origin routes changed');
    });
    this.readers.push(reader);
    await reader.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.stop()));
  }
}

// The routing core of a running necod: the RIB, the exporter and one PeerRoutes per
// neighbor, with Loc-RIB changes fanned out to export and (later) the kernel. Owns no
// sockets itself; the daemon gives it the Peers.
import type { Logger } from 'pino';
import type { Peer } from '../bgp/peer.js';
import type { NegotiatedSession } from '../bgp/negotiate.js';
import { parseIpv4 } from '../bgp/wire/index.js';
import type { NecodConfig, NeighborConfig } from '../config/types.js';
import { DEFAULT_DECISION } from '../rib/decision.js';
import type { ExportTarget } from '../rib/export.js';
import { Exporter } from '../rib/exporter.js';
import type { ImportContext } from '../rib/import.js';
import { Rib } from '../rib/rib.js';
import { addressOrder, BGP_PREFERENCE, localSource, type RouteSource, type SourceKind } from '../rib/route-source.js';
import { subnetOf } from '../rib/subnet.js';
import { describeLocalAddress } from './local-addresses.js';
import { PeerRoutes } from './peer-routes.js';

export type ChangeListener = (keys: Float64Array) => void;

export class RouteEngine {
  readonly rib: Rib;
  readonly exporter: Exporter;
  private readonly peerRoutes = new Map<string, PeerRoutes>();
  private readonly sources = new Map<string, RouteSource>();
  private readonly listeners: ChangeListener[] = [];
  private scheduled = false;
  private nextSource = 0;
  private readonly routerId: number;
  private readonly clusterId: number;

  constructor(
    private readonly config: NecodConfig,
    private readonly logger: Logger,
  ) {
    this.rib = new Rib(DEFAULT_DECISION);
    this.routerId = parseIpv4(config.routerId) ?? 0;
    this.clusterId = this.routerId;
    this.exporter = new Exporter(this.rib, { isClient: () => false });
  }

  /** A local origin (static, direct, kernel, api) gets a source of its own. */
  addLocalSource(name: string, kind: Exclude<SourceKind, 'bgp'>): RouteSource {
    const s = localSource(this.nextSource++, name, kind);
    this.rib.addSource(s);
    this.sources.set(name, s);
    return s;
  }

  sourceByName(name: string): RouteSource | undefined {
    return this.sources.get(name);
  }

  onChanges(fn: ChangeListener): void {
    this.listeners.push(fn);
  }

  /** Coalesces Loc-RIB changes of one turn of the event loop into one fan-out. */
  changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const keys = this.rib.takeChanges();
      if (keys.length === 0) return;
      this.exporter.noteChanges(keys);
      for (const l of this.listeners) l(keys);
    });
  }

  addNeighbor(n: NeighborConfig, peer: Peer): RouteSource {
    const source: RouteSource = {
      index: this.nextSource++,
      name: n.name,
      kind: 'bgp',
      ibgp: n.remoteAs === this.config.asn,
      preference: BGP_PREFERENCE,
      routerId: 0,
      peerAddress: n.address,
      peerAddressOrder: addressOrder(n.address),
      peerAs: n.remoteAs,
    };
    this.rib.addSource(source);
    this.sources.set(n.name, source);
    const routes = new PeerRoutes({
      peer,
      rib: this.rib,
      exporter: this.exporter,
      source,
      importContext: (neg, local) => this.importContext(n, neg, local),
      exportTarget: (neg, local) => this.exportTarget(n, source, neg, local),
      onRibChanged: () => this.changed(),
      ourNotificationBit: false,
      staleTimeSeconds: 300,
      logger: this.logger,
    });
    this.peerRoutes.set(n.name, routes);
    return source;
  }

  routesOf(name: string): PeerRoutes | undefined {
    return this.peerRoutes.get(name);
  }

  private importContext(n: NeighborConfig, neg: NegotiatedSession, local: string | null): ImportContext {
    const info = describeLocalAddress(local ?? n.localAddress);
    const localAddr = local ?? n.localAddress;
    const length = info?.prefixLength ?? null;
    const sub = localAddr && length !== null ? subnetOf(localAddr.replace(/^::ffff:/, ''), length) : null;
    return {
      neighborName: n.name,
      localAs: this.config.asn,
      routerId: this.routerId,
      clusterId: this.clusterId,
      ibgp: n.remoteAs === this.config.asn,
      as4: neg.as4,
      peerAddress: n.address,
      rewriteSubnet: { ipv4: sub?.family === 'ipv4' ? sub : null, ipv6: sub?.family === 'ipv6' ? sub : null },
      interfaceName: info?.interfaceName ?? null,
      policy: null,
    };
  }

  private exportTarget(n: NeighborConfig, source: RouteSource, neg: NegotiatedSession, local: string | null): ExportTarget {
    const addr = (local ?? n.localAddress ?? '').replace(/^::ffff:/, '');
    const info = describeLocalAddress(addr);
    const v4 = addr && !addr.includes(':') ? addr : info?.ipv4 ?? null;
    const v6 = addr.includes(':') && !addr.startsWith('fe80') ? addr : info?.ipv6Global ?? null;
    return {
      name: n.name,
      sourceIndex: source.index,
      ibgp: n.remoteAs === this.config.asn,
      localAs: this.config.asn,
      routerId: this.routerId,
      clusterId: this.clusterId,
      routeReflectorClient: false,
      as4: neg.as4,
      selfNextHop: { ipv4: v4, ipv6: v6, ipv6LinkLocal: info?.ipv6LinkLocal ?? null },
      mode: 'local',
      policy: null,
    };
  }

  close(): void {
    this.exporter.close();
    for (const r of this.peerRoutes.values()) r.close();
  }
}

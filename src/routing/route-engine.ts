// The routing core of a running necod: the RIB, the exporter and one PeerRoutes per
// neighbor, with Loc-RIB changes fanned out to export and (later) the kernel. Owns no
// sockets itself; the daemon gives it the Peers.
import type { Logger } from 'pino';
import type { Peer } from '../bgp/peer.js';
import type { NegotiatedSession } from '../bgp/negotiate.js';
import { parseIpv4, subnetOf, unmapIpv4Text } from '../net/index.js';
import type { NecodConfig, NeighborConfig } from '../config/types.js';
import { compilePolicy, type CompiledPolicy, type Policy } from '../rib/policy.js';
import type { ExportTarget } from '../rib/export.js';
import { Exporter } from '../rib/exporter.js';
import type { ImportContext } from '../rib/import.js';
import { Rib } from '../rib/rib.js';
import { addressOrder, BGP_PREFERENCE, localSource, type RouteSource, type SourceKind } from '../rib/route-source.js';
import { describeLocalAddress } from './local-addresses.js';
import { PeerRoutes } from './peer-routes.js';

export type ChangeListener = (keys: Float64Array) => void;

/** Changed route keys handed out per turn of the event loop. */
const FAN_OUT_SLICE = 4096;

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
  private readonly policies = new Map<string, CompiledPolicy>();
  private readonly clients = new Set<number>();
  private static readonly REJECT_ALL = compilePolicy({ name: 'none', rules: [], defaultAction: 'reject' });

  /** Each neighbor's settings, replaced on reload; the sessions' closures read them from here. */
  private readonly neighborConfigs = new Map<string, NeighborConfig>();

  constructor(
    private config: NecodConfig,
    private readonly logger: Logger,
  ) {
    this.rib = new Rib({ maxPaths: config.decision.maxPaths, alwaysCompareMed: config.decision.alwaysCompareMed });
    this.routerId = parseIpv4(config.routerId) ?? 0;
    this.clusterId = parseIpv4(config.clusterId) ?? this.routerId;
    this.compilePolicies(config);
    this.exporter = new Exporter(this.rib, { isClient: (index) => this.clients.has(index) });
  }

  private compilePolicies(config: NecodConfig): void {
    this.policies.clear();
    for (const p of config.policies) this.policies.set(p.name, compilePolicy(p as Policy));
  }

  /**
   * Takes a reloaded configuration's policies and neighbor settings. Nothing is re-filtered
   * here: the reload asks each changed neighbor's PeerRoutes to apply them (route refresh in,
   * re-evaluation out), so no session is reset for a policy change.
   */
  reconfigure(config: NecodConfig): void {
    this.config = config;
    this.compilePolicies(config);
    for (const n of config.neighbors) {
      const source = this.sources.get(n.name);
      if (!this.neighborConfigs.has(n.name) || !source) continue;
      this.neighborConfigs.set(n.name, n);
      if (n.routeReflectorClient) this.clients.add(source.index);
      else this.clients.delete(source.index);
    }
  }

  /** A de-configured neighbor: its routes leave the RIB and its source is gone. */
  removeNeighbor(name: string): void {
    const source = this.sources.get(name);
    const routes = this.peerRoutes.get(name);
    if (!source || !routes) return;
    routes.close();
    this.exporter.detach(name);
    this.rib.withdrawAll(source.index);
    this.rib.removeSource(source.index);
    this.clients.delete(source.index);
    this.peerRoutes.delete(name);
    this.sources.delete(name);
    this.neighborConfigs.delete(name);
    this.changed();
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

  /**
   * Coalesces Loc-RIB changes of one turn of the event loop into one fan-out, handed to the
   * exporter and the listeners FAN_OUT_SLICE keys at a time with a yield between slices, so a
   * 200k-prefix burst never holds the event loop (API, timers, keepalives) for long. One fan-out
   * at a time: changes made meanwhile wait for the next.
   */
  changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.fanOut());
  }

  /** Loc-RIB changes are waiting for, or in, a fan-out. */
  get fanningOut(): boolean {
    return this.scheduled || this.rib.pendingChanges > 0;
  }

  private async fanOut(): Promise<void> {
    const keys = this.rib.takeChanges();
    for (let i = 0; i < keys.length; i += FAN_OUT_SLICE) {
      const part = keys.subarray(i, i + FAN_OUT_SLICE);
      this.exporter.noteChanges(part);
      for (const l of this.listeners) l(part);
      if (i + FAN_OUT_SLICE < keys.length) await new Promise<void>((r) => setImmediate(r));
    }
    // Every consumer has seen the keys: IPv6 prefixes no table holds any more are freed. (No
    // sweep may run while a fan-out is under way: its later slices still name those prefixes.)
    if (keys.length) this.rib.keys.v6.sweep();
    this.scheduled = false;
    if (this.rib.pendingChanges > 0) this.changed();
  }

  /** Session up/down per neighbor, for the kernel's next-hop failover. */
  private readonly sessionListeners: Array<(n: NeighborConfig, up: boolean, retained: boolean) => void> = [];

  onSession(fn: (n: NeighborConfig, up: boolean, retained: boolean) => void): void {
    this.sessionListeners.push(fn);
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
    this.neighborConfigs.set(n.name, n);
    const current = (): NeighborConfig => this.neighborConfigs.get(n.name) ?? n;
    if (n.routeReflectorClient) this.clients.add(source.index);
    const routes = new PeerRoutes({
      peer,
      rib: this.rib,
      exporter: this.exporter,
      source,
      importContext: (neg, local) => this.importContext(current(), neg, local),
      exportTarget: (neg, local) => this.exportTarget(current(), source, neg, local),
      onRibChanged: () => this.changed(),
      ourNotificationBit: false,
      staleTimeSeconds: this.config.gracefulRestart.staleTime,
      onSessionDown: (retained) => {
        for (const l of this.sessionListeners) l(current(), false, retained);
      },
      onSessionUp: () => {
        for (const l of this.sessionListeners) l(current(), true, false);
      },
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
    // The subnet whose next hops are kept: configured length, else the connected subnet.
    const length = n.nextHopSubnetLength ?? info?.prefixLength ?? null;
    const sub = n.nextHopRewrite && localAddr && length !== null ? subnetOf(unmapIpv4Text(localAddr), length) : null;
    const rewrite = n.nextHopRewrite;
    return {
      neighborName: n.name,
      localAs: this.config.asn,
      routerId: this.routerId,
      clusterId: this.clusterId,
      ibgp: n.remoteAs === this.config.asn,
      as4: neg.as4,
      peerAddress: n.address,
      rewriteSubnet: { ipv4: rewrite && sub && typeof sub.address === 'number' ? sub : null, ipv6: rewrite && sub && typeof sub.address !== 'number' ? sub : null },
      interfaceName: n.interface ?? info?.interfaceName ?? null,
      policy: this.importPolicy(n),
    };
  }

  private importPolicy(n: NeighborConfig): CompiledPolicy | null {
    if (n.import === 'all') return null;
    if (n.import === 'none') return RouteEngine.REJECT_ALL;
    return this.policies.get(n.import.policy) ?? RouteEngine.REJECT_ALL;
  }

  private exportTarget(n: NeighborConfig, source: RouteSource, neg: NegotiatedSession, local: string | null): ExportTarget {
    const addr = unmapIpv4Text(local ?? n.localAddress ?? '');
    const info = describeLocalAddress(addr);
    const v4 = addr && !addr.includes(':') ? addr : info?.ipv4 ?? null;
    const v6 = n.ipv6NextHop ?? (addr.includes(':') && !addr.startsWith('fe80') ? addr : info?.ipv6Global ?? null);
    const ex = n.export;
    return {
      name: n.name,
      sourceIndex: source.index,
      ibgp: n.remoteAs === this.config.asn,
      localAs: this.config.asn,
      routerId: this.routerId,
      clusterId: this.clusterId,
      routeReflectorClient: n.routeReflectorClient,
      as4: neg.as4,
      selfNextHop: { ipv4: v4, ipv6: v6, ipv6LinkLocal: info?.ipv6LinkLocal ?? null },
      mode: ex === 'local' ? 'local' : 'all',
      policy: ex === 'none' ? RouteEngine.REJECT_ALL : typeof ex === 'object' ? this.policies.get(ex.policy) ?? RouteEngine.REJECT_ALL : null,
    };
  }

  close(): void {
    this.exporter.close();
    for (const r of this.peerRoutes.values()) r.close();
  }
}

/**
 * The configured neighbors of a running necod: one Peer per neighbor, registered with the
 * listener and the route engine, and the operator's actions on them (disable, enable, restart,
 * refresh; add and remove on reload). Owns the Peers; knows nothing of HTTP. Names that are not
 * configured make the actions answer `false`, which the API turns into a 404.
 */
import type { Logger } from 'pino';
import { Peer } from '../bgp/peer.js';
import type { Speaker } from '../bgp/speaker.js';
import { CeaseSubcode } from '../bgp/wire/index.js';
import { type Family } from '../net/index.js';
import type { NecodConfig, NeighborConfig } from '../config/types.js';
import { peerOptions } from './neighbor-settings.js';
import type { RouteEngine } from './route-engine.js';

export type RefreshDirection = 'in' | 'out' | 'both';

export interface RefreshOutcome {
  /** Whether the neighbor was asked to send its routes again (route refresh negotiated and Established). */
  in: boolean;
  /** Whether our routes were sent again. */
  out: boolean;
}

export interface StartEnvironment {
  restarting: boolean;
  forwardingPreserved: Family[];
}

export class NeighborSet {
  private readonly peers = new Map<string, Peer>();
  private readonly configs = new Map<string, NeighborConfig>();
  /** Neighbors an operator disabled: they stay down until enabled, across reloads too. */
  private readonly disabled = new Set<string>();
  private readonly peerListeners: Array<(name: string, peer: Peer) => void> = [];
  private readonly configListeners: Array<(n: NeighborConfig, peer: Peer) => void> = [];
  private readonly removeListeners: Array<(name: string) => void> = [];

  constructor(
    private config: NecodConfig,
    private readonly engine: RouteEngine,
    private readonly speaker: Speaker | null,
    private readonly env: StartEnvironment,
    private readonly logger: Logger,
  ) {
    for (const n of config.neighbors) this.add(n);
  }

  /** Creates a neighbor's session (not yet started). */
  private add(n: NeighborConfig): Peer {
    // PeerRoutes becomes the session's UPDATE sink and judges max-prefix (RFC 4486 §4).
    const peer = new Peer(peerOptions(this.config, n, { ...this.env, logger: this.logger }));
    this.engine.addNeighbor(n, peer);
    this.peers.set(n.name, peer);
    this.configs.set(n.name, n);
    this.speaker?.addPeer(peer);
    for (const l of this.peerListeners) l(n.name, peer);
    for (const l of this.configListeners) l(n, peer);
    return peer;
  }

  /** Calls `fn` for every neighbor's Peer, now and as reloads add them. */
  onPeer(fn: (name: string, peer: Peer) => void): void {
    this.peerListeners.push(fn);
    for (const [name, peer] of this.peers) fn(name, peer);
  }

  /** Calls `fn` with every neighbor's settings and Peer, now and whenever a reload adds, retunes or replaces one. */
  onNeighbor(fn: (n: NeighborConfig, peer: Peer) => void): void {
    this.configListeners.push(fn);
    for (const [name, peer] of this.peers) {
      const n = this.configs.get(name);
      if (n) fn(n, peer);
    }
  }

  /** Calls `fn` when a reload removes a neighbor (or replaces it, before the new one is announced). */
  onRemoved(fn: (name: string) => void): void {
    this.removeListeners.push(fn);
  }

  get(name: string): Peer | undefined {
    return this.peers.get(name);
  }

  configOf(name: string): NeighborConfig | undefined {
    return this.configs.get(name);
  }

  /** In configuration order. */
  list(): Array<{ config: NeighborConfig; peer: Peer }> {
    return [...this.configs.values()].map((config) => ({ config, peer: this.peers.get(config.name) as Peer }));
  }

  /** Names of the neighbors that should be running: neither `shutdown: true` nor disabled. */
  active(): string[] {
    return [...this.configs.values()].filter((n) => !n.shutdown && !this.disabled.has(n.name)).map((n) => n.name);
  }

  startActive(): void {
    for (const name of this.active()) this.peers.get(name)?.start();
  }

  /** Cease/Administrative Shutdown with the operator's text (RFC 8203), down until enable(). */
  async disable(name: string, text: string): Promise<boolean> {
    const peer = this.peers.get(name);
    if (!peer) return false;
    this.disabled.add(name);
    this.logger.info({ neighbor: name, text }, 'neighbor disabled');
    await peer.shutdown(text);
    return true;
  }

  enable(name: string): boolean {
    const peer = this.peers.get(name);
    if (!peer) return false;
    this.disabled.delete(name);
    this.logger.info({ neighbor: name }, 'neighbor enabled');
    peer.start();
    return true;
  }

  /** Cease/Administrative Reset (RFC 4486), then a fresh start. */
  restart(name: string, text: string): boolean {
    const peer = this.peers.get(name);
    if (!peer) return false;
    this.logger.info({ neighbor: name, text }, 'neighbor restarted');
    if (this.disabled.has(name) || this.configs.get(name)?.shutdown) void peer.shutdown(text);
    else peer.reset(text);
    return true;
  }

  /** Route refresh in (RFC 2918), our routes out again, or both; null for an unknown name. */
  async refresh(name: string, direction: RefreshDirection): Promise<RefreshOutcome | null> {
    const routes = this.engine.routesOf(name);
    if (!routes || !this.peers.get(name)?.established) return routes ? { in: false, out: false } : null;
    const asked = direction !== 'out' && routes.refreshIn();
    if (direction !== 'in') await routes.resendOut();
    return { in: asked, out: direction !== 'in' };
  }

  /** A neighbor added by a reload; started unless it is shut down in the configuration. */
  addConfigured(config: NecodConfig, n: NeighborConfig): void {
    this.config = config;
    const peer = this.add(n);
    if (!n.shutdown) peer.start();
  }

  /** A neighbor a reload removed: Cease/Peer De-configured (RFC 4486 subcode 3), then gone. */
  async remove(name: string): Promise<void> {
    const peer = this.peers.get(name);
    if (!peer) return;
    await peer.stop({ subcode: CeaseSubcode.PEER_DECONFIGURED, text: 'neighbor removed from the configuration' });
    this.speaker?.removePeer(peer);
    this.engine.removeNeighbor(name);
    this.peers.delete(name);
    this.configs.delete(name);
    this.disabled.delete(name);
    for (const l of this.removeListeners) l(name);
  }

  /** A neighbor whose session parameters changed: a new Peer with the new settings, started again. */
  async replace(config: NecodConfig, n: NeighborConfig): Promise<void> {
    const wasDisabled = this.disabled.has(n.name);
    await this.remove(n.name);
    this.config = config;
    this.add(n);
    if (wasDisabled) this.disabled.add(n.name);
    if (!n.shutdown && !wasDisabled) this.peers.get(n.name)?.start();
  }

  /** Takes the new settings of neighbors whose changes need no new session. */
  retune(config: NecodConfig, n: NeighborConfig): void {
    this.config = config;
    const old = this.configs.get(n.name);
    this.configs.set(n.name, n);
    const peer = this.peers.get(n.name);
    if (!peer || !old) return;
    for (const l of this.configListeners) l(n, peer);
    if (n.shutdown && !old.shutdown) void peer.shutdown('neighbor shut down in the configuration');
    if (!n.shutdown && old.shutdown && !this.disabled.has(n.name)) peer.start();
  }

  /** Every session down: graceful ones silently (RFC 4724 §4), the others with the given Cease. */
  async stopAll(how: { graceful: boolean }): Promise<void> {
    await Promise.all(
      this.list().map(({ config: n, peer }) =>
        how.graceful && n.capabilities.gracefulRestart && peer.negotiated?.gracefulRestart
          ? peer.stop({ silent: true })
          : peer.stop({ subcode: CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, text: 'necod stopping' }),
      ),
    );
  }
}

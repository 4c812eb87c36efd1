// The BGP listener: accepts connections from configured neighbors only and hands each to
// its Peer, which settles collisions with its own connection (RFC 4271 §6.8).
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { unmapIpv4Text } from '../net/index.js';
import { BGP_PORT } from './wire/index.js';
import type { Peer } from './peer.js';

export interface SpeakerOptions {
  /** Address to listen on ('::' takes IPv4 too, as IPv4-mapped addresses). */
  address?: string;
  /** 179 by default; 0 picks a free port (tests). */
  port?: number;
  logger?: Logger;
}

export interface SpeakerEvents {
  /** A connection from an address that is no configured neighbor, closed at once. */
  rejected: [address: string, port: number];
  /** The listener failed after it was up. */
  error: [err: Error];
}

/** '::ffff:192.0.2.1' → '192.0.2.1'; lower case; the zone kept separately. */
export function normalizeAddress(address: string): { address: string; zone: string | null } {
  const a = unmapIpv4Text(address).toLowerCase();
  const pct = a.indexOf('%');
  return pct < 0 ? { address: a, zone: null } : { address: a.slice(0, pct), zone: a.slice(pct + 1) };
}

export class Speaker extends EventEmitter<SpeakerEvents> {
  private readonly log: Logger;
  private readonly host: string;
  private readonly wantedPort: number;
  private server: Server | null = null;
  private readonly byAddress = new Map<string, Peer>();

  constructor(options: SpeakerOptions = {}) {
    super();
    this.host = options.address ?? '::';
    this.wantedPort = options.port ?? BGP_PORT;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'bgp-listener' });
  }

  /** Registers a neighbor; a second neighbor with the same address replaces the first. */
  addPeer(peer: Peer): void {
    this.byAddress.set(normalizeAddress(peer.address).address, peer);
  }

  /** Forgets a neighbor (stopping it is the caller's business). */
  removePeer(peerOrAddress: Peer | string): Peer | undefined {
    const address = normalizeAddress(typeof peerOrAddress === 'string' ? peerOrAddress : peerOrAddress.address).address;
    const peer = this.byAddress.get(address);
    if (peer && (typeof peerOrAddress === 'string' || peer === peerOrAddress)) {
      this.byAddress.delete(address);
      return peer;
    }
    return undefined;
  }

  getPeer(address: string): Peer | undefined {
    return this.byAddress.get(normalizeAddress(address).address);
  }

  get peers(): Peer[] {
    return [...this.byAddress.values()];
  }

  /** Starts listening; resolves with the bound address once connections are accepted. */
  listen(): Promise<AddressInfo> {
    if (this.server) return Promise.resolve(this.server.address() as AddressInfo);
    const server = createServer({ noDelay: true }, (socket) => this.onConnection(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.server = null;
        reject(err);
      };
      server.once('error', onError);
      server.listen({ host: this.host, port: this.wantedPort }, () => {
        server.off('error', onError);
        server.on('error', (err) => {
          this.log.error({ err }, 'BGP listener failed');
          this.emit('error', err);
        });
        const info = server.address() as AddressInfo;
        this.log.info({ address: info.address, port: info.port }, 'listening for BGP connections');
        resolve(info);
      });
    });
  }

  /** The bound address, or null when not listening. */
  address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  /** Stops accepting connections; established sessions are left alone. */
  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    // The listening socket closes at once; server.close()'s callback would also wait for every
    // accepted connection, which belong to the peers now.
    server.close();
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Closes the listener and stops every neighbor with Cease/Administrative Shutdown. */
  async shutdown(text?: string): Promise<void> {
    await Promise.all([this.close(), ...this.peers.map((p) => p.shutdown(text))]);
  }

  private onConnection(socket: Socket): void {
    const remote = socket.remoteAddress ?? '';
    const port = socket.remotePort ?? 0;
    socket.on('error', () => {});
    const { address } = normalizeAddress(remote);
    const peer = this.byAddress.get(address);
    if (!peer) {
      // Not a neighbor: no NOTIFICATION, no OPEN, nothing that tells a scanner it found BGP.
      this.log.warn({ remote, port }, 'connection from an address that is no configured neighbor, closed');
      socket.destroy();
      this.emit('rejected', address, port);
      return;
    }
    peer.acceptConnection(socket);
  }
}

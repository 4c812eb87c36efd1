// A minimal BGP speaker that feeds a prepared table as fast as the receiver takes it:
// OPEN, KEEPALIVE, then every UPDATE back to back (respecting socket backpressure).
import { connect, type Socket } from 'node:net';
import { AS4_CONTEXT, checkHeader, encodeKeepalive, encodeOpen } from '../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../src/net/index.js';

export interface FeedResult {
  /** performance.now() when the first UPDATE was handed to the socket. */
  firstUpdateAt: number;
  /** performance.now() when the last UPDATE was handed to the socket. */
  lastUpdateAt: number;
  socket: Socket;
}

/** `afis`: the address families to open (1 IPv4, 2 IPv6); default IPv4 only. */
export function feed(opts: { host: string; port: number; localAddress: string; asn: number; routerId: string; updates: Uint8Array[]; afis?: number[] }): Promise<FeedResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: opts.host, port: opts.port, localAddress: opts.localAddress });
    let inbuf = Buffer.alloc(0);
    let started = false;
    const keepalive = setInterval(() => socket.write(encodeKeepalive()), 10_000);
    socket.on('close', () => clearInterval(keepalive));
    socket.on('error', (e) => {
      clearInterval(keepalive);
      if (!started) reject(e);
    });
    socket.on('connect', () => {
      socket.write(
        encodeOpen({
          myAs: opts.asn,
          holdTime: 90,
          bgpId: parseIpv4(opts.routerId) ?? 1,
          capabilities: [
            ...(opts.afis ?? [1]).map((afi) => ({ name: 'MULTIPROTOCOL' as const, code: 1 as const, afi, safi: 1 })),
            { name: 'ROUTE_REFRESH', code: 2 },
            { name: 'FOUR_OCTET_AS', code: 65, asn: opts.asn },
          ],
        }),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      inbuf = Buffer.concat([inbuf, chunk]);
      for (;;) {
        const h = checkHeader(inbuf, 0, AS4_CONTEXT);
        if (h.ok !== true) break;
        const type = h.type;
        inbuf = inbuf.subarray(h.length);
        if (type === 3) {
          reject(new Error('the receiver sent a NOTIFICATION'));
          socket.destroy();
          return;
        }
        if (type === 1) socket.write(encodeKeepalive());
        if (type === 4 && !started) {
          started = true;
          void blast();
        }
      }
    });
    const blast = async () => {
      const firstUpdateAt = performance.now();
      for (const u of opts.updates) {
        if (!socket.write(u)) await new Promise<void>((r) => socket.once('drain', () => r()));
      }
      resolve({ firstUpdateAt, lastUpdateAt: performance.now(), socket });
    };
  });
}

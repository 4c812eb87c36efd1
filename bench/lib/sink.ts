// A minimal BGP speaker that receives: OPEN, KEEPALIVE every 10 s, and a count of the IPv4
// prefixes announced to it (walking the NLRI field, no full decode). It can stop reading
// (socket.pause(): the kernel's receive window fills and the sender's socket blocks) and
// start again, which is how the benches play a neighbor that reads slowly or not at all.
import { connect, type Socket } from 'node:net';
import { AS4_CONTEXT, checkHeader, encodeKeepalive } from '../../src/bgp/wire/index.js';
import { openMessage } from './feeder.js';

export interface Sink {
  socket: Socket;
  /** IPv4 prefixes announced in UPDATEs so far (a re-announcement counts again). */
  readonly announced: number;
  pause(): void;
  resume(): void;
  close(): void;
}

/** Resolves once the session is established (the first KEEPALIVE arrived). */
export function sink(opts: { host: string; port: number; localAddress: string; asn: number; routerId: string }): Promise<Sink> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: opts.host, port: opts.port, localAddress: opts.localAddress });
    let inbuf: Buffer = Buffer.alloc(0);
    let announced = 0;
    let up = false;
    const keepalive = setInterval(() => socket.write(encodeKeepalive()), 10_000);
    const self: Sink = {
      socket,
      get announced() {
        return announced;
      },
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      close: () => {
        clearInterval(keepalive);
        socket.destroy();
      },
    };
    socket.on('close', () => clearInterval(keepalive));
    socket.on('error', (e) => {
      clearInterval(keepalive);
      if (!up) reject(e);
    });
    socket.on('connect', () => socket.write(openMessage(opts)));
    socket.on('data', (chunk: Buffer) => {
      inbuf = inbuf.length ? Buffer.concat([inbuf, chunk]) : chunk;
      let at = 0;
      for (;;) {
        const h = checkHeader(inbuf, at, AS4_CONTEXT);
        if (h.ok !== true || inbuf.length - at < h.length) break;
        if (h.type === 3) {
          reject(new Error('the speaker sent a NOTIFICATION'));
          socket.destroy();
          return;
        }
        if (h.type === 1) socket.write(encodeKeepalive());
        if (h.type === 4 && !up) {
          up = true;
          resolve(self);
        }
        if (h.type === 2) announced += nlriCount(inbuf, at, at + h.length);
        at += h.length;
      }
      inbuf = inbuf.subarray(at);
    });
  });
}

/** Prefixes in an IPv4 UPDATE's NLRI field, msg[from, to). */
function nlriCount(msg: Uint8Array, from: number, to: number): number {
  let p = from + 19;
  p += 2 + (((msg[p] as number) << 8) | (msg[p + 1] as number));
  p += 2 + (((msg[p] as number) << 8) | (msg[p + 1] as number));
  let n = 0;
  while (p < to) {
    p += 1 + (((msg[p] as number) + 7) >> 3);
    n++;
  }
  return n;
}

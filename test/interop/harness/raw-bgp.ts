// A raw TCP client inside a namespace: connects (from a chosen source address), writes the given
// bytes, and reports everything it received until the other side closed the connection. For
// feeding a BGP speaker malformed input and reading its NOTIFICATION.
import type { Lab } from '../../support/lab/lab.js';
import { isObject, parseJson, str } from './types.js';

const SCRIPT = `import { createConnection } from 'node:net';
const o = JSON.parse(process.argv[2]);
const chunks = [];
let connected = false;
let done = false;
const sock = createConnection({ host: o.host, port: o.port, localAddress: o.localAddress });
const finish = (closed, error) => {
  if (done) return;
  done = true;
  process.stdout.write(JSON.stringify({ connected, closed, error: error ?? null, received: Buffer.concat(chunks).toString('hex') }));
  sock.destroy();
  process.exit(0);
};
sock.on('connect', () => {
  connected = true;
  setTimeout(() => sock.write(Buffer.from(o.send, 'hex')), o.delayMs);
});
sock.on('data', (c) => chunks.push(c));
sock.on('end', () => finish('remote'));
sock.on('close', () => finish('remote'));
sock.on('error', (e) => finish('error', e.code ?? e.message));
setTimeout(() => finish('timeout'), o.timeoutMs);
`;

export interface RawOptions {
  host: string;
  port?: number;
  /** Source address to bind (e.g. a configured neighbor's address). */
  localAddress?: string;
  /** Bytes written once connected. */
  send: Uint8Array;
  /** Pause between connecting and writing (default 0). */
  delayMs?: number;
  /** Give up waiting for the other side to close after this long (default 10 s). */
  timeoutMs?: number;
}

export interface RawMessage {
  type: number;
  length: number;
  /** The whole message, header included. */
  bytes: Buffer;
  /** For a NOTIFICATION (type 3). */
  notification?: { code: number; subcode: number; data: Buffer };
}

export interface RawExchange {
  connected: boolean;
  /** `remote`: the other side closed; `timeout`: it did not within timeoutMs; `error`: a socket error. */
  closed: 'remote' | 'timeout' | 'error';
  error: string | null;
  received: Buffer;
  messages: RawMessage[];
}

/** Splits a byte stream into BGP messages; stops at anything that is not a well-formed header. */
export function splitBgpMessages(buf: Buffer): RawMessage[] {
  const out: RawMessage[] = [];
  let at = 0;
  while (at + 19 <= buf.length) {
    const marker = buf.subarray(at, at + 16);
    if (!marker.every((b) => b === 0xff)) break;
    const length = buf.readUInt16BE(at + 16);
    if (length < 19 || at + length > buf.length) break;
    const bytes = buf.subarray(at, at + length);
    const type = bytes[18] ?? 0;
    const msg: RawMessage = { type, length, bytes };
    if (type === 3 && length >= 21) msg.notification = { code: bytes[19] ?? 0, subcode: bytes[20] ?? 0, data: bytes.subarray(21) };
    out.push(msg);
    at += length;
  }
  return out;
}

/** A 19-byte header whose marker is all zeros: RFC 4271 §6.1 Connection Not Synchronized (1/1). */
export function garbageHeader(): Uint8Array {
  const b = new Uint8Array(19);
  b[16] = 0;
  b[17] = 19;
  b[18] = 4; // KEEPALIVE, but with a wrong marker
  return b;
}

/** Runs the raw client in `ns` and returns what came back. */
export async function rawBgpExchange(lab: Lab, ns: string, opts: RawOptions): Promise<RawExchange> {
  const script = lab.writeFile('raw-bgp-client.mjs', SCRIPT);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const args = JSON.stringify({
    host: opts.host,
    port: opts.port ?? 179,
    localAddress: opts.localAddress,
    send: Buffer.from(opts.send).toString('hex'),
    delayMs: opts.delayMs ?? 0,
    timeoutMs,
  });
  const { stdout } = await lab.exec(ns, [process.execPath, script, args], { timeoutMs: timeoutMs + 5_000 });
  const doc = parseJson(stdout, 'raw BGP client');
  if (!isObject(doc)) throw new Error(`raw BGP client: unexpected output ${stdout}`);
  const received = Buffer.from(str(doc.received) ?? '', 'hex');
  const closed = str(doc.closed);
  return {
    connected: doc.connected === true,
    closed: closed === 'remote' || closed === 'timeout' ? closed : 'error',
    error: str(doc.error),
    received,
    messages: splitBgpMessages(received),
  };
}

// A scripted BGP peer for namespace tests: a real TCP session to a speaker inside a lab
// namespace, driven from the test. A tiny relay process runs in the namespace (the test process
// cannot enter one) and passes bytes both ways over its stdio; here, in TypeScript, the peer
// sends OPEN, answers with KEEPALIVEs, and then sends whatever bytes the test hands it, however
// malformed, and keeps every message the speaker sends back. Not a BGP implementation: no FSM,
// no RIB; the test decides what is sent and what the answers mean.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { encodeKeepalive, encodeOpen, type Capability } from '../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../src/net/index.js';
import { splitBgpMessages, type RawMessage } from '../interop/harness/index.js';
import type { Lab } from './lab/lab.js';
import { waitFor } from './wait.js';

const RELAY = `import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
const o = JSON.parse(process.argv[2]);
const sock = createConnection({ host: o.host, port: o.port, localAddress: o.localAddress });
sock.on('connect', () => process.stdout.write('up\\n'));
sock.on('data', (c) => process.stdout.write('rx ' + c.toString('hex') + '\\n'));
sock.on('close', () => { process.stdout.write('closed\\n'); process.exit(0); });
sock.on('error', (e) => process.stdout.write('error ' + (e.code ?? e.message) + '\\n'));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'end') sock.end();
  else sock.write(Buffer.from(line, 'hex'));
});
`;

export interface ScriptedPeerOptions {
  /** The speaker's address and port (default 179). */
  host: string;
  port?: number;
  /** Our address (the speaker's configured neighbor address). */
  localAddress: string;
  asn: number;
  routerId: string;
  /** Hold time we offer (default 90 s); KEEPALIVEs go every third of the negotiated one. */
  holdTime?: number;
  /** Default: IPv4 and IPv6 unicast, route refresh, 4-octet AS. */
  capabilities?: Capability[];
}

export class ScriptedPeer {
  private readonly child: ChildProcess;
  private buffer = Buffer.alloc(0);
  private keepalive: NodeJS.Timeout | null = null;
  /** Every message received, in order. */
  readonly received: RawMessage[] = [];
  /** The connection is gone (closed by either side). */
  closed = false;
  private connected = false;
  private socketError: string | null = null;

  private constructor(lab: Lab, ns: string, private readonly opts: ScriptedPeerOptions) {
    const script = lab.writeFile('scripted-peer-relay.mjs', RELAY);
    const args = JSON.stringify({ host: opts.host, port: opts.port ?? 179, localAddress: opts.localAddress });
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, args], { stdio: ['pipe', 'pipe', 'inherit'] });
    lab.addCleanup(() => this.child.kill('SIGKILL'));
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => this.onLine(line));
    this.child.once('exit', () => this.onClosed());
  }

  /** Connects, exchanges OPEN and KEEPALIVE, and resolves once the session is Established. */
  static async establish(lab: Lab, ns: string, opts: ScriptedPeerOptions): Promise<ScriptedPeer> {
    const peer = new ScriptedPeer(lab, ns, opts);
    try {
      await waitFor(() => peer.connected || peer.fail(), { timeoutMs: 10_000, intervalMs: 20, what: `TCP connection to ${opts.host}` });
      const hold = opts.holdTime ?? 90;
      peer.send(
        encodeOpen({
          myAs: opts.asn > 0xffff ? 23456 : opts.asn,
          holdTime: hold,
          bgpId: parseIpv4(opts.routerId) ?? 1,
          capabilities: opts.capabilities ?? [
            { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
            { name: 'MULTIPROTOCOL', code: 1, afi: 2, safi: 1 },
            { name: 'ROUTE_REFRESH', code: 2 },
            { name: 'FOUR_OCTET_AS', code: 65, asn: opts.asn },
          ],
        }),
      );
      const open = await peer.next((m) => m.type === 1, 10_000, 'OPEN');
      const theirHold = open.bytes.readUInt16BE(22);
      peer.send(encodeKeepalive());
      await peer.next((m) => m.type === 4, 10_000, 'KEEPALIVE');
      const negotiated = Math.min(hold, theirHold);
      if (negotiated > 0) {
        peer.keepalive = setInterval(() => peer.send(encodeKeepalive()), (negotiated * 1000) / 3);
      }
      return peer;
    } catch (err) {
      peer.close();
      throw err;
    }
  }

  private fail(): false {
    if (this.closed) throw new Error(`connection to ${this.opts.host} closed${this.socketError ? `: ${this.socketError}` : ''}`);
    return false;
  }

  /** Writes bytes as they are, however malformed. */
  send(bytes: Uint8Array): void {
    if (this.closed) return;
    this.child.stdin?.write(`${Buffer.from(bytes).toString('hex')}\n`);
  }

  /** The first message received from index `from` on that matches, waiting up to timeoutMs. */
  next(match: (m: RawMessage) => boolean, timeoutMs: number, what: string, from = 0): Promise<RawMessage> {
    return waitFor(
      () => {
        const m = this.received.slice(from).find(match);
        if (m) return m;
        return this.fail();
      },
      { timeoutMs, intervalMs: 20, what: `${what} from ${this.opts.host}` },
    );
  }

  /** The NOTIFICATION the speaker sent (waiting for one), as code and subcode. */
  async notification(timeoutMs = 10_000): Promise<{ code: number; subcode: number; data: Buffer }> {
    const m = await waitFor(() => this.received.find((x) => x.type === 3) ?? (this.closed ? 'closed' : null), {
      timeoutMs,
      intervalMs: 20,
      what: `NOTIFICATION from ${this.opts.host}`,
    });
    if (m === 'closed' || !m.notification) throw new Error(`${this.opts.host} closed the connection without a NOTIFICATION`);
    return m.notification;
  }

  /** Ends the connection (FIN) and stops the relay. */
  close(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    if (!this.closed) this.child.stdin?.write('end\n');
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }

  private onLine(line: string): void {
    if (line === 'up') this.connected = true;
    else if (line === 'closed') this.onClosed();
    else if (line.startsWith('error ')) this.socketError = line.slice(6);
    else if (line.startsWith('rx ')) {
      this.buffer = Buffer.concat([this.buffer, Buffer.from(line.slice(3), 'hex')]);
      const messages = splitBgpMessages(this.buffer);
      let used = 0;
      for (const m of messages) used += m.length;
      // Copies: the messages outlive the buffer they were cut from.
      for (const m of messages) this.received.push({ ...m, bytes: Buffer.from(m.bytes), ...(m.notification ? { notification: { ...m.notification, data: Buffer.from(m.notification.data) } } : {}) });
      this.buffer = this.buffer.subarray(used);
    }
  }

  private onClosed(): void {
    this.closed = true;
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
  }
}

// BFD in a running necod (RFC 5882): one session per neighbor with `bfd`, in the worker thread;
// a failure closes that BGP session with Cease/BFD Down (RFC 9384) and holds it in Idle until BFD
// is Up again, and takes the neighbor's address out of the kernel's next hops. Where the FIB
// prepares its failover lines, the worker writes them itself the moment it detects the failure
// and the FIB is told they are applied; otherwise the FIB does the work on the main thread.
// What it is not: the BFD machine or engine (src/bfd/), or the kernel writer (src/kernel/).
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { BfdThread } from '../bfd/bfd-thread.js';
import type { BfdSessionSpec, BfdSessionView, BfdStateEvent } from '../bfd/messages.js';
import { AuthType, diagName, type BfdStateName } from '../bfd/packet.js';
import { BfdRequests, type BfdControl } from '../bfd/requests.js';
import type { NeighborConfig } from '../config/types.js';

/** What the coupling needs of a BGP peer. */
export interface BfdPeer {
  bfdDown(): void;
  stop(how: { silent: boolean }): Promise<void>;
  start(): void;
}

/** What it needs of the FIB; the failover plan is optional (RFC 5882 §4.1 fast path). */
export interface FailoverFib {
  nextHopDown(via: string, opts?: { applied: boolean }): void;
  failoverPlan?(via: string): string[] | null;
  onFailoverPlan?(fn: (via: string, lines: string[] | null) => void): void;
}

export interface BfdEngineHandle extends BfdControl {
  sessions(): Promise<BfdSessionView[]>;
  stop(): Promise<void>;
}

export interface BfdSide {
  sessions(): Promise<BfdSessionView[]>;
  /** A neighbor's BFD state for `show protocols`; null without BFD. */
  stateOf(neighbor: NeighborConfig): BfdStateName | null;
  stop(): Promise<void>;
}

const US_PER_MS = 1000;

/** The session a neighbor's `bfd` asks for; the key file is read here, at start. */
export function bfdSessionSpec(n: NeighborConfig, readKey: (path: string) => Buffer = readFileSync): BfdSessionSpec | null {
  const b = n.bfd;
  if (b === null) return null;
  let auth: BfdSessionSpec['auth'] = null;
  if (b.auth !== null) {
    const key = b.auth.secret !== null ? Buffer.from(b.auth.secret) : keyFromFile(readKey, b.auth.keyFile ?? '', n.name);
    auth = { type: b.auth.type === 'keyed-sha1' ? AuthType.KeyedSha1 : AuthType.MeticulousKeyedSha1, keyId: b.auth.keyId, key };
  }
  const wildcard = n.address.includes(':') ? '::' : '0.0.0.0';
  return {
    id: n.address,
    local: n.localAddress ?? wildcard,
    remote: n.address,
    multihop: b.multihop,
    config: { desiredMinTxUs: Math.round(b.intervalMs * US_PER_MS), requiredMinRxUs: Math.round(b.minRxMs * US_PER_MS), detectMult: b.multiplier },
    auth,
  };
}

function keyFromFile(readKey: (path: string) => Buffer, path: string, neighbor: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readKey(path);
  } catch (err) {
    throw new Error(`neighbor ${neighbor}: cannot read BFD key-file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // A trailing newline is the editor's, not the key's.
  const key = bytes.subarray(0, bytes.length - (bytes.at(-1) === 0x0a ? 1 : 0));
  if (key.length < 1 || key.length > 20) throw new Error(`neighbor ${neighbor}: BFD key-file ${path} holds ${key.length} bytes; keyed SHA1 takes 1..20`);
  return key;
}

export interface BfdSetup {
  neighbors: readonly NeighborConfig[];
  peerOf(name: string): BfdPeer | undefined;
  fib: FailoverFib | null;
  logger: Logger;
  /** The engine; a worker thread unless a test hands in its own. */
  engine?: (onState: (e: BfdStateEvent) => void) => BfdEngineHandle;
}

/** Starts BFD for every neighbor that has it; null when none does. */
export function startBfd(setup: BfdSetup): BfdSide | null {
  const wanted = setup.neighbors.filter((n) => n.bfd !== null && !n.shutdown);
  if (wanted.length === 0) return null;
  const { logger, fib } = setup;
  let stopping = false;
  const onState = (e: BfdStateEvent): void => {
    if (stopping) return;
    const signal = requests.handle(e);
    const line = { neighbor: e.id, from: e.from, to: e.to, diag: diagName(e.diag), remoteDiag: diagName(e.remoteDiag), kernelApplied: e.downActionApplied };
    if (signal === 'failed') logger.warn(line, 'BFD session down');
    else logger.info(line, `BFD session ${e.to}`);
  };
  const engine =
    setup.engine?.(onState) ??
    new BfdThread({ onState, onError: (id, message) => logger.error({ neighbor: id }, `BFD: ${message}`) });
  const requests = new BfdRequests(engine);
  const fastPath = fib !== null && typeof fib.failoverPlan === 'function' && typeof fib.onFailoverPlan === 'function';

  for (const n of wanted) {
    const spec = bfdSessionSpec(n);
    const peer = setup.peerOf(n.name);
    if (spec === null || peer === undefined) continue;
    // The kernel hears first: its change must not wait for the BGP session's teardown.
    if (fib !== null) {
      requests.request(spec, {
        failed: (e) => fib.nextHopDown(n.address, e.downActionApplied ? { applied: true } : undefined),
        up: () => undefined,
      });
    }
    let held = false;
    requests.request(spec, {
      failed: () => {
        // RFC 5882 §4.3: drop the session now, and stay Idle while the path is down.
        held = true;
        peer.bfdDown();
        void peer.stop({ silent: true });
      },
      up: () => {
        if (!held) return;
        held = false;
        peer.start();
      },
    });
    if (fastPath) requests.setDownAction(spec.id, fib.failoverPlan?.(n.address) ?? null);
  }
  if (fastPath) fib.onFailoverPlan?.((via, lines) => requests.setDownAction(via, lines));

  return {
    sessions: () => engine.sessions(),
    stateOf: (n) => requests.stateOf(n.address),
    stop: async () => {
      stopping = true;
      await engine.stop();
    },
  };
}

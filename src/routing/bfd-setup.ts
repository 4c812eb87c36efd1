// BFD in a running necod (RFC 5882): one session per neighbor with `bfd`, in the BFD process,
// following the neighbor set as reloads add, change and remove neighbors;
// a failure closes that BGP session with Cease/BFD Down (RFC 9384) and holds it in Idle until BFD
// is Up again, and takes the neighbor's address out of the kernel's next hops. Where the FIB
// prepares its failover plans, the BFD process writes them itself (netlink, or `ip -batch` when
// the FIB writes with ip) the moment it detects the failure and the FIB is told they are
// applied; otherwise the FIB does the work on the main thread.
// What it is not: the BFD machine or engine (src/bfd/), or the kernel writer (src/kernel/).
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { BfdProcess } from '../bfd/bfd-process.js';
import type { BfdSessionSpec, BfdSessionView, BfdStateEvent, DownAction } from '../bfd/messages.js';
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
  failoverPlan?(via: string): DownAction | null;
  onFailoverPlan?(fn: (via: string, plan: DownAction | null) => void): void;
  /** The FIB's writer; the BFD process writes the plans with the same. */
  readonly downWriter?: 'netlink' | 'ip';
}

export interface BfdEngineHandle extends BfdControl {
  sessions(): Promise<BfdSessionView[]>;
  stop(): Promise<void>;
}

export interface BfdSide {
  /** Every session the BFD process runs; empty while no neighbor has BFD. */
  sessions(): Promise<BfdSessionView[]>;
  /** A neighbor's BFD state for `show protocols`; null without BFD. */
  stateOf(neighbor: NeighborConfig): BfdStateName | null;
  /** Whether the BFD process runs (some neighbor has or had BFD). */
  readonly running: boolean;
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

/**
 * The neighbors BFD follows: every neighbor's Peer with its configuration, now and as reloads
 * add, retune, replace (a new Peer) or remove them.
 */
export interface BfdNeighbors {
  onNeighbor(fn: (n: NeighborConfig, peer: BfdPeer) => void): void;
  onRemoved(fn: (name: string) => void): void;
}

export interface BfdSetup {
  neighbors: BfdNeighbors;
  fib: FailoverFib | null;
  logger: Logger;
  /** SCHED_FIFO priority of the BFD process (`bfd.realtime-priority`); null: nice -15 only. */
  realtimePriority?: number | null;
  /** The engine; the BFD process unless a test hands in its own. Started with the first session. */
  engine?: (onState: (e: BfdStateEvent) => void) => BfdEngineHandle;
  /** Hears every state change, after the coupling has acted on it (the event stream). */
  onTransition?: (e: BfdStateEvent) => void;
}

/** One neighbor's part: its session spec and how to take back what it asked for. */
interface Followed {
  spec: BfdSessionSpec;
  peer: BfdPeer;
  /** Takes the requests back; says whether BFD was holding the BGP session down. */
  withdraw: () => boolean;
}

/**
 * Couples BFD to the neighbors that have it; the BFD process starts with the first such
 * neighbor, so a reload that adds one gets BFD without a restart.
 */
export function startBfd(setup: BfdSetup): BfdSide {
  const { logger, fib } = setup;
  let stopping = false;
  let engine: BfdEngineHandle | null = null;
  const onState = (e: BfdStateEvent): void => {
    if (stopping) return;
    const signal = requests.handle(e);
    const line = { neighbor: e.id, from: e.from, to: e.to, diag: diagName(e.diag), remoteDiag: diagName(e.remoteDiag), kernelApplied: e.downActionApplied };
    if (signal === 'failed') logger.warn(line, 'BFD session down');
    else logger.info(line, `BFD session ${e.to}`);
    setup.onTransition?.(e);
  };
  const started = (): BfdEngineHandle =>
    (engine ??=
      setup.engine?.(onState) ??
      new BfdProcess({
        onState,
        onError: (id, message) => logger.error({ neighbor: id }, `BFD: ${message}`),
        downWriter: fib?.downWriter,
        realtimePriority: setup.realtimePriority,
      }));
  const requests = new BfdRequests({
    add: (spec) => started().add(spec),
    change: (spec) => engine?.change(spec),
    remove: (id) => engine?.remove(id),
    setDownAction: (id, action) => engine?.setDownAction(id, action),
  });
  const fastPath = fib !== null && typeof fib.failoverPlan === 'function' && typeof fib.onFailoverPlan === 'function';
  const followed = new Map<string, Followed>();

  const request = (n: NeighborConfig, spec: BfdSessionSpec, peer: BfdPeer): (() => boolean) => {
    const undo: Array<() => void> = [];
    // The kernel hears first: its change must not wait for the BGP session's teardown.
    if (fib !== null) {
      undo.push(
        requests.request(spec, {
          failed: (e) => fib.nextHopDown(n.address, e.downActionApplied ? { applied: true } : undefined),
          up: () => undefined,
        }),
      );
    }
    let held = false;
    undo.push(
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
      }),
    );
    if (fastPath) requests.setDownAction(spec.id, fib.failoverPlan?.(n.address) ?? null);
    return () => {
      undo.forEach((u) => u());
      return held;
    };
  };

  /** Stops following a neighbor; true when its BGP session was held down by BFD. */
  const forget = (name: string): boolean => {
    const held = followed.get(name)?.withdraw() ?? false;
    followed.delete(name);
    return held;
  };

  setup.neighbors.onNeighbor((n, peer) => {
    if (stopping) return;
    const spec = n.bfd !== null && !n.shutdown ? bfdSessionSpec(n) : null;
    const before = followed.get(n.name);
    if (before && spec && before.peer === peer && sameSession(before.spec, spec)) {
      // New intervals or key on a running session: a poll sequence, not a new session (RFC 5880 §6.8.3).
      if (!sameParameters(before.spec, spec)) requests.change(spec);
      before.spec = spec;
      return;
    }
    // A session BFD held in Idle is released when the same Peer loses its BFD (RFC 5882 §4.3 no longer applies).
    if (forget(n.name) && before?.peer === peer && spec === null && !n.shutdown) peer.start();
    if (spec) followed.set(n.name, { spec, peer, withdraw: request(n, spec, peer) });
  });
  setup.neighbors.onRemoved((name) => void forget(name));
  if (fastPath) fib.onFailoverPlan?.((via, plan) => requests.setDownAction(via, plan));

  return {
    sessions: () => engine?.sessions() ?? Promise.resolve([]),
    stateOf: (n) => (followed.has(n.name) ? requests.stateOf(n.address) : null),
    get running() {
      return engine !== null;
    },
    stop: async () => {
      stopping = true;
      await engine?.stop();
    },
  };
}

/** The same session: the same addresses and hop mode; anything else is a new session. */
function sameSession(a: BfdSessionSpec, b: BfdSessionSpec): boolean {
  return a.id === b.id && a.local === b.local && a.remote === b.remote && a.multihop === b.multihop;
}

function sameParameters(a: BfdSessionSpec, b: BfdSessionSpec): boolean {
  const keyOf = (s: BfdSessionSpec) => (s.auth ? `${s.auth.type}/${s.auth.keyId}/${Buffer.from(s.auth.key).toString('hex')}` : '');
  return (
    a.config.desiredMinTxUs === b.config.desiredMinTxUs &&
    a.config.requiredMinRxUs === b.config.requiredMinRxUs &&
    a.config.detectMult === b.config.detectMult &&
    keyOf(a) === keyOf(b)
  );
}

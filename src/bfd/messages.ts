// The messages between the daemon and the BFD process, and the plain view of one session that
// the API shows. Structured-clone friendly (the IPC channel uses the advanced serialization):
// strings, numbers, booleans, Uint8Array. What it is not: the engine (io.ts), the child's entry
// (child.ts) or the daemon's handle on it (bfd-process.ts).
import type { FailoverPlan } from '../host/kernel-change.js';
import type { BfdStateName, ShaAuthType } from './packet.js';
import type { SessionConfig } from './session.js';

export interface BfdAuthConfig {
  type: ShaAuthType;
  keyId: number;
  key: Uint8Array;
}

export interface BfdSessionSpec {
  /** The caller's name for the session: the neighbor's address in necod. */
  id: string;
  local: string;
  remote: string;
  /** RFC 5883: UDP 4784, any TTL; single hop (RFC 5881) otherwise. */
  multihop: boolean;
  config: SessionConfig;
  auth: BfdAuthConfig | null;
}

/**
 * What the BFD process writes to the kernel itself the moment a session goes from Up to Down:
 * the FIB's failover plan, nexthop-object changes for the netlink writer and the same as
 * `ip -batch` lines for the fallback writer.
 */
export type DownAction = FailoverPlan;

export type ToEngine =
  | { type: 'add'; spec: BfdSessionSpec }
  | { type: 'change'; spec: BfdSessionSpec }
  | { type: 'remove'; id: string }
  | { type: 'admin'; id: string; down: boolean }
  /** The kernel change the BFD process writes itself the moment the session goes from Up to Down. */
  | { type: 'down-action'; id: string; action: DownAction | null }
  | { type: 'sessions'; request: number }
  | { type: 'stop' };

export interface BfdStateEvent {
  type: 'state';
  id: string;
  from: BfdStateName;
  to: BfdStateName;
  diag: number;
  remoteDiag: number;
  /** The remote said AdminDown: RFC 5882 §3.2, not a failure of the path. */
  remoteAdminDown: boolean;
  /** The session's down action was written to the kernel before this event was sent. */
  downActionApplied: boolean;
  /** Wall clock, milliseconds with a fraction. */
  at: number;
}

export type FromEngine =
  | BfdStateEvent
  | { type: 'sessions'; request: number; sessions: BfdSessionView[] }
  | { type: 'error'; id: string | null; message: string }
  | { type: 'stopped' };

export interface BfdSessionView {
  id: string;
  local: string;
  remote: string;
  multihop: boolean;
  state: BfdStateName;
  remoteState: BfdStateName;
  /** Wall clock of the last state change, milliseconds. */
  since: number;
  localDiscriminator: number;
  remoteDiscriminator: number;
  localDiag: number;
  remoteDiag: number;
  /** Intervals in use, microseconds: our transmit interval before jitter, and the detection time. */
  txIntervalUs: number;
  detectTimeUs: number;
  /** What we advertise. */
  desiredMinTxUs: number;
  requiredMinRxUs: number;
  detectMult: number;
  /** What the remote advertises. */
  remoteDesiredMinTxUs: number;
  remoteRequiredMinRxUs: number;
  remoteDetectMult: number;
  sourcePort: number;
  auth: 'keyed-sha1' | 'meticulous-keyed-sha1' | null;
  upCount: number;
  downCount: number;
  packetsIn: number;
  packetsOut: number;
  discards: number;
  lastDiscard: string | null;
  sendErrors: number;
  /** The latest a periodic transmission left after its due time since the session began, µs. */
  txLateMaxUs: number;
}

// Pure decisions of the receiving side of graceful restart (RFC 4724 §4.2, RFC 8538).
import { CeaseSubcode, ErrorCode } from '../bgp/wire/index.js';
import type { NegotiatedSession } from '../bgp/negotiate.js';
import type { PeerDown } from '../bgp/peer-types.js';

/**
 * Keep the neighbor's routes (stale) when the session drops? Only if it advertised graceful
 * restart, and the drop came without a NOTIFICATION (RFC 4724 §4.2) — or, with the N bit
 * negotiated on both sides, with any NOTIFICATION but Hard Reset (RFC 8538 §3).
 */
export function retainRoutesOnDown(negotiated: NegotiatedSession | null, ourNotificationBit: boolean, down: PeerDown): boolean {
  const gr = negotiated?.gracefulRestart;
  if (!gr) return false;
  const err = down.error;
  if (!err || err.direction === 'local' || err.code === null) return true;
  if (!gr.notification || !ourNotificationBit) return false;
  return !(err.code === ErrorCode.CEASE && err.subcode === CeaseSubcode.HARD_RESET);
}

/** How long stale routes may wait for the neighbor to come back: its restart time, capped. */
export function restartWaitMs(negotiated: NegotiatedSession, staleCapSeconds: number): number {
  const t = negotiated.gracefulRestart?.restartTime ?? 0;
  return Math.min(t, staleCapSeconds) * 1000;
}

// Connection collision resolution (RFC 4271 §6.8): when two connections to one neighbor
// exist and an OPEN arrives on one of them, decide which connection lives on.
import type { FsmStateName } from './fsm-types.js';

export type Direction = 'outgoing' | 'incoming';

export interface CollisionInput {
  localId: number;
  remoteId: number;
  localAs: number;
  remoteAs: number;
  /** The connection the OPEN arrived on. */
  arrived: Direction;
  /** The neighbor's other connection, if any. */
  other: { direction: Direction; state: FsmStateName; connection: boolean } | null;
}

/**
 * none: no collision, process the OPEN.
 * dump-arrived: send Cease/Connection Collision Resolution on the connection the OPEN came on.
 * dump-other: send it on the other connection, then process the OPEN.
 * abandon-other: the other side of the neighbor only tries to connect; give that up and go on.
 */
export type CollisionDecision = 'none' | 'dump-arrived' | 'dump-other' | 'abandon-other';

/** Which direction survives: the connection opened by the speaker with the higher BGP Identifier. */
export function survivingDirection(localId: number, remoteId: number, localAs: number, remoteAs: number): Direction {
  // RFC 6286 §2.3: equal identifiers (possible between ASes) are told apart by the AS numbers.
  if (localId === remoteId) return localAs > remoteAs ? 'outgoing' : 'incoming';
  return localId > remoteId ? 'outgoing' : 'incoming';
}

export function resolveCollision(c: CollisionInput): CollisionDecision {
  const o = c.other;
  if (o === null || o.state === 'Idle') return 'none';
  if (!o.connection) return 'abandon-other';
  switch (o.state) {
    case 'Established':
      // RFC 4271 §6.8: a collision with an Established session closes the new connection.
      return 'dump-arrived';
    case 'OpenConfirm':
      // Two connections the same way round: the peer gave up on the older one.
      if (o.direction === c.arrived) return 'dump-other';
      return survivingDirection(c.localId >>> 0, c.remoteId >>> 0, c.localAs, c.remoteAs) === c.arrived ? 'dump-other' : 'dump-arrived';
    default:
      // OpenSent (or holding a connection under DelayOpen): the other connection's peer has not
      // identified itself there yet; its OPEN will settle the collision (RFC 4271 §6.8).
      return 'none';
  }
}

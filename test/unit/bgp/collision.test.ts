import { describe, expect, it } from 'vitest';
import { resolveCollision, survivingDirection, type CollisionInput } from '../../../src/bgp/collision.js';
import type { FsmStateName } from '../../../src/bgp/fsm.js';

const HIGH = 0x0a000002;
const LOW = 0x0a000001;

function input(localId: number, remoteId: number, arrived: 'outgoing' | 'incoming', state: FsmStateName | null, connection = true): CollisionInput {
  return {
    localId,
    remoteId,
    localAs: 65000,
    remoteAs: 65000,
    arrived,
    other: state === null ? null : { direction: arrived === 'outgoing' ? 'incoming' : 'outgoing', state, connection },
  };
}

describe('connection collision (RFC 4271 §6.8)', () => {
  it('keeps the connection opened by the higher BGP Identifier', () => {
    expect(survivingDirection(HIGH, LOW, 1, 1)).toBe('outgoing');
    expect(survivingDirection(LOW, HIGH, 1, 1)).toBe('incoming');
    // Identifiers compare as unsigned numbers.
    expect(survivingDirection(0xf0000000, 0x10000000, 1, 1)).toBe('outgoing');
  });

  it('falls back to the AS numbers when the identifiers are equal (RFC 6286 §2.3)', () => {
    expect(survivingDirection(LOW, LOW, 65001, 65000)).toBe('outgoing');
    expect(survivingDirection(LOW, LOW, 65000, 65001)).toBe('incoming');
  });

  it.each<[string, CollisionInput, string]>([
    ['no other connection', input(HIGH, LOW, 'outgoing', null), 'none'],
    ['other Idle', input(HIGH, LOW, 'outgoing', 'Idle', false), 'none'],
    ['other only connecting', input(HIGH, LOW, 'incoming', 'Connect', false), 'abandon-other'],
    ['other waiting in Active', input(HIGH, LOW, 'incoming', 'Active', false), 'abandon-other'],
    ['other in OpenSent: its OPEN will decide', input(HIGH, LOW, 'incoming', 'OpenSent'), 'none'],
    ['higher id, OPEN on our connection, other OpenConfirm', input(HIGH, LOW, 'outgoing', 'OpenConfirm'), 'dump-other'],
    ['higher id, OPEN on theirs, other OpenConfirm', input(HIGH, LOW, 'incoming', 'OpenConfirm'), 'dump-arrived'],
    ['lower id, OPEN on our connection, other OpenConfirm', input(LOW, HIGH, 'outgoing', 'OpenConfirm'), 'dump-arrived'],
    ['lower id, OPEN on theirs, other OpenConfirm', input(LOW, HIGH, 'incoming', 'OpenConfirm'), 'dump-other'],
    ['other Established', input(HIGH, LOW, 'outgoing', 'Established'), 'dump-arrived'],
  ])('%s → %s', (_what, i, expected) => {
    expect(resolveCollision(i)).toBe(expected);
  });

  it('decides the same surviving connection on both sides', () => {
    for (const [a, b] of [[HIGH, LOW], [LOW, HIGH]] as const) {
      // Connection X is A's outgoing = B's incoming; Y the other way round. Both X and Y are in
      // OpenConfirm on each side when the OPEN on the other connection arrives.
      const aOnY = resolveCollision(input(a, b, 'incoming', 'OpenConfirm')); // A gets OPEN on Y, X waits
      const bOnX = resolveCollision(input(b, a, 'incoming', 'OpenConfirm')); // B gets OPEN on X, Y waits
      const aKeeps = aOnY === 'dump-other' ? 'Y' : 'X';
      const bKeeps = bOnX === 'dump-other' ? 'X' : 'Y';
      expect(aKeeps).toBe(bKeeps);
    }
  });
});

// How the BFD process is scheduled when real time is off or not allowed, and how a policy is read
// from /proc. The SCHED_FIFO case needs root and is in test/netns/bfd-fast-path.test.ts.
import { describe, expect, it } from 'vitest';
import { chooseScheduling, schedulingOf, schedulingPolicy } from '../../../src/host/scheduled-child.js';

describe('chooseScheduling', () => {
  const policy = schedulingPolicy();

  it('reads this thread’s policy from /proc', () => {
    expect([0, 1, 2, 3, 5]).toContain(policy);
    expect(schedulingPolicy('/nonexistent')).toBeNull();
  });

  const ordinary = { policy: 0, priority: 0 };
  const rr50 = { policy: 2, priority: 50 };

  it('falls back to nice -15 when real time is off, and says why', () => {
    expect(chooseScheduling(null, 'chrt', ordinary)).toEqual({ kind: 'nice', why: 'real-time priority is off' });
  });

  it('falls back to nice -15 when chrt refuses, with chrt’s reason', () => {
    expect(chooseScheduling(10, 'false', ordinary)).toEqual({ kind: 'nice', why: 'SCHED_FIFO not allowed (chrt exited with 1)' });
    expect(chooseScheduling(10, '/nonexistent/chrt', ordinary)).toEqual({ kind: 'nice', why: expect.stringContaining('ENOENT') });
  });

  it('under a real-time daemon asks for one priority above it, or the configured one if higher', () => {
    // `true` stands in for a chrt that allows it; the priority asked for is in the answer.
    expect(chooseScheduling(10, 'true', rr50)).toEqual({ kind: 'fifo', priority: 51 });
    expect(chooseScheduling(70, 'true', rr50)).toEqual({ kind: 'fifo', priority: 70 });
    expect(chooseScheduling(10, 'true', { policy: 1, priority: 99 })).toEqual({ kind: 'fifo', priority: 99 });
  });

  it('under a real-time daemon inherits its policy when chrt refuses or real time is off, and says why', () => {
    expect(chooseScheduling(10, 'false', rr50)).toEqual({ kind: 'inherited', policy: 2, why: 'SCHED_FIFO 51 not allowed (chrt exited with 1)' });
    expect(chooseScheduling(null, 'true', rr50)).toEqual({ kind: 'inherited', policy: 2, why: 'real-time priority is off' });
  });

  it('reads the policy and the real-time priority from /proc', () => {
    expect(schedulingOf('/proc/self/stat')).toEqual({ policy, priority: expect.any(Number) });
    expect(schedulingOf('/nonexistent')).toBeNull();
  });
});

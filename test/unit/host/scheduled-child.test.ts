// How the BFD process is scheduled when real time is off or not allowed, and how a policy is read
// from /proc. The SCHED_FIFO case needs root and is in test/netns/bfd-fast-path.test.ts.
import { describe, expect, it } from 'vitest';
import { chooseScheduling, schedulingPolicy } from '../../../src/host/scheduled-child.js';

describe('chooseScheduling', () => {
  const policy = schedulingPolicy();

  it('reads this thread’s policy from /proc', () => {
    expect([0, 1, 2, 3, 5]).toContain(policy);
    expect(schedulingPolicy('/nonexistent')).toBeNull();
  });

  // Under a real-time runner every choice is to inherit its policy, whatever the setting.
  const or = (fallback: object) => (policy === 0 ? fallback : { kind: 'inherited', policy });

  it('falls back to nice -15 when real time is off, and says why', () => {
    expect(chooseScheduling(null)).toEqual(or({ kind: 'nice', why: 'real-time priority is off' }));
  });

  it('falls back to nice -15 when chrt refuses, with chrt’s reason', () => {
    expect(chooseScheduling(10, 'false')).toEqual(or({ kind: 'nice', why: 'SCHED_FIFO not allowed (chrt exited with 1)' }));
    expect(chooseScheduling(10, '/nonexistent/chrt')).toEqual(or({ kind: 'nice', why: expect.stringContaining('ENOENT') }));
  });
});

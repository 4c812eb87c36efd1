// The one wait helper of test/support: what it returns, and that a timeout explains itself.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitFor, waitForEvent, withTimeout } from '../../support/wait.js';

describe('waitFor', () => {
  it('returns the first value that is not false, null or undefined', async () => {
    let n = 0;
    const got = await waitFor(() => (++n >= 3 ? { n } : n === 1 ? null : false), { what: 'three calls', intervalMs: 1 });
    expect(got).toEqual({ n: 3 });
  });

  it('counts a thrown error as "not yet"', async () => {
    let n = 0;
    const got = await waitFor(
      async () => {
        if (++n < 3) throw new Error('refused');
        return 'answered';
      },
      { what: 'an answer', intervalMs: 1 },
    );
    expect(got).toBe('answered');
  });

  it('names what it waited for and the last value it saw', async () => {
    let n = 0;
    await expect(waitFor(() => (++n, false), { what: 'a route to 10.1.0.0/16', timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      /^timed out after 30 ms waiting for a route to 10\.1\.0\.0\/16; last value: false$/,
    );
    expect(n).toBeGreaterThan(1);
  });

  it('quotes the last error when the condition kept failing', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { what: 'the API', timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(/waiting for the API; last error: connection refused$/);
  });
});

describe('waitForEvent', () => {
  it('resolves with the first event the predicate accepts and stops listening', async () => {
    const e = new EventEmitter();
    const p = waitForEvent<{ to: string }>(e, 'state', (s) => s.to === 'Up', 1000);
    e.emit('state', { to: 'Init' });
    e.emit('state', { to: 'Up' });
    await expect(p).resolves.toEqual({ to: 'Up' });
    expect(e.listenerCount('state')).toBe(0);
  });

  it('times out naming the event and what it passed over', async () => {
    const e = new EventEmitter();
    const p = waitForEvent<{ to: string }>(e, 'state', (s) => s.to === 'Up', 30);
    e.emit('state', { to: 'Down' });
    await expect(p).rejects.toThrow(/^no 'state' event within 30 ms; 1 passed over, the last: \{"to":"Down"\}$/);
    expect(e.listenerCount('state')).toBe(0);
  });
});

describe('withTimeout', () => {
  it('gives the value, or undefined when the promise does not settle in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(new Promise(() => undefined), 10)).resolves.toBeUndefined();
  });
});

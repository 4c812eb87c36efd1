import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from '../../../src/origin/coalescer.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(task: () => Promise<void>) {
  const errors: unknown[] = [];
  const c = new Coalescer(task, { debounceMs: 5, retryMs: 100, onError: (e) => errors.push(e) });
  return { c, errors };
}

describe('Coalescer', () => {
  it('holds requests while paused, then runs once', async () => {
    let runs = 0;
    const { c } = setup(async () => {
      runs++;
    });
    c.request();
    c.request();
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toBe(0);
    c.resume();
    await vi.advanceTimersByTimeAsync(5);
    expect(runs).toBe(1);
    await c.stop();
  });

  it('a burst of requests is one run; requests during a run cause exactly one more', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const { c } = setup(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
    );
    c.resume();
    for (let i = 0; i < 100; i++) c.request();
    await vi.advanceTimersByTimeAsync(5);
    expect(runs).toBe(1);
    c.request();
    c.request();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    await c.stop();
  });

  it('retries a failed run after the pause', async () => {
    let runs = 0;
    const { c, errors } = setup(async () => {
      runs++;
      if (runs === 1) throw new Error('ip failed');
    });
    c.resume();
    c.request();
    await vi.advanceTimersByTimeAsync(5);
    expect(runs).toBe(1);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    await c.stop();
  });

  it('nothing runs after stop', async () => {
    let runs = 0;
    const { c } = setup(async () => {
      runs++;
    });
    c.resume();
    c.request();
    await c.stop();
    c.request();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(0);
  });
});

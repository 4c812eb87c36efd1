// Bounded waiting for every suite: a poll for conditions that have no event (kernel tables, a
// daemon's CLI, counters), and a wait on an emitter where one exists. Every wait ends, and a
// timeout names what it waited for and the last thing it saw, so a failure explains itself.
// Not for timing: how long something took belongs in bench/, never in a pass/fail threshold.

export interface WaitOptions {
  /** Human description used in the timeout error, e.g. "BIRD session to 10.0.0.2 Established". */
  what: string;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms); a condition that runs a process may want more. */
  intervalMs?: number;
}

export const DEFAULT_WAIT_MS = 10_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `condition` until it returns a value other than `false`, `null` or `undefined` and returns
 * that value. Errors thrown by `condition` count as "not yet" (daemons refuse queries while
 * starting); the last error, or else the last value, is quoted in the timeout error.
 */
export async function waitFor<T>(
  condition: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  opts: WaitOptions,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS;
  const interval = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== false && value !== null && value !== undefined) return value;
      lastValue = value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
  const detail =
    lastError !== undefined
      ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
      : `; last value: ${JSON.stringify(lastValue)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what}${detail}`);
}

/** What waitForEvent needs of an emitter: Node's EventEmitter, a typed one, or a Peer. */
export interface Emitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Resolves with the first argument of the first `name` event for which `predicate` holds (any, by
 * default), or rejects after `timeoutMs` naming the event and how many were heard and passed over.
 */
export function waitForEvent<T = unknown>(
  emitter: Emitter,
  name: string,
  predicate: (value: T) => boolean = () => true,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let passedOver = 0;
    let last: unknown;
    const listener = (value: T): void => {
      let ok: boolean;
      try {
        ok = predicate(value);
      } catch (err) {
        finish();
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (!ok) {
        passedOver += 1;
        last = value;
        return;
      }
      finish();
      resolve(value);
    };
    const timer = setTimeout(() => {
      finish();
      const seen = passedOver > 0 ? `; ${passedOver} passed over, the last: ${JSON.stringify(last)}` : '';
      reject(new Error(`no '${name}' event within ${timeoutMs} ms${seen}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      emitter.off(name, listener as (...args: unknown[]) => void);
    };
    emitter.on(name, listener as (...args: unknown[]) => void);
  });
}

/** Resolves with the promise's value, or `undefined` if it does not settle within `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

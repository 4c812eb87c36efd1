// Bounded waiting: every loop in the interop harness ends, and a timeout names what it waited for.

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts (default 200 ms). */
  intervalMs?: number;
  /** Human description used in the timeout error, e.g. "BIRD session to 10.0.0.2 Established". */
  what: string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `fn` until it returns a value other than `false`, `null` or `undefined` and returns that
 * value. Errors thrown by `fn` count as "not yet" (daemons refuse queries while starting); the
 * last one is quoted in the timeout error so a failure explains itself.
 */
export async function waitFor<T>(
  fn: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  opts: WaitOptions,
): Promise<T> {
  const interval = opts.intervalMs ?? 200;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await fn();
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
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${detail}`);
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

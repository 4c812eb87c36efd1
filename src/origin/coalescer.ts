// Runs a refresh task at most once at a time, a few milliseconds after the first request of a
// burst, so that a hundred kernel events cost one re-read. Requests that arrive while the task
// runs cause one more run afterwards; a failed run is retried after a pause.

export interface CoalescerOptions {
  debounceMs: number;
  /** Pause before running again after a failure. */
  retryMs: number;
  onError: (err: unknown) => void;
}

export class Coalescer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private paused = true;
  private wanted = false;
  private stopped = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly options: CoalescerOptions,
  ) {}

  /** Asks for a run: soon, or after the current one. */
  request(): void {
    if (this.stopped) return;
    if (this.paused) {
      this.wanted = true;
      return;
    }
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.schedule(this.options.debounceMs);
  }

  /** Requests made before this are held back; used while a caller does its own first read. */
  resume(): void {
    this.paused = false;
    if (this.wanted) {
      this.wanted = false;
      this.request();
    }
  }

  /** No more runs; resolves when the current one (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.loop();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.task();
      } catch (err) {
        this.options.onError(err);
        this.again = false;
        this.schedule(this.options.retryMs);
        return;
      }
    } while (this.again && !this.stopped);
  }
}

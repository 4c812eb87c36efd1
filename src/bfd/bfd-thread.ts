// The main thread's handle on the BFD worker: starts it, adds, changes and removes sessions by
// message and hands state events to one listener. It owns the Worker and nothing else: which
// sessions exist and who hears about them is requests.ts's business.
import { Worker } from 'node:worker_threads';
import type { BfdSessionSpec, BfdSessionView, BfdStateEvent, FromWorker, ToWorker } from './messages.js';

export interface BfdThreadOptions {
  singleHopPort?: number;
  multihopPort?: number;
  netns?: string | null;
  onState: (event: BfdStateEvent) => void;
  onError: (id: string | null, message: string) => void;
}

export class BfdThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (sessions: BfdSessionView[]) => void>();
  private nextRequest = 1;
  private stopped: Promise<void> | null = null;

  constructor(private readonly opts: BfdThreadOptions) {
    const { onState: _s, onError: _e, ...workerData } = opts;
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { workerData });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => opts.onError(null, `BFD worker: ${err.message}`));
  }

  add(spec: BfdSessionSpec): void {
    this.post({ type: 'add', spec });
  }

  change(spec: BfdSessionSpec): void {
    this.post({ type: 'change', spec });
  }

  remove(id: string): void {
    this.post({ type: 'remove', id });
  }

  admin(id: string, down: boolean): void {
    this.post({ type: 'admin', id, down });
  }

  setDownAction(id: string, lines: readonly string[] | null): void {
    this.post({ type: 'down-action', id, lines });
  }

  sessions(): Promise<BfdSessionView[]> {
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.waiting.set(request, resolve);
      this.post({ type: 'sessions', request });
    });
  }

  /** Sends AdminDown on every session and ends the thread. */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopped = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: 'stop' });
    });
    return this.stopped;
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'state':
        return this.opts.onState(m);
      case 'sessions': {
        const resolve = this.waiting.get(m.request);
        this.waiting.delete(m.request);
        return resolve?.(m.sessions);
      }
      case 'error':
        return this.opts.onError(m.id, m.message);
      case 'stopped':
        return;
    }
  }
}

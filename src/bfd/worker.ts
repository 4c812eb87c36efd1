// The BFD worker thread's entry: messages from the main thread into the engine, the engine's
// events back. Nothing else lives here, so the engine stays testable without a thread.
import { readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BfdEngine } from './io.js';
import type { FromWorker, ToWorker } from './messages.js';

if (parentPort === null) throw new Error('src/bfd/worker.ts runs only as a worker thread');
const port: MessagePort = parentPort;

const options = (workerData ?? {}) as { singleHopPort?: number; multihopPort?: number; netns?: string | null };
const emit = (message: FromWorker): void => port.postMessage(message);
const engine = new BfdEngine({ ...options, emit });

/**
 * Nice value of this thread alone (on Linux the nice value is per thread: setpriority on pid 0
 * from a thread changes that thread). When the machine is short of CPU, a thread that wakes every
 * few milliseconds must not wait behind the main thread's full-table work, ip, or GC helpers:
 * late transmissions are false failures at the peer. A process already running real-time
 * (the systemd unit's CPUSchedulingPolicy=rr) is left as it is: nice does not apply there.
 */
const BFD_THREAD_NICE = -15;
/** Scheduling policy of this thread (/proc stat field 41): 0 is SCHED_OTHER, where nice counts. */
function schedulingPolicy(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  } catch {
    return null;
  }
}
try {
  if (schedulingPolicy() === 0 && getPriority(0) > BFD_THREAD_NICE) setPriority(0, BFD_THREAD_NICE);
} catch (err) {
  emit({ type: 'error', id: null, message: `BFD thread priority not raised (${err instanceof Error ? err.message : String(err)}); it runs at the process's priority` });
}

port.on('message', (message: ToWorker) => {
  void handle(message).catch((err: unknown) => emit({ type: 'error', id: 'id' in message ? message.id : 'spec' in message ? message.spec.id : null, message: err instanceof Error ? err.message : String(err) }));
});

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'add':
      return engine.add(message.spec);
    case 'change':
      return engine.change(message.spec);
    case 'remove':
      return engine.remove(message.id);
    case 'admin':
      return engine.admin(message.id, message.down);
    case 'down-action':
      return engine.setDownAction(message.id, message.lines);
    case 'sessions':
      return emit({ type: 'sessions', request: message.request, sessions: engine.views() });
    case 'stop':
      engine.stop();
      emit({ type: 'stopped' });
      port.close();
  }
}

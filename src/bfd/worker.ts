// The BFD worker thread's entry: messages from the main thread into the engine, the engine's
// events back. Nothing else lives here, so the engine stays testable without a thread.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BfdEngine } from './io.js';
import type { FromWorker, ToWorker } from './messages.js';

if (parentPort === null) throw new Error('src/bfd/worker.ts runs only as a worker thread');
const port: MessagePort = parentPort;

const options = (workerData ?? {}) as { singleHopPort?: number; multihopPort?: number; netns?: string | null };
const emit = (message: FromWorker): void => port.postMessage(message);
const engine = new BfdEngine({ ...options, emit });

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

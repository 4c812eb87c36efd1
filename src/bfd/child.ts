// The BFD process's entry: messages from the daemon over the IPC channel into the engine, the
// engine's events back. Started by bfd-process.ts with child_process.fork; its own address space,
// V8 heap and GC, so nothing the daemon does with its memory or CPU reaches its timers. When the
// daemon dies the channel closes and this process exits at once (no AdminDown: the daemon is gone,
// and the peer's detection is what should follow); an orderly stop sends AdminDown first.
// Nothing else lives here, so the engine stays testable without a process.
import { BfdEngine, type EngineSettings } from './io.js';
import type { FromEngine, ToEngine } from './messages.js';
import { raiseNiceOfAllThreads } from '../host/scheduled-child.js';

/** What the daemon passes as the child's one argument (JSON). */
export interface BfdChildOptions extends EngineSettings {
  /** Renice every thread to -15 at start (neither real-time nor inherited). */
  nice: boolean;
}

const send = process.send?.bind(process);
if (send === undefined) throw new Error('src/bfd/child.ts runs only as a child with an IPC channel');

const options = JSON.parse(process.argv[2] ?? '{}') as BfdChildOptions;
const emit = (message: FromEngine): void => {
  if (process.connected) send(message);
};
const { nice, ...settings } = options;
const engine = new BfdEngine({ ...settings, netns: settings.netns ?? null, emit });

if (nice) {
  const failed = raiseNiceOfAllThreads();
  if (failed) emit({ type: 'error', id: null, message: `BFD process priority not raised: ${failed}` });
}

// The daemon is gone (killed, crashed): nobody hears our events, and a session kept alive here
// would hide the daemon's death from the peers.
let stopping = false;
process.on('disconnect', () => {
  if (!stopping) process.exit(0);
});
// The terminal's ^C and hangup are the daemon's to act on; it stops this process in order.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('uncaughtException', (err) => {
  emit({ type: 'error', id: null, message: `BFD process failed: ${err.stack ?? err.message}` });
  process.exit(70);
});

// One message after the other: an add binds sockets before the session exists, and the down
// action or admin state sent right after it must find the session.
let queue: Promise<void> = Promise.resolve();
process.on('message', (message: ToEngine) => {
  queue = queue
    .then(() => handle(message))
    .catch((err: unknown) => emit({ type: 'error', id: 'id' in message ? message.id : 'spec' in message ? message.spec.id : null, message: err instanceof Error ? err.message : String(err) }));
});

async function handle(message: ToEngine): Promise<void> {
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
      return engine.setDownAction(message.id, message.action);
    case 'sessions':
      return emit({ type: 'sessions', request: message.request, sessions: engine.views() });
    case 'stop':
      // AdminDown on every session; the sockets close 50 ms later and the process ends with them.
      stopping = true;
      engine.stop();
      emit({ type: 'stopped' });
      process.disconnect();
      setTimeout(() => process.exit(0), 1_000).unref();
  }
}

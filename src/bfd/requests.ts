// Who asks for a BFD session and who hears about it, as in BIRD's bfd_request_session: one
// session per next-hop address, asked for by the BGP neighbor of that address, heard by every
// listener on it (the BGP peer, the kernel side). It turns the BFD process's state events into the
// two signals RFC 5882 cares about: the path failed, and the path is back.
// What it is not: the engine (io.ts) or the process (bfd-process.ts), which it drives through
// the small BfdControl interface so that tests can hand it anything.
import type { BfdStateName } from './packet.js';
import type { BfdSessionSpec, BfdStateEvent, DownAction } from './messages.js';

export interface BfdControl {
  add(spec: BfdSessionSpec): void;
  change(spec: BfdSessionSpec): void;
  remove(id: string): void;
  setDownAction(id: string, action: DownAction | null): void;
}

export interface NextHopListener {
  /** Up → Down for a reason other than the remote's AdminDown: the path is dead. */
  failed(event: BfdStateEvent): void;
  /** The session reached Up. */
  up(event: BfdStateEvent): void;
}

/** What an event means for the listeners: RFC 5882 §3.2, AdminDown from the remote is no failure. */
export type BfdSignal = 'failed' | 'up' | 'none';

export function signalOf(event: BfdStateEvent): BfdSignal {
  if (event.to === 'Up') return 'up';
  if (event.from === 'Up' && event.to === 'Down' && !event.remoteAdminDown) return 'failed';
  return 'none';
}

interface Request {
  spec: BfdSessionSpec;
  listeners: NextHopListener[];
  state: BfdStateName;
}

export class BfdRequests {
  private readonly requests = new Map<string, Request>();

  constructor(private readonly control: BfdControl) {}

  /** Adds the session on the first request for its id; the returned function withdraws this one. */
  request(spec: BfdSessionSpec, listener: NextHopListener): () => void {
    let r = this.requests.get(spec.id);
    if (!r) {
      r = { spec, listeners: [], state: 'Down' };
      this.requests.set(spec.id, r);
      this.control.add(spec);
    }
    const entry = r;
    entry.listeners.push(listener);
    return () => {
      entry.listeners = entry.listeners.filter((l) => l !== listener);
      if (entry.listeners.length > 0 || this.requests.get(spec.id) !== entry) return;
      this.requests.delete(spec.id);
      this.control.remove(spec.id);
    };
  }

  /** Hears on a session someone else asked for (the kernel side on the neighbor's address). */
  listen(id: string, listener: NextHopListener): boolean {
    const r = this.requests.get(id);
    if (!r) return false;
    r.listeners.push(listener);
    return true;
  }

  /** New intervals or key for a session someone asked for; the engine runs the poll sequence. */
  change(spec: BfdSessionSpec): void {
    const r = this.requests.get(spec.id);
    if (!r) return;
    r.spec = spec;
    this.control.change(spec);
  }

  setDownAction(id: string, action: DownAction | null): void {
    if (this.requests.has(id)) this.control.setDownAction(id, action);
  }

  ids(): string[] {
    return [...this.requests.keys()];
  }

  /** The last state the BFD process reported; null for an id nobody asked for. */
  stateOf(id: string): BfdStateName | null {
    return this.requests.get(id)?.state ?? null;
  }

  handle(event: BfdStateEvent): BfdSignal {
    const r = this.requests.get(event.id);
    if (!r) return 'none';
    r.state = event.to;
    const signal = signalOf(event);
    // Listeners in the order they asked: the kernel side hears first when it listens first.
    for (const l of r.listeners) {
      if (signal === 'failed') l.failed(event);
      else if (signal === 'up') l.up(event);
    }
    return signal;
  }
}

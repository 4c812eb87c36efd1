// What an origin reader has announced, as the RIB would hold it, for the suites that run a reader
// against a real kernel: applies its change events and waits for a set of prefixes.
import type { OriginChange, OriginRoute } from '../../src/origin/index.js';
import { waitFor } from '../support/wait.js';

/** Applies a reader's change events to a set, as the RIB would, and keeps them for inspection. */
export class RouteTracker {
  readonly routes = new Map<string, OriginRoute>();
  readonly changes: OriginChange[] = [];

  constructor(source: { on(event: 'change', listener: (change: OriginChange) => void): unknown }) {
    source.on('change', (change) => {
      this.changes.push(change);
      for (const prefix of change.removed) {
        if (!this.routes.has(prefix)) throw new Error(`removed ${prefix}, which was never added`);
        this.routes.delete(prefix);
      }
      for (const route of change.added) this.routes.set(route.prefix, route);
    });
  }

  prefixes(): string[] {
    return [...this.routes.keys()].sort();
  }

  async waitFor(expected: readonly string[], timeoutMs = 5000): Promise<void> {
    const want = [...expected].sort();
    try {
      await waitFor(() => JSON.stringify(this.prefixes()) === JSON.stringify(want), { what: `routes ${want.join(' ')}`, timeoutMs });
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; have ${this.prefixes().join(' ') || '(none)'}`);
    }
  }
}

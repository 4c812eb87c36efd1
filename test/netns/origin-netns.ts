// A throw-away network namespace for the origin reader tests: created fresh, always deleted
// (after the suite, and on process exit should the suite die first).
import { waitFor } from '../support/wait.js';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { OriginChange, OriginRoute } from '../../src/origin/index.js';

const live = new Set<string>();
let hooked = false;

function deleteSync(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { timeout: 10_000 });
  live.delete(name);
}

export class TestNetns {
  private constructor(readonly name: string) {}

  static async create(label: string): Promise<TestNetns> {
    if (!hooked) {
      hooked = true;
      process.once('exit', () => {
        for (const name of live) deleteSync(name);
      });
    }
    const name = `necod-o-${randomBytes(3).toString('hex')}-${label}`;
    const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8', timeout: 10_000 });
    if (add.status !== 0) throw new Error(`ip netns add ${name}: ${add.stderr}`);
    live.add(name);
    const ns = new TestNetns(name);
    await ns.ip('link', 'set', 'lo', 'up');
    // Addresses usable at once: no DAD, whatever the test forgets to say.
    await ns.exec('sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
    return ns;
  }

  /** `ip -n NS ARGS`; rejects with stderr on failure. */
  ip(...args: string[]): Promise<string> {
    return run('ip', ['-n', this.name, ...args]);
  }

  /** Many `ip` commands in one process (`ip -n NS -batch -`). */
  batch(commands: readonly string[]): Promise<string> {
    return run('ip', ['-n', this.name, '-batch', '-'], `${commands.join('\n')}\n`);
  }

  exec(...argv: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.name, ...argv]);
  }

  delete(): void {
    deleteSync(this.name);
  }
}

function run(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

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

// Long-running processes inside a namespace, with output in a log file and a bounded stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { waitFor, withTimeout } from '../wait.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Short label used in logs and in the log file name. */
  name: string;
  logPath: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class LabProcess {
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | null = null;

  constructor(
    readonly name: string,
    readonly ns: string,
    readonly argv: readonly string[],
    readonly logPath: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      // A failed spawn emits 'error' and possibly no 'exit'.
      child.once('error', () => {
        if (this.exitInfo === null) {
          this.exitInfo = { code: null, signal: null };
          resolve(this.exitInfo);
        }
      });
    });
  }

  /** PID of the daemon itself: `ip netns exec` execs it in place. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  get exit(): ExitInfo | null {
    return this.exitInfo;
  }

  /**
   * Signals the whole process group: the child is started in its own group so helpers a daemon
   * forks (ExaBGP's API process, for one) go with it.
   */
  signal(sig: NodeJS.Signals): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        process.kill(this.pid, sig);
      } catch {
        // already gone
      }
    }
  }

  /** Lets this process exit while the child runs on (a lab kept for exploration). */
  unref(): void {
    this.child.unref();
  }

  /**
   * Waits until `ready` holds (a socket answers, a log line is there). A daemon that dies while
   * starting is named in the timeout error with how it exited and, if given, `detail()` (its log).
   */
  async untilReady(ready: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, detail?: () => string): Promise<void> {
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited ${JSON.stringify(this.exit)}${detail ? `:\n${detail()}` : ''}`);
        return ready();
      },
      { timeoutMs, what },
    );
  }

  /** SIGKILL to the group (no goodbye to anyone) and the exit, waited for a bounded time. */
  async kill(): Promise<ExitInfo> {
    if (this.running) this.signal('SIGKILL');
    const info = await withTimeout(this.exited, 5_000);
    if (info === undefined) throw new Error(`${this.name} (pid ${this.pid}) survived SIGKILL`);
    return info;
  }

  /** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
  async stop(graceMs = 3_000): Promise<ExitInfo> {
    // Exited long ago: its group id may belong to someone else by now; Lab.destroy() kills
    // whatever is left in the namespace.
    if (this.exitInfo !== null) return this.exitInfo;
    this.signal('SIGTERM');
    const graceful = await withTimeout(this.exited, graceMs);
    if (graceful !== undefined) {
      this.signal('SIGKILL'); // helpers left in the group, if any
      return graceful;
    }
    this.signal('SIGKILL');
    const killed = await withTimeout(this.exited, 3_000);
    if (killed === undefined) throw new Error(`${this.name} (pid ${this.pid}) survived SIGKILL`);
    return killed;
  }
}

/** Starts `argv` in namespace `ns`, stdout and stderr appended to `opts.logPath`. */
export function spawnInNamespace(ns: string, argv: readonly string[], opts: SpawnOptions): LabProcess {
  const fd = openSync(opts.logPath, 'a');
  try {
    writeSync(fd, `# ${new Date().toISOString()} [${ns}] ${argv.join(' ')}\n`);
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      detached: true,
    });
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')} in ${ns}`);
    return new LabProcess(opts.name, ns, argv, opts.logPath, child);
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

// A Lab owns every namespace, process and temp file one test creates, and removes them all on
// destroy() — also when the test fails or the test process exits early.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, run, type RunOptions, type RunResult } from './exec.js';
import { dropTraffic, undropAll, type Drop, type DropDirection, type DropWhat } from './nft.js';
import { LabProcess, spawnInNamespace } from './process.js';
import { NS_PREFIX, killAndDeleteNamespaceSync, listNamespaces, removeOwner, writeOwner } from './stale.js';
import { waitFor } from '../wait.js';

export { cleanupStale, killAndDeleteNamespaceSync, listNamespaces } from './stale.js';
export { exec, run, type RunOptions, type RunResult } from './exec.js';
export type { Drop, DropDirection, DropWhat } from './nft.js';
export { LabProcess } from './process.js';

/** One end of a veth pair. IPv6 addresses are added with `nodad`, so usable at once. */
export interface LinkEnd {
  ns: string;
  iface: string;
  addrs?: string[];
}

export interface LabOptions {
  /** Keep the temp dir after destroy() (also set by NECOD_TEST_KEEP=1) for post-mortems. */
  keepTempDir?: boolean;
  /**
   * Readable fixed names for a lab a person explores: namespaces `<prefix>-<label>`, files in
   * `dir`. Not for tests (parallel runs would collide); cleanupStale() leaves such a lab alone.
   */
  fixed?: { prefix: string; dir: string };
}

const LABEL_RE = /^[a-z0-9][a-z0-9-]{0,19}$/;
const IFACE_RE = /^[A-Za-z0-9_.-]{1,15}$/;

const liveLabs = new Set<Lab>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      for (const lab of liveLabs) lab.destroySync();
      process.removeListener(sig, onSignal);
      // Default action again (or whoever else listens), now that nothing is left behind.
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

export class Lab {
  readonly id: string;
  /** Per-lab temp dir: configs, sockets, pid files and logs of every process. */
  readonly dir: string;
  private readonly nsNames: string[] = [];
  private readonly procs: LabProcess[] = [];
  private readonly cleanups: (() => void)[] = [];
  private destroying: Promise<void> | null = null;
  private readonly keep: boolean;

  private readonly nsPrefix: string;

  private constructor(opts: LabOptions) {
    if (opts.fixed !== undefined) {
      this.id = opts.fixed.prefix;
      this.nsPrefix = `${opts.fixed.prefix}-`;
      mkdirSync(opts.fixed.dir, { recursive: true });
      this.dir = opts.fixed.dir;
    } else {
      this.id = randomBytes(3).toString('hex');
      writeOwner(this.id);
      this.nsPrefix = `${NS_PREFIX}${this.id}-`;
      this.dir = mkdtempSync(join(tmpdir(), this.nsPrefix));
    }
    this.keep = opts.keepTempDir ?? process.env.NECOD_TEST_KEEP === '1';
    liveLabs.add(this);
    hookExit();
  }

  static create(opts: LabOptions = {}): Lab {
    return new Lab(opts);
  }

  /** Creates namespace `necod-t-<lab id>-<label>` with `lo` up and IPv6 DAD off; returns its name. */
  async addNamespace(label: string): Promise<string> {
    this.assertAlive();
    if (!LABEL_RE.test(label)) throw new Error(`bad namespace label ${JSON.stringify(label)}`);
    const ns = `${this.nsPrefix}${label}`;
    const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8', timeout: 10_000 });
    if (add.status !== 0) throw new Error(`ip netns add ${ns}: ${add.stderr}`);
    this.nsNames.push(ns);
    await this.ip(ns, ['link', 'set', 'lo', 'up']);
    // Link-local addresses are otherwise tentative for a second or two after a link comes up.
    for (const key of ['all', 'default']) {
      await exec(ns, ['sysctl', '-qw', `net.ipv6.conf.${key}.accept_dad=0`]);
    }
    return ns;
  }

  /**
   * A namespace of this lab as a handle, for suites that work in one or two: `ip`, `ip -batch`
   * and commands there, stdout back.
   */
  async namespace(label: string): Promise<Netns> {
    return new Netns(this, await this.addNamespace(label));
  }

  /** Runs `ip -n NS ...`. */
  async ip(ns: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
    return run(['ip', '-n', ns, ...args], opts);
  }

  /** Many `ip` commands in one process (`ip -n NS -batch -`). */
  async ipBatch(ns: string, commands: readonly string[]): Promise<RunResult> {
    this.assertOwn(ns);
    return run(['ip', '-n', ns, '-batch', '-'], { input: `${commands.join('\n')}\n`, timeoutMs: 30_000 });
  }

  /** A veth pair between two namespaces (or two interfaces in one), both ends up. */
  async link(a: LinkEnd, b: LinkEnd): Promise<void> {
    this.assertAlive();
    for (const end of [a, b]) {
      if (!IFACE_RE.test(end.iface)) throw new Error(`bad interface name ${end.iface}`);
      this.assertOwn(end.ns);
    }
    // Created directly inside the namespaces: the names never meet in the root namespace.
    await this.ip(a.ns, ['link', 'add', a.iface, 'type', 'veth', 'peer', 'name', b.iface, 'netns', b.ns]);
    for (const end of [a, b]) {
      for (const cidr of end.addrs ?? []) await this.addAddress(end.ns, end.iface, cidr);
      await this.ip(end.ns, ['link', 'set', end.iface, 'up']);
    }
  }

  async addAddress(ns: string, iface: string, cidr: string): Promise<void> {
    this.assertOwn(ns);
    const extra = cidr.includes(':') ? ['nodad'] : [];
    await this.ip(ns, ['addr', 'add', cidr, 'dev', iface, ...extra]);
  }

  /**
   * A port-less bridge standing in for a dummy interface (e.g. `node0` holding a /32): this
   * kernel has no dummy module.
   */
  async addBridge(ns: string, name: string, addrs: string[] = []): Promise<void> {
    this.assertOwn(ns);
    await this.ip(ns, ['link', 'add', name, 'type', 'bridge']);
    for (const cidr of addrs) await this.addAddress(ns, name, cidr);
    await this.ip(ns, ['link', 'set', name, 'up']);
  }

  async setLink(ns: string, iface: string, up: boolean): Promise<void> {
    this.assertOwn(ns);
    await this.ip(ns, ['link', 'set', iface, up ? 'up' : 'down']);
  }

  /** The interface's fe80:: address (without prefix length). */
  async linkLocal(ns: string, iface: string): Promise<string> {
    return waitFor(
      async () => {
        const { stdout } = await this.ip(ns, ['-6', '-o', 'addr', 'show', 'dev', iface, 'scope', 'link']);
        return /inet6 (fe80::[0-9a-f:]+)\//.exec(stdout)?.[1] ?? null;
      },
      { timeoutMs: 5_000, what: `link-local address on ${iface} in ${ns}` },
    );
  }

  exec(ns: string, argv: readonly string[], opts?: RunOptions): Promise<RunResult> {
    this.assertOwn(ns);
    return exec(ns, argv, opts);
  }

  /** Starts a long-running process in `ns`; its output goes to `<dir>/<name>.log`. */
  spawnIn(ns: string, argv: readonly string[], opts: { name: string; env?: NodeJS.ProcessEnv; cwd?: string }): LabProcess {
    this.assertAlive();
    this.assertOwn(ns);
    const proc = spawnInNamespace(ns, argv, {
      name: opts.name,
      logPath: this.path(`${opts.name}.log`),
      env: opts.env,
      cwd: opts.cwd,
    });
    this.procs.push(proc);
    return proc;
  }

  /**
   * Registers a synchronous cleanup run after all processes are stopped (also from the exit
   * handler), for files a daemon leaves outside the temp dir.
   */
  addCleanup(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** Drops TCP/179 (default), another TCP port or all traffic on `iface` inside `ns`, both ways unless told. */
  async drop(ns: string, iface: string, what: DropWhat = 'bgp', direction: DropDirection = 'both'): Promise<Drop> {
    this.assertOwn(ns);
    return dropTraffic(ns, iface, what, direction);
  }

  async undropAll(ns: string): Promise<void> {
    await undropAll(ns);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  writeFile(name: string, text: string): string {
    const p = this.path(name);
    writeFileSync(p, text);
    return p;
  }

  namespaces(): readonly string[] {
    return [...this.nsNames];
  }

  processes(): readonly LabProcess[] {
    return [...this.procs];
  }

  /** The last `maxLines` lines of every process log, for printing when a test fails. */
  logs(maxLines = 80): string {
    const parts: string[] = [];
    for (const p of this.procs) {
      let text = '';
      try {
        text = readFileSync(p.logPath, 'utf8');
      } catch {
        text = '(no log)';
      }
      const lines = text.trimEnd().split('\n');
      const tail = lines.slice(-maxLines).join('\n');
      const status = p.running ? 'running' : `exited ${JSON.stringify(p.exit)}`;
      parts.push(`===== ${p.name} (pid ${p.pid}, ${status}) ${p.logPath}\n${tail}`);
    }
    return parts.join('\n');
  }

  /**
   * Leaves everything running when this process exits (a lab kept for exploration): no exit hook
   * tears it down any more. Removing it is then up to whoever kept it.
   */
  detach(): void {
    liveLabs.delete(this);
    for (const p of this.procs) p.unref();
  }

  /** Stops every process (SIGTERM, then SIGKILL), deletes the namespaces and the temp dir. Idempotent. */
  destroy(): Promise<void> {
    this.destroying ??= this.doDestroy();
    return this.destroying;
  }

  private async doDestroy(): Promise<void> {
    const errors: string[] = [];
    await Promise.all(
      this.procs.map((p) =>
        p.stop().catch((err: unknown) => {
          errors.push(err instanceof Error ? err.message : String(err));
        }),
      ),
    );
    for (const ns of this.nsNames) {
      killAndDeleteNamespaceSync(ns);
    }
    const left = listNamespaces().filter((n) => this.nsNames.includes(n));
    this.finish();
    if (left.length > 0) errors.push(`namespaces not deleted: ${left.join(', ')}`);
    if (errors.length > 0) throw new Error(`lab ${this.id} destroy: ${errors.join('; ')}`);
  }

  /** Last-resort synchronous cleanup for process exit: SIGKILL everything, delete everything. */
  destroySync(): void {
    if (!liveLabs.has(this)) return;
    for (const p of this.procs) if (p.running) p.signal('SIGKILL');
    for (const ns of this.nsNames) killAndDeleteNamespaceSync(ns);
    this.finish();
  }

  private finish(): void {
    for (const fn of this.cleanups) {
      try {
        fn();
      } catch {
        // best effort: a cleanup must not stop the others
      }
    }
    if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
    removeOwner(this.id);
    liveLabs.delete(this);
  }

  private assertAlive(): void {
    if (this.destroying !== null || !liveLabs.has(this)) throw new Error(`lab ${this.id} already destroyed`);
  }

  private assertOwn(ns: string): void {
    if (!this.nsNames.includes(ns)) throw new Error(`namespace ${ns} does not belong to lab ${this.id}`);
  }
}

/** One namespace of a Lab; the lab removes it with everything else. */
export class Netns {
  constructor(
    readonly lab: Lab,
    readonly name: string,
  ) {}

  /** `ip -n NS ARGS`; rejects with stderr on failure. */
  async ip(...args: string[]): Promise<string> {
    return (await this.lab.ip(this.name, args)).stdout;
  }

  async batch(commands: readonly string[]): Promise<string> {
    return (await this.lab.ipBatch(this.name, commands)).stdout;
  }

  async exec(...argv: string[]): Promise<string> {
    return (await this.lab.exec(this.name, argv)).stdout;
  }
}

// Running short commands without a shell, with a bounded run time and errors that quote stderr.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Kill the command (SIGKILL) after this long; default 15 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolve instead of throwing when the exit status is not 0. */
  allowFailure?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  pid: number;
}

export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('run: empty argv'));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${argv.join(' ')}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        pid: child.pid ?? -1,
      };
      if (timedOut) {
        reject(new Error(`${argv.join(' ')}: timed out after ${timeoutMs} ms\n${result.stderr}`));
      } else if (code !== 0 && !opts.allowFailure) {
        const why = signal !== null ? `signal ${signal}` : `exit ${code}`;
        const text = (result.stderr.trim() || result.stdout.trim()).slice(0, 2000);
        reject(new Error(`${argv.join(' ')}: ${why}: ${text}`));
      } else {
        resolve(result);
      }
    });
    // A command that does not read stdin may already be gone: ignore EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `argv` inside network namespace `ns` (`ip netns exec`, no shell). */
export function exec(ns: string, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(['ip', 'netns', 'exec', ns, ...argv], opts);
}

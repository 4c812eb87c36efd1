// Runs one `ip -json …` command (no shell) and returns its parsed JSON, with the two "nothing
// there" failures — a device or a routing table that does not exist — told apart from real errors.
import { execFile } from 'node:child_process';
import { parseAddrShow, parseRouteShow, type IpInterface, type IpRoute } from './ip-records.js';
import type { OriginFamily } from './types.js';

export interface IpRunOptions {
  /** The `ip` binary; default "ip" from PATH. */
  ipPath?: string;
  /** Run inside this network namespace (`ip -n NS`); null or absent: the current one. */
  netns?: string | null;
  /** Kill the command after this long; default 10 s. */
  timeoutMs?: number;
}

export type IpFailure = 'missing-device' | 'missing-table' | 'failed';

export class IpCommandError extends Error {
  override name = 'IpCommandError';
  constructor(
    readonly argv: readonly string[],
    readonly failure: IpFailure,
    readonly stderr: string,
    message: string,
  ) {
    super(message);
  }
}

/** What iproute2 says on stderr when the thing asked about is simply absent. */
export function classifyIpError(stderr: string): IpFailure {
  if (/^Device ".*" does not exist\.?$/m.test(stderr) || /Cannot find device/.test(stderr)) return 'missing-device';
  if (/FIB table does not exist/.test(stderr)) return 'missing-table';
  return 'failed';
}

// Large enough for a full routing table in JSON.
const MAX_OUTPUT = 512 * 1024 * 1024;

export function ipArgv(args: readonly string[], options: IpRunOptions): string[] {
  return options.netns ? ['-n', options.netns, ...args] : [...args];
}

/** Runs `ip ARGS` and resolves with its stdout; rejects with an IpCommandError. */
export function runIp(args: readonly string[], options: IpRunOptions = {}): Promise<string> {
  const argv = ipArgv(args, options);
  const file = options.ipPath ?? 'ip';
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      { encoding: 'utf8', maxBuffer: MAX_OUTPUT, timeout: options.timeoutMs ?? 10_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const text = stderr.trim();
        const failure = classifyIpError(text);
        const detail = text || error.message;
        reject(new IpCommandError(argv, failure, text, `${file} ${argv.join(' ')}: ${detail}`));
      },
    );
  });
}

/** Runs `ip -json ARGS` and parses the JSON; empty output counts as an empty list. */
export async function runIpJson(args: readonly string[], options: IpRunOptions = {}): Promise<unknown> {
  const stdout = await runIp(['-json', ...args], options);
  const text = stdout.trim();
  if (text === '') return [];
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IpCommandError(ipArgv(['-json', ...args], options), 'failed', '', `ip -json ${args.join(' ')}: output is not JSON: ${text.slice(0, 200)}`);
  }
}

/** The interfaces (all, or one by name) with their addresses; a missing device is an empty list. */
export async function readAddresses(device: string | null, options: IpRunOptions = {}): Promise<IpInterface[]> {
  const args = device === null ? ['addr', 'show'] : ['addr', 'show', 'dev', device];
  try {
    return parseAddrShow(await runIpJson(args, options));
  } catch (err) {
    if (err instanceof IpCommandError && err.failure === 'missing-device') return [];
    throw err;
  }
}

/** The routes of one family in one kernel table; a table that was never created is empty. */
export async function readTableRoutes(table: number, family: OriginFamily, options: IpRunOptions = {}): Promise<IpRoute[]> {
  const args = ['-N', '-d', family === 'ipv4' ? '-4' : '-6', 'route', 'show', 'table', String(table)];
  try {
    return parseRouteShow(await runIpJson(args, options));
  } catch (err) {
    if (err instanceof IpCommandError && err.failure === 'missing-table') return [];
    throw err;
  }
}

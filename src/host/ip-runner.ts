// Runs one short `ip` command (no shell, a time limit) and tells how it went, with one error
// contract for every caller: runIp() never rejects and says in `failure` whether the thing asked
// about is simply absent (a device, a routing table that was never created) or something really
// failed; ipOutput() and runIpJson() turn a failure into an IpCommandError for callers that want
// to throw. Long-running children (the monitor, the batch writers, table dumps) live in their own
// files of this room; this one is for commands whose whole output fits in memory.
import { spawn } from 'node:child_process';
import type { Family } from '../net/index.js';
import { parseAddrShow, parseRouteShow, type IpInterface, type IpRoute } from './ip-records.js';

/** Which `ip` binary, in which network namespace. */
export interface IpContext {
  ip: string;
  netns: string | null;
}

/** The options callers outside this room pass (config names), turned into an IpContext. */
export interface IpRunOptions {
  /** The `ip` binary; default "ip" from PATH. */
  ipPath?: string;
  /** Run inside this network namespace (`ip -n NS`); null or absent: the current one. */
  netns?: string | null;
  /** Kill the command after this long; default 10 s. */
  timeoutMs?: number;
}

export function ipContext(options: IpRunOptions = {}): IpContext {
  return { ip: options.ipPath ?? 'ip', netns: options.netns ?? null };
}

export function ipArgv(ctx: IpContext, args: readonly string[]): string[] {
  return ctx.netns ? ['-n', ctx.netns, ...args] : [...args];
}

export type IpFailure = 'missing-device' | 'missing-table' | 'failed';

/** What iproute2 says on stderr when the thing asked about is simply absent. */
export function classifyIpError(stderr: string): IpFailure {
  if (/^Device ".*" does not exist\.?$/m.test(stderr) || /Cannot find device/.test(stderr)) return 'missing-device';
  if (/FIB table does not exist/.test(stderr)) return 'missing-table';
  return 'failed';
}

export interface IpResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** null when ip exited with 0. */
  failure: IpFailure | null;
}

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

/** Runs `ip ARGS`. Never rejects: a failure (ip missing, killed, non-zero exit) is in the result. */
export function runIp(ctx: IpContext, args: readonly string[], timeoutMs = 10_000): Promise<IpResult> {
  return new Promise((resolve) => {
    const child = spawn(ctx.ip, ipArgv(ctx, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      if (stderr.length < 8192) stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let settled = false;
    const finish = (code: number | null, err?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const text = err ? `${stderr}${err}` : stderr;
      resolve({ code, stdout, stderr: text, failure: code === 0 ? null : classifyIpError(text) });
    };
    child.once('error', (e) => finish(null, e.message));
    child.once('close', (code, signal) => finish(code, signal ? `killed by ${signal}` : undefined));
  });
}

/** Runs `ip ARGS` and resolves with its stdout; rejects with an IpCommandError. */
export async function ipOutput(ctx: IpContext, args: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await runIp(ctx, args, timeoutMs);
  if (r.failure === null) return r.stdout;
  const argv = ipArgv(ctx, args);
  const text = r.stderr.trim();
  throw new IpCommandError(argv, r.failure, text, `${ctx.ip} ${argv.join(' ')}: ${text || `exit ${r.code}`}`);
}

/** Runs `ip -json ARGS` and parses the JSON; empty output counts as an empty list. */
export async function runIpJson(ctx: IpContext, args: readonly string[], timeoutMs?: number): Promise<unknown> {
  const text = (await ipOutput(ctx, ['-json', ...args], timeoutMs)).trim();
  if (text === '') return [];
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new IpCommandError(ipArgv(ctx, ['-json', ...args]), 'failed', '', `ip -json ${args.join(' ')}: output is not JSON: ${text.slice(0, 200)}`);
  }
}

/** The interfaces (all, or one by name) with their addresses; a missing device is an empty list. */
export async function readAddresses(ctx: IpContext, device: string | null, timeoutMs?: number): Promise<IpInterface[]> {
  const args = device === null ? ['addr', 'show'] : ['addr', 'show', 'dev', device];
  try {
    return parseAddrShow(await runIpJson(ctx, args, timeoutMs));
  } catch (err) {
    if (err instanceof IpCommandError && err.failure === 'missing-device') return [];
    throw err;
  }
}

/** The routes of one family in one kernel table; a table that was never created is empty. */
export async function readTableRoutes(ctx: IpContext, table: number, family: Family, timeoutMs?: number): Promise<IpRoute[]> {
  const args = ['-N', '-d', family === 'ipv4' ? '-4' : '-6', 'route', 'show', 'table', String(table)];
  try {
    return parseRouteShow(await runIpJson(ctx, args, timeoutMs));
  } catch (err) {
    if (err instanceof IpCommandError && err.failure === 'missing-table') return [];
    throw err;
  }
}

// Reading the kernel's tables: route dumps streamed line by line into a callback (a full table is
// too big for one JSON parse on the event loop, and a caller comparing as it reads needs no copy
// of the table), and the nexthop objects. A table that was never created is an empty table (the
// normal state of a non-main table on a fresh machine). Every child has a time limit.
import { spawn } from 'node:child_process';
import { classifyIpError, ipArgv, runIp, type IpContext } from './ip-runner.js';
import { parseNexthopJson, parseRouteLine, type KernelNexthop, type KernelRoute } from './route-records.js';

export interface RouteFilter {
  v6: boolean;
  table: number;
  protocol?: number;
}

/**
 * Streams `ip -N -o route show table T [proto P]` for one family into `onRoute`. Resolves with
 * the count of routes (0 for a table that does not exist), rejects if ip fails or overruns
 * `timeoutMs`.
 */
export function streamRoutes(ctx: IpContext, filter: RouteFilter, onRoute: (r: KernelRoute) => void, timeoutMs = 300_000): Promise<number> {
  const args = ['-N', '-o', filter.v6 ? '-6' : '-4', 'route', 'show', 'table', String(filter.table)];
  if (filter.protocol !== undefined) args.push('proto', String(filter.protocol));
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.ip, ipArgv(ctx, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    let count = 0;
    let stderr = '';
    let failure: Error | null = null;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        const r = parseRouteLine(line, filter.v6, filter.table, filter.protocol ?? 0);
        if (!r) continue;
        count++;
        try {
          onRoute(r);
        } catch (err) {
          failure ??= err instanceof Error ? err : new Error(String(err));
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      if (stderr.length < 4096) stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (partial) {
        const r = parseRouteLine(partial, filter.v6, filter.table, filter.protocol ?? 0);
        if (r) {
          count++;
          onRoute(r);
        }
      }
      if (failure) reject(failure);
      else if (code !== 0 && count === 0 && classifyIpError(stderr) === 'missing-table') resolve(0);
      else if (code !== 0) reject(new Error(`ip ${args.join(' ')}: ${signal ? `killed by ${signal}` : `exit ${code}`}: ${stderr.trim()}`));
      else resolve(count);
    });
  });
}

/** All nexthop objects, or null where the kernel has none (too old, or built without). */
export async function readNexthops(ctx: IpContext): Promise<KernelNexthop[] | null> {
  const r = await runIp(ctx, ['-N', '-json', 'nexthop', 'show']);
  if (r.code !== 0) return null;
  try {
    return parseNexthopJson(r.stdout);
  } catch {
    return null;
  }
}

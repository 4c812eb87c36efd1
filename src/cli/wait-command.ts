/**
 * `necod-cli wait`: blocks until the network is there, for units that need it before they
 * start (what the deployment's bird-wait did by polling birdc until a default route was
 * learned from both ToRs: `necod-cli wait --route 0.0.0.0/0 --paths 2`). Exit 0 once every
 * condition holds, 1 with what was still missing when the timeout passes. A necod that is not
 * running yet counts as "not yet", so the command can be started before necod is.
 */
import type { Command } from 'commander';
import type { RouteList } from '../api/route-types.js';
import type { NeighborView } from '../api/types.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { clientOf } from './socket-option.js';
import type { ApiClient } from './api-client.js';

interface Options {
  neighbor?: string[];
  route?: string;
  paths?: string;
  ready?: boolean;
  timeout: string;
  quiet?: boolean;
}

const POLL_MS = 500;

/** What is still missing; empty when everything holds. */
async function missing(client: ApiClient, o: Options, paths: number): Promise<string[]> {
  const out: string[] = [];
  const wantNeighbors = o.neighbor ?? (o.route === undefined && !o.ready ? [] : null);
  if (wantNeighbors !== null) {
    const r = await client.get('/v1/neighbors');
    const list = (Array.isArray(r.body) ? r.body : []) as NeighborView[];
    const names = wantNeighbors.length ? wantNeighbors : list.map((n) => n.name);
    for (const name of names) {
      const n = list.find((v) => v.name === name);
      if (!n) out.push(`neighbor ${name}: not configured`);
      else if (n.state !== 'Established') out.push(`neighbor ${name}: ${n.state}`);
    }
  }
  if (o.route !== undefined) {
    const r = await client.get(`/v1/routes?prefix=${encodeURIComponent(o.route)}`);
    if (r.status === 400) throw new CliError(`--route: ${(r.body as { error?: string }).error ?? 'not a prefix'}`);
    const route = (r.body as RouteList).routes?.[0];
    const used = route?.paths.filter((p) => p.status === 'best' || p.status === 'multipath').length ?? 0;
    if (!route) out.push(`route ${o.route}: not learned`);
    else if (used < paths) out.push(`route ${o.route}: ${used} of ${paths} paths`);
    else if (route.kernel && route.kernel.state !== 'installed') out.push(`route ${o.route}: kernel ${route.kernel.state}`);
  }
  if (o.ready) {
    const r = await client.get('/readyz');
    if (r.status !== 200) out.push(`first convergence: ${((r.body as { waitingFor?: string[] }).waitingFor ?? []).join('; ') || 'not yet'}`);
  }
  return out;
}

export function registerWaitCommand(program: Command, output: CliOutput = processOutput): void {
  program
    .command('wait')
    .description('wait until neighbors are Established and/or a route is installed; exit 0, or 1 at the timeout')
    .option('--neighbor <name...>', 'these neighbors Established (default without --route/--ready: all)')
    .option('--route <prefix>', 'a route for this prefix learned and, when necod writes the kernel, installed')
    .option('--paths <n>', 'with --route: at least this many paths in use (ECMP)', '1')
    .option('--ready', 'first convergence reached (GET /readyz)')
    .option('--timeout <seconds>', 'give up after this long', '60')
    .option('-q, --quiet', 'print nothing on success')
    .action(async (o: Options, command: Command) => {
      const timeout = Number(o.timeout);
      const paths = Number(o.paths ?? '1');
      if (!Number.isFinite(timeout) || timeout < 0) throw new CliError(`--timeout: not a number of seconds: ${o.timeout}`);
      if (!Number.isInteger(paths) || paths < 1) throw new CliError(`--paths: not a positive whole number: ${o.paths}`);
      const client = clientOf(command, 5000);
      const deadline = Date.now() + timeout * 1000;
      let last: string[] = ['necod has not answered yet'];
      for (;;) {
        try {
          last = await missing(client, o, paths);
        } catch (error) {
          if (error instanceof CliError && error.message.startsWith('--route')) throw error;
          last = [error instanceof Error ? error.message : String(error)];
        }
        if (last.length === 0) {
          if (!o.quiet) output.out('ready\n');
          return;
        }
        if (Date.now() >= deadline) throw new CliError(`still waiting after ${timeout} s: ${last.join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
      }
    });
}

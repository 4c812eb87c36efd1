/**
 * `necod-cli enable|disable|restart|refresh NEIGHBOR`, `reload` and `log-level LEVEL`: the
 * commands that change a running necod, each one POST/PUT of the API, each printing one line
 * (or the API's answer with --json) and exiting 1 with the reason when necod refused.
 */
import type { Command } from 'commander';
import { LOG_LEVELS } from '../config/parse-config.js';
import { apiErrorMessage, type ApiResponse } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { clientOf } from './socket-option.js';

function messageOf(r: ApiResponse): string {
  const b = r.body;
  return typeof b === 'object' && b !== null && 'message' in b && typeof b.message === 'string' ? b.message : 'done';
}

function okOf(r: ApiResponse): boolean {
  const b = r.body;
  return typeof b === 'object' && b !== null && 'ok' in b && b.ok === true;
}

export function registerControlCommands(program: Command, output: CliOutput = processOutput): void {
  const actions = [
    ['enable', 'start a disabled neighbor again'],
    ['disable', 'end the session (Cease/Administrative Shutdown, RFC 8203 text) and keep it down'],
    ['restart', 'end the session (Cease/Administrative Reset) and start a new one'],
    ['refresh', 'ask the neighbor for its routes again (ROUTE-REFRESH) and send ours again'],
  ] as const;
  for (const [action, description] of actions) {
    const cmd = program
      .command(action)
      .description(description)
      .argument('<neighbor>', 'the neighbor, by name')
      .option('--json', 'print the API response as it is');
    if (action === 'disable' || action === 'restart') cmd.option('-m, --message <text>', 'shutdown communication sent to the neighbor (RFC 8203)');
    if (action === 'refresh') cmd.option('--in', 'only ask for the routes again').option('--out', 'only send ours again');
    cmd.action(async (neighbor: string, options: { json?: boolean; message?: string; in?: boolean; out?: boolean }, command: Command) => {
      const body: Record<string, string> = {};
      if (options.message !== undefined) body.message = options.message;
      if (options.in && !options.out) body.direction = 'in';
      if (options.out && !options.in) body.direction = 'out';
      const r = await clientOf(command).send('POST', `/v1/neighbors/${encodeURIComponent(neighbor)}/${action}`, body);
      if (r.status !== 200) throw new CliError(apiErrorMessage(r));
      output.out(options.json === true ? `${r.text}\n` : `${messageOf(r)}\n`);
      if (!okOf(r)) process.exitCode = 1;
    });
  }

  program
    .command('reload')
    .description('re-read the configuration file and apply it; a file with an error changes nothing')
    .option('--json', 'print the API response as it is')
    .action(async (options: { json?: boolean }, command: Command) => {
      const r = await clientOf(command, 60_000).send('POST', '/v1/reload');
      if (options.json === true) output.out(`${r.text}\n`);
      if (r.status !== 200) throw new CliError(`reload refused, nothing changed:\n${apiErrorMessage(r)}`);
      if (options.json !== true) output.out(`${reloadSummary(r.body)}\n`);
    });

  program
    .command('log-level')
    .description(`show or set the log level (${LOG_LEVELS.join(', ')})`)
    .argument('[level]', 'the new level')
    .option('--json', 'print the API response as it is')
    .action(async (level: string | undefined, options: { json?: boolean }, command: Command) => {
      const client = clientOf(command);
      const r = level === undefined ? await client.get('/v1/log-level') : await client.send('PUT', '/v1/log-level', { level });
      if (r.status !== 200) throw new CliError(apiErrorMessage(r));
      const b = r.body as { level?: string };
      output.out(options.json === true ? `${r.text}\n` : `log level ${b.level ?? '?'}\n`);
    });
}

function reloadSummary(body: unknown): string {
  if (typeof body !== 'object' || body === null || !('plan' in body)) return 'configuration reloaded';
  const b = body as { changed?: boolean; plan: Record<string, unknown>; notes?: string[] };
  if (b.changed === false) return 'configuration reloaded: nothing changed';
  const parts: string[] = [];
  for (const [key, label] of [['add', 'added'], ['remove', 'removed'], ['restart', 'restarted']] as const) {
    const names = b.plan[key];
    if (Array.isArray(names) && names.length) parts.push(`${label} ${names.join(', ')}`);
  }
  const reapply = b.plan.reapply;
  if (Array.isArray(reapply) && reapply.length) parts.push(`policy re-applied to ${reapply.map((r: { name?: string }) => r.name).join(', ')}`);
  if (b.plan.staticRoutes === true) parts.push('static routes updated');
  if (typeof b.plan.logLevel === 'string') parts.push(`log level ${b.plan.logLevel}`);
  return `configuration reloaded${parts.length ? `: ${parts.join('; ')}` : ''}${(b.notes ?? []).map((n) => `\n  ${n}`).join('')}`;
}

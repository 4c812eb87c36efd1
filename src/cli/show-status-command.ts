/** `necod-cli show status`: GET /v1/status, as birdc's `show status` reads. */
import type { Command } from 'commander';
import type { StatusView } from '../api/types.js';
import { apiErrorMessage } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { formatDuration } from './format-duration.js';
import { clientOf } from './socket-option.js';
import { renderBlock } from './text-layout.js';

export function formatStatus(s: StatusView): string {
  const states = Object.entries(s.neighbors.byState).map(([state, n]) => `${n} ${state}`);
  return (
    `necod ${s.version}\n` +
    renderBlock([
      ['Router id', s.routerId],
      ['AS', String(s.asn)],
      ['Started', `${s.startedAt} (up ${formatDuration(s.uptimeSeconds)})`],
      ['Converged', s.ready ? 'yes' : 'not yet'],
      ['Neighbors', `${s.neighbors.total}${states.length ? ` (${states.join(', ')})` : ''}`],
      ['Routes', `${s.routes.ipv4} IPv4, ${s.routes.ipv6} IPv6`],
      ['Kernel', s.kernel.enabled ? `${s.kernel.installed} installed, ${s.kernel.pending} pending, ${s.kernel.failed} failed` : 'not written (kernel.export: false)'],
      ...(s.bfd ? [['BFD', Object.entries(s.bfd).map(([state, n]) => `${n} ${state}`).join(', ')] as const] : []),
    ])
  );
}

export function registerShowStatus(show: Command, output: CliOutput = processOutput): void {
  show
    .command('status')
    .description("necod's version, identity, uptime and counts")
    .option('--json', 'print the API response as it is')
    .action(async (options: { json?: boolean }, command: Command) => {
      const r = await clientOf(command).get('/v1/status');
      if (r.status !== 200) throw new CliError(apiErrorMessage(r));
      const body = r.body as StatusView;
      if (options.json !== true && (typeof body !== 'object' || body === null || typeof body.version !== 'string')) {
        throw new CliError('necod answered with an unexpected status; are necod and necod-cli the same version?');
      }
      output.out(options.json === true ? `${r.text}\n` : formatStatus(body));
    });
}

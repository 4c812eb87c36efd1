/**
 * `necod-cli show bfd [sessions] [--json]`: the BFD sessions through GET /v1/bfd/sessions, laid
 * out like `birdc show bfd sessions` with the intervals in use, discriminators, diagnostics and
 * counters. Pure formatting apart from the one request.
 */
import type { Command } from 'commander';
import type { BfdSessionView } from '../api/routes/bfd.js';
import { diagName } from '../bfd/packet.js';
import { apiErrorMessage, createApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { formatDuration } from './format-duration.js';
import { socketPathOf } from './socket-option.js';
import { renderTable } from './text-layout.js';

const HEADER = ['IP address', 'Local', 'State', 'Since', 'Interval', 'Timeout', 'Remote discr', 'Diag (local/remote)', 'Up/Down'];

/** Microseconds as birdc shows intervals: milliseconds with up to three decimals. */
function ms(us: number): string {
  return `${Number((us / 1000).toFixed(3))} ms`;
}

export function formatBfdSessions(sessions: readonly BfdSessionView[], now: number): string {
  if (sessions.length === 0) return 'No BFD sessions.\n';
  const rows = sessions.map((s) => [
    s.multihop ? `${s.remote} (multihop)` : s.remote,
    s.local,
    s.state,
    formatDuration(Math.max(0, (now - s.since) / 1000)),
    s.txIntervalUs === 0 ? '-' : ms(s.txIntervalUs),
    s.detectTimeUs === 0 ? '-' : ms(s.detectTimeUs),
    s.remoteDiscriminator === 0 ? '-' : String(s.remoteDiscriminator),
    `${diagName(s.localDiag)} / ${diagName(s.remoteDiag)}`,
    `${s.upCount}/${s.downCount}`,
  ]);
  return renderTable(HEADER, rows);
}

export function registerShowBfd(show: Command, output: CliOutput = processOutput): void {
  show
    .command('bfd')
    .description('show BFD sessions: state, intervals in use, detection time, discriminators, diagnostics')
    .argument('[what]', '"sessions" (the default and only view)')
    .option('--json', 'print the API response as it is')
    .action(async (what: string | undefined, options: { json?: boolean }, command: Command) => {
      if (what !== undefined && what !== 'sessions') throw new CliError(`show bfd: unknown view "${what}" (expected sessions)`);
      const response = await createApiClient(socketPathOf(command)).get('/v1/bfd/sessions');
      if (response.status !== 200) throw new CliError(apiErrorMessage(response));
      if (options.json) {
        output.out(`${response.text}\n`);
        return;
      }
      output.out(formatBfdSessions((response.body as { sessions: BfdSessionView[] }).sessions, Date.now()));
    });
}

/** `necod-cli show ...`: read-only views of the daemon's state. */
import type { Command } from 'commander';
import type { NeighborView } from '../api/types.js';
import { apiErrorMessage, type ApiResponse } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { formatProtocolDetails, formatProtocolsTable } from './format-protocols.js';
import { clientOf } from './socket-option.js';
import { registerShowRoutes } from './show-routes-command.js';
import { registerShowKernel } from './show-kernel-command.js';
import { registerShowStatus } from './show-status-command.js';
import { registerShowBfd } from './show-bfd-command.js';

export function registerShowCommands(program: Command, output: CliOutput = processOutput): void {
  const show = program.command('show').description("show necod's state");
  registerShowRoutes(show, output);
  registerShowKernel(show, output);
  registerShowBfd(show, output);

  registerShowStatus(show, output);
  show
    .command('protocols')
    .alias('neighbors')
    .description('list the BGP neighbors and their sessions; `all` or a NAME for every detail')
    .argument('[all]', '"all": details of every neighbor (or of NAME)')
    .argument('[name]', 'the neighbor to show in detail')
    .option('--json', 'print the API response as it is')
    .addHelpText(
      'after',
      '\nSince is how long the neighbor has been in its state; Info is the number of prefixes\n' +
        'received when Established, else the last error.',
    )
    .action(async (first: string | undefined, second: string | undefined, options: { json?: boolean }, command: Command) => {
      const all = first === 'all';
      const name = all ? second : first;
      if (!all && second !== undefined) throw new CliError(`unexpected ${JSON.stringify(second)}: show protocols [all] [NAME]`);
      const client = clientOf(command);
      const now = new Date();
      if (name !== undefined) {
        const response = await client.get(`/v1/neighbors/${encodeURIComponent(name)}`);
        if (response.status !== 200) throw new CliError(apiErrorMessage(response));
        output.out(options.json === true ? `${response.text}\n` : formatProtocolDetails(oneNeighbor(response), now));
        return;
      }
      const response = await client.get('/v1/neighbors');
      if (response.status !== 200) throw new CliError(apiErrorMessage(response));
      const list = neighborList(response);
      if (!all) {
        output.out(options.json === true ? `${response.text}\n` : formatProtocolsTable(list, now));
        return;
      }
      // Details of each, as birdc's `show protocols all` prints them one after the other.
      const details: NeighborView[] = [];
      for (const n of list) {
        const one = await client.get(`/v1/neighbors/${encodeURIComponent(n.name)}`);
        if (one.status === 200) details.push(oneNeighbor(one));
      }
      output.out(options.json === true ? `${JSON.stringify(details)}\n` : details.map((n) => formatProtocolDetails(n, now)).join('\n'));
    });
}

// The daemon and the CLI may come from different versions: check the shape before formatting.
function neighborList(response: ApiResponse): NeighborView[] {
  const { body } = response;
  if (Array.isArray(body) && body.every(looksLikeNeighbor)) return body;
  throw new CliError('necod answered with an unexpected neighbor list; are necod and necod-cli the same version?');
}

function oneNeighbor(response: ApiResponse): NeighborView {
  if (looksLikeNeighbor(response.body)) return response.body;
  throw new CliError('necod answered with an unexpected neighbor; are necod and necod-cli the same version?');
}

function looksLikeNeighbor(value: unknown): value is NeighborView {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    typeof value.name === 'string' &&
    'state' in value &&
    typeof value.state === 'string' &&
    'counters' in value &&
    typeof value.counters === 'object'
  );
}

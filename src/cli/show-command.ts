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

export function registerShowCommands(program: Command, output: CliOutput = processOutput): void {
  const show = program.command('show').description("show necod's state");
  registerShowRoutes(show, output);
  registerShowKernel(show, output);

  show
    .command('protocols')
    .description('list the BGP neighbors and their sessions; with NAME, all details of one')
    .argument('[name]', 'the neighbor to show in detail')
    .option('--json', 'print the API response as it is')
    .addHelpText(
      'after',
      '\nSince is how long the neighbor has been in its state; Info is the number of prefixes\n' +
        'received when Established, else the last error.',
    )
    .action(async (name: string | undefined, options: { json?: boolean }, command: Command) => {
      const client = clientOf(command);
      const path = name === undefined ? '/v1/neighbors' : `/v1/neighbors/${encodeURIComponent(name)}`;
      const response = await client.get(path);
      if (response.status !== 200) throw new CliError(apiErrorMessage(response));
      if (options.json === true) {
        output.out(`${response.text}\n`);
        return;
      }
      const now = new Date();
      if (name === undefined) output.out(formatProtocolsTable(neighborList(response), now));
      else output.out(formatProtocolDetails(oneNeighbor(response), now));
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

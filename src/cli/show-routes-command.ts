/** `necod-cli show routes [PREFIX] [--all] [--json]`: the Loc-RIB through GET /v1/routes. */
import type { Command } from 'commander';
import type { RouteList } from '../api/route-types.js';
import { apiErrorMessage } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { formatRoutes } from './format-routes.js';
import { clientOf } from './socket-option.js';

interface Options {
  all?: boolean;
  json?: boolean;
  family?: string;
  limit?: string;
}

export function registerShowRoutes(show: Command, output: CliOutput = processOutput): void {
  show
    .command('routes')
    .description('show the routing table; PREFIX for one route, an address for the longest match')
    .argument('[prefix]', 'a prefix such as 10.0.0.0/24, or an address')
    .option('--all', 'also paths that lost (with the reason), and every attribute')
    .option('--family <family>', 'ipv4 or ipv6')
    .option('--limit <n>', 'at most this many routes (0: all)', '10000')
    .option('--json', 'print the API response as it is')
    .action(async (prefix: string | undefined, options: Options, command: Command) => {
      const params = new URLSearchParams();
      if (prefix !== undefined) params.set('prefix', prefix);
      if (options.all) params.set('all', 'true');
      if (options.family) params.set('family', options.family);
      if (options.limit !== undefined) {
        if (!/^\d+$/.test(options.limit)) throw new CliError(`--limit: not a number: ${options.limit}`);
        params.set('limit', options.limit);
      }
      const client = clientOf(command);
      const response = await client.get(`/v1/routes?${params.toString()}`);
      if (response.status !== 200) throw new CliError(apiErrorMessage(response));
      if (options.json === true) {
        output.out(`${response.text}\n`);
        return;
      }
      const body = response.body as RouteList;
      if (!body || !Array.isArray(body.routes)) throw new CliError('necod answered with an unexpected route list; are necod and necod-cli the same version?');
      output.out(formatRoutes(body, options.all === true));
    });
}

/**
 * `necod-cli show routes [PREFIX] [--all] [--neighbor N] [--family F] [--longer]` and
 * `necod-cli show route for ADDR`: the Loc-RIB through GET /v1/routes.
 */
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
  neighbor?: string;
  longer?: boolean;
  covering?: boolean;
}

async function showRoutes(params: URLSearchParams, options: Options, command: Command, output: CliOutput): Promise<void> {
  if (options.all) params.set('all', 'true');
  if (options.family) params.set('family', options.family);
  if (options.neighbor) params.set('neighbor', options.neighbor);
  if (options.limit !== undefined) {
    if (!/^\d+$/.test(options.limit)) throw new CliError(`--limit: not a number: ${options.limit}`);
    params.set('limit', options.limit);
  }
  const response = await clientOf(command, 120_000).get(`/v1/routes?${params.toString()}`);
  if (response.status !== 200) throw new CliError(apiErrorMessage(response));
  if (options.json === true) {
    output.out(`${response.text}\n`);
    return;
  }
  const body = response.body as RouteList;
  if (!body || !Array.isArray(body.routes)) throw new CliError('necod answered with an unexpected route list; are necod and necod-cli the same version?');
  output.out(formatRoutes(body, options.all === true));
}

export function registerShowRoutes(show: Command, output: CliOutput = processOutput): void {
  show
    .command('routes')
    .description('show the routing table; PREFIX for one route, an address for the longest match')
    .argument('[prefix]', 'a prefix such as 10.0.0.0/24, or an address')
    .option('--all', 'also paths that lost (with the reason), and every attribute')
    .option('--family <family>', 'ipv4 or ipv6')
    .option('--neighbor <name>', 'only routes this neighbor sent')
    .option('--longer', 'PREFIX and its more specifics')
    .option('--covering', 'PREFIX and its less specifics')
    .option('--limit <n>', 'at most this many routes (0: all)', '10000')
    .option('--json', 'print the API response as it is')
    .action(async (prefix: string | undefined, options: Options, command: Command) => {
      const params = new URLSearchParams();
      if ((options.longer || options.covering) && prefix === undefined) throw new CliError('--longer and --covering need a PREFIX');
      if (options.longer && options.covering) throw new CliError('--longer and --covering exclude each other');
      if (prefix !== undefined) params.set('prefix', prefix);
      if (options.longer) params.set('match', 'longer');
      if (options.covering) params.set('match', 'covering');
      await showRoutes(params, options, command, output);
    });

  show
    .command('route')
    .description('`show route for ADDR`: the route traffic to ADDR takes (longest match)')
    .argument('<for>', 'the word "for"')
    .argument('<address>', 'an IPv4 or IPv6 address')
    .option('--all', 'also paths that lost (with the reason), and every attribute')
    .option('--json', 'print the API response as it is')
    .action(async (word: string, address: string, options: Options, command: Command) => {
      if (word !== 'for') throw new CliError(`show route for ADDR (got ${JSON.stringify(word)})`);
      await showRoutes(new URLSearchParams({ for: address }), options, command, output);
    });
}

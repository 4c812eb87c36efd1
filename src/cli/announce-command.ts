/** `necod-cli announce PREFIX …` and `necod-cli withdraw PREFIX`: routes announced through the API. */
import type { Command } from 'commander';
import { apiErrorMessage } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { clientOf } from './socket-option.js';

interface AnnounceOptions {
  nextHop?: string;
  blackhole?: boolean;
  community: string[];
  largeCommunity: string[];
  localPref?: string;
  med?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new CliError(`${name}: not a number from 0 to 4294967295: ${text}`);
  return Number(text);
}

export function registerAnnounceCommands(program: Command, output: CliOutput = processOutput): void {
  program
    .command('announce')
    .description('announce a route from this node (kept until withdrawn or necod restarts)')
    .argument('<prefix>', 'e.g. 192.0.2.10/32')
    .option('--next-hop <address>', 'next hop to advertise (default: the session address)')
    .option('--blackhole', 'a blackhole route')
    .option('--community <a:b>', 'add a community (repeatable)', collect, [])
    .option('--large-community <a:b:c>', 'add a large community (repeatable)', collect, [])
    .option('--local-pref <n>', 'LOCAL_PREF toward iBGP neighbors')
    .option('--med <n>', 'MULTI_EXIT_DISC')
    .action(async (prefix: string, o: AnnounceOptions, command: Command) => {
      const body = {
        prefix,
        ...(o.nextHop ? { 'next-hop': o.nextHop } : {}),
        ...(o.blackhole ? { blackhole: true } : {}),
        ...(o.community.length ? { communities: o.community } : {}),
        ...(o.largeCommunity.length ? { 'large-communities': o.largeCommunity } : {}),
        ...(o.localPref !== undefined ? { 'local-pref': integer('--local-pref', o.localPref) } : {}),
        ...(o.med !== undefined ? { med: integer('--med', o.med) } : {}),
      };
      const r = await clientOf(command).send('POST', '/v1/announcements', body);
      if (r.status !== 201) throw new CliError(apiErrorMessage(r));
      output.out(`announced ${prefix}\n`);
    });

  program
    .command('withdraw')
    .description('withdraw a route announced with `announce`')
    .argument('<prefix>')
    .action(async (prefix: string, _o: unknown, command: Command) => {
      const r = await clientOf(command).send('DELETE', `/v1/announcements?prefix=${encodeURIComponent(prefix)}`);
      if (r.status !== 204) throw new CliError(apiErrorMessage(r));
      output.out(`withdrawn ${prefix}\n`);
    });
}

/** `necod-cli show kernel [--json]`: the FIB through GET /v1/kernel. */
import type { Command } from 'commander';
import { apiErrorMessage } from './api-client.js';
import { CliError } from './cli-error.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { clientOf } from './socket-option.js';
import { renderBlock, renderTable, type BlockLine } from './text-layout.js';

interface Status {
  mode: string;
  protocol: number;
  table: number;
  metric: number;
  converged: boolean;
  pending: number;
  failed: number;
  stale: number;
  down: string[];
  counters: Record<string, number>;
}
interface Failed {
  prefix: string;
  error: string | null;
  failures: number;
}

export function formatKernel(body: { enabled: boolean; status?: Status; failed?: Failed[] }): string {
  if (!body.enabled || !body.status) return 'Kernel export is off (kernel.export: false).\n';
  const s = body.status;
  const lines: BlockLine[] = [
    ['Mode', s.mode === 'groups' ? 'nexthop groups' : s.mode],
    ['Protocol', String(s.protocol)],
    ['Table', String(s.table)],
    ['Metric', String(s.metric)],
    ['Converged', s.converged ? 'yes' : `no (${s.stale} routes of a previous run kept until then)`],
    ['Pending', String(s.pending)],
    ['Failed', String(s.failed)],
  ];
  if (s.down.length) lines.push(['Next hops down', s.down.join(', ')]);
  for (const [k, v] of Object.entries(s.counters)) lines.push([k, String(v)]);
  let out = renderBlock(lines);
  if (body.failed?.length) out += renderTable(['Failed prefix', 'Attempts', 'Error'], body.failed.map((f) => [f.prefix, String(f.failures), f.error ?? '']));
  return out;
}

export function registerShowKernel(show: Command, output: CliOutput = processOutput): void {
  show
    .command('kernel')
    .description('show the kernel FIB: mode, protocol, table, pending and failed writes')
    .option('--json', 'print the API response as it is')
    .action(async (options: { json?: boolean }, command: Command) => {
      const response = await clientOf(command).get('/v1/kernel');
      if (response.status !== 200) throw new CliError(apiErrorMessage(response));
      if (options.json) {
        output.out(`${response.text}\n`);
        return;
      }
      output.out(formatKernel(response.body as Parameters<typeof formatKernel>[0]));
    });
}

/** `necod-cli watch [--kind …]`: GET /v1/events, one line per event (or JSON lines), until interrupted. */
import type { Command } from 'commander';
import type { NecodEvent } from '../api/types.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { clientOf } from './socket-option.js';

/** `21:04:05.123 neighbor  tor1: OpenConfirm -> Established (...)`. */
export function formatEvent(e: NecodEvent): string {
  return `${e.time.slice(11, 23)} ${e.kind.padEnd(8)} ${e.message}\n`;
}

export function registerWatchCommand(program: Command, output: CliOutput = processOutput): void {
  program
    .command('watch')
    .description('print events as they happen: neighbor, route, kernel, bfd, config')
    .option('--kind <kinds>', 'comma-separated kinds to show')
    .option('--json', 'one JSON object per line')
    .action(async (o: { kind?: string; json?: boolean }, command: Command) => {
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      const path = `/v1/events${o.kind ? `?kind=${encodeURIComponent(o.kind)}` : ''}`;
      await clientOf(command).stream(
        path,
        (line) => {
          if (!line.startsWith('data: ')) return;
          const text = line.slice(6);
          if (o.json === true) output.out(`${text}\n`);
          else output.out(formatEvent(JSON.parse(text) as NecodEvent));
        },
        abort.signal,
      );
    });
}

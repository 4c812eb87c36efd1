import type { Command } from 'commander';
import { processOutput, type CliOutput } from './cli-output.js';

/** A failure the user can act on: printed as `necod-cli: message`, without a stack, exit status 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/**
 * Runs `program` on `argv` (as in process.argv) and returns the exit status: a CliError becomes
 * its one-line message and status 1.
 */
export async function runCli(
  program: Command,
  argv: readonly string[],
  output: CliOutput = processOutput,
): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    output.err(`${program.name()}: ${error.message}\n`);
    return 1;
  }
}

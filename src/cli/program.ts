/** The whole necod-cli command tree, built once for the binary, the tests and the completion script. */
import { Command } from 'commander';
import { NECOD_VERSION } from '../util/version.js';
import { registerAnnounceCommands } from './announce-command.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { registerCompletionCommand } from './completion-command.js';
import { registerControlCommands } from './control-commands.js';
import { registerDecodeCommand } from './decode-command.js';
import { registerShowCommands } from './show-command.js';
import { addSocketOption } from './socket-option.js';
import { registerWaitCommand } from './wait-command.js';
import { registerWatchCommand } from './watch-command.js';

export function buildCliProgram(output: CliOutput = processOutput): Command {
  const program = addSocketOption(
    new Command('necod-cli').description('control and inspect a running necod').version(NECOD_VERSION, '-V, --version', 'print the version and exit'),
  );
  registerShowCommands(program, output);
  registerDecodeCommand(program);
  registerAnnounceCommands(program, output);
  registerControlCommands(program, output);
  registerWaitCommand(program, output);
  registerWatchCommand(program, output);
  registerCompletionCommand(program, output);
  return program;
}

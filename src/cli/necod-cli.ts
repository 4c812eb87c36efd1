/** necod-cli: the command line of necod's control API. Each command group registers itself here. */
import { Command } from 'commander';
import { runCli } from './cli-error.js';
import { registerAnnounceCommands } from './announce-command.js';
import { registerDecodeCommand } from './decode-command.js';
import { registerShowCommands } from './show-command.js';
import { addSocketOption } from './socket-option.js';
import { NECOD_VERSION } from '../util/version.js';

const program = addSocketOption(
  new Command('necod-cli').description('control and inspect a running necod').version(NECOD_VERSION, '-V, --version', 'print the version and exit'),
);
registerShowCommands(program);
registerDecodeCommand(program);
registerAnnounceCommands(program);

// A command may have set process.exitCode itself; only a failure caught by runCli overrides it.
const status = await runCli(program, process.argv);
if (status !== 0) process.exitCode = status;

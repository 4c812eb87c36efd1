/** necod-cli: the command line of necod's control API (the commands are in program.ts). */
import { runCli } from './cli-error.js';
import { buildCliProgram } from './program.js';

const program = buildCliProgram();
// A command may have set process.exitCode itself; only a failure caught by runCli overrides it.
const status = await runCli(program, process.argv);
if (status !== 0) process.exitCode = status;

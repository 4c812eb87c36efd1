/** The --socket option every necod-cli command uses to find the daemon. */
import { Option, type Command } from 'commander';
import { DEFAULT_API_SOCKET } from '../config/defaults.js';

export function addSocketOption(program: Command): Command {
  return program.addOption(
    new Option('--socket <path>', "necod's API socket").env('NECOD_SOCKET').default(DEFAULT_API_SOCKET),
  );
}

/** The socket path in effect for `command`, wherever on the command line --socket was given. */
export function socketPathOf(command: Command): string {
  const { socket } = command.optsWithGlobals<{ socket?: string }>();
  return socket ?? DEFAULT_API_SOCKET;
}

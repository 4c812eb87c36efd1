/** The options every necod-cli command uses to find the daemon: --socket, or --url with --token. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { DEFAULT_API_SOCKET } from '../config/defaults.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';

export function addSocketOption(program: Command): Command {
  return program
    .addOption(new Option('--socket <path>', "necod's API socket").env('NECOD_SOCKET').default(DEFAULT_API_SOCKET))
    .addOption(new Option('--url <url>', "necod's TCP API (api.listen), e.g. http://127.0.0.1:8179").env('NECOD_URL'))
    .addOption(new Option('--token <token>', 'bearer token for --url; @FILE reads it from a file').env('NECOD_TOKEN'));
}

/** The socket path in effect for `command`, wherever on the command line --socket was given. */
export function socketPathOf(command: Command): string {
  const { socket } = command.optsWithGlobals<{ socket?: string }>();
  return socket ?? DEFAULT_API_SOCKET;
}

/** The API client for `command`'s options. */
export function clientOf(command: Command, timeoutMs?: number): ApiClient {
  const { url, token } = command.optsWithGlobals<{ url?: string; token?: string }>();
  let secret = token;
  if (secret?.startsWith('@')) {
    try {
      secret = readFileSync(secret.slice(1), 'utf8').trim();
    } catch (error) {
      throw new CliError(`--token: cannot read ${secret.slice(1)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return createApiClient({ socketPath: socketPathOf(command), ...(url ? { url } : {}), ...(secret ? { token: secret } : {}) }, timeoutMs);
}

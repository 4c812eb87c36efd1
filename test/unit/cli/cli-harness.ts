/** Runs necod-cli command groups in-process against a real API on a temporary unix socket. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { createApiServer, listenApi, type NeighborView } from '../../../src/api/index.js';
import { runCli } from '../../../src/cli/cli-error.js';
import type { CliOutput } from '../../../src/cli/cli-output.js';
import { registerShowCommands } from '../../../src/cli/show-command.js';
import { addSocketOption } from '../../../src/cli/socket-option.js';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export class CliHarness {
  private server: FastifyInstance | undefined;

  private constructor(readonly dir: string) {}

  static async create(): Promise<CliHarness> {
    return new CliHarness(await mkdtemp(join(tmpdir(), 'necod-cli-')));
  }

  get socketPath(): string {
    return join(this.dir, 'necod.sock');
  }

  async serve(neighbors: NeighborView[]): Promise<void> {
    this.server = createApiServer({ neighbors: { listNeighbors: () => neighbors } });
    await listenApi(this.server, this.socketPath);
  }

  /** `args` as typed after `necod-cli`. */
  async run(...args: string[]): Promise<CliRun> {
    const run: CliRun = { status: 0, stdout: '', stderr: '' };
    const output: CliOutput = { out: (text) => void (run.stdout += text), err: (text) => void (run.stderr += text) };
    const program = addSocketOption(new Command('necod-cli'));
    program.exitOverride().configureOutput({ writeOut: output.out, writeErr: output.err });
    registerShowCommands(program, output);
    run.status = await runCli(program, ['node', 'necod-cli', ...args], output);
    return run;
  }

  async close(): Promise<void> {
    await this.server?.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

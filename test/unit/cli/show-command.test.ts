import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSocketOption } from '../../../src/cli/socket-option.js';
import { establishedNeighbor, idleNeighbor } from '../api/neighbor-view-fixtures.js';
import { CliHarness } from './cli-harness.js';

let cli: CliHarness;

beforeEach(async () => {
  cli = await CliHarness.create();
});

afterEach(async () => {
  await cli.close();
});

describe('necod-cli show protocols', () => {
  it('prints the table of neighbors', async () => {
    await cli.serve([establishedNeighbor(), idleNeighbor()]);
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols');
    expect(run).toMatchObject({ status: 0, stderr: '' });
    // The Since column of a neighbor that is down depends on the clock, and so do the widths.
    const [header, tor1, tor2] = run.stdout.split('\n');
    expect(header).toMatch(/^Name +Remote AS +Address +State +Since +Info$/);
    expect(tor1).toMatch(/^tor1 +64600 +10\.69\.0\.1 +Established +2d 03:44:05 +1523 prefixes$/);
    expect(tor2).toMatch(/^tor2 +64600 +10\.69\.1\.1 +Active +\S.* +Sent: Hold Timer Expired$/);
  });

  it('accepts --socket after the command too', async () => {
    await cli.serve([establishedNeighbor()]);
    const run = await cli.run('show', 'protocols', '--socket', cli.socketPath);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('tor1');
  });

  it('prints the API response as it is with --json', async () => {
    await cli.serve([establishedNeighbor(), idleNeighbor()]);
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([establishedNeighbor(), idleNeighbor()]);
  });

  it('shows one neighbor in detail', async () => {
    await cli.serve([establishedNeighbor(), idleNeighbor()]);
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols', 'tor2');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^tor2\n  Address: +10\.69\.1\.1\n/);
    expect(run.stdout).toContain('Last error:        Sent: Hold Timer Expired');
  });

  it('shows one neighbor as JSON', async () => {
    await cli.serve([establishedNeighbor()]);
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols', 'tor1', '--json');
    expect(JSON.parse(run.stdout)).toEqual(establishedNeighbor());
  });

  it('reports an unknown neighbor with the daemon\'s words and status 1', async () => {
    await cli.serve([establishedNeighbor()]);
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols', 'tor9');
    expect(run).toEqual({ status: 1, stdout: '', stderr: 'necod-cli: no neighbor named tor9\n' });
  });

  it('reports a name that cannot be a neighbor name', async () => {
    await cli.serve([establishedNeighbor()]);
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols', 'tor 1');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('necod-cli: invalid neighbor name "tor 1": a name has only letters, digits, "_", "." and "-"\n');
  });

  it('says clearly when necod is not running', async () => {
    const run = await cli.run('--socket', cli.socketPath, 'show', 'protocols');
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: `necod-cli: necod is not running (no socket at ${cli.socketPath})\n`,
    });
  });

  it('takes the socket from NECOD_SOCKET', async () => {
    await cli.serve([establishedNeighbor()]);
    const saved = process.env.NECOD_SOCKET;
    process.env.NECOD_SOCKET = cli.socketPath;
    try {
      expect((await cli.run('show', 'protocols')).status).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NECOD_SOCKET;
      else process.env.NECOD_SOCKET = saved;
    }
  });

  it('uses /run/necod/necod.sock by default', () => {
    const saved = process.env.NECOD_SOCKET;
    delete process.env.NECOD_SOCKET;
    try {
      const program = addSocketOption(new Command('necod-cli'));
      expect(program.parse([], { from: 'user' }).opts()).toEqual({ socket: '/run/necod/necod.sock' });
    } finally {
      if (saved !== undefined) process.env.NECOD_SOCKET = saved;
    }
  });
});

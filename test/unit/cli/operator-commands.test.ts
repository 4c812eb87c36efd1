// necod-cli's operator commands against a real daemon (in this process, no BGP neighbor
// reachable): status, protocols all, routes for, control actions, reload, log-level, wait, and
// the generated bash completion run through bash itself.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/cli-error.js';
import { buildCliProgram } from '../../../src/cli/program.js';
import { bashCompletion } from '../../../src/cli/completion-command.js';
import { parseConfig } from '../../../src/config/index.js';
import { startDaemon, type Daemon } from '../../../src/daemon.js';
import { NECOD_VERSION } from '../../../src/util/version.js';

let dir: string;
let socket: string;
let file: string;
let daemon: Daemon;

const configText = (extra = '') =>
  `router-id: 10.0.0.1\nasn: 64600\napi: {socket: ${socket}}\nkernel: {export: false}\n` +
  `neighbors:\n  - {name: tor1, address: 127.0.0.9, port: 9, remote-as: 64600, connect-retry-time: 60}\n` +
  `originate: {static: [{prefix: 10.30.0.0/16, blackhole: true}${extra}]}\n`;

async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = { status: 0, stdout: '', stderr: '' };
  const output = { out: (t: string) => void (run.stdout += t), err: (t: string) => void (run.stderr += t) };
  const program = buildCliProgram(output);
  program.exitOverride().configureOutput({ writeOut: output.out, writeErr: output.err });
  const before = process.exitCode;
  run.status = await runCli(program, ['node', 'necod-cli', '--socket', socket, ...args], output);
  if (process.exitCode === 1 && run.status === 0) run.status = 1;
  process.exitCode = before;
  return run;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-cli-ops-'));
  socket = join(dir, 'necod.sock');
  file = join(dir, 'necod.yaml');
  await writeFile(file, configText());
  const parsed = parseConfig(configText(), file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  daemon = await startDaemon(parsed.config, { logDestination: quiet, handleSignals: false, configFile: file });
});

afterAll(async () => {
  await daemon?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('necod-cli against a running necod', () => {
  it('show status: version, identity, counts, aligned', async () => {
    const r = await cli('show', 'status');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`necod ${NECOD_VERSION}\n`);
    expect(r.stdout).toMatch(/^ {2}Router id: +10\.0\.0\.1$/m);
    expect(r.stdout).toMatch(/^ {2}Neighbors: +1 \(1 (Idle|Connect|Active)\)$/m);
    expect(JSON.parse((await cli('show', 'status', '--json')).stdout)).toMatchObject({ asn: 64600 });
  });

  it('show protocols all: the detail block of every neighbor; show neighbors is the same table', async () => {
    const all = await cli('show', 'protocols', 'all');
    expect(all.stdout).toMatch(/^tor1\n/);
    expect(all.stdout).toMatch(/^ {2}Configured:\n {4}Hold\/keepalive: +90 s \/ 30 s$/m);
    expect(all.stdout).toMatch(/^ {4}Export: +local$/m);
    expect((await cli('show', 'neighbors')).stdout).toBe((await cli('show', 'protocols')).stdout);
  });

  it('show route for ADDR: the longest match', async () => {
    const r = await cli('show', 'route', 'for', '10.30.4.5');
    expect(r.stdout).toMatch(/^10\.30\.0\.0\/16/m);
    expect((await cli('show', 'route', 'to', '10.30.4.5')).stderr).toMatch(/show route for ADDR/);
  });

  it('disable/enable/refresh answer in one line; an unknown neighbor exits 1 with the reason', async () => {
    expect(await cli('disable', 'tor1', '-m', 'maintenance')).toMatchObject({ status: 0, stdout: 'tor1 disabled\n' });
    expect(await cli('enable', 'tor1')).toMatchObject({ status: 0, stdout: 'tor1 enabled\n' });
    const refresh = await cli('refresh', 'tor1');
    expect(refresh.status).toBe(1);
    expect(refresh.stdout).toMatch(/not Established/);
    expect(await cli('restart', 'tor9')).toMatchObject({ status: 1, stderr: 'necod-cli: no neighbor named tor9\n' });
  });

  it('reload applies a new static route; a bad file exits 1 with FILE:LINE and changes nothing', async () => {
    await writeFile(file, configText(', {prefix: 10.31.0.0/16, blackhole: true}'));
    expect(await cli('reload')).toMatchObject({ status: 0, stdout: 'configuration reloaded: static routes updated\n' });
    expect((await cli('show', 'routes', '10.31.0.0/16', '--json')).stdout).toContain('"total":1');
    await writeFile(file, configText().replace('asn: 64600', 'asn: [1]'));
    const bad = await cli('reload');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${file}:2`);
    expect((await cli('show', 'routes', '10.31.0.0/16', '--json')).stdout).toContain('"total":1');
  });

  it('log-level shows and sets the level', async () => {
    expect((await cli('log-level', 'warn')).stdout).toBe('log level warn\n');
    expect(daemon.logger.level).toBe('warn');
    expect((await cli('log-level')).stdout).toBe('log level warn\n');
    expect((await cli('log-level', 'chatty')).status).toBe(1);
  });

  it('wait: 0 once the route is there, 1 with what is missing at the timeout', async () => {
    expect(await cli('wait', '--route', '10.30.0.0/16', '--timeout', '5')).toMatchObject({ status: 0, stdout: 'ready\n' });
    const r = await cli('wait', '--neighbor', 'tor1', '--route', '10.30.0.0/16', '--paths', '2', '--timeout', '0.3');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^necod-cli: still waiting after 0\.3 s: neighbor tor1: \w+; route 10\.30\.0\.0\/16: 1 of 2 paths\n$/);
  });
});

describe('bash completion', () => {
  it('completes commands, subcommands and options from the command tree', () => {
    const script = bashCompletion(buildCliProgram());
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const out = execFileSync('/bin/bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _necod_cli; echo "\${COMPREPLY[@]}"`], {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin' },
      });
      return out.trim().split(/\s+/).filter(Boolean);
    };
    expect(complete('necod-cli sh')).toEqual(['show']);
    expect(complete('necod-cli show pro')).toEqual(['protocols']);
    expect(complete('necod-cli show routes --lo')).toEqual(['--longer']);
    expect(complete('necod-cli wait --ro')).toEqual(['--route']);
  });
});

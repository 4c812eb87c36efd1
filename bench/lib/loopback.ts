// Side-by-side runs on one namespace's loopback: the bench script runs itself again inside a
// fresh namespace (so feeders, necod and BIRD touch nothing on the host), and starts necod or
// BIRD 2 there as a passive iBGP receiver with its RSS and route count readable. Used by the
// benches that feed both daemons the same table; not a lab builder (see test/support for that).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '../../test/support/wait.js';
import { necodLaunch, type NecodLaunch } from './necod-launch.js';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/dist\/$/, '');

export function sh(argv: string[]): string {
  return execFileSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `main` inside a namespace of its own with loopback up, re-executing this script there. */
export async function inOwnNamespace(main: () => Promise<void>): Promise<void> {
  if (process.env.NECOD_BENCH_NS !== undefined) {
    sh(['ip', 'link', 'set', 'lo', 'up']);
    await main();
    return;
  }
  const ns = `necod-bench-${process.pid}`;
  sh(['ip', 'netns', 'add', ns]);
  try {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...process.execArgv, process.argv[1] as string, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, NECOD_BENCH_NS: ns },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    sh(['ip', 'netns', 'del', ns]);
  }
}

export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

export function apiText(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function apiGet(socketPath: string, path: string): Promise<unknown> {
  return JSON.parse(await apiText(socketPath, path));
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Waits until something accepts TCP connections on 127.0.0.1:port (the probe closes at once). */
function waitForListener(port: number): Promise<true> {
  const tryOnce = () =>
    new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  return waitFor(tryOnce, { what: `a listener on port ${port}`, timeoutMs: 10_000 });
}

/** A receiver on 127.0.0.1:1179 that takes routes from the feeders named (passive, iBGP AS 64600). */
export interface Receiver {
  pid: number;
  /** Routes held (necod: Loc-RIB prefixes; BIRD: the first feeder's imported count). */
  count(): Promise<number>;
  stop(): Promise<void>;
  /** What the daemon says of itself, for an error message. */
  describe?(): Promise<string>;
}

export interface Feeder {
  name: string;
  address: string;
  /** Routes go to this neighbor too (necod: export all to a reflector client; BIRD: export all, rr client). */
  export?: 'all';
}

export async function startNecod(dir: string, feeders: Feeder[], launch: NecodLaunch = necodLaunch()): Promise<Receiver & { socket: string }> {
  const socket = join(dir, 'necod.sock');
  const neighbors = feeders.map((f) => `  - {name: ${f.name}, address: ${f.address}, remote-as: 64600, passive: true${f.export ? `, export: ${f.export}, route-reflector-client: true` : ''}}`).join('\n');
  writeFileSync(
    join(dir, 'necod.yaml'),
    `router-id: 127.0.0.1\nasn: 64600\nlisten: {address: 127.0.0.1, port: 1179}\napi: {socket: ${socket}}\nlog: {level: warn}\nkernel: {export: false}\nneighbors:\n${neighbors}\n`,
  );
  const child = spawn('node', [...launch.nodeArgs, join(REPO, 'dist/src/cli/necod.js'), '--config', join(dir, 'necod.yaml')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...launch.env },
  });
  await waitFor(async () => apiGet(socket, '/v1/rib').then(() => true, () => false), { what: 'necod API', timeoutMs: 10_000 });
  await waitForListener(1179);
  return {
    pid: child.pid as number,
    socket,
    count: async () => ((await apiGet(socket, '/v1/rib')) as { prefixes: number }).prefixes,
    stop: () => stop(child),
    describe: async () => `${await apiText(socket, '/v1/rib')} ${await apiText(socket, '/v1/neighbors')}`,
  };
}

export async function startBird(dir: string, feeders: Feeder[]): Promise<Receiver> {
  const socket = join(dir, 'bird.sock');
  const protocols = feeders
    .map((f) => `protocol bgp ${f.name} {\n  local 127.0.0.1 port 1179 as 64600;\n  neighbor ${f.address} as 64600;\n  passive on;\n${f.export ? '  rr client;\n' : ''}  ipv4 { import all; export ${f.export ? 'all' : 'none'}; };\n}\n`)
    .join('');
  writeFileSync(join(dir, 'bird.conf'), `router id 127.0.0.1;\nprotocol device {}\n${protocols}`);
  const child = spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', socket, '-P', join(dir, 'bird.pid')], { stdio: 'ignore' });
  await waitFor(() => {
    sh(['birdc', '-s', socket, 'show', 'status']);
    return readFileSync(join(dir, 'bird.pid'), 'utf8').trim() !== '';
  }, { what: 'BIRD socket and pid file', timeoutMs: 10_000 });
  const first = feeders[0]?.name ?? '';
  return {
    pid: Number(readFileSync(join(dir, 'bird.pid'), 'utf8').trim()),
    // The channel's import counter: O(1) to read, unlike `show route count`, which walks the
    // table and would add its own time to BIRD's.
    count: async () => {
      const out = sh(['birdc', '-s', socket, 'show', 'protocols', 'all', first]);
      const m = /Routes:\s+(\d+) imported/.exec(out);
      return m ? Number(m[1]) : 0;
    },
    stop: () => stop(child),
  };
}

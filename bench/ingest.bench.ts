// A full table over real TCP: a feeder sends 1M IPv4 prefixes (~1300 UPDATEs of ~4 KiB)
// to necod, then the same feed to BIRD 2, in one namespace on loopback, one after the
// other (BIRD without a kernel protocol, necod with kernel export off: both measure the RIB). Time from the first UPDATE to the last prefix in the table (polled every 10 ms),
// and the receiver's RSS afterwards. Median of RUNS runs, with the ratio to BIRD.
// Needs root (network namespace) and bird/birdc; run with `node dist/bench/ingest.bench.js`.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AS4_CONTEXT, makeAttribute, packAnnouncements, type Ipv4PrefixList } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { feed } from './lib/feeder.js';
import { fmt, median } from './lib/stats.js';
import { ipv4FullTable } from './lib/table.js';
import { waitFor } from '../test/support/wait.js';

const N = Number(process.env.PREFIXES ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
// The script runs itself again inside a fresh namespace, so the feeder, necod and BIRD all
// talk over that namespace's loopback and nothing else on the host is touched.
const INSIDE = process.env.NECOD_BENCH_NS !== undefined;
const ns = process.env.NECOD_BENCH_NS ?? `necod-bench-${process.pid}`;
const dir = INSIDE ? mkdtempSync(join(tmpdir(), 'necod-ingest-')) : '';
const root = new URL('..', import.meta.url).pathname.replace(/dist\/$/, '');

function sh(argv: string[]): string {
  const [command = '', ...args] = argv;
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function inNs(argv: string[]): string[] {
  return argv;
}

function table(n: number): Uint8Array[] {
  const keys = ipv4FullTable(n).keys;
  const out: Uint8Array[] = [];
  const per = Math.ceil(n / 100);
  for (let g = 0; g < 100; g++) {
    const from = g * per;
    const to = Math.min(n, from + per);
    if (from >= to) break;
    const part: Ipv4PrefixList = { afi: 1, count: to - from, keys: keys.subarray(from, to), pathIds: null };
    const attrs = [
      makeAttribute('ORIGIN', 0),
      makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65100 + g] }]),
      makeAttribute('NEXT_HOP', parseIpv4('127.0.0.3')!),
      makeAttribute('LOCAL_PREF', 100),
    ];
    out.push(...packAnnouncements(attrs, part, AS4_CONTEXT));
  }
  return out;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}


function apiGet(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end();
  });
}

async function runNecod(updates: Uint8Array[]): Promise<{ ms: number; rss: number }> {
  const sock = join(dir, 'necod.sock');
  writeFileSync(
    join(dir, 'necod.yaml'),
    `router-id: 127.0.0.1\nasn: 64600\nlisten: {address: 127.0.0.1, port: 1179}\napi: {socket: ${sock}}\nlog: {level: warn}\nkernel: {export: false}\nneighbors:\n  - {name: feeder, address: 127.0.0.3, remote-as: 64600, passive: true}\n`,
  );
  const child = spawn('node', [join(root, 'dist/src/cli/necod.js'), '--config', join(dir, 'necod.yaml')], { stdio: 'ignore' });
  try {
    await waitFor(async () => apiGet(sock, '/v1/rib').then(() => true, () => false), { what: 'necod API', timeoutMs: 10_000, intervalMs: 50 });
    const f = await feed({ host: '127.0.0.1', port: 1179, localAddress: '127.0.0.3', asn: 64600, routerId: '127.0.0.3', updates });
    await waitFor(async () => ((await apiGet(sock, '/v1/rib')) as { prefixes: number }).prefixes >= N, { what: 'necod to hold every prefix', timeoutMs: 120_000, intervalMs: 10 });
    const done = performance.now();
    const rss = rssOf(child.pid as number);
    f.socket.destroy();
    return { ms: done - f.firstUpdateAt, rss };
  } finally {
    await stop(child);
  }
}

async function runBird(updates: Uint8Array[]): Promise<{ ms: number; rss: number }> {
  const sock = join(dir, 'bird.sock');
  writeFileSync(
    join(dir, 'bird.conf'),
    `router id 127.0.0.1;\nprotocol device {}\nprotocol bgp feeder {\n  local 127.0.0.1 port 1179 as 64600;\n  neighbor 127.0.0.3 as 64600;\n  passive on;\n  ipv4 { import all; export none; };\n}\n`,
  );
  const argv = inNs(['bird', '-f', '-c', join(dir, 'bird.conf'), '-s', sock, '-P', join(dir, 'bird.pid')]);
  const [command = '', ...args] = argv;
  const child = spawn(command, args, { stdio: 'ignore' });
  try {
    await waitFor(() => {
      try {
        sh(['birdc', '-s', sock, 'show', 'status']);
        return true;
      } catch {
        return false;
      }
    }, { what: 'BIRD socket', timeoutMs: 10_000, intervalMs: 50 });
    const f = await feed({ host: '127.0.0.1', port: 1179, localAddress: '127.0.0.3', asn: 64600, routerId: '127.0.0.3', updates });
    // The channel's import counter: O(1) to read, unlike `show route count`, which walks the
    // table and would add its own time to BIRD's.
    const count = () => {
      const out = sh(['birdc', '-s', sock, 'show', 'protocols', 'all', 'feeder']);
      const m = /Routes:\s+(\d+) imported/.exec(out);
      return m ? Number(m[1]) : 0;
    };
    await waitFor(() => count() >= N, { what: 'BIRD to hold every prefix', timeoutMs: 120_000, intervalMs: 10 });
    const done = performance.now();
    const rss = rssOf(Number(readFileSync(join(dir, 'bird.pid'), 'utf8').trim()));
    f.socket.destroy();
    return { ms: done - f.firstUpdateAt, rss };
  } finally {
    await stop(child);
  }
}

function stop(child: ChildProcess): Promise<void> {
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

async function main(): Promise<void> {
  try {
    sh(['ip', 'link', 'set', 'lo', 'up']);
    const updates = table(N);
    const necod: Array<{ ms: number; rss: number }> = [];
    const bird: Array<{ ms: number; rss: number }> = [];
    for (let r = 0; r < RUNS; r++) {
      bird.push(await runBird(updates));
      necod.push(await runNecod(updates));
    }
    const mn = median(necod.map((x) => x.ms));
    const mb = median(bird.map((x) => x.ms));
    const rn = median(necod.map((x) => x.rss));
    const rb = median(bird.map((x) => x.rss));
    console.log(`Full table over TCP: ${fmt(N)} IPv4 prefixes in ${fmt(updates.length)} UPDATEs, median of ${RUNS}`);
    console.log(`  BIRD 2   ${fmt(mb, 0)} ms  ${fmt((N / mb) * 1000 / 1e6, 2)} M prefixes/s  RSS ${fmt(rb / 1048576, 0)} MiB`);
    console.log(`  necod    ${fmt(mn, 0)} ms  ${fmt((N / mn) * 1000 / 1e6, 2)} M prefixes/s  RSS ${fmt(rn / 1048576, 0)} MiB`);
    console.log(`  necod / BIRD time: ${fmt(mn / mb, 2)}x (target ≤ 2.5x)`);
    if (process.argv.includes('--json')) console.log(JSON.stringify({ prefixes: N, necodMs: mn, birdMs: mb, necodRss: rn, birdRss: rb, ratio: mn / mb, runs: { necod, bird } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (INSIDE) {
  await main();
} else {
  sh(['ip', 'netns', 'add', ns]);
  try {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, NECOD_BENCH_NS: ns },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    sh(['ip', 'netns', 'del', ns]);
  }
}

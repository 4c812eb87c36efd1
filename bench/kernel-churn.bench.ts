// Churn with the kernel on: necod (`kernel: {table: 100}`) holds a table of BASE IPv4 routes from
// one feeder; then, every second for DURATION seconds, the feeder withdraws a block of FLAP prefixes
// and announces it again half a second later (FLAP prefixes flapping per second: 2 × FLAP kernel
// changes a second). Measured from outside necod: its CPU (with children) per second, the lag from
// each announcement until the block's last prefix is back in table 100 (`ip route get`, table
// 100 through a rule, polled), and its RSS every second, to show whether it drifts. Needs root; run with
// `node dist/bench/kernel-churn.bench.js` after `npm run build`. Knobs: BASE (default 100 000),
// FLAP (10 000), DURATION (seconds, 60), WRITER (kernel.writer: auto, netlink, ip), LAGS=1 (print each lag).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AS4_CONTEXT, makeAttribute, packAnnouncements, packWithdrawals, type Ipv4PrefixList } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { feed } from './lib/feeder.js';
import { status, treeCpu } from './lib/proc.js';
import { fmt, median } from './lib/stats.js';
import { ipv4FullTable } from './lib/table.js';
import { sleep } from '../test/support/wait.js';

const ROLE = process.env.NECOD_BENCH_ROLE ?? 'outer';
const BASE = Number(process.env.BASE ?? 100_000);
const FLAP = Number(process.env.FLAP ?? 10_000);
const SECONDS = Number(process.env.DURATION ?? 60);
const root = new URL('..', import.meta.url).pathname.replace(/dist\/$/, '');
const R = '10.0.0.1';
const F = '10.0.0.3';

const keys = ipv4FullTable(BASE).keys;
const prefixText = (k: number): string => {
  const a = Math.floor(k / 64);
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
};
const blocks = Math.max(1, Math.floor(BASE / FLAP));

function attrs(): ReturnType<typeof makeAttribute>[] {
  return [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [{ type: 2, asns: [65001] }]), makeAttribute('LOCAL_PREF', 100), makeAttribute('NEXT_HOP', parseIpv4(F)!)];
}

function list(from: number, to: number): Ipv4PrefixList {
  return { afi: 1, count: to - from, keys: keys.subarray(from, to), pathIds: null };
}

// ---------------------------------------------------------------- the feeder (its own namespace)

async function feederMain(): Promise<void> {
  const a = attrs();
  const f = await feed({ host: R, port: 179, localAddress: F, asn: 64600, routerId: F, updates: packAnnouncements(a, list(0, BASE), AS4_CONTEXT) });
  const announce = Array.from({ length: blocks }, (_, b) => packAnnouncements(a, list(b * FLAP, (b + 1) * FLAP), AS4_CONTEXT));
  const withdraw = Array.from({ length: blocks }, (_, b) => packWithdrawals(list(b * FLAP, (b + 1) * FLAP), AS4_CONTEXT));
  await new Promise<void>((r) => process.stdin.once('data', () => r()));
  const send = (msgs: Uint8Array[]): void => {
    for (const m of msgs) f.socket.write(m);
  };
  const t0 = performance.now();
  for (let s = 0; s < SECONDS; s++) {
    const b = s % blocks;
    await sleepUntil(t0 + s * 1000);
    send(withdraw[b]!);
    await sleepUntil(t0 + s * 1000 + 500);
    send(announce[b]!);
    process.stdout.write(`announced ${b} ${performance.timeOrigin + performance.now()}\n`);
  }
  process.stdout.write('done\n');
  await new Promise(() => {});
}

function sleepUntil(t: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));
}

// ---------------------------------------------------------------- the receiver side

function kernelCount(): number {
  return Number(execFileSync('sh', ['-c', 'ip -o -4 route show table 100 | wc -l'], { encoding: 'utf8' }).trim());
}

/** Whether the route of the block's last prefix is in table 100 (a lookup through the rule, not a dump). */
function hasRoute(k: number): boolean {
  const r = spawnSync('ip', ['-o', 'route', 'get', prefixText(k)], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(`via ${F}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'necod-churn-'));
  const sock = join(dir, 'necod.sock');
  writeFileSync(
    join(dir, 'necod.yaml'),
    [
      `router-id: ${R}`,
      'asn: 64600',
      `listen: {address: "${R}", port: 179}`,
      `api: {socket: ${sock}}`,
      'log: {level: warn}',
      `kernel: {table: 100, writer: ${process.env.WRITER ?? 'auto'}}`,
      'neighbors:',
      `  - {name: f, address: "${F}", remote-as: 64600, passive: true}`,
      '',
    ].join('\n'),
  );
  const necod = spawn('node', [join(root, 'dist/src/cli/necod.js'), '--config', join(dir, 'necod.yaml')], { stdio: ['ignore', 'ignore', 'inherit'] });
  let feeder: ChildProcess | null = null;
  try {
    for (let i = 0; i < 200 && !readdirSync(dir).includes('necod.sock'); i++) await sleep(50);
    const f = spawn('ip', ['netns', 'exec', process.env.NECOD_BENCH_FEEDER_NS as string, process.execPath, process.argv[1]!], {
      env: { ...process.env, NECOD_BENCH_ROLE: 'feeder' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    feeder = f;
    const announced: Array<{ block: number; at: number }> = [];
    let done = false;
    let text = '';
    f.stdout?.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^announced (\d+) ([\d.]+)$/.exec(l);
        if (m) announced.push({ block: Number(m[1]), at: Number(m[2]) });
        if (l === 'done') done = true;
      }
    });
    for (let i = 0; i < 1200 && kernelCount() < BASE; i++) await sleep(100);
    const pid = necod.pid as number;
    await sleep(2000);
    const rss0 = status(pid, 'VmRSS');
    console.log(`base table of ${fmt(BASE)} routes in the kernel; necod RSS ${fmt(rss0 / 1048576, 1)} MiB; churn: ${fmt(FLAP)} prefixes a second for ${SECONDS} s`);
    f.stdin?.write('go\n');
    const cpuPerSecond: number[] = [];
    const rss: number[] = [];
    const lags: number[] = [];
    let seen = 0;
    let lastCpu = treeCpu(pid);
    let lastAt = performance.timeOrigin + performance.now();
    while (!done || seen < announced.length) {
      const now = performance.timeOrigin + performance.now();
      if (now - lastAt >= 1000) {
        const cpu = treeCpu(pid);
        cpuPerSecond.push((cpu - lastCpu) / ((now - lastAt) / 1000));
        rss.push(status(pid, 'VmRSS'));
        lastCpu = cpu;
        lastAt = now;
      }
      if (seen < announced.length) {
        const a = announced[seen]!;
        if (hasRoute(keys[(a.block + 1) * FLAP - 1]!)) {
          lags.push(performance.timeOrigin + performance.now() - a.at);
          seen++;
          continue;
        }
      }
      await sleep(5);
    }
    const MiB = 1048576;
    const sorted = [...lags].sort((x, y) => x - y);
    console.log(`necod CPU: median ${fmt(median(cpuPerSecond) * 100)} % of a core (max ${fmt(Math.max(...cpuPerSecond) * 100)} %)`);
    console.log(`announcement → last prefix of the block in the kernel: median ${fmt(median(lags))} ms, p95 ${fmt(sorted[Math.floor(sorted.length * 0.95)] ?? NaN)} ms, max ${fmt(sorted.at(-1) ?? NaN)} ms (polled every ~5 ms)`);
    if (process.env.LAGS) console.log(`lags: ${lags.map((l) => fmt(l)).join(' ')}`);
    const at = (i: number): string => fmt((rss[Math.min(rss.length - 1, i)] ?? 0) / MiB, 1);
    console.log(`RSS: before ${fmt(rss0 / MiB, 1)} MiB, after 10 s ${at(9)}, 30 s ${at(29)}, end ${at(rss.length - 1)} MiB`);
    console.log(`load average ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ')}`);
  } finally {
    feeder?.kill('SIGKILL');
    necod.kill('SIGTERM');
    await new Promise((r) => necod.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- namespaces

if (ROLE === 'feeder') {
  await feederMain();
} else if (ROLE === 'main') {
  await main();
} else {
  const rNs = `necod-kc-r-${process.pid}`;
  const fNs = `necod-kc-f-${process.pid}`;
  const ip = (args: string[]): void => {
    execFileSync('ip', args, { stdio: 'inherit' });
  };
  ip(['netns', 'add', rNs]);
  ip(['netns', 'add', fNs]);
  try {
    for (const ns of [rNs, fNs]) ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', rNs, 'link', 'add', 'kr0', 'type', 'veth', 'peer', 'name', 'kf0', 'netns', fNs]);
    ip(['-n', rNs, 'addr', 'add', `${R}/24`, 'dev', 'kr0']);
    ip(['-n', fNs, 'addr', 'add', `${F}/24`, 'dev', 'kf0']);
    ip(['-n', rNs, 'link', 'set', 'kr0', 'up']);
    ip(['-n', fNs, 'link', 'set', 'kf0', 'up']);
    // Lookups try table 100 first (and fall through to main where it has no route), so that
    // `ip route get` sees the feed.
    ip(['-n', rNs, 'rule', 'add', 'lookup', '100', 'pref', '100']);
    const r = spawnSync('ip', ['netns', 'exec', rNs, process.execPath, process.argv[1]!], { stdio: 'inherit', env: { ...process.env, NECOD_BENCH_ROLE: 'main', NECOD_BENCH_FEEDER_NS: fNs } });
    process.exitCode = r.status ?? 1;
  } finally {
    spawnSync('ip', ['netns', 'del', rNs]);
    spawnSync('ip', ['netns', 'del', fNs]);
  }
}

// A full table into the kernel, necod against BIRD 2, side by side. One or two feeders (own
// network namespace, pre-encoded ~4 KiB UPDATEs, NEXT_HOP on the shared subnet) send the same
// table to the receiver in another namespace: BIRD with `protocol kernel { kernel table 100;
// export all; }`, then necod with `kernel: {table: 100}`, one after the other, RUNS runs each.
// Measured from outside both daemons: time from the first UPDATE until every route is in table
// 100 (the table's last prefix looked up every 5 ms, `ip route get fibmatch` through a rule that
// sends one unused source address to table 100; once it is there, `ip route show table 100`
// counted confirms that all are, else counting goes on), CPU seconds of the daemon and its children
// (necod's ip writers), peak and final RSS, bytes per route. Then the ceiling of `ip -batch`:
// the same routes as lines through WRITERS `ip -batch -` processes at full speed.
// Cases (CASES env, comma-separated): v4-100k, v4-1m, v6-200k, ecmp-100k, ecmp-1m.
// Needs root, bird; run with `node dist/bench/kernel.bench.js [--plot]` after `npm run build`.
// --plot writes bench/results/kernel-install.dat and renders docs/kernel-install.png (gnuplot).
// Knobs: RUNS, CASES, WRITERS, WRITER (kernel.writer of necod: auto, netlink, ip; default auto);
// EXPORT=0 (necod with `export: false`, timed until its RIB holds every route, BIRD skipped: the
// ingest baseline); ONLY=necod (skip BIRD); necod runs with bin/necod.js's flags and environment
// unless NECOD_NODE_ARGS (node flags, e.g. --cpu-prof) or NECOD_NODE_ENV replace them (lib/necod-launch.ts);
// NECOD_LOG (necod log level, shown), NECOD_SNAPSHOT=MS with --heapsnapshot-signal=SIGUSR1 (heap snapshot);
// SETTLE_MS (10 000): how long after the install the "settled" RSS is read, for both daemons.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AS4_CONTEXT, makeAttribute, packAnnouncements, type Ipv4PrefixList, type Ipv6PrefixList } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { feed } from './lib/feeder.js';
import { describeLaunch, necodLaunch } from './lib/necod-launch.js';
import { status, treeCpu } from './lib/proc.js';
import { fmt, median } from './lib/stats.js';
import { ipv4FullTable } from './lib/table.js';
import { sleep } from '../test/support/wait.js';

const RUNS = Number(process.env.RUNS ?? 3);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 10_000);
const ROLE = process.env.NECOD_BENCH_ROLE ?? 'outer';
const root = new URL('..', import.meta.url).pathname.replace(/dist\/$/, '');
const TABLE = 100;
const R_V4 = '10.0.0.1';
const R_V6 = '2001:db8::1';
const FEEDERS_V4 = ['10.0.0.3', '10.0.0.4'];
const FEEDERS_V6 = ['2001:db8::3', '2001:db8::4'];

interface Case {
  name: string;
  n: number;
  v6: boolean;
  feeders: number;
}

const ALL_CASES: Case[] = [
  { name: 'v4-100k', n: 100_000, v6: false, feeders: 1 },
  { name: 'v4-1m', n: 1_000_000, v6: false, feeders: 1 },
  { name: 'v6-200k', n: 200_000, v6: true, feeders: 1 },
  { name: 'ecmp-100k', n: 100_000, v6: false, feeders: 2 },
  { name: 'ecmp-1m', n: 1_000_000, v6: false, feeders: 2 },
];

function sh(argv: string[], input?: string): string {
  const [command = '', ...args] = argv;
  return execFileSync(command, args, { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

// ---------------------------------------------------------------- the table

function ipv6Table(n: number): Ipv6PrefixList {
  const addrs = new Uint8Array(16 * n);
  const lengths = new Uint8Array(n).fill(48);
  for (let i = 0; i < n; i++) {
    addrs[16 * i] = 0x2a;
    addrs[16 * i + 2] = (i >> 16) & 0xff;
    addrs[16 * i + 3] = (i >> 8) & 0xff;
    addrs[16 * i + 4] = i & 0xff;
  }
  return { afi: 2, count: n, addrs, lengths, pathIds: null };
}

function updates(n: number, v6: boolean, nextHop: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const per = Math.ceil(n / 100);
  const v4 = v6 ? null : ipv4FullTable(n).keys;
  const t6 = v6 ? ipv6Table(n) : null;
  for (let g = 0; g < 100; g++) {
    const from = g * per;
    const to = Math.min(n, from + per);
    if (from >= to) break;
    const attrs = [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65100 + g] }]), makeAttribute('LOCAL_PREF', 100)];
    if (v4) {
      const part: Ipv4PrefixList = { afi: 1, count: to - from, keys: v4.subarray(from, to), pathIds: null };
      out.push(...packAnnouncements([...attrs, makeAttribute('NEXT_HOP', parseIpv4(nextHop)!)], part, AS4_CONTEXT));
    } else if (t6) {
      const part: Ipv6PrefixList = { afi: 2, count: to - from, addrs: t6.addrs.subarray(16 * from, 16 * to), lengths: t6.lengths.subarray(from, to), pathIds: null };
      const mp = makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: [nextHop], nlri: null, rawNlri: null });
      out.push(...packAnnouncements([mp, ...attrs], part, AS4_CONTEXT));
    }
  }
  return out;
}

// ---------------------------------------------------------------- the feeder (its own namespace)

async function feederMain(): Promise<void> {
  const n = Number(process.env.N);
  const v6 = process.env.V6 === '1';
  const local = process.env.LOCAL as string;
  const msgs = updates(n, v6, local);
  process.stdout.write('ready\n');
  await new Promise<void>((r) => process.stdin.once('data', () => r()));
  const f = await feed({ host: v6 ? R_V6 : R_V4, port: 179, localAddress: local, asn: 64600, routerId: FEEDERS_V4[FEEDERS_V6.indexOf(local)] ?? local, updates: msgs, afis: v6 ? [2] : [1] });
  process.stdout.write(`first ${performance.timeOrigin + f.firstUpdateAt}\nsent ${performance.timeOrigin + f.lastUpdateAt}\n`);
  // Keep the session up until killed.
  await new Promise(() => {});
}

interface Feeder {
  child: ChildProcess;
  first: Promise<number>;
  go(): void;
}

async function startFeeder(ns: string, c: Case, local: string): Promise<Feeder> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...process.argv.slice(1, 2)], {
    env: { ...process.env, NECOD_BENCH_ROLE: 'feeder', N: String(c.n), V6: c.v6 ? '1' : '0', LOCAL: local },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let text = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  let onFirst: (t: number) => void = () => {};
  const first = new Promise<number>((r) => (onFirst = r));
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    text += d;
    if (text.includes('ready\n')) onReady();
    const m = /first ([\d.]+)\n/.exec(text);
    if (m) onFirst(Number(m[1]));
  });
  await ready;
  return { child, first, go: () => child.stdin?.write('go\n') };
}

// ---------------------------------------------------------------- measuring a process tree

/**
 * Routes in table 100 of one family, counted from `ip -o route show` (what the kernel holds);
 * with `multipath`, only routes with at least two next hops count.
 */
function kernelCount(v6: boolean, multipath: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['-o', v6 ? '-6' : '-4', 'route', 'show', 'table', String(TABLE)], { stdio: ['ignore', 'pipe', 'ignore'] });
    let n = 0;
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (!multipath) {
        for (let i = d.indexOf('\n'); i >= 0; i = d.indexOf('\n', i + 1)) n++;
        return;
      }
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        const at = l.indexOf('nexthop via');
        if (at >= 0 && l.indexOf('nexthop via', at + 1) >= 0) n++;
      }
    });
    child.on('close', () => resolve(n));
  });
}

/** Source addresses whose lookups go to table 100: a probe of one prefix costs a lookup, not a dump. */
const PROBE_FROM_V4 = '192.0.2.99';
const PROBE_FROM_V6 = '2001:db8:99::1';

/**
 * Whether the last prefix of the table is in table 100 (with two next hops when `multipath`): one
 * route lookup. A dump of the whole table every few milliseconds would take a core of its own
 * (100 ms of CPU at 100k routes) from both daemons while they install.
 */
function lastPresent(c: Case): Promise<boolean> {
  const [addr, len] = lastPrefix(c);
  return new Promise((resolve) => {
    const child = spawn('ip', [c.v6 ? '-6' : '-4', 'route', 'get', 'fibmatch', addr, 'from', c.v6 ? PROBE_FROM_V6 : PROBE_FROM_V4], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', () => {
      const found = out.startsWith(`${addr}/${len} `) && out.includes('table 100');
      resolve(found && (c.feeders < 2 || out.split('nexthop via').length > 2));
    });
  });
}

const lastPrefixes = new Map<string, [string, number]>();

/** The prefix the feeders send last: both daemons install in the order routes arrive. */
function lastPrefix(c: Case): [string, number] {
  let p = lastPrefixes.get(c.name);
  if (!p) {
    if (c.v6) {
      const t = ipv6Table(c.n);
      const a = t.addrs.subarray(16 * (c.n - 1), 16 * c.n);
      const h = (i: number): string => ((a[i]! << 8) | a[i + 1]!).toString(16);
      p = [`${h(0)}:${h(2)}:${h(4)}::`, t.lengths[c.n - 1]!];
    } else {
      const key = ipv4FullTable(c.n).keys[c.n - 1]!;
      const len = key % 64;
      const x = (key - len) / 64;
      p = [[x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.'), len];
    }
    lastPrefixes.set(c.name, p);
  }
  return p;
}

/** Empties table 100 (a table that does not exist is empty already). */
function flushTable(): void {
  spawnSync('ip', ['-4', 'route', 'flush', 'table', String(TABLE)]);
  spawnSync('ip', ['-6', 'route', 'flush', 'table', String(TABLE)]);
}


function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}

// ---------------------------------------------------------------- one run

interface Run {
  ms: number;
  cpu: number;
  peakRss: number;
  finalRss: number;
  /** RSS SETTLE_MS after the last route arrived, with nothing more to do: what stays resident. */
  settledRss: number;
  baseRss: number;
}

interface Daemon {
  child: ChildProcess;
  pid(): number;
  /** Routes it holds, when not counted from the kernel (necod with export off). */
  count?: () => Promise<number>;
  /** Its own account of memory (necod's /v1/rib), printed after the run. */
  memory?: () => Promise<string>;
}

async function runOne(c: Case, feederNs: string, dir: string, start: () => Promise<Daemon>): Promise<Run> {
  flushTable();
  spawnSync('ip', ['nexthop', 'flush']);
  const locals = (c.v6 ? FEEDERS_V6 : FEEDERS_V4).slice(0, c.feeders);
  const feeders = await Promise.all(locals.map((l) => startFeeder(feederNs, c, l)));
  const d = await start();
  try {
    await sleep(300);
    const pid = d.pid();
    const baseRss = status(pid, 'VmRSS');
    for (const f of feeders) f.go();
    const first = Math.min(...(await Promise.all(feeders.map((f) => f.first))));
    let peakRss = baseRss;
    let doneAt = 0;
    const deadline = now() + 600_000;
    let probing = !d.count;
    for (;;) {
      peakRss = Math.max(peakRss, status(pid, 'VmRSS'));
      if (probing) {
        if (!(await lastPresent(c))) {
          if (now() > deadline) throw new Error(`timed out waiting for the last prefix in the kernel`);
          await sleep(5);
          continue;
        }
        const seen = now();
        const count = await kernelCount(c.v6, c.feeders > 1);
        if (count >= c.n) {
          doneAt = seen;
          break;
        }
        // The last prefix came before others: count until all are there.
        probing = false;
      }
      const count = d.count ? await d.count() : await kernelCount(c.v6, c.feeders > 1);
      if (count >= c.n) {
        doneAt = now();
        break;
      }
      if (now() > deadline) throw new Error(`timed out with ${count} of ${c.n} routes in the kernel`);
      await sleep(c.n >= 500_000 ? 100 : 20);
    }
    const cpu = treeCpu(pid);
    const finalRss = status(pid, 'VmRSS');
    if (process.env.NECOD_SNAPSHOT) {
      // --heapsnapshot-signal=SIGUSR1 in NECOD_NODE_ARGS: a heap snapshot of the installed state.
      process.kill(pid, 'SIGUSR1');
      await sleep(Number(process.env.NECOD_SNAPSHOT));
    }
    peakRss = Math.max(peakRss, status(pid, 'VmHWM'));
    if (d.memory) console.error(`  necod memory after the run: ${await d.memory()}`);
    await sleep(SETTLE_MS);
    const settledRss = status(pid, 'VmRSS');
    if (d.memory) console.error(`  necod memory settled: ${await d.memory()}`);
    peakRss = Math.max(peakRss, status(pid, 'VmHWM'));
    return { ms: doneAt - first, cpu, peakRss, finalRss, settledRss, baseRss };
  } finally {
    for (const f of feeders) f.child.kill('SIGKILL');
    await stop(d.child);
    void dir;
  }
}

function birdConf(c: Case): string {
  const peers = (c.v6 ? FEEDERS_V6 : FEEDERS_V4).slice(0, c.feeders);
  const ch = c.v6 ? 'ipv6' : 'ipv4';
  const local = c.v6 ? R_V6 : R_V4;
  return [
    `router id ${R_V4};`,
    'protocol device {}',
    `protocol kernel { kernel table ${TABLE}; merge paths on; ${ch} { export all; import none; }; }`,
    ...peers.map((p, i) => `protocol bgp f${i} { local ${local} as 64600; neighbor ${p} as 64600; direct; passive on; ${ch} { import all; export none; }; }`),
    '',
  ].join('\n');
}

function startBird(c: Case, dir: string): () => Promise<Daemon> {
  return async () => {
    writeFileSync(join(dir, 'bird.conf'), birdConf(c));
    const sock = join(dir, 'bird.sock');
    const child = spawn('bird', ['-f', '-c', join(dir, 'bird.conf'), '-s', sock, '-P', join(dir, 'bird.pid')], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (spawnSync('birdc', ['-s', sock, 'show', 'status']).status === 0) break;
      await sleep(50);
    }
    return { child, pid: () => Number(readFileSync(join(dir, 'bird.pid'), 'utf8').trim()) };
  };
}

function startNecod(c: Case, dir: string, writers: number): () => Promise<Daemon> {
  return async () => {
    const sock = join(dir, 'necod.sock');
    const peers = (c.v6 ? FEEDERS_V6 : FEEDERS_V4).slice(0, c.feeders);
    writeFileSync(
      join(dir, 'necod.yaml'),
      [
        `router-id: ${R_V4}`,
        'asn: 64600',
        `listen: {address: "${c.v6 ? R_V6 : R_V4}", port: 179}`,
        `api: {socket: ${sock}}`,
        `log: {level: ${process.env.NECOD_LOG ?? 'warn'}}`,
        `kernel: {table: ${TABLE}, writers: ${writers}, writer: ${process.env.WRITER ?? 'auto'}${process.env.EXPORT === '0' ? ', export: false' : ''}}`,
        'neighbors:',
        ...peers.map((p, i) => `  - {name: f${i}, address: "${p}", remote-as: 64600, passive: true}`),
        '',
      ].join('\n'),
    );
    const launch = necodLaunch();
    const child = spawn('node', [...launch.nodeArgs, join(root, 'dist/src/cli/necod.js'), '--config', join(dir, 'necod.yaml')], {
      stdio: ['ignore', process.env.NECOD_LOG ? 'inherit' : 'ignore', 'inherit'],
      env: { ...process.env, ...launch.env },
    });
    for (let i = 0; i < 200; i++) {
      if (readdirSync(dir).includes('necod.sock')) break;
      await sleep(50);
    }
    await sleep(200);
    const rib = async (): Promise<{ prefixes: number; memory: { rss: number; heapUsed: number; arrayBuffers: number } }> =>
      JSON.parse(await new Promise<string>((resolve) => {
        const q = spawn('curl', ['-s', '--unix-socket', sock, 'http://necod/v1/rib'], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        q.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        q.on('close', () => resolve(out || '{"prefixes":0,"memory":{}}'));
      })) as { prefixes: number; memory: { rss: number; heapUsed: number; arrayBuffers: number } };
    return {
      child,
      pid: () => child.pid as number,
      count: process.env.EXPORT === '0' || process.env.COUNT === 'rib' ? async () => (await rib()).prefixes : undefined,
      memory: async () => {
        const m = (await rib()).memory;
        return `rss ${fmt(m.rss / 1048576, 1)} MiB, heap used ${fmt(m.heapUsed / 1048576, 1)} MiB, array buffers ${fmt(m.arrayBuffers / 1048576, 1)} MiB`;
      },
    };
  };
}

/**
 * The ceiling: the lines necod writes (routes on a nexthop object, `nhid N`, as with the default
 * nexthop-groups on this kernel; a group of two legs for ECMP), fed to `writers` `ip -batch`
 * processes as fast as they take them, nothing else running.
 */
async function ceiling(c: Case, writers: number): Promise<number> {
  flushTable();
  spawnSync('ip', ['nexthop', 'flush']);
  const vias = (c.v6 ? FEEDERS_V6 : FEEDERS_V4).slice(0, c.feeders);
  const head = vias.map((v, i) => `nexthop replace id ${i + 1} via ${v} dev kr0 proto 200`);
  let nhid = 1;
  if (vias.length > 1) {
    head.push(`nexthop replace id 9 group ${vias.map((_, i) => i + 1).join('/')} proto 200`);
    nhid = 9;
  }
  sh(['ip', '-batch', '-'], head.join('\n') + '\n');
  const lines: string[] = [];
  if (c.v6) {
    const t = ipv6Table(c.n);
    for (let i = 0; i < c.n; i++) lines.push(`route replace 2a00:${((t.addrs[16 * i + 2]! << 8) | t.addrs[16 * i + 3]!).toString(16)}:${(t.addrs[16 * i + 4]! << 8).toString(16)}::/48 proto 200 metric 32 table ${TABLE} nhid ${nhid}`);
  } else {
    const keys = ipv4FullTable(c.n).keys;
    for (let i = 0; i < c.n; i++) {
      const k = keys[i]!; // i < n, the table's size
      const a = Math.floor(k / 64);
      lines.push(`route replace ${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${k % 64} proto 200 metric 32 table ${TABLE} nhid ${nhid}`);
    }
  }
  const per = Math.ceil(lines.length / writers);
  const t0 = now();
  await Promise.all(
    Array.from({ length: writers }, (_, w) =>
      new Promise<void>((resolve) => {
        const child = spawn('ip', ['-batch', '-', '-force'], { stdio: ['pipe', 'ignore', 'ignore'] });
        child.on('close', () => resolve());
        child.stdin.end(lines.slice(w * per, (w + 1) * per).join('\n') + '\n');
      }),
    ),
  );
  const ms = now() - t0;
  flushTable();
  spawnSync('ip', ['nexthop', 'flush']);
  return ms;
}

interface CaseResult {
  c: Case;
  bird: Run[];
  necod: Run[];
  ceilingMs: number;
}

async function main(): Promise<void> {
  const feederNs = process.env.NECOD_BENCH_FEEDER_NS as string;
  const names = (process.env.CASES ?? 'v4-100k,ecmp-100k,v6-200k,v4-1m').split(',');
  const writers = Number(process.env.WRITERS ?? 2);
  const dir = mkdtempSync(join(tmpdir(), 'necod-kbench-'));
  const results: CaseResult[] = [];
  console.error(`necod runs as: ${describeLaunch(necodLaunch())}`);
  try {
    for (const name of names) {
      const c = ALL_CASES.find((x) => x.name === name);
      if (!c) throw new Error(`unknown case ${name}`);
      const res: CaseResult = { c, bird: [], necod: [], ceilingMs: process.env.EXPORT === '0' || process.env.NO_CEILING === '1' ? NaN : await ceiling(c, writers) };
      for (let r = 0; r < RUNS; r++) {
        if (process.env.EXPORT !== '0' && process.env.ONLY !== 'necod') res.bird.push(await runOne(c, feederNs, dir, startBird(c, dir)));
        res.necod.push(await runOne(c, feederNs, dir, startNecod(c, dir, writers)));
        const n = res.necod[r];
        const rss = n ? `, necod cpu ${fmt(n.cpu, 1)} s, RSS peak / final / settled ${[n.peakRss, n.finalRss, n.settledRss].map((x) => fmt(x / 1048576, 1)).join(' / ')} MiB` : '';
        console.error(`${name} run ${r + 1}: BIRD ${fmt(res.bird[r]?.ms ?? NaN)} ms, necod ${fmt(n?.ms ?? NaN)} ms${rss} (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
      }
      results.push(res);
      report([res], writers);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(results));
  if (process.argv.includes('--plot')) plot(results);
}

const MiB = 1048576;

function report(results: CaseResult[], writers: number): void {
  for (const { c, bird, necod, ceilingMs } of results) {
    const m = (xs: Run[], f: (r: Run) => number): number => median(xs.map(f));
    const row = (who: string, xs: Run[]): string =>
      `  ${who.padEnd(6)} ${fmt(m(xs, (r) => r.ms)).padStart(8)} ms  cpu ${fmt(m(xs, (r) => r.cpu), 1).padStart(5)} s  peak ${fmt(m(xs, (r) => r.peakRss) / MiB, 1).padStart(6)} MiB  final ${fmt(m(xs, (r) => r.finalRss) / MiB, 1).padStart(6)} MiB  settled ${fmt(m(xs, (r) => r.settledRss) / MiB, 1).padStart(6)} MiB  ${fmt(m(xs, (r) => (r.finalRss - r.baseRss) / c.n)).padStart(4)} B/route`;
    console.log(`${c.name}: ${fmt(c.n)} ${c.v6 ? 'IPv6' : 'IPv4'} routes, ${c.feeders} feeder${c.feeders > 1 ? 's (2-way ECMP)' : ''}, median of ${bird.length}`);
    if (bird.length > 0) console.log(row('BIRD', bird));
    console.log(row(process.env.EXPORT === '0' ? 'necod (export off, until in the RIB)' : 'necod', necod));
    if (bird.length === 0) continue;
    console.log(
      `  necod/BIRD: time ${fmt(m(necod, (r) => r.ms) / m(bird, (r) => r.ms), 2)}x  cpu ${fmt(m(necod, (r) => r.cpu) / m(bird, (r) => r.cpu), 2)}x  final RSS ${fmt(m(necod, (r) => r.finalRss) / m(bird, (r) => r.finalRss), 2)}x  peak RSS ${fmt(m(necod, (r) => r.peakRss) / m(bird, (r) => r.peakRss), 2)}x`,
    );
    console.log(`  ceiling: ${writers} ip -batch at full speed ${fmt(ceilingMs)} ms; necod at ${fmt((ceilingMs / m(necod, (r) => r.ms)) * 100)} % of it`);
  }
}

function plot(results: CaseResult[]): void {
  const out = join(root, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const dat = join(out, 'kernel-install.dat');
  const single = results.filter((r) => !r.c.v6 && r.c.feeders === 1).sort((a, b) => a.c.n - b.c.n);
  const lines = ['# routes bird_s necod_s bird_rss_mib necod_rss_mib bird_peak_mib necod_peak_mib'];
  for (const r of single) {
    const m = (xs: Run[], f: (x: Run) => number): number => median(xs.map(f));
    lines.push([r.c.n, m(r.bird, (x) => x.ms) / 1000, m(r.necod, (x) => x.ms) / 1000, m(r.bird, (x) => x.finalRss) / MiB, m(r.necod, (x) => x.finalRss) / MiB, m(r.bird, (x) => x.peakRss) / MiB, m(r.necod, (x) => x.peakRss) / MiB].map((v) => v.toFixed(3)).join(' '));
  }
  writeFileSync(dat, lines.join('\n') + '\n');
  const png = join(root, 'docs', 'kernel-install.png');
  const script = `set terminal pngcairo size 1000,420 font ",10"
set output '${png}'
set multiplot layout 1,2 title "Full table into kernel table 100 (IPv4, one feeder; median of ${RUNS})"
set logscale x
set xlabel "routes"
set key left top
set ylabel "first UPDATE -> all routes in the kernel (s)"
plot '${dat}' using 1:2 with linespoints title 'BIRD 2', '' using 1:3 with linespoints title 'necod'
set ylabel "RSS (MiB)"
plot '${dat}' using 1:4 with linespoints title 'BIRD 2 final', '' using 1:5 with linespoints title 'necod final', '' using 1:7 with linespoints dashtype 2 title 'necod peak'
unset multiplot
`;
  sh(['gnuplot'], script);
  console.log(`plot: ${png} (data ${dat})`);
}

// ---------------------------------------------------------------- namespaces

if (ROLE === 'feeder') {
  await feederMain();
} else if (ROLE === 'main') {
  await main();
} else {
  const id = process.pid;
  const rNs = `necod-kb-r-${id}`;
  const fNs = `necod-kb-f-${id}`;
  const must = (args: string[]) => sh(['ip', ...args]);
  must(['netns', 'add', rNs]);
  must(['netns', 'add', fNs]);
  try {
    for (const ns of [rNs, fNs]) {
      must(['-n', ns, 'link', 'set', 'lo', 'up']);
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    }
    must(['-n', rNs, 'link', 'add', 'kr0', 'type', 'veth', 'peer', 'name', 'kf0', 'netns', fNs]);
    must(['-n', rNs, 'addr', 'add', `${R_V4}/24`, 'dev', 'kr0']);
    must(['-n', rNs, 'addr', 'add', `${R_V6}/64`, 'dev', 'kr0', 'nodad']);
    for (const a of FEEDERS_V4) must(['-n', fNs, 'addr', 'add', `${a}/24`, 'dev', 'kf0']);
    for (const a of FEEDERS_V6) must(['-n', fNs, 'addr', 'add', `${a}/64`, 'dev', 'kf0', 'nodad']);
    // Lookups from an unused address go to table 100: the probe of lastPresent().
    must(['-n', rNs, 'addr', 'add', `${PROBE_FROM_V4}/32`, 'dev', 'lo']);
    must(['-n', rNs, 'addr', 'add', `${PROBE_FROM_V6}/128`, 'dev', 'lo', 'nodad']);
    must(['-n', rNs, 'rule', 'add', 'from', PROBE_FROM_V4, 'lookup', String(TABLE), 'pref', '100']);
    must(['-n', rNs, '-6', 'rule', 'add', 'from', PROBE_FROM_V6, 'lookup', String(TABLE), 'pref', '100']);
    must(['-n', rNs, 'link', 'set', 'kr0', 'up']);
    must(['-n', fNs, 'link', 'set', 'kf0', 'up']);
    const r = spawnSync('ip', ['netns', 'exec', rNs, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, NECOD_BENCH_ROLE: 'main', NECOD_BENCH_FEEDER_NS: fNs },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    spawnSync('ip', ['netns', 'del', rNs]);
    spawnSync('ip', ['netns', 'del', fNs]);
  }
}

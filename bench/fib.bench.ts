// Kernel FIB throughput and failover, as root, in fresh network namespaces.
//
// Install: the same route list written (a) by one plain `ip -batch FILE` (the ceiling: nothing
// can feed the kernel faster through iproute2), (b) through necod's BatchWriter (rendering plus
// streaming into ip's stdin), (c) through the whole Fib (set() per prefix, coalescing, diff,
// render, write, results), and (d) with two ip processes in parallel. Ratios are against (a)
// measured in the same run, alternating, each on its own fresh namespace.
//
// Failover: routes on a 2-way ECMP group lose one next hop (nextHopDown); time until the kernel
// change is confirmed, with nexthop groups (one object write) and with inline next hops (every
// route rewritten), for 10k and 100k routes, with the kernel's nexthop_compat_mode 1 (default)
// and 0.
//
// Usage: node dist/bench/fib.bench.js [--quick] [--sizes 100000,1000000] [--reps 3] [--out FILE]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderChange } from '../src/kernel/batch-lines.js';
import { BatchWriter } from '../src/host/batch-writers.js';
import { Fib, type BatchReport } from '../src/kernel/fib.js';
import { FibModel } from '../src/kernel/fib-model.js';
import { LegTable } from '../src/kernel/leg-set.js';
import type { DesiredRoute, RouteTag } from '../src/kernel/types.js';
import { fmt, gc, median } from './lib/stats.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes('--quick');
const SIZES = (flag('--sizes') ?? (QUICK ? '20000' : '100000,1000000')).split(',').map(Number);
const REPS = Number(flag('--reps') ?? (QUICK ? 1 : 3));
const OUT = flag('--out') ?? (QUICK ? null : 'docs/performance-kernel.md');
const FAILOVER_SIZES = QUICK ? [2_000, 20_000] : [10_000, 100_000];
const TAG: RouteTag = { protocol: 200, metric: 32, table: 254 };
const GW_A = '10.1.0.1';
const GW_B = '10.2.0.1';

if (process.getuid?.() !== 0) {
  console.error('fib.bench: needs root (network namespaces)');
  process.exit(1);
}

// ------------------------------------------------------------------ namespaces

const live = new Set<string>();
process.on('exit', () => {
  for (const ns of live) spawnSync('ip', ['netns', 'del', ns]);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

function sh(argv: string[]): void {
  const [command = '', ...args] = argv;
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
}

function makeNs(compatMode = 1): string {
  const ns = `necod-k-${randomBytes(4).toString('hex')}`;
  sh(['ip', 'netns', 'add', ns]);
  live.add(ns);
  const ip = (...a: string[]): void => sh(['ip', '-n', ns, ...a]);
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1');
  ip('link', 'add', 'b0', 'type', 'veth', 'peer', 'name', 'b1');
  for (const l of ['a0', 'a1', 'b0', 'b1']) ip('link', 'set', l, 'up');
  ip('addr', 'add', '10.1.0.5/24', 'dev', 'a0');
  ip('addr', 'add', '10.2.0.5/24', 'dev', 'b0');
  sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', `net.ipv4.nexthop_compat_mode=${compatMode}`]);
  return ns;
}

async function dropNs(ns: string): Promise<void> {
  spawnSync('ip', ['netns', 'del', ns]);
  live.delete(ns);
  // The kernel frees a big table in the background; let it finish before the next measurement.
  await new Promise((r) => setTimeout(r, 1500));
}

function countRoutes(ns: string): number {
  const r = spawnSync('sh', ['-c', `ip -n ${ns} -4 route show proto 200 | grep -c '^[0-9]'`], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return Number(r.stdout.trim() || 0);
}

// ------------------------------------------------------------------ route lists

type Shape = 'single' | 'ecmp';
type Form = 'inline' | 'nhid';

const prefix = (i: number): string => `${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;

// One next-hop array per shape, shared by every route, as the RIB's interned attributes give it.
const HOPS: Record<Shape, DesiredRoute['nextHops']> = {
  single: [{ via: GW_A, dev: null }],
  ecmp: [{ via: GW_A, dev: null }, { via: GW_B, dev: null }],
};

function desired(i: number, shape: Shape): DesiredRoute {
  return { prefix: prefix(i), kind: 'unicast', nextHops: HOPS[shape] };
}

/** The lines necod writes for this list: nexthop objects first in the nhid form. */
function lines(n: number, shape: Shape, form: Form): string[] {
  const legs = new LegTable();
  const model = new FibModel({ min: 200_000_000, max: 200_999_999 }, legs);
  const set = legs.set(shape === 'single' ? [legs.leg(GW_A, 'a0')] : [legs.leg(GW_A, 'a0'), legs.leg(GW_B, 'b0')])!;
  const out: string[] = [];
  let route = model.inlineRoute(set);
  if (form === 'nhid') {
    out.push(`nexthop replace id 200000000 via ${GW_A} dev a0 proto 200`, `nexthop replace id 200000001 via ${GW_B} dev b0 proto 200`);
    if (shape === 'ecmp') out.push('nexthop replace id 200000002 group 200000000/200000001 proto 200');
    route = { type: 'nhid', nhid: shape === 'ecmp' ? 200000002 : 200000000 };
  }
  for (let i = 0; i < n; i++) out.push(renderChange({ op: 'route-replace', prefix: prefix(i), route }, TAG));
  return out;
}

// ------------------------------------------------------------------ install runs

interface Run {
  ms: number;
  heapMB?: number;
}

function rawBatch(ns: string, file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('ip', ['-n', ns, '-batch', file, '-force'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c.slice(0, 2000)));
    p.once('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0 }) : reject(new Error(`raw ip -batch: ${code} ${err}`))));
  });
}

async function writerRun(ns: string, n: number, shape: Shape, form: Form, parallel: number): Promise<Run> {
  const w = new BatchWriter({ netns: ns, writers: parallel, parallelMin: 10_000 });
  w.warm();
  await new Promise((r) => setTimeout(r, 50));
  // Rendering is part of the writer's work; building the change list is the differ's.
  const legs = new LegTable();
  const model = new FibModel({ min: 1, max: 10 }, legs);
  const set = legs.set(shape === 'single' ? [legs.leg(GW_A, 'a0')] : [legs.leg(GW_A, 'a0'), legs.leg(GW_B, 'b0')])!;
  const head = form === 'nhid' ? lines(0, shape, 'nhid') : [];
  const route = form === 'nhid' ? ({ type: 'nhid', nhid: shape === 'ecmp' ? 200000002 : 200000000 } as const) : model.inlineRoute(set);
  const prefixes = Array.from({ length: n }, (_, i) => prefix(i));
  const t0 = performance.now();
  const out = head.slice();
  for (const p of prefixes) out.push(renderChange({ op: 'route-replace', prefix: p, route }, TAG));
  const r = await w.run({ lines: out, barrier: head.length });
  const ms = performance.now() - t0;
  await w.close();
  if (r.errors.size > 0) throw new Error(`writer: ${r.errors.size} errors, first ${[...r.errors.values()][0]}`);
  return { ms };
}

async function fibRun(ns: string, n: number, shape: Shape, form: Form, monitor: boolean): Promise<Run> {
  const fib = new Fib({ netns: ns, nexthopGroups: form === 'nhid' ? 'on' : 'off', verifyIntervalMs: 0, monitor });
  await fib.start();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  await feed(fib, n, shape);
  await fib.settled();
  const ms = performance.now() - t0;
  gc();
  const heapMB = (process.memoryUsage().heapUsed - heap0) / 1e6;
  const c = fib.counters();
  if (c.routesInstalled !== n) throw new Error(`fib installed ${c.routesInstalled} of ${n} (${c.failures} failures)`);
  await fib.stop({ keep: true });
  return { ms, heapMB };
}

/** Hands routes over as the RIB does: in slices, yielding to the event loop between them. */
async function feed(fib: Fib, n: number, shape: Shape): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + 10_000);
    for (; i < end; i++) {
      const d = desired(i, shape);
      fib.set(d.prefix ?? "", d);
    }
    await new Promise((r) => setImmediate(r));
  }
}

interface InstallRow {
  n: number;
  shape: Shape;
  form: Form;
  raw: number;
  writer: number;
  fib: number;
  writer2: number;
  fibQuiet: number;
  heapMB: number;
}

async function measureInstall(n: number, shape: Shape, form: Form): Promise<InstallRow> {
  const dir = mkdtempSync(join(tmpdir(), 'necod-fib-bench-'));
  const file = join(dir, 'routes.batch');
  writeFileSync(file, lines(n, shape, form).join('\n') + '\n');
  const reps = n >= 1_000_000 ? 1 : REPS;
  const t: Record<'raw' | 'writer' | 'fib' | 'writer2' | 'fibQuiet', number[]> = { raw: [], writer: [], fib: [], writer2: [], fibQuiet: [] };
  const heap: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of ['raw', 'writer', 'fib', 'writer2', 'fibQuiet'] as const) {
      const ns = makeNs();
      let run: Run;
      if (kind === 'raw') run = await rawBatch(ns, file);
      else if (kind === 'writer' || kind === 'writer2') run = await writerRun(ns, n, shape, form, kind === 'writer' ? 1 : 2);
      else run = await fibRun(ns, n, shape, form, kind === 'fib');
      const got = countRoutes(ns);
      if (got !== n) throw new Error(`${kind}: ${got} routes in the kernel, expected ${n}`);
      t[kind].push(run.ms);
      if (run.heapMB !== undefined && kind === 'fib') heap.push(run.heapMB);
      console.log(`  ${kind.padEnd(7)} ${fmt(n)} ${shape} ${form}: ${fmt(run.ms)} ms (${fmt((n / run.ms) * 1000)} routes/s)`);
      await dropNs(ns);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return { n, shape, form, raw: median(t.raw), writer: median(t.writer), fib: median(t.fib), writer2: median(t.writer2), fibQuiet: median(t.fibQuiet), heapMB: median(heap) };
}

// ------------------------------------------------------------------ failover

interface FailoverRow {
  n: number;
  mode: 'groups' | 'inline';
  compat: number;
  ms: number;
  lines: number;
}

async function measureFailover(n: number, mode: 'groups' | 'inline', compat: number): Promise<FailoverRow> {
  const times: number[] = [];
  let lineCount = 0;
  const reps = mode === 'inline' && n >= 100_000 ? 1 : REPS;
  for (let rep = 0; rep < reps; rep++) {
    const ns = makeNs(compat);
    const fib = new Fib({ netns: ns, nexthopGroups: mode === 'groups' ? 'on' : 'off', verifyIntervalMs: 0 });
    await fib.start();
    await feed(fib, n, 'ecmp');
    await fib.settled();
    await new Promise((r) => setTimeout(r, 300));
    const batches: BatchReport[] = [];
    fib.on('batch', (b: BatchReport) => batches.push(b));
    const t0 = performance.now();
    fib.nextHopDown(GW_A);
    if (mode === 'groups') {
      // Done when the group write is confirmed: the kernel moves every route with it.
      await new Promise<void>((resolve) => fib.once('batch', () => resolve()));
    } else {
      await fib.settled();
    }
    const ms = performance.now() - t0;
    await fib.settled();
    lineCount = mode === 'groups' ? (batches[0]?.lines ?? 0) : batches.reduce((s, b) => s + b.lines, 0);
    // Check what the kernel does now: every route on B alone.
    const r = spawnSync('sh', ['-c', `ip -n ${ns} -4 route show proto 200 | grep -c '${GW_A}'`], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const onA = Number(r.stdout.trim() || 0);
    if (compat === 1 && onA !== 0) throw new Error(`${onA} routes still use ${GW_A}`);
    if (compat === 0) {
      const nh = spawnSync('ip', ['-n', ns, 'nexthop', 'show'], { encoding: 'utf8' }).stdout;
      if (nh.includes(GW_A)) throw new Error(`a nexthop object still uses ${GW_A}`);
    }
    times.push(ms);
    console.log(`  failover ${mode} compat=${compat} ${fmt(n)}: ${fmt(ms, 2)} ms, ${lineCount} lines`);
    await fib.stop({ keep: true });
    await dropNs(ns);
  }
  return { n, mode, compat, ms: median(times), lines: lineCount };
}

// ------------------------------------------------------------------ main

const installs: InstallRow[] = [];
for (const n of SIZES) {
  for (const [shape, form] of [['single', 'inline'], ['ecmp', 'inline'], ['ecmp', 'nhid']] as const) {
    console.log(`install ${fmt(n)} ${shape} ${form}`);
    installs.push(await measureInstall(n, shape, form));
  }
}
const failovers: FailoverRow[] = [];
for (const n of FAILOVER_SIZES) {
  for (const compat of [1, 0]) failovers.push(await measureFailover(n, 'groups', compat));
  failovers.push(await measureFailover(n, 'inline', 1));
}

const rate = (n: number, ms: number): string => fmt((n / ms) * 1000);
const pct = (raw: number, ms: number): string => `${fmt((raw / ms) * 100)} %`;
const out: string[] = [];
out.push('# Kernel FIB performance');
out.push('');
out.push(`Measured by \`bench/fib.bench.ts\` (\`node dist/bench/fib.bench.js\`, as root) on ${new Date().toISOString().slice(0, 10)}:`);
out.push(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Linux ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, ${spawnSync('ip', ['-V'], { encoding: 'utf8' }).stdout.trim()}, Node ${process.version}.`);
out.push(`Medians of ${REPS} runs (1M: one run), each on a fresh network namespace; the machine is shared, so compare ratios, not absolute numbers.`);
out.push('');
out.push('## Install');
out.push('');
out.push('Routes are /24s on one next hop (`single`) or two (`ecmp`), written inline (`via …` / `nexthop via … nexthop via …`) or as `nhid N` on nexthop objects. The ceiling is one `ip -batch FILE` over exactly the lines necod writes.');
out.push('');
out.push('| routes | shape | form | ceiling routes/s | writer routes/s | writer / ceiling | writer ×2 / ceiling | Fib routes/s | Fib / ceiling | Fib unwatched / ceiling | Fib heap MB |');
out.push('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of installs) {
  out.push(`| ${fmt(r.n)} | ${r.shape} | ${r.form} | ${rate(r.n, r.raw)} | ${rate(r.n, r.writer)} | ${pct(r.raw, r.writer)} | ${pct(r.raw, r.writer2)} | ${rate(r.n, r.fib)} | ${pct(r.raw, r.fib)} | ${pct(r.raw, r.fibQuiet)} | ${fmt(r.heapMB)} |`);
}
out.push('');
out.push('`writer`: BatchWriter rendering the change list and running it through one `ip -batch` (a batch file for large batches). `writer ×2`: the route lines split over two ip processes at once. `Fib`: the whole manager from the first `set()` (routes handed over in slices of 10 000, yielding between them, as the RIB does) to every route confirmed: coalescing, next-hop resolution, diff, render, write, results, with `ip monitor` watching (it pauses while batches of 10 000 lines or more are written, and necod reads everything back afterwards, because every route necod adds would come back as an event to format and read). `Fib unwatched`: the same without `ip monitor` at all. `Fib heap`: V8 heap held by the manager after the install.');
out.push('');
out.push('## Failover');
out.push('');
out.push('Routes on a 2-way ECMP pair lose one next hop (`nextHopDown`). Time from the call until the kernel has confirmed the change; afterwards every route is checked to use the remaining next hop only.');
out.push('');
out.push('| routes | mode | nexthop_compat_mode | ms | lines written |');
out.push('| ---: | --- | ---: | ---: | ---: |');
for (const f of failovers) out.push(`| ${fmt(f.n)} | ${f.mode === 'groups' ? 'nexthop group' : 'inline next hops'} | ${f.mode === 'groups' ? f.compat : '—'} | ${fmt(f.ms, 2)} | ${fmt(f.lines)} |`);
out.push('');
out.push('With nexthop groups the write is one line whatever the number of routes. With the kernel default `nexthop_compat_mode=1` the kernel itself then sends a route notification for every route on the group, which costs time in proportion to the routes; with `net.ipv4.nexthop_compat_mode=0` most of that work goes (but `ip route show` then prints only `nhid N` for such routes); what remains on this kernel still grows with the routes on the group. necod\'s own part, from the call to the line being in the kernel through a long-lived ip, is well under a millisecond.');
const text = out.join('\n') + '\n';
console.log('\n' + text);
if (OUT) {
  writeFileSync(OUT, text);
  console.log(`written to ${OUT}`);
}
process.exit(0);

// BFD detection time, necod against BIRD 2 and FRR bfdd in the same run: two namespaces joined by
// a veth pair; in the "peer" namespace one BIRD answers three sessions, one to each device under
// test in the "dut" namespace (necod's BFD process, BIRD's protocol bfd, FRR's bfdd), all
// with the same interval × 3. A trial installs one nftables rule set in the peer namespace that
// silences all three sessions at once, and takes for each DUT the time from the rules being in
// place to its Up → Down (necod: the BFD process's event timestamp; BIRD and FRR: their microsecond
// log timestamps). Medians and worsts per interval, ratios to BIRD and FRR, and a CSV and a
// gnuplot plot of every trial. Then false Downs: necod's main thread blocked in bursts (as a
// full-table install would) while its BFD runs at 20 × 3 and 10 × 3.
// Needs root, bird, /usr/lib/frr/bfdd, nft; run with `node dist/bench/bfd.bench.js`
// (TRIALS=20 by default, INTERVALS=300,100,50,20,10, PLOT=docs/bfd-detection.png).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { median } from './lib/stats.js';
import { sleep, waitFor } from '../test/support/wait.js';

const TRIALS = Number(process.env.TRIALS ?? 20);
const INTERVALS = (process.env.INTERVALS ?? '300,100,50,20,10').split(',').map(Number);
const MULT = 3;
// One link and namespace per DUT: BIRD and bfdd both listen on the wildcard address of 3784.
const LINKS = { necod: { peer: '10.77.1.1', dut: '10.77.1.2' }, bird: { peer: '10.77.2.1', dut: '10.77.2.2' }, frr: { peer: '10.77.3.1', dut: '10.77.3.2' } } as const;
type Dut = keyof typeof LINKS;
const NAMES: readonly Dut[] = ['necod', 'bird', 'frr'];
const root = new URL('..', import.meta.url).pathname.replace(/dist\/$/, '');
const FRR = '/usr/lib/frr';
/** A Down this much before the nft call returned still belongs to the cut (the rules apply during the call). */
const SLACK_MS = 5;

function sh(argv: string[], input?: string): string {
  const [command = '', ...args] = argv;
  return execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}


/** `2026-12-04 21:19:22.911811` or `2026/12/04 21:19:35.244951` (the host's clock is UTC). */
function logTime(date: string, time: string): number {
  return Date.parse(`${date.replaceAll('/', '-')}T${time.slice(0, 8)}Z`) + Number(`0.${time.slice(9)}`) * 1000;
}

// ---- the necod device under test: the BFD process, started by a daemon-less process ------------

async function runNecodDut(): Promise<void> {
  const { BfdProcess } = await import('../src/bfd/bfd-process.js');
  const busyMs = Number(process.env.BUSY_MS ?? 0);
  const thread = new BfdProcess({
    onState: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
    onError: (_id, message) => process.stderr.write(`${message}\n`),
  });
  const spec = (ms: number) => ({
    id: LINKS.necod.peer,
    local: LINKS.necod.dut,
    remote: LINKS.necod.peer,
    multihop: false,
    config: { desiredMinTxUs: ms * 1000, requiredMinRxUs: ms * 1000, detectMult: MULT },
    auth: null,
  });
  thread.add(spec(Number(process.env.INTERVAL ?? 1000)));
  // A main thread that blocks for busyMs out of every busyMs + 50 ms, as a big install would.
  if (busyMs > 0) {
    const burn = () => {
      const until = performance.now() + busyMs;
      let x = 0;
      while (performance.now() < until) x += Math.sqrt(x + 1);
      if (Number.isNaN(x)) process.stderr.write('');
      setTimeout(burn, 50);
    };
    setTimeout(burn, 50);
  }
  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, arg] = line.split(' ');
    if (cmd === 'interval') thread.change(spec(Number(arg)));
    if (cmd === 'stop') break;
  }
  await thread.stop();
  process.exit(0);
}

// ---- the lab --------------------------------------------------------------------------------------

interface Lab {
  dir: string;
  p: string;
  d: Record<Dut, string>;
  procs: ChildProcess[];
  necod: { child: ChildProcess; events: { to: string; from: string; at: number }[] };
}

function birdConf(routerId: string, log: string, interval: number, neighbors: [string, string][]): string {
  return [
    `router id ${routerId};`,
    `log "${log}" all;`,
    'timeformat log "%F %T.%6f";',
    'protocol device {}',
    'protocol bfd {',
    `  interface "*" { min rx interval ${interval} ms; min tx interval ${interval} ms; multiplier ${MULT}; };`,
    ...neighbors.map(([n, l]) => `  neighbor ${n} local ${l};`),
    '  debug { states, events };',
    '}',
    '',
  ].join('\n');
}

function frrConf(interval: number, log: string): string {
  return ['hostname dut', `log file ${log} debugging`, 'log timestamp precision 6', 'debug bfd peer', 'bfd', ` peer ${LINKS.frr.peer} local-address ${LINKS.frr.dut}`, `  receive-interval ${interval}`, `  transmit-interval ${interval}`, `  detect-multiplier ${MULT}`, ' !', '!', ''].join('\n');
}

function startNecod(lab: Lab, env: Record<string, string> = {}): Lab['necod'] {
  const child = spawn('ip', ['netns', 'exec', lab.d.necod, process.execPath, ...process.argv.slice(1, 2), '--dut'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const events: Lab['necod']['events'] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => events.push(JSON.parse(l) as { to: string; from: string; at: number }));
  lab.procs.push(child);
  return { child, events };
}

function setup(interval: number): Lab {
  const id = `${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'necod-bfd-bench-'));
  chmodSync(dir, 0o711);
  const d = Object.fromEntries(NAMES.map((n) => [n, `necod-bfdb-${id}-${n}`])) as Record<Dut, string>;
  const lab: Lab = { dir, p: `necod-bfdb-${id}-p`, d, procs: [], necod: null as unknown as Lab['necod'] };
  for (const ns of [lab.p, ...Object.values(d)]) {
    sh(['ip', 'netns', 'add', ns]);
    sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  }
  for (const n of NAMES) {
    sh(['ip', '-n', lab.p, 'link', 'add', `p-${n}`, 'type', 'veth', 'peer', 'name', 'd0', 'netns', d[n]]);
    sh(['ip', '-n', lab.p, 'addr', 'add', `${LINKS[n].peer}/24`, 'dev', `p-${n}`]);
    sh(['ip', '-n', d[n], 'addr', 'add', `${LINKS[n].dut}/24`, 'dev', 'd0']);
    sh(['ip', '-n', lab.p, 'link', 'set', `p-${n}`, 'up']);
    sh(['ip', '-n', d[n], 'link', 'set', 'd0', 'up']);
  }
  sh(['ip', 'netns', 'exec', lab.p, 'nft', '-f', '-'], 'table inet necod_bench {\n chain in { type filter hook input priority -10; }\n chain out { type filter hook output priority -10; }\n}\n');
  writePeerConfigs(dir, interval);
  mkdirSync(join(dir, 'frr'));
  const frrUser = sh(['id', '-u', 'frr']).trim();
  const frrGroup = sh(['id', '-g', 'frr']).trim();
  chownSync(join(dir, 'frr'), Number(frrUser), Number(frrGroup));
  writeFileSync(join(dir, 'frr', 'bfdd.conf'), frrConf(interval, join(dir, 'frr', 'bfdd.log')));
  sh(['ip', 'netns', 'exec', lab.p, 'bird', '-c', join(dir, 'peer.conf'), '-s', join(dir, 'peer.ctl'), '-P', join(dir, 'peer.pid')]);
  sh(['ip', 'netns', 'exec', lab.d.bird, 'bird', '-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-P', join(dir, 'bird.pid')]);
  const frrArgs = ['-f', join(dir, 'frr', 'bfdd.conf'), '-i', join(dir, 'frr', 'bfdd.pid'), '--vty_socket', join(dir, 'frr'), '--bfdctl', join(dir, 'frr', 'bfdd.sock'), '-u', 'frr', '-g', 'frr', '-P', '0'];
  lab.procs.push(spawn('ip', ['netns', 'exec', lab.d.frr, `${FRR}/bfdd`, ...frrArgs], { stdio: 'ignore' }));
  lab.necod = startNecod(lab, { INTERVAL: String(interval) });
  return lab;
}

function teardown(lab: Lab): void {
  for (const pid of ['peer.pid', 'bird.pid']) {
    const f = join(lab.dir, pid);
    if (existsSync(f)) spawnSync('kill', [readFileSync(f, 'utf8').trim()]);
  }
  lab.necod.child.stdin?.end('stop\n');
  for (const p of lab.procs) p.kill('SIGTERM');
  spawnSync('sleep', ['0.5']);
  for (const ns of [lab.p, ...Object.values(lab.d)]) {
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const pid of pids) spawnSync('kill', ['-9', pid]);
    spawnSync('ip', ['netns', 'del', ns]);
  }
  const frrPid = join(lab.dir, 'frr', 'bfdd.pid');
  if (existsSync(frrPid)) rmSync(`/var/tmp/frr/bfdd.${readFileSync(frrPid, 'utf8').trim()}`, { recursive: true, force: true });
  rmSync(lab.dir, { recursive: true, force: true });
}

// ---- state and Down times of each DUT ---------------------------------------------------------------

function upNow(lab: Lab, dut: Dut): boolean {
  if (dut === 'necod') return lab.necod.events.at(-1)?.to === 'Up';
  if (dut === 'bird') return /\bUp\b/.test(sh(['birdc', '-s', join(lab.dir, 'bird.ctl'), 'show', 'bfd', 'sessions']));
  return sh(['vtysh', '--vty_socket', join(lab.dir, 'frr'), '-d', 'bfdd', '-c', 'show bfd peers brief']).includes(' up');
}

/** The first Up → Down of `dut` after `since` (wall ms), or null. */
function downAfter(lab: Lab, dut: Dut, since: number): number | null {
  if (dut === 'necod') return lab.necod.events.find((e) => e.from === 'Up' && e.to === 'Down' && e.at >= since)?.at ?? null;
  const [file, re] =
    dut === 'bird'
      ? [join(lab.dir, 'bird.log'), /^(\S+) (\S+) <TRACE> bfd\d*: Session to \S+ changed state from Up to Down/]
      : [join(lab.dir, 'frr', 'bfdd.log'), /^(\S+) (\S+) BFD: .*state-change: .* up -> down/];
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = re.exec(line);
    if (m === null) continue;
    const t = logTime(m[1] ?? '', m[2] ?? '');
    if (t >= since) return t;
  }
  return null;
}

function writePeerConfigs(dir: string, ms: number): void {
  writeFileSync(join(dir, 'peer.conf'), birdConf(LINKS.necod.peer, join(dir, 'peer.log'), ms, NAMES.map((n) => [LINKS[n].dut, LINKS[n].peer])));
  writeFileSync(join(dir, 'bird.conf'), birdConf(LINKS.bird.dut, join(dir, 'bird.log'), ms, [[LINKS.bird.peer, LINKS.bird.dut]]));
}

async function setIntervals(lab: Lab, ms: number): Promise<void> {
  writePeerConfigs(lab.dir, ms);
  sh(['birdc', '-s', join(lab.dir, 'peer.ctl'), 'configure']);
  sh(['birdc', '-s', join(lab.dir, 'bird.ctl'), 'configure']);
  sh(['vtysh', '--vty_socket', join(lab.dir, 'frr'), '-d', 'bfdd', '-c', 'configure terminal', '-c', 'bfd', '-c', `peer ${LINKS.frr.peer} local-address ${LINKS.frr.dut}`, '-c', `receive-interval ${ms}`, '-c', `transmit-interval ${ms}`]);
  lab.necod.child.stdin?.write(`interval ${ms}\n`);
}

const DUT_SET = `{ ${NAMES.map((n) => LINKS[n].dut).join(', ')} }`;
const cut = (lab: Lab) => sh(['ip', 'netns', 'exec', lab.p, 'nft', '-f', '-'], `add rule inet necod_bench out ip daddr ${DUT_SET} drop\nadd rule inet necod_bench in ip saddr ${DUT_SET} drop\n`);
const heal = (lab: Lab) => sh(['ip', 'netns', 'exec', lab.p, 'nft', '-f', '-'], 'flush chain inet necod_bench out\nflush chain inet necod_bench in\n');

interface Trial {
  interval: number;
  trial: number;
  ms: Record<Dut, number | null>;
}

async function detection(): Promise<Trial[]> {
  const lab = setup(INTERVALS[0] ?? 300);
  const trials: Trial[] = [];
  try {
    await waitFor(() => NAMES.every((n) => upNow(lab, n)), { what: 'every DUT Up', timeoutMs: 30_000, intervalMs: 200 }).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${NAMES.map((n) => `${n} ${upNow(lab, n) ? 'Up' : 'not Up'}`).join(', ')}`);
    });
    for (const interval of INTERVALS) {
      await setIntervals(lab, interval);
      // Poll sequences settle, then the sessions run at the new rate for a while.
      await sleep(2000 + 10 * interval);
      for (let t = 0; t < TRIALS; t++) {
        await waitFor(() => NAMES.every((n) => upNow(lab, n)), { what: 'every DUT Up', timeoutMs: 30_000, intervalMs: 100 });
        await sleep(500 + Math.random() * interval);
        cut(lab);
        const t0 = performance.timeOrigin + performance.now();
        const limit = 3 * MULT * interval + 3000;
        const ms = {} as Record<Dut, number | null>;
        await waitFor(() => NAMES.every((n) => downAfter(lab, n, t0 - SLACK_MS) !== null) || null, { what: 'Down everywhere', timeoutMs: limit, intervalMs: 5 }).catch(() => null);
        for (const n of NAMES) {
          const at = downAfter(lab, n, t0 - SLACK_MS);
          ms[n] = at === null ? null : at - t0;
        }
        heal(lab);
        trials.push({ interval, trial: t, ms });
        process.stderr.write(`${interval} ms #${t}: ${NAMES.map((n) => `${n} ${ms[n]?.toFixed(1) ?? 'none'}`).join(', ')}\n`);
        // Each trial looks only at Downs after its own cut, so nothing is counted twice.
        await waitFor(() => NAMES.every((n) => upNow(lab, n)), { what: 'every DUT Up again', timeoutMs: 30_000, intervalMs: 100 });
      }
    }
  } finally {
    teardown(lab);
  }
  return trials;
}

/** necod's false Downs with its main thread blocked in bursts of `busyMs`, over `seconds`. */
async function falseDowns(interval: number, busyMs: number, seconds: number): Promise<string> {
  const lab = setup(interval);
  try {
    lab.necod.child.stdin?.end('stop\n');
    lab.necod.child.kill('SIGTERM');
    await sleep(300);
    lab.necod = startNecod(lab, { INTERVAL: String(interval), BUSY_MS: String(busyMs) });
    await waitFor(() => upNow(lab, 'necod'), { what: 'necod Up', timeoutMs: 30_000, intervalMs: 100 });
    await sleep(2000);
    lab.necod.events.length = 0;
    await sleep(seconds * 1000);
    const downs = lab.necod.events.filter((e) => e.from === 'Up' && e.to === 'Down') as { diag?: number }[];
    // diag 1: we heard nothing for a detection time; 3: the peer did not hear us.
    const byDiag = [1, 3].map((d) => `${downs.filter((e) => e.diag === d).length} with diag ${d}`).join(', ');
    return `${downs.length} (${byDiag})`;
  } finally {
    teardown(lab);
  }
}

function report(trials: Trial[]): void {
  const f = (x: number) => x.toFixed(1);
  console.log(`BFD detection, drop in place → Down, ms (${TRIALS} trials each, multiplier ${MULT}; theoretical detection = ${MULT} × interval)`);
  console.log('interval  theory  necod median/worst  BIRD median/worst  FRR median/worst  necod÷BIRD  necod÷FRR  missed (necod/BIRD/FRR)');
  for (const interval of INTERVALS) {
    const rows = trials.filter((t) => t.interval === interval);
    const col = (n: Dut) => rows.map((r) => r.ms[n]).filter((x): x is number => x !== null);
    const s = Object.fromEntries(NAMES.map((n) => [n, { med: median(col(n)), worst: Math.max(...col(n)), missed: rows.length - col(n).length }])) as Record<Dut, { med: number; worst: number; missed: number }>;
    console.log(
      `${String(interval).padStart(5)} ms  ${String(MULT * interval).padStart(5)}   ${f(s.necod.med).padStart(7)} / ${f(s.necod.worst).padStart(7)}   ${f(s.bird.med).padStart(7)} / ${f(s.bird.worst).padStart(7)}   ${f(s.frr.med).padStart(7)} / ${f(s.frr.worst).padStart(7)}   ${(s.necod.med / s.bird.med).toFixed(2).padStart(9)}  ${(s.necod.med / s.frr.med).toFixed(2).padStart(9)}  ${s.necod.missed}/${s.bird.missed}/${s.frr.missed}`,
    );
  }
}

function plot(trials: Trial[], png: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'necod-bfd-plot-'));
  const csv = join(dir, 'trials.dat');
  writeFileSync(csv, trials.map((t, i) => `${i} ${t.interval} ${t.ms.necod ?? 'NaN'} ${t.ms.bird ?? 'NaN'} ${t.ms.frr ?? 'NaN'}`).join('\n') + '\n');
  const script = [
    'set terminal pngcairo size 1000,560',
    `set output '${png}'`,
    "set title 'BFD detection time per trial (drop in place → Down), multiplier 3'",
    "set xlabel 'trial (grouped by interval: ' . '" + INTERVALS.join(', ') + " ms)'",
    "set ylabel 'ms (log scale)'",
    'set logscale y',
    'set key top right',
    'set grid ytics',
    `plot '${csv}' using 1:($2*3) with steps lw 1 lc rgb '#999999' title 'theory (3 × interval)', '' using 1:3 with points pt 7 ps 0.6 title 'necod', '' using 1:4 with points pt 5 ps 0.6 title 'BIRD 2', '' using 1:5 with points pt 9 ps 0.6 title 'FRR bfdd'`,
  ].join('\n');
  spawnSync('gnuplot', ['-e', script.replaceAll('\n', '; ')], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (process.argv.includes('--dut')) return runNecodDut();
  if (process.env.DETECTION !== '0') {
    const trials = await detection();
    report(trials);
    if (process.env.PLOT !== '') plot(trials, process.env.PLOT ?? join(root, 'docs/bfd-detection.png'));
  }
  if (process.env.FALSE_DOWNS !== '0') {
    console.log(`\nnecod false Downs, main thread blocked ${process.env.BURST_MS ?? 400} ms out of every ${Number(process.env.BURST_MS ?? 400) + 50} ms, ${process.env.FALSE_DOWN_SECONDS ?? 30} s each:`);
    const seconds = Number(process.env.FALSE_DOWN_SECONDS ?? 30);
    for (const interval of [20, 10]) console.log(`  ${interval} ms × 3: ${await falseDowns(interval, Number(process.env.BURST_MS ?? 400), seconds)}`);
  }
}

await main();

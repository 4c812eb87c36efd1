// BFD failover into the kernel, necod against BIRD 2 in the same run: a server namespace with two
// uplinks to one peer namespace, where a BIRD announces N prefixes over eBGP on both links with
// BFD on each, so the server's kernel holds N routes over a 2-way ECMP. The device under test is
// necod (nexthop groups, the BFD process writing the prepared group change itself) or BIRD 2
// (`protocol kernel` with `merge paths`, one route rewrite per prefix). A trial drops every packet
// on the first link in the peer namespace (one nftables change) and takes, from `ip -ts monitor
// route nexthop` in the server namespace, the moment the kernel no longer uses that next hop for
// any of the N routes: for necod the first group change that leaves it out, for BIRD the last of
// the N route rewrites. Printed per size: drop → Down (necod: the session's `since`; BIRD: its
// microsecond log), Down → kernel and drop → kernel, median and worst, and necod ÷ BIRD.
// Not a test: it asserts nothing. Root; `npm run build && node dist/bench/bfd-failover.bench.js`
// (FAILOVER_SIZES=10,100000, FAILOVER_TRIALS=5, FAILOVER_BFD_MS=50, FAILOVER_DAEMONS=necod,bird,
// FAILOVER_COMPAT=0 to run with net.ipv4.nexthop_compat_mode=0 in the server namespace).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BirdPeer, Lab, NecodPeer, cleanupStale, exec, sleep, waitFor, type RouteSpec } from '../test/interop/harness/index.js';
import { median } from './lib/stats.js';

type Daemon = 'necod' | 'bird';
const SIZES = (process.env.FAILOVER_SIZES ?? '10,100000').split(',').map(Number);
const TRIALS = Number(process.env.FAILOVER_TRIALS ?? 5);
const BFD_MS = Number(process.env.FAILOVER_BFD_MS ?? 50);
const MULT = 3;
const DAEMONS = (process.env.FAILOVER_DAEMONS ?? 'necod,bird').split(',').filter((d): d is Daemon => d === 'necod' || d === 'bird');
const PEER_AS = 65000;
const DUT_AS = 65001;
const LINKS = [
  { peer: '10.78.1.1', dut: '10.78.1.2', peerIf: 'p-a', dutIf: 'up-a' },
  { peer: '10.78.2.1', dut: '10.78.2.2', peerIf: 'p-b', dutIf: 'up-b' },
] as const;
const DEAD = LINKS[0];
const TABLE = 'necod_failover';
/** necod's routing protocol number (rt_protos name `necod` where packaging/rt_protos.d is installed). */
const NECOD_PROTO = '200';

/** Prefix i of the announced table: /28s from 100.64.0.0 (room for 262 144). */
function prefixOf(i: number): string {
  const a = (100 << 24) + (64 << 16) + i * 16;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/28`;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

/** `[2026-12-06T16:15:11.451252]` (ip -ts, TZ=UTC) → wall ms with the microseconds. */
function monitorTime(stamp: string): number {
  return Date.parse(`${stamp.slice(0, 19)}Z`) + Number(`0.${stamp.slice(20)}`) * 1000;
}

/** `2026-12-06 16:15:11.451252` (BIRD's `timeformat log "%F %T.%6f"`, UTC host). */
function birdLogTime(date: string, time: string): number {
  return Date.parse(`${date}T${time.slice(0, 8)}Z`) + Number(`0.${time.slice(9)}`) * 1000;
}

interface Dut {
  daemon: Daemon;
  /** What `ip monitor` listens to: necod's change is one nexthop event, BIRD's one route event per prefix. */
  monitor: 'nexthop' | 'route';
  /** The wall time of the Up → Down of the session over the dead link after `since`, or null. */
  downAfter(since: number): Promise<number | null>;
  /** Every one of the N routes uses both next hops. */
  ecmpComplete(): Promise<boolean>;
  /** The kernel no longer uses the dead next hop (cheap check, before the monitor file is read). */
  failedOver(): Promise<boolean>;
  /** From the monitor events after t0: when the kernel stopped using the dead next hop, or null. */
  kernelTime(events: MonitorEvent[], t0: number): number | null;
  /** Whether the BFD process wrote the prepared change itself (necod only). */
  fastPath?(): boolean | null;
}

interface MonitorEvent {
  at: number;
  text: string;
}

function parseMonitor(path: string): MonitorEvent[] {
  const out: MonitorEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\[(\S+)\] (.*)$/.exec(line);
    if (m !== null) out.push({ at: monitorTime(m[1] ?? ''), text: m[2] ?? '' });
    else if (line.trim() !== '' && out.length > 0) out[out.length - 1]!.text += ` ${line.trim()}`;
  }
  return out;
}

async function ipIn(ns: string, args: string[]): Promise<string> {
  return (await exec(ns, ['ip', ...args])).stdout;
}

function peerSpec(size: number) {
  const routes: RouteSpec[] = Array.from({ length: size }, (_, i) => ({ prefix: prefixOf(i) }));
  return {
    asn: PEER_AS,
    routerId: DEAD.peer,
    neighbors: LINKS.map((l) => ({ address: l.dut, localAddress: l.peer, remoteAs: DUT_AS, holdTime: 30, bfd: { intervalMs: BFD_MS, multiplier: MULT } })),
    routes,
  };
}

// ---- necod ------------------------------------------------------------------------------------

async function startNecod(lab: Lab, ns: string, size: number): Promise<Dut> {
  const necod = new NecodPeer(lab, ns, {
    asn: DUT_AS,
    routerId: DEAD.dut,
    listen: false,
    neighbors: LINKS.map((l, i) => ({ name: `up${i + 1}`, address: l.peer, localAddress: l.dut, remoteAs: PEER_AS, holdTime: 30, extra: { bfd: true } })),
    extra: { bfd: { interval: BFD_MS, multiplier: MULT }, kernel: { table: 'main' } },
  });
  await necod.start();
  let deadLegs = new Set<string>();
  return {
    daemon: 'necod',
    monitor: 'nexthop',
    async downAfter(since) {
      const s = (await necod.bfdSessions()).find((v) => v.remote === DEAD.peer);
      return s !== undefined && s.state !== 'Up' && s.since >= since ? s.since : null;
    },
    async ecmpComplete() {
      const groups = new Map<string, number>();
      for (const line of (await ipIn(ns, ['nexthop', 'show'])).split('\n')) {
        const g = /^id (\d+) group (\S+)/.exec(line);
        if (g !== null) groups.set(g[1] ?? '', (g[2] ?? '').split('/').length);
        const leg = /^id (\d+) via (\S+)/.exec(line);
        if (leg !== null && leg[2] === DEAD.peer) deadLegs = new Set([...deadLegs, leg[1] ?? '']);
      }
      let both = 0;
      for (const line of (await ipIn(ns, ['-4', 'route', 'show', 'proto', NECOD_PROTO])).split('\n')) {
        const nh = / nhid (\d+)/.exec(line);
        if (nh !== null && groups.get(nh[1] ?? '') === 2) both++;
      }
      return both >= size;
    },
    async failedOver() {
      return (await ipIn(ns, ['nexthop', 'show'])).split('\n').filter((l) => /^id \d+ group /.test(l)).every((l) => !groupHolds(l, deadLegs));
    },
    kernelTime(events, t0) {
      // The first group change after the drop that leaves every dead leg out.
      const e = events.find((ev) => ev.at >= t0 && /^id \d+ group /.test(ev.text) && !groupHolds(ev.text, deadLegs));
      return e?.at ?? null;
    },
    fastPath() {
      const line = necod.logEntries().filter((l) => l.msg === 'BFD session down' && l.neighbor === DEAD.peer).at(-1);
      return line === undefined ? null : line.kernelApplied === true;
    },
  };
}

function groupHolds(line: string, legs: ReadonlySet<string>): boolean {
  const ids = /group (\S+)/.exec(line)?.[1]?.split('/').map((m) => m.split(',')[0] ?? '') ?? [];
  return ids.some((id) => legs.has(id));
}

// ---- BIRD -------------------------------------------------------------------------------------

function birdDutConfig(log: string): string {
  return [
    `router id ${DEAD.dut};`,
    `log "${log}" all;`,
    'timeformat log "%F %T.%6f";',
    'protocol device {}',
    'protocol kernel { ipv4 { import none; export all; }; merge paths on; }',
    'protocol bfd {',
    `  interface "*" { min rx interval ${BFD_MS} ms; min tx interval ${BFD_MS} ms; multiplier ${MULT}; };`,
    '  debug { states, events };',
    '}',
    ...LINKS.map((l, i) =>
      [
        `protocol bgp up${i + 1} {`,
        `  local ${l.dut} as ${DUT_AS};`,
        `  neighbor ${l.peer} as ${PEER_AS};`,
        '  hold time 30;',
        '  connect retry time 1;',
        '  error wait time 1, 5;',
        '  bfd on;',
        '  ipv4 { import all; export none; };',
        '}',
      ].join('\n'),
    ),
    '',
  ].join('\n');
}

async function startBirdDut(lab: Lab, ns: string, size: number): Promise<Dut> {
  const log = lab.path('dut-bird.log');
  const bird = new BirdPeer(lab, ns, { asn: DUT_AS, routerId: DEAD.dut, neighbors: [] }, { name: 'dut-bird', config: birdDutConfig(log) });
  await bird.start();
  const viaDead = new RegExp(`nexthop via ${DEAD.peer.replaceAll('.', '\\.')} `, 'g');
  return {
    daemon: 'bird',
    monitor: 'route',
    async downAfter(since) {
      const re = new RegExp(`^(\\S+) (\\S+) <TRACE> bfd\\d*: Session to ${DEAD.peer.replaceAll('.', '\\.')} changed state from Up to Down`);
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        const m = re.exec(line);
        if (m === null) continue;
        const t = birdLogTime(m[1] ?? '', m[2] ?? '');
        if (t >= since) return t;
      }
      return null;
    },
    async ecmpComplete() {
      return ((await ipIn(ns, ['-4', 'route', 'show', 'proto', 'bird'])).match(viaDead) ?? []).length >= size;
    },
    async failedOver() {
      return !(await ipIn(ns, ['-4', 'route', 'show', 'proto', 'bird'])).includes(`via ${DEAD.peer} `);
    },
    kernelTime(events, t0) {
      // The last prefix to be rewritten without the dead next hop; null if an event was lost.
      const done = new Map<string, number>();
      for (const e of events) {
        if (e.at < t0 || e.text.startsWith('Deleted')) continue;
        const p = /^(100\.\S+\/28) /.exec(e.text)?.[1];
        if (p === undefined || e.text.includes(`via ${DEAD.peer} `) || done.has(p)) continue;
        done.set(p, e.at);
      }
      return done.size >= size ? Math.max(...done.values()) : null;
    },
  };
}

// ---- the run ----------------------------------------------------------------------------------

interface Trial {
  daemon: Daemon;
  size: number;
  dropToDown: number | null;
  downToKernel: number | null;
  dropToKernel: number | null;
  fastPath: boolean | null;
  /** The kernel time is the poll's (coarse: one `ip route show` of the whole table), not the monitor's. */
  polled: boolean;
}

async function setCut(ns: string, on: boolean): Promise<void> {
  const rules = on ? `add rule inet ${TABLE} in iifname "${DEAD.peerIf}" drop\nadd rule inet ${TABLE} out oifname "${DEAD.peerIf}" drop\n` : `flush chain inet ${TABLE} in\nflush chain inet ${TABLE} out\n`;
  await exec(ns, ['nft', '-f', '-'], { input: rules });
}

async function runSize(daemon: Daemon, size: number): Promise<Trial[]> {
  const lab = Lab.create();
  const trials: Trial[] = [];
  try {
    const p = await lab.addNamespace('peer');
    const d = await lab.addNamespace('dut');
    // FAILOVER_COMPAT=0: the kernel sends no per-route notification when a nexthop group changes.
    if (process.env.FAILOVER_COMPAT === '0') await exec(d, ['sysctl', '-qw', 'net.ipv4.nexthop_compat_mode=0']);
    for (const l of LINKS) await lab.link({ ns: p, iface: l.peerIf, addrs: [`${l.peer}/24`] }, { ns: d, iface: l.dutIf, addrs: [`${l.dut}/24`] });
    await exec(p, ['nft', '-f', '-'], { input: `table inet ${TABLE} {\n chain in { type filter hook input priority -10; }\n chain out { type filter hook output priority -10; }\n}\n` });
    const peer = new BirdPeer(lab, p, peerSpec(size), { name: 'peer' });
    await peer.start();
    const started = performance.now();
    const dut = daemon === 'necod' ? await startNecod(lab, d, size) : await startBirdDut(lab, d, size);
    await waitFor(() => dut.ecmpComplete(), { timeoutMs: 60_000 + size, intervalMs: 1000, what: `${size} routes over both next hops` });
    process.stdout.write(`${daemon}, ${size} routes: ECMP in the kernel after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    for (let t = 0; t < TRIALS; t++) {
      await sleep(1000 + Math.random() * BFD_MS);
      const file = lab.path(`monitor-${t}.txt`);
      const out = createWriteStream(file);
      // ip stamps each event as it reads it: at the highest priority, so that its own lateness stays out.
      const mon = spawn('nice', ['-n', '-20', 'ip', '-n', d, '-ts', '-rc', '8388608', 'monitor', dut.monitor], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TZ: 'UTC' } });
      mon.stdout.pipe(out);
      await sleep(300);
      await setCut(p, true);
      const t0 = wallNow();
      const polled = await waitFor(async () => ((await dut.failedOver()) ? wallNow() : null), { timeoutMs: 30_000, intervalMs: 20, what: 'the kernel leaving the dead next hop' }).catch(() => null);
      await sleep(200);
      mon.kill('SIGTERM');
      await new Promise<void>((r) => out.on('close', () => r()));
      const down = await waitFor(() => dut.downAfter(t0 - 5), { timeoutMs: 5_000, intervalMs: 50, what: 'the Down' }).catch(() => null);
      // 100k route events can overflow the monitor's socket (ENOBUFS): then the poll's time stands in.
      const seen = dut.kernelTime(parseMonitor(file), t0 - 5);
      const kernel = seen ?? polled;
      const trial: Trial = {
        daemon,
        size,
        dropToDown: down === null ? null : down - t0,
        downToKernel: down === null || kernel === null ? null : kernel - down,
        dropToKernel: kernel === null ? null : kernel - t0,
        fastPath: dut.fastPath?.() ?? null,
        polled: seen === null && polled !== null,
      };
      trials.push(trial);
      const f = (v: number | null) => (v === null ? '-' : v.toFixed(3));
      process.stdout.write(`  #${t + 1}: drop → Down ${f(trial.dropToDown)} ms, Down → kernel ${f(trial.downToKernel)} ms, drop → kernel ${f(trial.dropToKernel)} ms${trial.polled ? ' (polled)' : ''}${trial.fastPath === null ? '' : `, written by the BFD process: ${trial.fastPath}`}\n`);
      await setCut(p, false);
      await waitFor(() => dut.ecmpComplete(), { timeoutMs: 60_000 + size, intervalMs: 500, what: 'ECMP back' });
    }
  } catch (err) {
    process.stdout.write(`  ${daemon} ${size}: ${err instanceof Error ? err.message.slice(0, 400) : String(err)}\n`);
  } finally {
    await lab.destroy().catch(() => undefined);
  }
  return trials;
}

function report(trials: Trial[]): void {
  const stat = (xs: (number | null)[]) => {
    const ok = xs.filter((x): x is number => x !== null);
    return ok.length === 0 ? null : { med: median(ok), worst: Math.max(...ok), missing: xs.length - ok.length };
  };
  const f = (s: ReturnType<typeof stat>) => (s === null ? '—' : `${s.med.toFixed(3)} / ${s.worst.toFixed(3)}${s.missing > 0 ? ` (${s.missing} missing)` : ''}`);
  process.stdout.write(`\nBFD failover into the kernel, ${BFD_MS} ms × ${MULT}, ${TRIALS} trials per row, nexthop_compat_mode ${process.env.FAILOVER_COMPAT ?? '1'}; median / worst, ms\n`);
  process.stdout.write('| routes | daemon | drop → Down | Down → kernel | drop → kernel |\n|---:|---|---:|---:|---:|\n');
  for (const size of SIZES) {
    for (const daemon of DAEMONS) {
      const ts = trials.filter((t) => t.size === size && t.daemon === daemon);
      if (ts.length === 0) continue;
      const polled = ts.filter((t) => t.polled).length;
      process.stdout.write(`| ${size} | ${daemon} | ${f(stat(ts.map((t) => t.dropToDown)))} | ${f(stat(ts.map((t) => t.downToKernel)))} | ${f(stat(ts.map((t) => t.dropToKernel)))}${polled > 0 ? ` (${polled} polled)` : ''} |\n`);
    }
    const n = stat(trials.filter((t) => t.size === size && t.daemon === 'necod').map((t) => t.downToKernel));
    const b = stat(trials.filter((t) => t.size === size && t.daemon === 'bird').map((t) => t.downToKernel));
    if (n !== null && b !== null) process.stdout.write(`${size} routes: Down → kernel, BIRD ÷ necod (medians) = ${(b.med / n.med).toFixed(1)}\n`);
  }
}

async function main(): Promise<void> {
  cleanupStale();
  process.stdout.write(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
  const trials: Trial[] = [];
  for (const size of SIZES) for (const daemon of DAEMONS) trials.push(...(await runSize(daemon, size)));
  report(trials);
  process.stdout.write(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}\n`);
}

await main();

// Failover in the virtual data center (test/support/fabric.ts), necod and BIRD side by side in the
// same run: for each background table size (static routes on a spine) and BFD timing, one fabric
// with necod on the servers and one with the bird.conf it replaces (../shared/REFERENCE.md).
// Measured: time from an uplink cut (nftables drop, link up) until the kernel of the cut server and
// of its rack neighbour stops using that path, and packets lost by a steady 1 ms ping across racks
// during the cut, a ToR's BIRD restart (kill -9, `bird -R`) and a planned restart of the server's
// daemon (necod: SIGUSR2; BIRD: `birdc graceful restart`, `bird -R`). Prints medians, writes the
// trials to docs/failover.dat and plots docs/failover.png with gnuplot. On demand, root:
//   npm run build && node dist/bench/failover.bench.js
//   FAILOVER_SIZES=1000 FAILOVER_TRIALS=5 FAILOVER_BFD=100 FAILOVER_DAEMONS=necod,bird node dist/bench/failover.bench.js
// Not a test: it asserts nothing; a failover that does not happen within 10 s prints as "-".
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Lab, REPO_ROOT, cleanupStale, sleep, waitFor } from '../test/interop/harness/index.js';
import { buildFabric, type Fabric, type ServerNode } from '../test/support/fabric.js';
import type { BfdTiming } from '../test/support/fabric-bird.js';
import { median } from './lib/stats.js';

type Daemon = 'necod' | 'bird';

interface Trial {
  daemon: Daemon;
  size: number;
  bfd: string;
  /** ms from the cut until the cut server's kernel left the path; null: not within 10 s. */
  cutLocalMs: number | null;
  /** ms from the cut until the rack neighbour's kernel left the cut server's uplink. */
  cutNeighbourMs: number | null;
  cutLost: number;
}

interface Restarts {
  daemon: Daemon;
  size: number;
  bfd: string;
  torRestartLost: number;
  plannedLost: number;
}

const SIZES = (process.env.FAILOVER_SIZES ?? '1000,100000').split(',').map(Number);
const TRIALS = Number(process.env.FAILOVER_TRIALS ?? 3);
/** FAILOVER_BFD=20 runs one timing only (intervals in ms, multiplier 3). */
const BFDS: BfdTiming[] = (process.env.FAILOVER_BFD ?? '100,20').split(',').map((ms) => ({ intervalMs: Number(ms), multiplier: 3 }));
/** FAILOVER_DAEMONS=necod runs one side only (no comparison then). */
const DAEMONS = (process.env.FAILOVER_DAEMONS ?? 'necod,bird').split(',').filter((d): d is Daemon => d === 'necod' || d === 'bird');
/** A steady stream: one echo request every millisecond. */
const PING_MS = 1;

const bfdName = (b: BfdTiming): string => `${b.intervalMs}x${b.multiplier}`;

async function routeCount(dc: Fabric, s: ServerNode): Promise<number> {
  const { stdout } = await dc.lab.ip(s.ns, ['-4', 'route', 'show', 'proto', dc.protocolOf(s)[0] ?? '']);
  return stdout.split('\n').filter((l) => /^\d/.test(l)).length;
}

/** Every server holds the background table (and the servers' own routes). */
async function waitForBackground(dc: Fabric, size: number): Promise<void> {
  await waitFor(async () => (await Promise.all(dc.servers.map((s) => routeCount(dc, s)))).every((n) => n >= size), {
    timeoutMs: 600_000,
    intervalMs: 1000,
    what: `${size} background routes on every server`,
  });
}

async function cutTrial(dc: Fabric, cut: ServerNode, neighbour: ServerNode, far: ServerNode): Promise<Omit<Trial, 'daemon' | 'size' | 'bfd'>> {
  const [up1] = cut.plan.uplinks;
  if (up1 === undefined) throw new Error('no uplink');
  const ping = dc.startPing(cut, far.plan.mgmt, PING_MS);
  await sleep(300);
  const t0 = performance.now();
  const drop = await dc.cut(cut, 0);
  const [cutLocalMs, cutNeighbourMs] = await Promise.all([
    dc.timeUntilLeaves(cut, `${far.plan.mgmt}/32`, up1.torAddress, t0),
    dc.timeUntilLeaves(neighbour, `${cut.plan.mgmt}/32`, up1.address, t0),
  ]);
  await sleep(500);
  const lost = (await ping.stop()).lost;
  await drop.undrop();
  await dc.waitForSessions(120_000);
  await dc.waitForEcmp(300_000);
  return { cutLocalMs, cutNeighbourMs, cutLost: lost };
}

async function torRestart(dc: Fabric, from: ServerNode, far: ServerNode): Promise<number> {
  const tor = from.tors[0];
  if (tor === undefined) throw new Error('no ToR');
  const ping = dc.startPing(from, far.plan.mgmt, PING_MS);
  await sleep(300);
  await tor.bird.kill();
  await sleep(500);
  await tor.bird.start({ recovery: true });
  await dc.waitForSessions(120_000);
  await dc.waitForEcmp(300_000);
  await sleep(300);
  return (await ping.stop()).lost;
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** necod: SIGUSR2 (graceful stop, routes kept) and start; BIRD: `birdc graceful restart` and `bird -R`. */
async function plannedRestart(dc: Fabric, s: ServerNode, far: ServerNode): Promise<number> {
  const ping = dc.startPing(s, far.plan.mgmt, PING_MS);
  await sleep(300);
  if (s.necod !== null) {
    const necod = s.necod;
    necod.signal('SIGUSR2');
    await waitFor(() => !necod.running, { timeoutMs: 30_000, what: 'necod stops' });
    await necod.start();
  } else if (s.bird !== null) {
    const bird = s.bird;
    const pid = bird.pid;
    await bird.birdc(['graceful', 'restart']);
    await waitFor(() => gone(pid), { timeoutMs: 30_000, what: 'bird stops' });
    await bird.start({ recovery: true });
  }
  await dc.waitForSessions(120_000);
  await dc.waitForEcmp(300_000);
  await sleep(300);
  return (await ping.stop()).lost;
}

const fmt = (v: number | null): string => (v === null ? '-' : v.toFixed(0));
const med = (xs: (number | null)[]): number | null => {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length === 0 ? null : median(ok);
};

async function main(): Promise<void> {
  cleanupStale();
  const trials: Trial[] = [];
  const restarts: Restarts[] = [];
  for (const size of SIZES) {
    for (const bfd of BFDS) {
      for (const daemon of DAEMONS) {
        const lab = Lab.create();
        try {
          const t0 = performance.now();
          const dc = await buildFabric(lab, { servers: daemon, bfd, backgroundRoutes: size });
          await waitForBackground(dc, size);
          const cut = dc.server('r1-srv1');
          const neighbour = dc.server('r1-srv2');
          const far = dc.server('r2-srv1');
          process.stdout.write(`${daemon} ${size} routes BFD ${bfdName(bfd)}: up in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
          for (let i = 0; i < TRIALS; i++) {
            const t = await cutTrial(dc, cut, neighbour, far);
            trials.push({ daemon, size, bfd: bfdName(bfd), ...t });
            process.stdout.write(`  cut ${i + 1}: local ${fmt(t.cutLocalMs)} ms, neighbour ${fmt(t.cutNeighbourMs)} ms, lost ${t.cutLost}\n`);
          }
          const torRestartLost = await torRestart(dc, cut, far);
          const plannedLost = await plannedRestart(dc, cut, far);
          restarts.push({ daemon, size, bfd: bfdName(bfd), torRestartLost, plannedLost });
          process.stdout.write(`  ToR restart lost ${torRestartLost}, planned restart lost ${plannedLost}\n`);
        } catch (err) {
          process.stdout.write(`  ${daemon} ${size} ${bfdName(bfd)} failed: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}\n`);
        } finally {
          await lab.destroy().catch(() => undefined);
        }
      }
    }
  }

  // Medians, necod beside BIRD for each size and timing.
  const lines = [
    `Failover, ${TRIALS} cut trials per row (median ms; packets lost of a ${PING_MS} ms ping stream)`,
    '| routes | BFD | daemon | cut → cut server | cut → rack neighbour | lost in cut | lost in ToR restart | lost in planned restart |',
    '|---:|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const size of SIZES) {
    for (const bfd of BFDS.map(bfdName)) {
      for (const daemon of DAEMONS) {
        const ts = trials.filter((t) => t.size === size && t.bfd === bfd && t.daemon === daemon);
        const r = restarts.find((x) => x.size === size && x.bfd === bfd && x.daemon === daemon);
        if (ts.length === 0) continue;
        lines.push(
          `| ${size} | ${bfd} ms | ${daemon} | ${fmt(med(ts.map((t) => t.cutLocalMs)))} | ${fmt(med(ts.map((t) => t.cutNeighbourMs)))} | ${fmt(med(ts.map((t) => t.cutLost)))} | ${r?.torRestartLost ?? '-'} | ${r?.plannedLost ?? '-'} |`,
        );
      }
    }
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);

  // One block per daemon × configuration: trial number and the cut server's failover time.
  const dat = [`# trial cut_local_ms cut_neighbour_ms lost (one block per daemon, size, BFD)`];
  const series: string[] = [];
  for (const daemon of DAEMONS) {
    for (const size of SIZES) {
      for (const bfd of BFDS.map(bfdName)) {
        const ts = trials.filter((t) => t.size === size && t.bfd === bfd && t.daemon === daemon);
        if (ts.length === 0) continue;
        series.push(`${daemon} ${size} routes BFD ${bfd}`);
        dat.push(`# ${daemon} ${size} ${bfd}`, ...ts.map((t, i) => `${i + 1} ${t.cutLocalMs ?? 'NaN'} ${t.cutNeighbourMs ?? 'NaN'} ${t.cutLost}`), '', '');
      }
    }
  }
  const datPath = `${REPO_ROOT}docs/failover.dat`;
  writeFileSync(datPath, `${dat.join('\n')}\n`);
  const plot = [
    "set terminal pngcairo size 900,500 font ',10'",
    `set output '${REPO_ROOT}docs/failover.png'`,
    "set title 'Uplink cut → cut server stops using the path (kernel), per trial'",
    "set xlabel 'trial'",
    "set ylabel 'ms after the cut'",
    'set key outside right',
    'set xtics 1',
    `plot ${series.map((name, i) => `'${datPath}' index ${i} using 1:2 with linespoints title '${name}'`).join(', ')}`,
  ].join('\n');
  const g = spawnSync('gnuplot', [], { input: plot, encoding: 'utf8' });
  if (g.status !== 0) process.stdout.write(`gnuplot failed: ${g.stderr}\n`);
  else process.stdout.write(`plot: docs/failover.png, data: docs/failover.dat\n`);
}

await main();

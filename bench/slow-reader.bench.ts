// A neighbor that stops reading, and a burst, over real TCP on one namespace's loopback.
// necod (or BIRD 2, same feeds) takes routes from a feeder and sends them to a sink that is a
// reflector client. Stall: with 1M routes sent (in 100 attribute sets; DISTINCT=1: each route
// its own set, one UPDATE each), the sink stops reading (socket.pause(): its receive window
// fills, the speaker's socket blocks), the feeder announces every route again with a new
// attribute set, and the speaker's RSS is sampled for STALL_MS (default 60 s); then the sink
// reads again until it has every route. Reported: RSS before the stall, the most during it,
// and after the backlog drained, as ratios to before. Burst (necod only): the longest
// event-loop delay while 200k prefixes arrive and go out again (prom-client's
// monitorEventLoopDelay max, reset just before the burst), and the slowest API answer polled
// every 10 ms meanwhile. Median of RUNS runs. Needs root and bird/birdc:
// `node dist/bench/slow-reader.bench.js` (PREFIXES=1000000 BURST=200000 STALL_MS=60000 RUNS=3
// PARTS=burst,stall DISTINCT=0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAttribute } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { feed } from './lib/feeder.js';
import { sleep, waitFor } from '../test/support/wait.js';
import { apiText, inOwnNamespace, rssOf, startBird, startNecod, type Receiver } from './lib/loopback.js';
import { sink } from './lib/sink.js';
import { fmt, median } from './lib/stats.js';
import { tableUpdates } from './lib/table.js';

const N = Number(process.env.PREFIXES ?? 1_000_000);
const BURST = Number(process.env.BURST ?? 200_000);
const STALL_MS = Number(process.env.STALL_MS ?? 60_000);
const RUNS = Number(process.env.RUNS ?? 3);
const PARTS = (process.env.PARTS ?? 'burst,stall').split(',');
/** DISTINCT=1: every route of the stall table has its own attribute set (one UPDATE each), as in the worst case. */
const DISTINCT = process.env.DISTINCT === '1';
const FEEDER = { name: 'feeder', address: '127.0.0.3' };
const SINK = { name: 'sink', address: '127.0.0.4', export: 'all' as const };
const MiB = 1048576;

/** n prefixes in 100 attribute sets (or n with DISTINCT); `version` changes every set (a new AS path). */
function table(n: number, version: number, distinct = false): Uint8Array[] {
  return tableUpdates(n, distinct ? n : 100, (g) => [
    makeAttribute('ORIGIN', 0),
    makeAttribute('AS_PATH', [{ type: 2, asns: [65001 + version, 65100 + (g % 100)] }]),
    makeAttribute('NEXT_HOP', parseIpv4('127.0.0.3')!),
    makeAttribute('LOCAL_PREF', 100),
    ...(distinct ? [makeAttribute('COMMUNITIES', [(65000 * 65536 + (g & 0xffff)) >>> 0, (64512 * 65536 + (g >>> 16)) >>> 0])] : []),
  ]);
}

const connectSink = () => sink({ host: '127.0.0.1', port: 1179, localAddress: SINK.address, asn: 64600, routerId: SINK.address });
const connectFeeder = (updates: Uint8Array[]) => feed({ host: '127.0.0.1', port: 1179, localAddress: FEEDER.address, asn: 64600, routerId: FEEDER.address, updates });

interface Stall {
  before: number;
  during: number;
  after: number;
}

async function stall(name: string, receiver: Receiver, first: Uint8Array[], second: Uint8Array[]): Promise<Stall> {
  try {
    const s = await connectSink();
    const f = await connectFeeder(first);
    await waitFor(() => s.announced >= N, { what: `the sink to have every route from ${name}`, timeoutMs: 300_000 });
    await sleep(2000);
    const before = rssOf(receiver.pid);
    s.pause();
    // The second version goes to the speaker over the same feeder session.
    for (const u of second) if (!f.socket.write(u)) await new Promise<void>((r) => f.socket.once('drain', () => r()));
    let during = 0;
    const end = performance.now() + STALL_MS;
    while (performance.now() < end) {
      during = Math.max(during, rssOf(receiver.pid));
      await sleep(250);
    }
    s.resume();
    await waitFor(() => s.announced >= 2 * N, { what: `the sink to have the second version from ${name}`, timeoutMs: Number(process.env.DRAIN_MS ?? 300_000) }).catch(async (e: Error) => {
      const said = receiver.describe ? await receiver.describe() : '';
      throw new Error(`${e.message}: ${s.announced - N} of ${N} arrived${s.socket.destroyed ? ', the session is gone' : ''}; ${said}`);
    });
    await sleep(5000);
    const after = rssOf(receiver.pid);
    s.close();
    f.socket.destroy();
    return { before, during, after };
  } finally {
    await receiver.stop();
  }
}

interface Burst {
  loopDelayMs: number;
  loopDelayP99Ms: number;
  apiMs: number;
  ms: number;
}

/** necod only: the event loop and the API while BURST prefixes arrive and leave. */
async function burst(dir: string, updates: Uint8Array[]): Promise<Burst> {
  const receiver = await startNecod(dir, [FEEDER, SINK]);
  try {
    const s = await connectSink();
    await apiText(receiver.socket, '/metrics'); // resets the delay histogram
    let apiMs = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t = performance.now();
        await apiText(receiver.socket, '/v1/rib');
        apiMs = Math.max(apiMs, performance.now() - t);
        await sleep(10);
      }
    })();
    const t0 = performance.now();
    const f = await connectFeeder(updates);
    await waitFor(() => s.announced >= BURST, { what: 'the sink to have the burst', timeoutMs: 300_000, intervalMs: 5 });
    const ms = performance.now() - t0;
    polling = false;
    await poll;
    const metrics = await apiText(receiver.socket, '/metrics');
    const seconds = (name: string) => Number(new RegExp(`^necod_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(metrics)?.[1] ?? Number.NaN) * 1000;
    s.close();
    f.socket.destroy();
    return { loopDelayMs: seconds('max'), loopDelayP99Ms: seconds('p99'), apiMs, ms };
  } finally {
    await receiver.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'necod-slow-'));
  try {
    const bursts: Burst[] = [];
    const stalls = { necod: [] as Stall[], bird: [] as Stall[] };
    if (PARTS.includes('burst')) {
      const burstTable = table(BURST, 0);
      for (let r = 0; r < RUNS; r++) bursts.push(await burst(dir, burstTable));
      console.log(`Burst: ${fmt(BURST)} prefixes in ${fmt(burstTable.length)} UPDATEs in and out again, median of ${RUNS}`);
      console.log(`  necod  longest event-loop delay ${fmt(median(bursts.map((b) => b.loopDelayMs)), 1)} ms (target ≤ 50 ms), p99 ${fmt(median(bursts.map((b) => b.loopDelayP99Ms)), 1)} ms  slowest API answer ${fmt(median(bursts.map((b) => b.apiMs)), 1)} ms  burst through in ${fmt(median(bursts.map((b) => b.ms)))} ms`);
    }
    if (PARTS.includes('stall')) {
      const first = table(N, 0, DISTINCT);
      const second = table(N, 1, DISTINCT);
      for (let r = 0; r < RUNS; r++) {
        if (process.env.DAEMONS === 'necod') {
          stalls.necod.push(await stall('necod', await startNecod(dir, [FEEDER, SINK]), first, second));
          continue;
        }
        stalls.bird.push(await stall('BIRD', await startBird(dir, [FEEDER, SINK]), first, second));
        stalls.necod.push(await stall('necod', await startNecod(dir, [FEEDER, SINK]), first, second));
      }
      console.log(`Stall: ${fmt(N)} routes${DISTINCT ? ', each its own attribute set,' : ' in 100 attribute sets'} sent, the sink stops reading for ${fmt(STALL_MS / 1000)} s while all ${fmt(N)} change; RSS, median of ${RUNS}`);
      const row = (name: string, xs: Stall[]) => {
        const b = median(xs.map((x) => x.before));
        const d = median(xs.map((x) => x.during));
        const a = median(xs.map((x) => x.after));
        console.log(`  ${name.padEnd(7)} before ${fmt(b / MiB)} MiB  during ${fmt(d / MiB)} MiB (${fmt(d / b, 2)}x)  after ${fmt(a / MiB)} MiB (${fmt(a / b, 2)}x)`);
        return { before: b, during: d, after: a };
      };
      const rb = row('BIRD 2', stalls.bird);
      const rn = row('necod', stalls.necod);
      console.log(`  necod during / before: ${fmt(rn.during / rn.before, 2)}x (target ≤ 1.2x); necod / BIRD during: ${fmt(rn.during / rb.during, 2)}x`);
    }
    if (process.argv.includes('--json')) console.log(JSON.stringify({ bursts, stalls }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await inOwnNamespace(main);

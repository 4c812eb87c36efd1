// A full table over real TCP: a feeder sends 1M IPv4 prefixes (~1300 UPDATEs of ~4 KiB)
// to necod, then the same feed to BIRD 2, in one namespace on loopback, one after the
// other (BIRD without a kernel protocol, necod with kernel export off: both measure the RIB). Time from the first UPDATE to the last prefix in the table (polled every 10 ms),
// and the receiver's RSS afterwards. Median of RUNS runs, with the ratio to BIRD.
// Needs root (network namespace) and bird/birdc; run with `node dist/bench/ingest.bench.js`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAttribute } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { feed } from './lib/feeder.js';
import { waitFor } from '../test/support/wait.js';
import { inOwnNamespace, rssOf, startBird, startNecod, type Receiver } from './lib/loopback.js';
import { fmt, median } from './lib/stats.js';
import { tableUpdates } from './lib/table.js';

const N = Number(process.env.PREFIXES ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const FEEDER = { name: 'feeder', address: '127.0.0.3' };

function table(n: number): Uint8Array[] {
  return tableUpdates(n, 100, (g) => [
    makeAttribute('ORIGIN', 0),
    makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65100 + g] }]),
    makeAttribute('NEXT_HOP', parseIpv4('127.0.0.3')!),
    makeAttribute('LOCAL_PREF', 100),
  ]);
}

async function run(receiver: Receiver, updates: Uint8Array[]): Promise<{ ms: number; rss: number }> {
  try {
    const f = await feed({ host: '127.0.0.1', port: 1179, localAddress: FEEDER.address, asn: 64600, routerId: FEEDER.address, updates });
    await waitFor(async () => (await receiver.count()) >= N, { what: 'every prefix in the table', timeoutMs: 120_000, intervalMs: 10 });
    const done = performance.now();
    const rss = rssOf(receiver.pid);
    f.socket.destroy();
    return { ms: done - f.firstUpdateAt, rss };
  } finally {
    await receiver.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'necod-ingest-'));
  try {
    const updates = table(N);
    const necod: Array<{ ms: number; rss: number }> = [];
    const bird: Array<{ ms: number; rss: number }> = [];
    for (let r = 0; r < RUNS; r++) {
      bird.push(await run(await startBird(dir, [FEEDER]), updates));
      necod.push(await run(await startNecod(dir, [FEEDER]), updates));
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

await inOwnNamespace(main);

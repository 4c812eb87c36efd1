// Memory per distinct attribute set, necod beside BIRD 2 in the same run. A feeder sends a
// table where every route has its own COMMUNITIES value (so every route is its own attribute
// set, one UPDATE per prefix), and the same prefixes sharing 100 sets; each receiver's RSS
// growth over its idle RSS gives bytes per route, and the difference between the two tables
// the cost of a distinct set. Real TCP sessions on one namespace's loopback, necod with kernel
// export off and BIRD without a kernel protocol (both measure the RIB). Median of RUNS runs.
// Needs root and bird/birdc: `node dist/bench/attr-sets.bench.js` (SIZES=50000,200000 RUNS=3).
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

const SIZES = (process.env.SIZES ?? '50000,200000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);
const FEEDER = { name: 'feeder', address: '127.0.0.3' };
const SHARED_SETS = 100;
/** Time after the last route arrives before RSS is read, so both daemons settle. */
const SETTLE_MS = 2000;

/** n prefixes; `distinct`: each with its own community, else in SHARED_SETS groups. */
function table(n: number, distinct: boolean): Uint8Array[] {
  return tableUpdates(n, distinct ? n : SHARED_SETS, (g) => [
    makeAttribute('ORIGIN', 0),
    makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65100] }]),
    makeAttribute('NEXT_HOP', parseIpv4('127.0.0.3')!),
    makeAttribute('LOCAL_PREF', 100),
    makeAttribute('COMMUNITIES', [(65000 * 65536 + (g & 0xffff)) >>> 0, (64512 * 65536 + (g >>> 16)) >>> 0]),
  ]);
}

/** RSS growth of a fresh receiver fed the table. */
async function run(start: () => Promise<Receiver>, n: number, updates: Uint8Array[]): Promise<number> {
  const receiver = await start();
  try {
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssOf(receiver.pid);
    const f = await feed({ host: '127.0.0.1', port: 1179, localAddress: FEEDER.address, asn: 64600, routerId: FEEDER.address, updates });
    await waitFor(async () => (await receiver.count()) >= n, { what: 'every prefix in the table', timeoutMs: 300_000 });
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const grown = rssOf(receiver.pid) - idle;
    f.socket.destroy();
    return grown;
  } finally {
    await receiver.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'necod-attrsets-'));
  const results: unknown[] = [];
  try {
    for (const n of SIZES) {
      const distinct = table(n, true);
      const shared = table(n, false);
      const grown = { necod: { distinct: [] as number[], shared: [] as number[] }, bird: { distinct: [] as number[], shared: [] as number[] } };
      for (let r = 0; r < RUNS; r++) {
        grown.bird.distinct.push(await run(() => startBird(dir, [FEEDER]), n, distinct));
        grown.necod.distinct.push(await run(() => startNecod(dir, [FEEDER]), n, distinct));
        grown.bird.shared.push(await run(() => startBird(dir, [FEEDER]), n, shared));
        grown.necod.shared.push(await run(() => startNecod(dir, [FEEDER]), n, shared));
      }
      const row = (who: 'necod' | 'bird') => {
        const d = median(grown[who].distinct) / n;
        const s = median(grown[who].shared) / n;
        return { perRouteDistinct: d, perRouteShared: s, perSet: d - s };
      };
      const nb = row('necod');
      const bb = row('bird');
      console.log(`${fmt(n)} routes, every route its own attribute set (${fmt(distinct.length)} UPDATEs) vs ${SHARED_SETS} shared sets; RSS growth, median of ${RUNS}`);
      console.log(`  BIRD 2   ${fmt(bb.perRouteDistinct)} B/route distinct  ${fmt(bb.perRouteShared)} B/route shared  ${fmt(bb.perSet)} B per distinct set`);
      console.log(`  necod    ${fmt(nb.perRouteDistinct)} B/route distinct  ${fmt(nb.perRouteShared)} B/route shared  ${fmt(nb.perSet)} B per distinct set`);
      console.log(`  necod / BIRD bytes per route (distinct sets): ${fmt(nb.perRouteDistinct / bb.perRouteDistinct, 2)}x (target ≤ 1.5x)`);
      results.push({ routes: n, necod: nb, bird: bb, runs: grown });
    }
    if (process.argv.includes('--json')) console.log(JSON.stringify(results));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await inOwnNamespace(main);

// GET /v1/routes over a full table: 1M IPv4 routes from two neighbors (every route a 2-way
// ECMP set), asked through the real fastify server (inject, no socket). Prints the median time
// and heap allocated per request for a first page, a page deep in the table (cursor), a longest
// match, more specifics of a /16, and GET /v1/status. The baseline, measured in the same run, is
// what the route list did before paging: collect every key, sort, slice the first page.
import { createApiServer } from '../src/api/server.js';
import { routeProvider } from '../src/api/route-view.js';
import type { RouteList } from '../src/api/route-types.js';
import { Rib } from '../src/rib/rib.js';
import { addressOrder, BGP_PREFERENCE, type RouteSource } from '../src/rib/route-source.js';
import { makeAttribute } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { ipv4FullTable } from './lib/table.js';
import { fmt, gc, measure, median } from './lib/stats.js';

const N = Number(process.env.PREFIXES ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 5);
const PAGE = 100;

function source(index: number, name: string, address: string): RouteSource {
  return { index, name, kind: 'bgp', ibgp: true, preference: BGP_PREFERENCE, routerId: parseIpv4(address) ?? 0, peerAddress: address, peerAddressOrder: addressOrder(address), peerAs: 64600 };
}

const rib = new Rib({ maxPaths: 2, alwaysCompareMed: false });
const table = ipv4FullTable(N);
for (const [i, gw] of ['10.69.0.1', '10.69.1.1'].entries()) {
  rib.addSource(source(i, `tor${i + 1}`, gw));
  const attrs = rib.attrs.intern({
    attributes: [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65002] }]), makeAttribute('LOCAL_PREF', 100)],
    receivedNextHop: gw,
    receivedLinkLocal: null,
    nextHop: gw,
    device: null,
    kind: 'unicast',
    noInstall: false,
  });
  rib.announce(i, table, attrs);
}
rib.takeChanges();
const provider = routeProvider(rib);
const server = createApiServer({ neighbors: { listNeighbors: () => [] }, routes: provider });
await server.ready();

async function get(url: string): Promise<RouteList> {
  const r = await server.inject({ url });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  return r.json() as RouteList;
}

// A cursor a third of the way in, found by walking pages of 100 000 once.
let deepCursor = '';
{
  let next: string | null = null;
  for (let i = 0; i < 3; i++) {
    const page: RouteList = await get(`/v1/routes?limit=100000${next ? `&cursor=${next}` : ''}`);
    next = page.next;
  }
  deepCursor = next ?? '';
}
const first = await get(`/v1/routes?limit=${PAGE}`);
const someAddress = first.routes[50]?.prefix.split('/')[0] ?? '1.0.0.1';
const [a, b] = someAddress.split('.');

function baselinePage(): void {
  const keys: number[] = [];
  rib.forEachRoute((key) => keys.push(key));
  keys.sort((x, y) => x - y);
  keys.slice(0, PAGE).map((k) => rib.paths(k));
}

/**
 * Median wall time of the request through fastify, and heap allocated by the same query asked of
 * the route provider directly (synchronous, so the GC profiler sees all of it).
 */
async function timed(what: string, url: string | null, sync: () => void): Promise<number> {
  const ms: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gc();
    const t0 = performance.now();
    if (url === null) sync();
    else await get(url);
    ms.push(performance.now() - t0);
    bytes.push(measure(sync).allocated);
  }
  const med = median(ms);
  console.log(`${what.padEnd(44)} ${fmt(med, 2).padStart(10)} ms   heap ${fmt(median(bytes) / 1024).padStart(9)} KiB`);
  return med;
}

const q = (extra: Partial<Parameters<typeof provider.listRoutes>[0]>) => () => void provider.listRoutes({ all: false, limit: PAGE, ...extra });

console.log(`GET /v1/routes over ${fmt(N)} routes (2 paths each), median of ${RUNS}, page of ${PAGE}`);
const base = await timed('baseline: every key, sorted, sliced', null, baselinePage);
const page = await timed(`first page (limit=${PAGE})`, `/v1/routes?limit=${PAGE}`, q({}));
await timed(`deep page (cursor at 300 000)`, `/v1/routes?limit=${PAGE}&cursor=${deepCursor}`, q({ cursor: deepCursor }));
await timed(`longest match (for=${someAddress})`, `/v1/routes?for=${someAddress}`, q({ for: someAddress }));
const sixteen = `${a}.${b}.0.0/16`;
await timed(`more specifics of ${sixteen} (limit=${PAGE})`, `/v1/routes?prefix=${sixteen}&match=longer&limit=${PAGE}`, q({ prefix: sixteen, match: 'longer' }));
const exact = first.routes[10]?.prefix ?? '';
await timed('exact prefix', `/v1/routes?prefix=${exact}`, q({ prefix: exact }));
console.log(`first page vs baseline: ${(base / page).toFixed(2)}x faster`);
await server.close();

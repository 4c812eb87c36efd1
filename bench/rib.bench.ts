// In-process RIB ingest: 1M IPv4 prefixes from one neighbor, then the same 1M from a
// second neighbor (every prefix becomes a 2-way ECMP route). Routes/s and heap bytes
// per route. The baseline is a plain JavaScript Map from prefix key to attribute id
// filled with the same keys in the same run: what "a Map of objects" would start from.
import { AS4_CONTEXT, decodeMessage, makeAttribute, packAnnouncements, type Ipv4PrefixList, type UpdateMessage } from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { Rib } from '../src/rib/rib.js';
import { addressOrder, BGP_PREFERENCE, type RouteSource } from '../src/rib/route-source.js';
import { ipv4FullTable } from './lib/table.js';
import { fmt, gc, median } from './lib/stats.js';

const N = Number(process.env.PREFIXES ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);


function source(index: number, name: string, address: string): RouteSource {
  return { index, name, kind: 'bgp', ibgp: true, preference: BGP_PREFERENCE, routerId: parseIpv4(address)!, peerAddress: address, peerAddressOrder: addressOrder(address), peerAs: 64600 };
}

/** Decoded UPDATEs as a neighbor would send them: 100 attribute sets. */
function feed(list: Ipv4PrefixList, nextHop: string): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  const per = Math.ceil(list.count / 100);
  for (let g = 0; g < 100; g++) {
    const part: Ipv4PrefixList = { afi: 1, count: Math.max(0, Math.min(list.count, (g + 1) * per) - g * per), keys: list.keys.subarray(g * per, Math.min(list.count, (g + 1) * per)), pathIds: null };
    const attrs = [
      makeAttribute('ORIGIN', 0),
      makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65002 + g] }]),
      makeAttribute('NEXT_HOP', parseIpv4(nextHop)!),
      makeAttribute('LOCAL_PREF', 100),
    ];
    for (const m of packAnnouncements(attrs, part, AS4_CONTEXT)) {
      const r = decodeMessage(m, AS4_CONTEXT);
      if (r.outcome === 'ok' && r.message.type === 'UPDATE') out.push(r.message);
    }
  }
  return out;
}

function ingest(rib: Rib, src: number, updates: UpdateMessage[], gateway: string): void {
  for (const u of updates) {
    const attrs = rib.attrs.intern({
      attributes: u.attributes.filter((a) => a.name !== 'NEXT_HOP'),
      receivedNextHop: gateway,
      receivedLinkLocal: null,
      nextHop: gateway,
      device: null,
      kind: 'unicast',
      noInstall: false,
    });
    rib.announce(src, u.nlri, attrs);
  }
  rib.takeChanges();
}

function heap(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const list = ipv4FullTable(N);
const feedA = feed(list, '10.69.0.1');
const feedB = feed(list, '10.69.1.1');
const single: number[] = [];
const ecmp: number[] = [];
const baseline: number[] = [];
let singleBytes = 0;
let ecmpBytes = 0;
let mapBytes = 0;
/** The baseline: a Map from prefix key to a small object, the obvious JavaScript table. */
function mapBaseline(): { ms: number; bytes: number } {
  const h1 = heap();
  const t = performance.now();
  const m = new Map<number, { attrId: number }>();
  for (const u of feedA) for (let i = 0; i < u.nlri.count; i++) m.set(u.nlri.keys[i]!, { attrId: i & 1023 }); // i < count
  const ms = performance.now() - t;
  const bytes = heap() - h1;
  if (m.size !== N) throw new Error('baseline lost keys');
  return { ms, bytes };
}

function ribRun(): { single: number; ecmp: number; singleBytes: number; ecmpBytes: number } {
  const h0 = heap();
  const rib = new Rib();
  rib.addSource(source(0, 'tor1', '10.69.0.1'));
  rib.addSource(source(1, 'tor2', '10.69.1.1'));
  let t = performance.now();
  ingest(rib, 0, feedA, '10.69.0.1');
  const single = performance.now() - t;
  const singleBytes = heap() - h0;
  t = performance.now();
  ingest(rib, 1, feedB, '10.69.1.1');
  const ecmp = performance.now() - t;
  const ecmpBytes = heap() - h0;
  if (rib.size !== N) throw new Error(`RIB holds ${rib.size} prefixes, expected ${N}`);
  const sel = rib.selected(list.keys[0] ?? -1);
  if (!sel || sel.sources.length !== 2) throw new Error('expected a 2-way ECMP route');
  return { single, ecmp, singleBytes, ecmpBytes };
}

for (let r = 0; r < RUNS; r++) {
  const b = mapBaseline();
  baseline.push(b.ms);
  mapBytes = b.bytes;
  const x = ribRun();
  single.push(x.single);
  ecmp.push(x.ecmp);
  singleBytes = x.singleBytes;
  ecmpBytes = x.ecmpBytes;
}
const mS = median(single);
const mE = median(ecmp);
const mB = median(baseline);
console.log(`RIB ingest, ${fmt(N)} IPv4 prefixes, median of ${RUNS}`);
console.log(`  baseline Map<number, object> fill   ${fmt(mB, 0)} ms  ${fmt((N / mB) * 1000 / 1e6, 2)} M/s  ${fmt(mapBytes / N, 1)} B/entry`);
console.log(`  neighbor 1 (single path)             ${fmt(mS, 0)} ms  ${fmt((N / mS) * 1000 / 1e6, 2)} M routes/s  ${fmt(singleBytes / N, 1)} B/route  ${fmt(mS / mB, 2)}x baseline time`);
console.log(`  neighbor 2 (2-way ECMP)              ${fmt(mE, 0)} ms  ${fmt((N / mE) * 1000 / 1e6, 2)} M routes/s  ${fmt(ecmpBytes / N, 1)} B/route in total`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ prefixes: N, singleMs: mS, ecmpMs: mE, baselineMs: mB, singleBytesPerRoute: singleBytes / N, ecmpBytesPerRoute: ecmpBytes / N, mapBytesPerEntry: mapBytes / N }));

// Decode and encode throughput for UPDATEs shaped like a full table: 1M IPv4 prefixes of
// length /24../32 packed into ~4 KiB UPDATEs (and 500k IPv6 prefixes), with heap bytes
// allocated per prefix. The baseline is a bare walk over the same NLRI bytes that only
// reads prefix lengths: the floor any decoder stands on.
import {
  AS4_CONTEXT,
  decodeMessage,
  makeAttribute,
  packAnnouncements,
  type Ipv4PrefixList,
  type Ipv6PrefixList,
} from '../src/bgp/wire/index.js';
import { parseIpv4 } from '../src/net/index.js';
import { ipv4FullTable } from './lib/table.js';
import { fmt, gc, measure, median } from './lib/stats.js';

const RUNS = Number(process.env.RUNS ?? 5);
const N4 = Number(process.env.PREFIXES ?? 1_000_000);
const N6 = Math.floor(N4 / 2);


function ipv6Table(n: number): Ipv6PrefixList {
  const addrs = new Uint8Array(n * 16);
  const lengths = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    addrs[i * 16] = 0x20;
    addrs[i * 16 + 1] = 0x01;
    addrs[i * 16 + 2] = 0x0d;
    addrs[i * 16 + 3] = 0xb8;
    addrs[i * 16 + 4] = (i >>> 16) & 0xff;
    addrs[i * 16 + 5] = (i >>> 8) & 0xff;
    addrs[i * 16 + 6] = i & 0xff;
    lengths[i] = 48 + (i % 17);
  }
  return { afi: 2, count: n, addrs, lengths, pathIds: null };
}

function attrs(i: number) {
  return [
    makeAttribute('ORIGIN', 0),
    makeAttribute('AS_PATH', [{ type: 2, asns: [64600 + (i % 5), 65001, 4200000001] }]),
    makeAttribute('NEXT_HOP', parseIpv4('10.69.0.1')!),
    makeAttribute('LOCAL_PREF', 100),
    makeAttribute('COMMUNITIES', [(65000 << 16) + i]),
  ];
}

/** Splits the table into 100 attribute sets, as a real feed has many paths. */
function packTable(list: Ipv4PrefixList | Ipv6PrefixList): Uint8Array[] {
  const out: Uint8Array[] = [];
  const groups = 100;
  const per = Math.ceil(list.count / groups);
  for (let g = 0; g < groups; g++) {
    const from = g * per;
    const to = Math.min(list.count, from + per);
    if (from >= to) break;
    let a = attrs(g);
    let part: Ipv4PrefixList | Ipv6PrefixList;
    if (list.afi === 1) part = { afi: 1, count: to - from, keys: list.keys.subarray(from, to), pathIds: null };
    else {
      part = { afi: 2, count: to - from, addrs: list.addrs.subarray(from * 16, to * 16), lengths: list.lengths.subarray(from, to), pathIds: null };
      a = [...a.slice(0, 2), makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: ['2001:db8::1', 'fe80::1'], nlri: null, rawNlri: null }), ...a.slice(3, 5)];
    }
    out.push(...packAnnouncements(a, part, AS4_CONTEXT));
  }
  return out;
}

/**
 * The floor: read each prefix length and skip its bytes, nothing stored. The messages are the
 * well-formed ones built above, so every offset read lies inside them (`!`, no checks timed).
 */
function walkOnly(msgs: Uint8Array[], addrBytes: boolean): number {
  let n = 0;
  for (const m of msgs) {
    const wl = (m[19]! << 8) | m[20]!;
    const al = (m[21 + wl]! << 8) | m[22 + wl]!;
    let p = 23 + wl + al;
    let end = m.length;
    if (addrBytes) {
      // IPv6: NLRI live inside MP_REACH_NLRI; find it by walking the attribute headers.
      let a = 23 + wl;
      const aEnd = a + al;
      while (a < aEnd) {
        const ext = m[a]! & 0x10;
        const len = ext ? (m[a + 2]! << 8) | m[a + 3]! : m[a + 2]!;
        const v = a + (ext ? 4 : 3);
        if (m[a + 1] === 14) {
          p = v + 5 + m[v + 3]!;
          end = v + len;
        }
        a = v + len;
      }
    }
    while (p < end) {
      const len = m[p]!;
      p += 1 + ((len + 7) >> 3);
      n++;
    }
  }
  return n;
}

function decodeAll(msgs: Uint8Array[]): number {
  let n = 0;
  for (const m of msgs) {
    const r = decodeMessage(m, AS4_CONTEXT);
    if (r.outcome !== 'ok') throw new Error(`unexpected outcome ${r.outcome}`);
    if (r.message.type !== 'UPDATE') continue;
    n += r.message.nlri.count;
    for (const a of r.message.attributes) if (a.name === 'MP_REACH_NLRI' && a.value.nlri) n += a.value.nlri.count;
  }
  return n;
}

/** Heap plus ArrayBuffer bytes held by the decoded messages when all are kept. */
function retainedPerPrefix(msgs: Uint8Array[], count: number): number {
  gc();
  const m0 = process.memoryUsage();
  const kept = msgs.map((m) => decodeMessage(m, AS4_CONTEXT));
  gc();
  const m1 = process.memoryUsage();
  const bytes = m1.heapUsed + m1.arrayBuffers - (m0.heapUsed + m0.arrayBuffers);
  if (kept.length !== msgs.length) throw new Error('lost results');
  return bytes / count;
}

function report(label: string, family: string, list: Ipv4PrefixList | Ipv6PrefixList): Record<string, number> {
  const msgs = packTable(list);
  const bytes = msgs.reduce((a, m) => a + m.length, 0);
  const walk: number[] = [];
  const dec: number[] = [];
  const enc: number[] = [];
  let decAlloc = 0;
  let encAlloc = 0;
  for (let r = 0; r < RUNS; r++) {
    let count = 0;
    walk.push(measure(() => (count = walkOnly(msgs, family === 'ipv6'))).ms);
    if (count !== list.count) throw new Error(`walk saw ${count} prefixes, expected ${list.count}`);
    const d = measure(() => (count = decodeAll(msgs)));
    if (count !== list.count) throw new Error(`decode saw ${count} prefixes, expected ${list.count}`);
    dec.push(d.ms);
    decAlloc = d.allocated;
    const e = measure(() => packTable(list));
    enc.push(e.ms);
    encAlloc = e.allocated;
  }
  const retained = retainedPerPrefix(msgs, list.count);
  const mWalk = median(walk);
  const mDec = median(dec);
  const mEnc = median(enc);
  const res = {
    prefixes: list.count,
    messages: msgs.length,
    bytes,
    walkMs: mWalk,
    decodeMs: mDec,
    decodePrefixesPerSec: (list.count / mDec) * 1000,
    decodeBytesPerSec: (bytes / mDec) * 1000,
    decodeAllocPerPrefix: decAlloc / list.count,
    decodeRetainedPerPrefix: retained,
    decodeVsWalk: mDec / mWalk,
    encodeMs: mEnc,
    encodePrefixesPerSec: (list.count / mEnc) * 1000,
    encodeAllocPerPrefix: encAlloc / list.count,
  };
  console.log(`${label}: ${fmt(list.count)} prefixes in ${fmt(msgs.length)} UPDATEs (${fmt(bytes / 1048576, 1)} MiB), median of ${RUNS}`);
  console.log(`  baseline walk      ${fmt(mWalk, 1)} ms`);
  console.log(`  decode             ${fmt(mDec, 1)} ms  ${fmt(res.decodePrefixesPerSec / 1e6, 2)} M prefixes/s  ${fmt(res.decodeBytesPerSec / 1048576, 0)} MiB/s  ${fmt(res.decodeAllocPerPrefix, 1)} heap B/prefix allocated  ${fmt(retained, 1)} B/prefix retained  ${fmt(res.decodeVsWalk, 2)}x walk`);
  console.log(`  encode (pack)      ${fmt(mEnc, 1)} ms  ${fmt(res.encodePrefixesPerSec / 1e6, 2)} M prefixes/s  ${fmt(res.encodeAllocPerPrefix, 1)} heap B/prefix`);
  return res;
}

const results = {
  node: process.version,
  ipv4: report('IPv4 full table', 'ipv4', ipv4FullTable(N4)),
  ipv6: report('IPv6', 'ipv6', ipv6Table(N6)),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(results));

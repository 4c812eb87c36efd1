// The start-up rehearsal. V8 runs a function as bytecode until it has run often enough to be
// worth compiling, so without it the first table after a start is decoded, selected and written
// by slow code: 100k routes took 385 ms from the first UPDATE into the kernel, 314 ms after a
// rehearsal (docs/performance.md). While the sessions come up, necod sends a scratch
// table down the same path on scratch instances: UPDATE bytes through the framer and the decoder,
// import, a RIB with its exporter (one iBGP session that sends nowhere) and its fan-out, the FIB
// feed and a FIB that writes to no kernel (FibOptions.rehearsal: netlink messages are encoded and
// taken by a stand-in that accepts everything). Nothing touches the real RIB, the kernel or the
// network. It yields between UPDATEs, and stops early when `stop()` says so (a real session is
// up: a real table then warms the same code, and must not wait behind a scratch one).
import pino from 'pino';
import { MessageFramer } from '../bgp/framer.js';
import { AS4_CONTEXT, decodeMessage, makeAttribute, packAnnouncements, type Ipv4PrefixList, type Ipv6PrefixList } from '../bgp/wire/index.js';
import type { NecodConfig } from '../config/types.js';
import { Fib } from '../kernel/fib.js';
import type { NexthopMode } from '../kernel/types.js';
import { importUpdate, type ImportContext } from '../rib/import.js';
import { addressOrder, BGP_PREFERENCE, type RouteSource } from '../rib/route-source.js';
import { FibFeed } from './fib-feed.js';
import { RouteEngine } from './route-engine.js';

export interface RehearsalOptions {
  /** The running configuration: the scratch RIB decides as the real one does. */
  config: NecodConfig;
  /** The real FIB's nexthop mode; null when the kernel is not written (the FIB part is left out). */
  fibMode: NexthopMode | null;
  /** Scratch routes: IPv4, default 20 000, and IPv6, default 10 000 (at most 65 536). */
  routes?: { ipv4: number; ipv6: number };
  /** Asked between UPDATEs: true ends the rehearsal there. */
  stop?: () => boolean;
}

export interface RehearsalReport {
  /** UPDATEs decoded and imported. */
  updates: number;
  /** Routes that went through the RIB (and the FIB, when it took part). */
  routes: number;
  /** Routes the scratch FIB counts as installed at the end. */
  installed: number;
  ms: number;
  /** Ended early by `stop()`. */
  cut: boolean;
}

/**
 * Attribute sets of the scratch table: prefixes come in runs sharing one, as from a real neighbor,
 * in UPDATEs of at most PER_UPDATE prefixes. Many small UPDATEs: the code that runs once per
 * UPDATE (framing, decoding attributes, import, interning) is compiled only after hundreds of them.
 */
const GROUPS = 200;
const PER_UPDATE = 25;
/** The scratch neighbor and its next hops (documentation addresses, never written anywhere). */
const PEER = '192.0.2.1';
const NEXT_HOP = 0xc0000201;
const NEXT_HOP_V6 = '2001:db8::1';

/** /24 … /32 prefixes from 10.0.0.0 upwards, distinct, in a fixed order. */
function scratchIpv4(n: number): Ipv4PrefixList {
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const len = 24 + (i % 9);
    keys[i] = (0x0a000000 + i * 256) * 64 + len;
  }
  return { afi: 1, count: n, keys, pathIds: null };
}

/** /48 and /64 prefixes under 2001:db8::/32, distinct (n ≤ 65 536). */
function scratchIpv6(n: number): Ipv6PrefixList {
  const addrs = new Uint8Array(16 * n);
  const lengths = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    addrs.set([0x20, 0x01, 0x0d, 0xb8, (i >> 8) & 0xff, i & 0xff], 16 * i);
    lengths[i] = i % 2 === 0 ? 48 : 64;
  }
  return { afi: 2, count: n, addrs, lengths, pathIds: null };
}

/** The prefixes [from, to) of a list. */
function slice(list: Ipv4PrefixList | Ipv6PrefixList, from: number, to: number): Ipv4PrefixList | Ipv6PrefixList {
  if (list.afi === 1) return { afi: 1, count: to - from, keys: list.keys.subarray(from, to), pathIds: null };
  return { afi: 2, count: to - from, addrs: list.addrs.subarray(16 * from, 16 * to), lengths: list.lengths.subarray(from, to), pathIds: null };
}

/** One family's part of the scratch table: GROUPS attribute sets, UPDATEs of PER_UPDATE prefixes. */
function scratchUpdates(list: Ipv4PrefixList | Ipv6PrefixList): Uint8Array[] {
  const n = list.count;
  const per = Math.ceil(n / GROUPS);
  const out: Uint8Array[] = [];
  for (let g = 0; g * per < n; g++) {
    const attrs = [
      makeAttribute('ORIGIN', 0),
      makeAttribute('AS_PATH', [{ type: 2, asns: [65001, 65100 + g] }]),
      makeAttribute('LOCAL_PREF', 100),
      list.afi === 1
        ? makeAttribute('NEXT_HOP', NEXT_HOP)
        : makeAttribute('MP_REACH_NLRI', { afi: 2, safi: 1, nextHops: [NEXT_HOP_V6], nlri: null, rawNlri: null }),
    ];
    const last = Math.min(n, (g + 1) * per);
    for (let from = g * per; from < last; from += PER_UPDATE) out.push(...packAnnouncements(attrs, slice(list, from, Math.min(last, from + PER_UPDATE)), AS4_CONTEXT));
  }
  return out;
}

/** The scratch table as one byte stream of UPDATEs, as a neighbor's socket would deliver it. */
function scratchStream(v4: number, v6: number): Uint8Array {
  return Buffer.concat([...scratchUpdates(scratchIpv4(v4)), ...scratchUpdates(scratchIpv6(v6))]);
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs the scratch table through the route path once; see the header. */
export async function rehearseRoutePath(o: RehearsalOptions): Promise<RehearsalReport> {
  const t0 = performance.now();
  const v4 = Math.max(0, o.routes?.ipv4 ?? 20_000);
  const v6 = Math.min(65_536, Math.max(0, o.routes?.ipv6 ?? 10_000));
  const stop = o.stop ?? (() => false);
  const silent = pino({ level: 'silent' });
  const engine = new RouteEngine(o.config, silent);
  const source: RouteSource = {
    index: 0,
    name: 'rehearsal',
    kind: 'bgp',
    ibgp: true,
    preference: BGP_PREFERENCE,
    routerId: NEXT_HOP,
    peerAddress: PEER,
    peerAddressOrder: addressOrder(PEER),
    peerAs: o.config.asn,
  };
  engine.rib.addSource(source);
  void engine.exporter.attach({
    target: {
      name: source.name,
      sourceIndex: source.index,
      ibgp: true,
      localAs: o.config.asn,
      routerId: 1,
      clusterId: 1,
      routeReflectorClient: false,
      as4: true,
      selfNextHop: { ipv4: '192.0.2.2', ipv6: '2001:db8::2', ipv6LinkLocal: null },
      mode: 'local',
      policy: null,
    },
    ctx: AS4_CONTEXT,
    families: ['ipv4', 'ipv6'],
    send: () => undefined,
  });
  const fib = o.fibMode === null ? null : new Fib({ rehearsal: o.fibMode, keys: engine.rib.keys, logger: silent });
  if (fib) {
    await fib.start();
    const feed = new FibFeed(engine.rib, fib, Number.MAX_SAFE_INTEGER);
    engine.onChanges((keys) => feed.apply(keys));
  }
  const ctx: ImportContext = {
    neighborName: source.name,
    localAs: o.config.asn,
    routerId: 1,
    clusterId: 1,
    ibgp: true,
    as4: true,
    peerAddress: PEER,
    rewriteSubnet: { ipv4: null, ipv6: null },
    interfaceName: null,
    policy: null,
  };
  // Whatever happens, the scratch instances are stopped: no timer of theirs outlives the rehearsal.
  try {
    let cut = false;
    let updates = 0;
    const framer = new MessageFramer();
    framer.push(scratchStream(v4, v6));
    for (let frame = framer.next(AS4_CONTEXT); frame !== null; frame = framer.next(AS4_CONTEXT)) {
      if (stop()) {
        cut = true;
        break;
      }
      if (!frame.ok) throw new Error(`rehearsal: the scratch table does not frame: ${frame.reason}`);
      const r = decodeMessage(frame.bytes, AS4_CONTEXT, 0);
      if (r.outcome !== 'ok' || r.message.type !== 'UPDATE') throw new Error(`rehearsal: the scratch table does not decode (${r.outcome})`);
      engine.rib.applyImport(source.index, importUpdate(r.message, 'ok', ctx));
      engine.changed();
      updates++;
      await yieldTurn();
    }
    // The fan-out runs on the next turns, then the FIB writes in batches; stop() still ends both.
    for (let i = 0; i < 10_000 && !cut && engine.fanningOut; i++) {
      if (stop()) cut = true;
      else await yieldTurn();
    }
    let written = fib === null;
    if (fib && !cut) void fib.settled().then(() => (written = true));
    for (let i = 0; i < 10_000 && !cut && !written; i++) {
      if (stop()) cut = true;
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { updates, routes: engine.rib.stats().prefixes, installed: fib ? fib.counters().routesInstalled : 0, ms: performance.now() - t0, cut };
  } finally {
    await fib?.stop();
    engine.close();
  }
}

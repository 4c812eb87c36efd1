#!/usr/bin/env node
// Turn proto-fixtures/captures/<scenario>.pcapng into fixtures/<scenario>.json
// (BGP messages, or BFD control packets for a scenario marked `protocol: 'bfd'`).
//
// tshark is the independent dissector: every `expected` value below comes from
// tshark's dissection of the message (its JSON output with raw bytes, -T json
// -x).  Only the per-message decoding `context` (4-octet AS, ADD-PATH,
// extended messages) is derived here, from the OPEN messages of the same TCP
// connection.  The raw bytes of every message are checked against an
// independent reassembly of each TCP stream (tshark's "follow tcp raw").
//
// Usage: node proto-fixtures/extract.mjs [scenario...]   (default: every capture)
// Needs tshark (Wireshark 4.x) on PATH; no npm packages.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CAPTURES = join(HERE, 'captures');
const FIXTURES = join(HERE, 'fixtures');

// Who owns which transport address, and what each capture shows.
const SCENARIOS = {
  'bird-frr-ipv4v6': {
    description:
      'BIRD (AS 65001) and FRR (AS 4200000002), eBGP over IPv4 and IPv6 sessions: MP-BGP, link-local next hops, extended next hop, roles/OTC, communities, route refresh and enhanced route refresh, End-of-RIB, withdrawals, two shutdowns with a shutdown communication',
    speakers: { '10.1.0.1': 'bird', 'fd00:1::1': 'bird', '10.1.0.2': 'frr', 'fd00:1::2': 'frr' },
  },
  'exabgp-frr-bird-as2': {
    description:
      'ExaBGP (AS 4200000001) -> FRR (AS 65010) -> BIRD (AS 65020, no 4-octet AS capability): AS_TRANS, AS4_PATH, AS4_AGGREGATOR, aggregation with AS_SET and ATOMIC_AGGREGATE, route refresh on a 2-octet session',
    speakers: { '10.2.1.1': 'exabgp', '10.2.1.2': 'frr', '10.2.2.1': 'frr', '10.2.2.2': 'bird' },
  },
  'frr-rr-bird-gobgp': {
    description:
      'FRR route reflector (AS 65100) with BIRD and GoBGP clients: ORIGINATOR_ID, CLUSTER_LIST, LOCAL_PREF, ADD-PATH for IPv4 and IPv6 (IPv6 over an IPv4 session), AIGP, End-of-RIB, route refresh, GoBGP shutdown communication',
    speakers: { '10.3.1.1': 'frr', '10.3.1.2': 'bird', '10.3.2.1': 'frr', '10.3.2.2': 'gobgp' },
  },
  'exabgp-gobgp-attrs': {
    description:
      'ExaBGP and GoBGP, iBGP AS 65040 with ADD-PATH both ways: well-known, extended and large communities, AS_SET, AGGREGATOR, ATOMIC_AGGREGATE, ORIGINATOR_ID, CLUSTER_LIST, AIGP, unknown optional attributes, route refresh, shutdown communication and a NOTIFICATION in reply',
    speakers: { '10.4.0.1': 'exabgp', '10.4.0.2': 'gobgp' },
  },
  'bird-gobgp-addpath': {
    description:
      'BIRD (AS 65060) and GoBGP (AS 65061), eBGP over IPv4 and IPv6 sessions with ADD-PATH in both directions, End-of-RIB, route refresh, path withdrawals, administrative reset and a new session',
    speakers: { '10.6.0.1': 'bird', 'fd00:6::1': 'bird', '10.6.0.2': 'gobgp', 'fd00:6::2': 'gobgp' },
  },
  bfd: {
    protocol: 'bfd',
    description:
      'BFD control packets (RFC 5880) between necod and FRR bfdd (no authentication) and necod and BIRD protocol bfd (keyed SHA1, key id 2, secret "capture-key"): sessions coming up, poll/final sequences from every side, AdminDown from FRR, Down with diagnostic 1 from FRR and BIRD and diagnostic 3 from necod',
    speakers: { '10.9.1.1': 'necod', '10.9.2.1': 'necod', '10.9.1.2': 'frr', '10.9.2.2': 'bird' },
  },
  notifications: {
    description:
      'NOTIFICATION messages: bad peer AS from GoBGP and FRR, unacceptable hold time and maximum prefixes reached from BIRD, hold timer expired from FRR',
    speakers: {
      '10.7.1.1': 'bird', '10.7.1.11': 'bird', '10.7.2.1': 'bird', '10.7.2.11': 'bird', '10.7.2.21': 'bird',
      '10.7.1.2': 'gobgp', '10.7.1.12': 'gobgp',
      '10.7.2.2': 'frr', '10.7.2.12': 'frr', '10.7.2.22': 'frr',
    },
  },
};

const TYPE_NAMES = { 1: 'OPEN', 2: 'UPDATE', 3: 'NOTIFICATION', 4: 'KEEPALIVE', 5: 'ROUTE-REFRESH' };
const HEADER_LEN = 19;

// ------------------------------------------------------------------ tshark ---

function tshark(args) {
  return execFileSync('tshark', args, {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  }).toString('utf8');
}

// tshark -T json repeats keys inside one object (several "bgp" layers in one
// frame, several path attributes...).  JSON.parse would keep only the last
// one, so this small parser keeps objects as ordered lists of [key, value].
class Obj {
  constructor(entries) { this.entries = entries; }
  all(key) { return this.entries.filter(([k]) => k === key).map(([, v]) => v); }
  get(key) { const e = this.entries.find(([k]) => k === key); return e ? e[1] : undefined; }
  has(key) { return this.entries.some(([k]) => k === key); }
}

function parseJson(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = (what) => { throw new Error(`tshark JSON: ${what} at offset ${i}`); };
  const str = () => {
    const start = i;
    i++;
    while (text[i] !== '"') { if (text[i] === '\\') i++; i++; if (i >= text.length) fail('unterminated string'); }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = [];
      ws();
      if (text[i] === '}') { i++; return new Obj(entries); }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected key');
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected colon');
        i++;
        entries.push([k, value()]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return new Obj(entries); }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const out = [];
      ws();
      if (text[i] === ']') { i++; return out; }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') { i++; ws(); if (text[i] === ']') { i++; return out; } continue; }
        if (text[i] === ']') { i++; return out; }
        fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    const m = /^(-?[0-9][0-9.eE+-]*|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail('unexpected token');
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const v = value();
  return v;
}

// ------------------------------------------------------------- dissection ---

const num = (v) => (v === undefined ? undefined : Number(v));
const rawAll = (obj, key) => obj.all(`${key}_raw`).map((r) => (Array.isArray(r) ? r[0] : undefined));

function dissect(file, asnLen) {
  const text = tshark([
    '-r', file,
    '-o', 'tcp.desegment_tcp_streams:TRUE',
    '-o', 'bgp.desegment:TRUE',
    '-o', `bgp.asn_len:${asnLen}`,
    '-T', 'json', '-x', '-Y', 'bgp',
  ]);
  const packets = parseJson(text);
  const out = [];
  for (const p of packets) {
    const layers = p.get('_source').get('layers');
    const frame = layers.get('frame');
    const ip = layers.get('ip') ?? layers.get('ipv6');
    const v6 = !layers.has('ip');
    const tcp = layers.get('tcp');
    const src = ip.get(v6 ? 'ipv6.src' : 'ip.src');
    const dst = ip.get(v6 ? 'ipv6.dst' : 'ip.dst');
    const sport = tcp.get('tcp.srcport');
    const dport = tcp.get('tcp.dstport');
    const bgps = layers.all('bgp');
    const raws = layers.all('bgp_raw');
    if (bgps.length !== raws.length) throw new Error(`frame ${frame.get('frame.number')}: bgp/bgp_raw mismatch`);
    bgps.forEach((b, idx) => {
      out.push({
        frame: Number(frame.get('frame.number')),
        index: idx,
        stream: Number(tcp.get('tcp.stream')),
        src, dst, sport, dport,
        hex: raws[idx][0],
        tree: b,
        malformed: layers.has('_ws.malformed'),
      });
    });
  }
  return out;
}

// Prefixes in a tshark NLRI container: children are keyed by a display string
// and hold bgp.prefix_length, a *_prefix field and, with ADD-PATH,
// bgp.nlri_path_id.
function prefixes(container) {
  if (!(container instanceof Obj)) return [];
  const out = [];
  for (const [, v] of container.entries) {
    if (!(v instanceof Obj)) continue;
    const len = v.get('bgp.prefix_length');
    const addrEntry = v.entries.find(([k]) => k.endsWith('_prefix') && !k.endsWith('_raw'));
    if (len === undefined || !addrEntry) continue;
    const s = `${addrEntry[1]}/${len}`;
    const pid = v.get('bgp.nlri_path_id');
    out.push(pid === undefined ? s : { prefix: s, path_id: Number(pid) });
  }
  return out;
}

function asPath(attr) {
  return attr.all('bgp.update.path_attribute.as_path_segment').map((seg) => ({
    type: num(seg.get('bgp.update.path_attribute.as_path_segment.type')),
    asns: [
      ...seg.all('bgp.update.path_attribute.as_path_segment.as2'),
      ...seg.all('bgp.update.path_attribute.as_path_segment.as4'),
    ].map(Number),
  }));
}

function communities(attr) {
  const c = attr.get('bgp.update.path_attribute.communities');
  if (!(c instanceof Obj)) return undefined;
  const out = [];
  for (const [k, v] of c.entries) {
    if (k === 'bgp.update.path_attribute.community' && v instanceof Obj) {
      out.push(`${v.get('bgp.update.path_attribute.community_as')}:${v.get('bgp.update.path_attribute.community_value')}`);
    } else if (k === 'bgp.update.path_attribute.community_wellknown') {
      const n = Number(v);
      out.push(`${n >>> 16}:${n & 0xffff}`);
    }
  }
  return out;
}

function decodeUpdate(tree, e) {
  const wd = tree.get('bgp.update.withdrawn_routes');
  if (tree.has('bgp.update.withdrawn_routes.length')) e.withdrawn = prefixes(wd);
  const attrsC = tree.get('bgp.update.path_attributes');
  const attrs = attrsC instanceof Obj ? attrsC.all('bgp.update.path_attribute') : [];
  e.path_attributes = attrs.map((a) => ({
    type: num(a.get('bgp.update.path_attribute.type_code')),
    flags: Number(a.get('bgp.update.path_attribute.flags')),
    length: num(a.get('bgp.update.path_attribute.length')),
  }));
  for (const a of attrs) {
    const P = 'bgp.update.path_attribute.';
    switch (num(a.get(`${P}type_code`))) {
      case 1: if (a.has(`${P}origin`)) e.origin = num(a.get(`${P}origin`)); break;
      case 2: e.as_path = asPath(a); break;
      case 3: if (a.has(`${P}next_hop`)) e.next_hop = a.get(`${P}next_hop`); break;
      case 4: if (a.has(`${P}multi_exit_disc`)) e.med = num(a.get(`${P}multi_exit_disc`)); break;
      case 5: if (a.has(`${P}local_pref`)) e.local_pref = num(a.get(`${P}local_pref`)); break;
      case 6: e.atomic_aggregate = true; break;
      case 7:
      case 18:
        if (a.has(`${P}aggregator_as`)) {
          e[num(a.get(`${P}type_code`)) === 7 ? 'aggregator' : 'as4_aggregator'] = {
            as: num(a.get(`${P}aggregator_as`)),
            address: a.get(`${P}aggregator_origin`),
          };
        }
        break;
      case 8: { const c = communities(a); if (c) e.communities = c; break; }
      case 9: if (a.has(`${P}originator_id`)) e.originator_id = a.get(`${P}originator_id`); break;
      case 10: {
        const cl = a.get('bgp.path_attribute.cluster_list');
        if (cl instanceof Obj) e.cluster_list = cl.all('bgp.path_attribute.cluster_id');
        break;
      }
      case 14: {
        const nh = a.get(`${P}mp_reach_nlri.next_hop_tree`);
        const hops = nh instanceof Obj
          ? nh.entries.filter(([k, v]) => !k.endsWith('_raw') && typeof v === 'string').map(([, v]) => v)
          : [];
        const nlriC = a.all(`${P}mp_reach_nlri`).find((v) => v instanceof Obj);
        e.mp_reach = {
          afi: num(a.get(`${P}mp_reach_nlri.afi`)),
          safi: num(a.get(`${P}mp_reach_nlri.safi`)),
          next_hops: hops,
          nlri: prefixes(nlriC),
        };
        break;
      }
      case 15: {
        const wdC = a.all(`${P}mp_unreach_nlri`).find((v) => v instanceof Obj);
        e.mp_unreach = {
          afi: num(a.get(`${P}mp_unreach_nlri.afi`)),
          safi: num(a.get(`${P}mp_unreach_nlri.safi`)),
          withdrawn: prefixes(wdC),
        };
        break;
      }
      case 16: {
        const ec = a.get('bgp.ext_communities');
        if (ec instanceof Obj) e.extended_communities = rawAll(ec, 'bgp.ext_community');
        break;
      }
      case 17: e.as4_path = asPath(a); break;
      case 26: {
        const ag = a.get(`${P}aigp`);
        if (ag instanceof Obj && ag.has('bgp.update.attribute.aigp.accu_igp_metric')) {
          e.aigp = num(ag.get('bgp.update.attribute.aigp.accu_igp_metric'));
        }
        break;
      }
      case 32: {
        const lcs = a.all('bgp.large_communities_tree');
        if (lcs.length) {
          e.large_communities = lcs.map((t) => `${t.get('bgp.large_communities.ga')}:${t.get('bgp.large_communities.ldp1')}:${t.get('bgp.large_communities.ldp2')}`);
        }
        break;
      }
      default: break;
    }
  }
  e.nlri = prefixes(tree.get('bgp.update.nlri'));
  // End-of-RIB (RFC 4724): tshark 4.0 has no explicit marker, so this is read
  // from its fields: an UPDATE with no withdrawn routes, no attributes and no
  // NLRI (IPv4 unicast), or whose only attribute is an empty MP_UNREACH_NLRI.
  const wdLen = Number(tree.get('bgp.update.withdrawn_routes.length'));
  const paLen = Number(tree.get('bgp.update.path_attributes.length'));
  if (e.length === HEADER_LEN + 4 && wdLen === 0 && paLen === 0) {
    e.end_of_rib = 'ipv4';
  } else if (wdLen === 0 && e.nlri.length === 0 && e.path_attributes.length === 1 && e.mp_unreach && e.mp_unreach.withdrawn.length === 0) {
    e.end_of_rib = e.mp_unreach.afi === 1 && e.mp_unreach.safi === 1 ? 'ipv4'
      : e.mp_unreach.afi === 2 && e.mp_unreach.safi === 1 ? 'ipv6'
        : `afi${e.mp_unreach.afi}/safi${e.mp_unreach.safi}`;
  }
}

function decodeOpen(tree, e) {
  e.version = num(tree.get('bgp.open.version'));
  e.my_as = num(tree.get('bgp.open.myas'));
  e.hold_time = num(tree.get('bgp.open.holdtime'));
  e.bgp_id = tree.get('bgp.open.identifier');
  e.capabilities = [];
  const opt = tree.get('bgp.open.opt');
  const params = opt instanceof Obj ? opt.all('bgp.open.opt.param') : [];
  const mp = [];
  const addpath = [];
  const enh = [];
  for (const p of params) {
    for (const cap of p.all('bgp.cap')) {
      const code = num(cap.get('bgp.cap.type'));
      e.capabilities.push(code);
      switch (code) {
        case 1: mp.push({ afi: num(cap.get('bgp.cap.mp.afi')), safi: num(cap.get('bgp.cap.mp.safi')) }); break;
        case 5: {
          const afis = cap.all('bgp.cap.enh.afi');
          const safis = cap.all('bgp.cap.enh.safi');
          const nhs = cap.all('bgp.cap.enh.nhafi');
          afis.forEach((a, k) => enh.push({ afi: Number(a), safi: Number(safis[k]), nexthop_afi: Number(nhs[k]) }));
          break;
        }
        case 64: {
          const t = cap.get('bgp.cap.gr.timers_tree');
          const afis = cap.all('bgp.cap.gr.afi');
          const safis = cap.all('bgp.cap.gr.safi');
          const flags = cap.all('bgp.cap.gr.flag');
          e.graceful_restart = {
            restart_flag: t instanceof Obj ? num(t.get('bgp.cap.gr.timers.restart_flag')) : undefined,
            notification_flag: t instanceof Obj ? num(t.get('bgp.cap.gr.timers.notification_flag')) : undefined,
            restart_time: t instanceof Obj ? num(t.get('bgp.cap.gr.timers.restart_time')) : undefined,
            families: afis.map((a, k) => ({ afi: Number(a), safi: Number(safis[k]), flags: Number(flags[k]) })),
          };
          break;
        }
        case 65: e.four_octet_as = num(cap.get('bgp.cap.4as')); break;
        case 69: {
          const afis = cap.all('bgp.cap.ap.afi');
          const safis = cap.all('bgp.cap.ap.safi');
          const sr = cap.all('bgp.cap.ap.sendreceive');
          afis.forEach((a, k) => addpath.push({ afi: Number(a), safi: Number(safis[k]), send_receive: Number(sr[k]) }));
          break;
        }
        case 73:
          if (cap.has('bgp.cap.orf.fqdn.hostname')) {
            e.fqdn = { hostname: cap.get('bgp.cap.orf.fqdn.hostname'), domain: cap.get('bgp.cap.orf.fqdn.domain_name') ?? '' };
          }
          break;
        default: break;
      }
    }
  }
  if (mp.length) e.multiprotocol = mp;
  if (addpath.length) e.addpath = addpath;
  if (enh.length) e.extended_nexthop = enh;
}

function decodeNotification(tree, e) {
  e.code = num(tree.get('bgp.notify.major_error'));
  const sub = tree.entries.find(([k]) => k.startsWith('bgp.notify.minor_error') && !k.endsWith('_raw'));
  if (sub) e.subcode = Number(sub[1]);
  // data: tshark's raw bytes of every field after the subcode, in order
  let after = false;
  let data = '';
  for (const [k, v] of tree.entries) {
    if (sub && k === sub[0]) { after = true; continue; }
    if (after && k.endsWith('_raw') && Array.isArray(v) && k !== `${sub[0]}_raw`) data += v[0];
  }
  if (sub) e.data = data;
  if (tree.has('bgp.notify.communication')) e.shutdown_communication = tree.get('bgp.notify.communication');
}

function expectedOf(msg) {
  const t = msg.tree;
  const type = num(t.get('bgp.type'));
  const e = { type: TYPE_NAMES[type] ?? type, length: num(t.get('bgp.length')) };
  if (type === 1) decodeOpen(t, e);
  else if (type === 2) decodeUpdate(t, e);
  else if (type === 3) decodeNotification(t, e);
  else if (type === 5) {
    e.afi = num(t.get('bgp.route_refresh.afi'));
    e.safi = num(t.get('bgp.route_refresh.safi'));
    if (t.has('bgp.route_refresh.subtype')) e.subtype = num(t.get('bgp.route_refresh.subtype'));
  }
  return JSON.parse(JSON.stringify(e)); // drop undefined members
}

// tshark 4.0 guesses per message whether NLRI carry ADD-PATH identifiers (it
// has no preference for it and does not track the OPEN capabilities).  Where
// its guess disagrees with the negotiated capability, the affected prefix
// lists are left out and the message gets a note.
function checkAddPath(e, ctx) {
  if (e.type !== 'UPDATE') return [];
  const notes = [];
  const famOf = (afi, safi) => (afi === 1 && safi === 1 ? 'ipv4' : afi === 2 && safi === 1 ? 'ipv6' : null);
  const bad = (list, fam) => fam !== null && list.some((p) => (typeof p === 'object') !== ctx.addpath[fam]);
  for (const key of ['withdrawn', 'nlri']) {
    if (e[key] && bad(e[key], 'ipv4')) { delete e[key]; notes.push(`tshark ADD-PATH guess disagrees with the session for ${key}; left out`); }
  }
  if (e.mp_reach && bad(e.mp_reach.nlri, famOf(e.mp_reach.afi, e.mp_reach.safi))) {
    delete e.mp_reach.nlri; notes.push('tshark ADD-PATH guess disagrees with the session for mp_reach.nlri; left out');
  }
  if (e.mp_unreach && bad(e.mp_unreach.withdrawn, famOf(e.mp_unreach.afi, e.mp_unreach.safi))) {
    delete e.mp_unreach.withdrawn; notes.push('tshark ADD-PATH guess disagrees with the session for mp_unreach.withdrawn; left out');
  }
  return notes;
}

// --------------------------------------------------- independent reassembly ---

// Byte streams of every TCP connection from tshark's "follow tcp raw", split
// into BGP messages by their length field: key "stream/src:port" -> [hex...]
function followStreams(file, streams) {
  const out = new Map();
  if (streams.length === 0) return out;
  const args = ['-r', file, '-q'];
  for (const s of streams) args.push('-z', `follow,tcp,raw,${s}`);
  const text = tshark(args);
  const blocks = text.split(/^=+$/m);
  let current = null;
  for (const block of blocks) {
    const filt = /Filter: tcp\.stream eq (\d+)/.exec(block);
    if (!filt) continue;
    current = Number(filt[1]);
    const n0 = /Node 0: (.+)$/m.exec(block)[1].trim();
    const n1 = /Node 1: (.+)$/m.exec(block)[1].trim();
    const data = { [n0]: '', [n1]: '' };
    const body = block.slice(block.indexOf('\n', block.indexOf('Node 1:')) + 1);
    for (const line of body.split('\n')) {
      if (!line.trim()) continue;
      if (line.startsWith('\t')) data[n1] += line.trim();
      else data[n0] += line.trim();
    }
    for (const [node, hex] of Object.entries(data)) {
      const msgs = [];
      let off = 0;
      while (off + HEADER_LEN * 2 <= hex.length) {
        const len = parseInt(hex.slice(off + 32, off + 36), 16);
        if (len < HEADER_LEN || off + len * 2 > hex.length) break;
        msgs.push(hex.slice(off, off + len * 2));
        off += len * 2;
      }
      out.set(`${current}/${normalizeNode(node)}`, msgs);
    }
  }
  return out;
}

function normalizeNode(node) {
  // "10.1.0.1:179" or "[fd00:1::1]:179"
  const i = node.lastIndexOf(':');
  return `${node.slice(0, i).replace(/^\[(.*)\]$/, '$1')}|${node.slice(i + 1)}`;
}

// ------------------------------------------------------------- context ---

function parseOpenCaps(hex) {
  const b = Buffer.from(hex, 'hex');
  const caps = { as4: false, extmsg: false, addpath: new Map() };
  let p = 29;
  const end = Math.min(b.length, 29 + b[28]);
  while (p + 2 <= end) {
    const type = b[p];
    const len = b[p + 1];
    if (type === 2) {
      let q = p + 2;
      const qend = p + 2 + len;
      while (q + 2 <= qend) {
        const code = b[q];
        const clen = b[q + 1];
        const v = b.subarray(q + 2, q + 2 + clen);
        if (code === 65) caps.as4 = true;
        if (code === 6) caps.extmsg = true;
        if (code === 69) {
          for (let k = 0; k + 4 <= v.length; k += 4) caps.addpath.set(`${v.readUInt16BE(k)}/${v[k + 2]}`, v[k + 3]);
        }
        q += 2 + clen;
      }
    }
    p += 2 + len;
  }
  return caps;
}

function contextFor(sent, received) {
  if (!sent || !received) return { as4: false, addpath: { ipv4: false, ipv6: false }, extended_message: false };
  const ap = (fam) => {
    const s = sent.addpath.get(fam) ?? 0;
    const r = received.addpath.get(fam) ?? 0;
    return (s & 2) !== 0 && (r & 1) !== 0;
  };
  return {
    as4: sent.as4 && received.as4,
    addpath: { ipv4: ap('1/1'), ipv6: ap('2/1') },
    extended_message: sent.extmsg && received.extmsg,
  };
}

// ---------------------------------------------------------------------- BFD ---

const BFD_STATES = ['AdminDown', 'Down', 'Init', 'Up'];
const BFD_MULTIHOP_PORT = '4784';

// tshark's reading of one BFD control packet, under the keys of `necod-cli
// decode --bfd` (docs/decode-json.md).
function bfdExpected(tree) {
  const flags = tree.get('bfd.flags_tree');
  const bit = (k) => flags.get(`bfd.flags.${k}`) === '1';
  const out = {
    version: num(tree.get('bfd.version')),
    diag: parseInt(tree.get('bfd.diag'), 16),
    state: BFD_STATES[parseInt(tree.get('bfd.sta'), 16)],
    poll: bit('p'),
    final: bit('f'),
    control_plane_independent: bit('c'),
    authentication_present: bit('a'),
    demand: bit('d'),
    multipoint: bit('m'),
    detect_mult: num(tree.get('bfd.detect_time_multiplier')),
    length: num(tree.get('bfd.message_length')),
    my_discriminator: parseInt(tree.get('bfd.my_discriminator'), 16),
    your_discriminator: parseInt(tree.get('bfd.your_discriminator'), 16),
    desired_min_tx_interval_us: num(tree.get('bfd.desired_min_tx_interval')),
    required_min_rx_interval_us: num(tree.get('bfd.required_min_rx_interval')),
    required_min_echo_rx_interval_us: num(tree.get('bfd.required_min_echo_interval')),
  };
  // The authentication section is a subtree named after its type ("Authentication: Keyed SHA1").
  const auth = tree.entries.map(([, v]) => v).find((v) => v instanceof Obj && v.has('bfd.auth.type'));
  if (auth) {
    out.auth = { type: num(auth.get('bfd.auth.type')), key_id: num(auth.get('bfd.auth.key')) };
    if (auth.has('bfd.auth.seq_num')) out.auth.sequence = parseInt(auth.get('bfd.auth.seq_num'), 16);
    if (auth.has('bfd.checksum')) out.auth.digest_hex = auth.get('bfd.checksum').replaceAll(':', '');
  }
  return out;
}

function extractBfd(name, meta) {
  const file = join(CAPTURES, `${name}.pcapng`);
  const packets = parseJson(tshark(['-r', file, '-T', 'json', '-x', '-Y', 'bfd']));
  const messages = [];
  for (const p of packets) {
    const layers = p.get('_source').get('layers');
    const frame = Number(layers.get('frame').get('frame.number'));
    if (layers.has('_ws.malformed')) throw new Error(`${name}: frame ${frame}: tshark reports a malformed packet`);
    const ip = layers.get('ip') ?? layers.get('ipv6');
    const v6 = !layers.has('ip');
    const udp = layers.get('udp');
    const src = ip.get(v6 ? 'ipv6.src' : 'ip.src');
    const dst = ip.get(v6 ? 'ipv6.dst' : 'ip.dst');
    const hex = layers.get('bfd_raw')[0];
    // Independent of the dissector's idea of the packet's extent: one control packet is the whole UDP payload.
    if (hex !== udp.get('udp.payload_raw')?.[0]) throw new Error(`${name}: frame ${frame}: BFD bytes are not the whole UDP payload`);
    const expected = bfdExpected(layers.get('bfd'));
    if (expected.length !== hex.length / 2) throw new Error(`${name}: frame ${frame}: length field mismatch`);
    const sender = meta.speakers[src];
    if (!sender) throw new Error(`${name}: unknown sender address ${src}`);
    messages.push({
      frame,
      src: fmtAddr(src, udp.get('udp.srcport')),
      dst: fmtAddr(dst, udp.get('udp.dstport')),
      sender,
      context: { multihop: udp.get('udp.dstport') === BFD_MULTIHOP_PORT },
      hex,
      expected,
    });
  }
  return writeFixture(name, meta, messages, (e) => e.state, { protocol: 'bfd' });
}

// -------------------------------------------------------------------- main ---

const fmtAddr = (a, port) => (a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`);

function extract(name) {
  const meta = SCENARIOS[name];
  if (!meta) throw new Error(`no description for scenario ${name}; add it to SCENARIOS in extract.mjs`);
  if (meta.protocol === 'bfd') return extractBfd(name, meta);
  const file = join(CAPTURES, `${name}.pcapng`);
  const two = dissect(file, '2 octet');
  const four = dissect(file, '4 octet');
  if (two.length !== four.length || two.some((m, k) => m.frame !== four[k].frame || m.hex !== four[k].hex)) {
    throw new Error(`${name}: dissections with 2- and 4-octet ASNs disagree on the message list`);
  }

  // independent reassembly check of the raw bytes, per stream and direction
  const streams = [...new Set(two.map((m) => m.stream))].sort((a, b) => a - b);
  const followed = followStreams(file, streams);
  const seen = new Map();
  for (const m of two) {
    const key = `${m.stream}/${m.src}|${m.sport}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const ref = followed.get(key);
    if (!ref || ref[k] !== m.hex) {
      throw new Error(`${name}: frame ${m.frame} message ${m.index} differs from the reassembled stream ${key} #${k}`);
    }
    if (m.hex.length / 2 !== parseInt(m.hex.slice(32, 36), 16)) throw new Error(`${name}: frame ${m.frame}: length field mismatch`);
  }
  for (const [key, list] of followed) {
    if ((seen.get(key) ?? 0) !== list.length) {
      throw new Error(`${name}: stream ${key} holds ${list.length} messages, tshark dissected ${seen.get(key) ?? 0}`);
    }
  }

  const opens = new Map(); // "stream/src|port" -> caps
  const messages = [];
  two.forEach((m, k) => {
    const type = parseInt(m.hex.slice(36, 38), 16);
    const sender = `${m.stream}/${m.src}|${m.sport}`;
    const receiver = `${m.stream}/${m.dst}|${m.dport}`;
    const ctx = contextFor(opens.get(sender), opens.get(receiver));
    if (type === 1) opens.set(sender, parseOpenCaps(m.hex));
    const chosen = ctx.as4 ? four[k] : two[k];
    if (chosen.malformed) throw new Error(`${name}: frame ${m.frame}: tshark reports a malformed packet`);
    const speaker = meta.speakers[m.src];
    if (!speaker) throw new Error(`${name}: unknown sender address ${m.src}`);
    const expected = expectedOf(chosen);
    const notes = checkAddPath(expected, ctx);
    if (notes.length) process.stderr.write(`${name}: frame ${m.frame}: ${notes.join('; ')}\n`);
    messages.push({
      frame: m.frame,
      stream: m.stream,
      src: fmtAddr(m.src, m.sport),
      dst: fmtAddr(m.dst, m.dport),
      sender: speaker,
      context: ctx,
      hex: m.hex,
      expected,
      ...(notes.length ? { notes } : {}),
    });
  });

  return writeFixture(name, meta, messages, (e) => e.type);
}

// Writes fixtures/<name>.json; returns the message count per kind (`kindOf` of `expected`).
function writeFixture(name, meta, messages, kindOf, extra = {}) {
  const fixture = {
    scenario: name,
    ...extra,
    description: meta.description,
    capture: `captures/${name}.pcapng`,
    dissector: tshark(['--version']).split('\n')[0].trim(),
    messages,
  };
  mkdirSync(FIXTURES, { recursive: true });
  writeFileSync(join(FIXTURES, `${name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  const counts = {};
  for (const msg of messages) counts[kindOf(msg.expected)] = (counts[kindOf(msg.expected)] ?? 0) + 1;
  return counts;
}

function main() {
  let names = process.argv.slice(2);
  if (names.length === 0) {
    if (!existsSync(CAPTURES)) throw new Error('no captures/ directory; run capture.sh first');
    names = readdirSync(CAPTURES).filter((f) => f.endsWith('.pcapng')).map((f) => f.slice(0, -'.pcapng'.length)).sort();
  }
  for (const name of names) {
    const counts = extract(name);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const parts = Object.entries(counts).map(([t, c]) => `${t} ${c}`).join(', ');
    process.stdout.write(`${name}: ${total} messages (${parts})\n`);
  }
}

main();

// The netlink writer against the `ip -batch` lines it stands in for: the same changes written
// both ways, each into its own namespace, must leave the same routes and nexthop objects
// (`ip -d -json`), and refusals must come back by index with ip's texts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/host/batch-writers.js';
import type { Change, Leg, RouteTag } from '../../src/host/kernel-change.js';
import { TEXT_PREFIXES } from '../../src/host/netlink-codec.js';
import { NetlinkRouteWriter } from '../../src/host/netlink-writer.js';
import { isHarmlessError, renderChange } from '../../src/kernel/batch-lines.js';
import { KernelLab, UPLINKS } from './kernel-lab.js';

const leg = (via: string, dev: string, onlink = false): Leg => ({ via, dev, onlink, key: `${via}|${dev}|${onlink}` });
const A4 = leg(UPLINKS.a.gw4, 'a0');
const B4 = leg(UPLINKS.b.gw4, 'b0');
const A6 = leg(UPLINKS.a.gw6, 'a0');
const B6 = leg(UPLINKS.b.gw6, 'b0');
const set = (...legs: Leg[]) => ({ key: legs.map((l) => l.key).join(','), legs });

function changes(table: number): { tag: RouteTag; list: Change<string>[] } {
  const tag: RouteTag = { protocol: 200, metric: 32, table };
  const list: Change<string>[] = [
    { op: 'nexthop-replace', obj: { type: 'leg', id: 7001, leg: A4 } },
    { op: 'nexthop-replace', obj: { type: 'leg', id: 7002, leg: B4 } },
    { op: 'nexthop-replace', obj: { type: 'leg', id: 7003, leg: A6 } },
    { op: 'nexthop-replace', obj: { type: 'leg', id: 7004, leg: leg('192.0.2.9', 'b0', true) } },
    { op: 'nexthop-replace', obj: { type: 'group', id: 7010, members: [7001, 7002] } },
    { op: 'route-replace', prefix: '10.50.0.0/24', route: { type: 'nhid', nhid: 7010 } },
    { op: 'route-replace', prefix: '10.50.1.0/24', route: { type: 'nhid', nhid: 7001 } },
    { op: 'route-replace', prefix: '10.50.9.0/24', route: { type: 'nhid', nhid: 7004 } },
    { op: 'route-replace', prefix: '2001:db8:50::/48', route: { type: 'nhid', nhid: 7003 } },
    { op: 'route-replace', prefix: '10.51.0.0/16', route: { type: 'inline', set: set(A4) } },
    { op: 'route-replace', prefix: '10.52.0.0/16', route: { type: 'inline', set: set(A4, B4) } },
    // RFC 5549: IPv6 next hops on an IPv4 route, single and multipath.
    { op: 'route-replace', prefix: '10.53.0.0/16', route: { type: 'inline', set: set(A6) } },
    { op: 'route-replace', prefix: '10.54.0.0/16', route: { type: 'inline', set: set(A6, B6) } },
    { op: 'route-replace', prefix: '10.55.0.0/16', route: { type: 'inline', set: set(leg('192.0.2.1', 'a0', true)) } },
    { op: 'route-replace', prefix: '2001:db8:51::/48', route: { type: 'inline', set: set(A6, B6) } },
    { op: 'route-replace', prefix: '2001:db8:52::/48', route: { type: 'inline', set: set(B6) } },
    { op: 'route-replace', prefix: '10.56.0.0/16', route: { type: 'blackhole' } },
    { op: 'route-replace', prefix: '10.57.0.0/16', route: { type: 'unreachable' } },
    { op: 'route-replace', prefix: '2001:db8:53::/48', route: { type: 'blackhole' } },
    { op: 'route-replace', prefix: '0.0.0.0/0', route: { type: 'inline', set: set(B4) } },
    { op: 'route-replace', prefix: '10.58.0.0/16', route: { type: 'blackhole' } },
    { op: 'route-delete', prefix: '10.58.0.0/16' },
    { op: 'nexthop-replace', obj: { type: 'leg', id: 7005, leg: B6 } },
    { op: 'nexthop-delete', id: 7005 },
  ];
  return { tag, list };
}

async function kernelState(lab: KernelLab): Promise<unknown> {
  const routes = [];
  for (const fam of ['-4', '-6']) routes.push(JSON.parse(await lab.must(['-d', '-j', fam, 'route', 'show', 'table', 'all', 'proto', '200'])));
  return { routes, nexthops: JSON.parse(await lab.must(['-d', '-j', 'nexthop', 'show'])) };
}

describe('netlink route writer', () => {
  let nl: KernelLab;
  let ip: KernelLab;
  let w: NetlinkRouteWriter<string> | undefined;
  let b: BatchWriter | undefined;

  beforeEach(async () => {
    [nl, ip] = await Promise.all([KernelLab.create(), KernelLab.create()]);
  });

  afterEach(async () => {
    await w?.close();
    await b?.close();
    await Promise.all([nl.destroy(), ip.destroy()]);
  });

  it.each([[100], [254], [1000]])('writes what the ip lines write (table %i)', async (table) => {
    const { tag, list } = changes(table);
    w = new NetlinkRouteWriter({ netns: nl.ns, prefixes: TEXT_PREFIXES, tag });
    b = new BatchWriter({ netns: ip.ns, writers: 1 });
    const viaNl = await w.run(list);
    const viaIp = await b.run({ lines: list.map((c) => renderChange(c, tag)) });
    expect([...viaNl.errors]).toEqual([...viaIp.errors]);
    expect(viaNl.errors.size).toBe(0);
    const mine = await kernelState(nl);
    expect(mine).toEqual(await kernelState(ip));
    expect(JSON.stringify(mine)).toContain('10.54.0.0/16');
  });

  it('maps each refusal to its change with the text ip prints', async () => {
    const tag: RouteTag = { protocol: 200, metric: 32, table: 100 };
    w = new NetlinkRouteWriter({ netns: nl.ns, prefixes: TEXT_PREFIXES, tag });
    const list: Change<string>[] = [
      { op: 'route-replace', prefix: '10.60.0.0/24', route: { type: 'inline', set: set(A4) } },
      { op: 'route-replace', prefix: '10.60.1.0/24', route: { type: 'nhid', nhid: 999 } },
      { op: 'route-delete', prefix: '10.60.2.0/24' },
      { op: 'nexthop-delete', id: 998 },
      { op: 'route-replace', prefix: '10.60.3.0/24', route: { type: 'inline', set: set(leg(UPLINKS.a.gw4, 'nosuch')) } },
      { op: 'route-replace', prefix: '10.60.4.0/24', route: { type: 'inline', set: set(leg('10.77.0.1', 'a0')) } },
      { op: 'route-replace', prefix: '10.60.5.0/24', route: { type: 'blackhole' } },
    ];
    const out = await w.run(list);
    expect([...out.errors.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(isHarmlessError(list[2]!, out.errors.get(2)!)).toBe(true);
    expect(isHarmlessError(list[3]!, out.errors.get(3)!)).toBe(true);
    expect(out.errors.get(4)).toMatch(/Cannot find device "nosuch"/);
    expect(out.errors.get(5)).toMatch(/Network is unreachable|Invalid argument/);
    const routes = await nl.routeMap({ table: 100, proto: 200 });
    expect([...routes.keys()].sort()).toEqual(['10.60.0.0/24', '10.60.5.0/24']);
  });

  it('writes a large job in many buffers and keeps refusals in order', async () => {
    const tag: RouteTag = { protocol: 200, metric: 32, table: 100 };
    w = new NetlinkRouteWriter({ netns: nl.ns, prefixes: TEXT_PREFIXES, tag });
    const list: Change<string>[] = [{ op: 'nexthop-replace', obj: { type: 'leg', id: 7001, leg: A4 } }];
    for (let i = 0; i < 20_000; i++) {
      const p = `10.${100 + (i >> 8)}.${i & 255}.0/24`;
      list.push({ op: 'route-replace', prefix: p, route: i % 5000 === 7 ? { type: 'nhid', nhid: 4242 } : { type: 'nhid', nhid: 7001 } });
    }
    const out = await w.run(list);
    expect([...out.errors.keys()]).toEqual([8, 5008, 10_008, 15_008]);
    expect((await nl.routes({ table: 100, proto: 200 })).length).toBe(20_000 - 4);
    // Urgent jobs have their own socket.
    const quick = await w.run([{ op: 'route-delete', prefix: '10.100.0.0/24' }], true);
    expect(quick.errors.size).toBe(0);
  });
});

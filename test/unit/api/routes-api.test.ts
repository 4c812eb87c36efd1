import { describe, expect, it } from 'vitest';
import { prefixListFrom } from '../../../src/bgp/wire/index.js';
import { createApiServer } from '../../../src/api/server.js';
import type { RouteList } from '../../../src/api/route-types.js';
import { Rib } from '../../../src/rib/rib.js';
import { LocalRoutes, type LocalRoute } from '../../../src/routing/local-routes.js';
import { routeProvider } from '../../../src/api/route-view.js';
import { localSource } from '../../../src/rib/route-source.js';
import { formatRoutes } from '../../../src/cli/format-routes.js';
import { attrsInput, bgpSource } from '../rib/fixtures.js';

function setup() {
  const rib = new Rib();
  rib.addSource(bgpSource(0, { address: '10.69.0.1', name: 'tor1', routerId: '10.69.0.1' }));
  rib.addSource(bgpSource(1, { address: '10.69.1.1', name: 'tor2', routerId: '10.69.1.1' }));
  rib.addSource(bgpSource(2, { address: '10.69.2.1', name: 'tor3', routerId: '10.69.2.1' }));
  rib.announce(0, prefixListFrom(1, ['10.1.0.0/24']), rib.attrs.intern({ ...attrsInput({ nextHop: '10.69.0.1' }), receivedNextHop: '10.70.0.9' }));
  rib.announce(1, prefixListFrom(1, ['10.1.0.0/24']), rib.attrs.intern(attrsInput({ nextHop: '10.69.1.1' })));
  rib.announce(2, prefixListFrom(1, ['10.1.0.0/24']), rib.attrs.intern(attrsInput({ nextHop: '10.69.2.1', localPref: 50 })));
  rib.announce(0, prefixListFrom(2, ['2001:db8::/32']), rib.attrs.intern(attrsInput({ nextHop: 'fd00::1' })));
  const api = new LocalRoutes(rib, localSource(3, 'api', 'api'), () => undefined);
  rib.addSource(api.source);
  const announced = new Map<string, LocalRoute>();
  const server = createApiServer({
    neighbors: { listNeighbors: () => [] },
    routes: routeProvider(rib),
    announcements: {
      list: () => [...announced.values()],
      announce: (r) => {
        announced.set(r.prefix, r);
        api.apply([r], []);
      },
      withdraw: (p) => {
        if (!announced.delete(p)) return false;
        api.apply([], [p]);
        return true;
      },
    },
  });
  return { rib, server };
}

describe('GET /v1/routes', () => {
  it('shows the ECMP set, and with all=true the loser and why it lost', async () => {
    const { server } = setup();
    const r = await server.inject({ method: 'GET', url: '/v1/routes?prefix=10.1.0.0/24' });
    const body = r.json() as RouteList;
    expect(body.routes[0]?.paths.map((p) => [p.source, p.status])).toEqual([['tor1', 'best'], ['tor2', 'multipath']]);
    expect(body.routes[0]?.paths[0]).toMatchObject({ nextHop: '10.69.0.1', receivedNextHop: '10.70.0.9' });
    const all = (await server.inject({ method: 'GET', url: '/v1/routes?prefix=10.1.0.0/24&all=true' })).json() as RouteList;
    expect(all.routes[0]?.paths.find((p) => p.source === 'tor3')?.status).toBe('local-pref');
    expect(all.routes[0]?.paths[0]?.attributes).toHaveProperty('AS_PATH');
    const text = formatRoutes(all, true);
    expect(text).toContain('lost: local-pref');
    expect(text).toContain('next hop 10.70.0.9 rewritten');
  });

  it('finds the longest match for an address, lists by family, limits', async () => {
    const { server } = setup();
    expect(((await server.inject({ url: '/v1/routes?prefix=10.1.0.77' })).json() as RouteList).routes[0]?.prefix).toBe('10.1.0.0/24');
    expect(((await server.inject({ url: '/v1/routes?prefix=2001:db8:1::1' })).json() as RouteList).routes[0]?.prefix).toBe('2001:db8::/32');
    expect(((await server.inject({ url: '/v1/routes?family=ipv6' })).json() as RouteList).routes.map((r) => r.prefix)).toEqual(['2001:db8::/32']);
    const limited = (await server.inject({ url: '/v1/routes?limit=1' })).json() as RouteList;
    expect(limited).toMatchObject({ total: 2, truncated: true });
  });

  it('answers bad input with 400 and a reason', async () => {
    const { server } = setup();
    const bad = await server.inject({ url: '/v1/routes?prefix=10.1.0.0/40' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'prefix: not a prefix: "10.1.0.0/40"' });
    expect((await server.inject({ url: '/v1/routes?for=10.1' })).json()).toEqual({ error: 'for: not an address: "10.1"' });
    expect((await server.inject({ url: '/v1/routes?cursor=..' })).statusCode).toBe(400);
    const unknown = await server.inject({ url: '/v1/routes?neighbor=tor9' });
    expect([unknown.statusCode, unknown.json()]).toEqual([404, { error: 'no neighbor or origin named tor9' }]);
    expect((await server.inject({ url: '/v1/routes?limit=-1' })).statusCode).toBe(400);
    expect((await server.inject({ url: '/v1/routes?colour=red' })).statusCode).toBe(400);
  });
});

describe('GET /v1/routes filters and pages', () => {
  function bigRib(count: number) {
    const rib = new Rib();
    rib.addSource(bgpSource(0, { address: '10.69.0.1', name: 'tor1', routerId: '10.69.0.1' }));
    rib.addSource(bgpSource(1, { address: '10.69.1.1', name: 'tor2', routerId: '10.69.1.1' }));
    const prefixes = Array.from({ length: count }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
    rib.announce(0, prefixListFrom(1, prefixes), rib.attrs.intern(attrsInput({ nextHop: '10.69.0.1' })));
    rib.announce(1, prefixListFrom(1, ['10.0.0.0/8', '10.0.0.0/16', '10.0.0.128/25']), rib.attrs.intern(attrsInput({ nextHop: '10.69.1.1' })));
    return { rib, server: createApiServer({ neighbors: { listNeighbors: () => [] }, routes: routeProvider(rib) }) };
  }
  const get = async (server: ReturnType<typeof bigRib>['server'], q: string) => (await server.inject({ url: `/v1/routes?${q}` })).json() as RouteList;

  it('walks every route exactly once with the cursor, in key order', async () => {
    const { server } = bigRib(1000);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: RouteList = await get(server, `limit=128${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(1003);
      seen.push(...page.routes.map((r) => r.prefix));
      cursor = page.next;
      expect(page.truncated).toBe(cursor !== null);
      if (cursor === null) break;
    }
    expect(seen.length).toBe(1003);
    expect(new Set(seen).size).toBe(1003);
    expect(seen.slice(0, 3)).toEqual(['10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/24']);
  });

  it('streams every route with limit=0, the same as the pages', async () => {
    const { server } = bigRib(5000);
    const all = await get(server, 'limit=0');
    expect(all).toMatchObject({ total: 5003, truncated: false, next: null });
    expect(all.routes.length).toBe(5003);
    expect(new Set(all.routes.map((r) => r.prefix)).size).toBe(5003);
  });

  it('finds more specifics, less specifics, the longest match and one neighbor\'s routes', async () => {
    const { server } = bigRib(300);
    const prefixes = (l: RouteList) => l.routes.map((r) => r.prefix);
    expect(prefixes(await get(server, 'prefix=10.0.0.0/16&match=longer&limit=0')).length).toBe(256 + 2);
    expect(prefixes(await get(server, 'prefix=10.0.0.128/25&match=covering'))).toEqual(['10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/24', '10.0.0.128/25']);
    expect(prefixes(await get(server, 'for=10.0.0.200'))).toEqual(['10.0.0.128/25']);
    expect(prefixes(await get(server, 'for=10.0.0.1'))).toEqual(['10.0.0.0/24']);
    expect(prefixes(await get(server, 'neighbor=tor2'))).toEqual(['10.0.0.0/8', '10.0.0.0/16', '10.0.0.128/25']);
    expect((await get(server, 'neighbor=tor1&limit=1')).total).toBe(300);
  });
});

describe('/v1/announcements', () => {
  it('announces into the RIB and withdraws', async () => {
    const { server, rib } = setup();
    const post = await server.inject({ method: 'POST', url: '/v1/announcements', payload: { prefix: '192.0.2.10/32', communities: ['65000:1', 'NO_EXPORT'] } });
    expect(post.statusCode).toBe(201);
    expect(rib.selected(rib.keys.parse('192.0.2.10/32') as number)).not.toBeNull();
    expect(((await server.inject({ url: '/v1/announcements' })).json() as unknown[]).length).toBe(1);
    expect((await server.inject({ method: 'DELETE', url: '/v1/announcements?prefix=192.0.2.10/32' })).statusCode).toBe(204);
    expect(rib.selected(rib.keys.parse('192.0.2.10/32') as number)).toBeNull();
    expect((await server.inject({ method: 'DELETE', url: '/v1/announcements?prefix=192.0.2.10/32' })).statusCode).toBe(404);
  });

  it('refuses bad announcements with the reason', async () => {
    const { server } = setup();
    const cases: Array<[unknown, RegExp]> = [
      [{ prefix: '10.0.0.1/24' }, /host bits set; did you mean 10.0.0.0\/24/],
      [{ prefix: '10.0.0.0/24', 'next-hop': 'fd00::1' }, /not of the prefix's family/],
      [{ prefix: '10.0.0.0/24', communities: ['70000:1'] }, /not a community/],
      [{ prefix: '10.0.0.0/24', 'large-communities': ['1:2'] }, /not a large community/],
      [{ prefix: '10.0.0.0/24', colour: 'red' }, /bad announcement/],
      [{}, /bad announcement/],
    ];
    for (const [payload, re] of cases) {
      const r = await server.inject({ method: 'POST', url: '/v1/announcements', payload: payload as object });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect((r.json() as { error: string }).error).toMatch(re);
    }
  });
});

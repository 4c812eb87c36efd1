// Loc-RIB entries as the API shows them. Runs on request, not on the hot path.
import { attributesToJSON, findAttribute, formatCommunity, ORIGIN_NAMES, type AsPathSegment } from '../bgp/wire/index.js';
import type { KernelStateView, PathView, RouteList, RouteProvider, RouteQuery, RouteQueryError, RouteView } from './route-types.js';
import { parseCursor, selectKeys, type KeyFilter } from './route-query.js';
import type { Rib, RoutePath } from '../rib/rib.js';

export function formatAsPath(segments: readonly AsPathSegment[]): string {
  return segments
    .map((s) => (s.type === 2 ? s.asns.join(' ') : s.type === 1 ? `{${s.asns.join(',')}}` : s.type === 3 ? `(${s.asns.join(' ')})` : `[${s.asns.join(',')}]`))
    .join(' ');
}

function pathView(p: RoutePath, all: boolean): PathView {
  const a = p.attrs;
  const view: PathView = {
    source: p.source.name,
    sourceKind: p.source.kind,
    status: p.status,
    stale: p.stale,
    kind: a.kind,
    nextHop: a.nextHop,
    receivedNextHop: a.receivedNextHop,
    device: a.device,
    noInstall: a.noInstall,
    localPref: a.localPref,
    asPath: formatAsPath(findAttribute(a.attributes, 'AS_PATH') ?? []),
    origin: ORIGIN_NAMES[a.origin as 0 | 1 | 2] ?? String(a.origin),
    med: a.hasMed ? a.med : null,
    communities: (findAttribute(a.attributes, 'COMMUNITIES') ?? []).map(formatCommunity),
    largeCommunities: (findAttribute(a.attributes, 'LARGE_COMMUNITY') ?? []).map((c) => c.join(':')),
  };
  if (all) view.attributes = attributesToJSON(a.attributes);
  return view;
}

export type KernelStateLookup = (prefix: string) => KernelStateView | undefined;

export function routeProvider(rib: Rib, kernelState: KernelStateLookup = () => undefined): RouteProvider {
  const view = (key: number, q: RouteQuery): RouteView => {
    const paths = rib.paths(key).filter((p) => (q.best ? p.status === 'best' : q.all || p.status === 'best' || p.status === 'multipath'));
    paths.sort((x, y) => rank(x.status) - rank(y.status));
    const prefix = rib.keys.format(key);
    const kernel = kernelState(prefix);
    return { prefix, paths: paths.map((p) => pathView(p, q.all)), ...(kernel ? { kernel } : {}) };
  };
  return {
    listRoutes(q: RouteQuery): RouteList | RouteQueryError {
      let sourceIndex: number | undefined;
      if (q.neighbor !== undefined) {
        sourceIndex = rib.sourceList().find((s) => s.name === q.neighbor)?.index;
        if (sourceIndex === undefined) return { status: 404, error: `no neighbor or origin named ${q.neighbor}` };
      }
      let after: number | null = null;
      if (q.cursor !== undefined) {
        after = parseCursor(q.cursor);
        if (after === null) return { status: 400, error: `cursor: not a cursor of this API: ${JSON.stringify(q.cursor)}` };
      }
      // An address where a prefix is expected asks for the longest match, as birdc's `show route 10.1.2.3` does.
      const address = q.prefix !== undefined && !q.prefix.includes('/');
      const filter: KeyFilter = {
        ...(q.family ? { family: q.family } : {}),
        ...(address ? { for: q.prefix } : q.prefix !== undefined ? { prefix: q.prefix, match: q.match ?? 'exact' } : {}),
        ...(q.for !== undefined ? { for: q.for } : {}),
        ...(sourceIndex !== undefined ? { sourceIndex } : {}),
      };
      const page = selectKeys(rib, filter, after, q.limit);
      if (typeof page === 'string') return { status: 400, error: address ? `not a prefix or address: ${JSON.stringify(q.prefix)}` : page };
      return { total: page.total, truncated: page.next !== null, next: page.next, routes: page.keys.map((k) => view(k, q)) };
    },
  };
}
function rank(status: string): number {
  return status === 'best' ? 0 : status === 'multipath' ? 1 : 2;
}

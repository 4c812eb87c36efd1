// Locally originated routes (interface addresses, static routes, kernel-table imports, API
// announcements) enter the RIB through here: each origin hands over its whole current set
// or changes to it, and only the difference touches the RIB.
import { makeAttribute, type LargeCommunity, type PathAttribute } from '../bgp/wire/index.js';
import type { RouteKind } from '../net/index.js';
import type { RouteAttrsInput } from '../rib/route-attrs.js';
import type { Rib } from '../rib/rib.js';
import type { RouteSource } from '../rib/route-source.js';

export interface LocalRoute {
  prefix: string;
  kind: RouteKind;
  nextHop: string | null;
  device: string | null;
  communities?: number[];
  largeCommunities?: LargeCommunity[];
  localPref?: number;
  med?: number;
}

/** The attributes a local route starts with: ORIGIN IGP and an empty AS_PATH (RFC 4271 §5.1.1-2). */
export function localRouteAttrs(r: LocalRoute): RouteAttrsInput {
  const attributes: PathAttribute[] = [makeAttribute('ORIGIN', 0), makeAttribute('AS_PATH', [])];
  if (r.med !== undefined) attributes.push(makeAttribute('MULTI_EXIT_DISC', r.med));
  if (r.localPref !== undefined) attributes.push(makeAttribute('LOCAL_PREF', r.localPref));
  if (r.communities?.length) attributes.push(makeAttribute('COMMUNITIES', r.communities));
  if (r.largeCommunities?.length) attributes.push(makeAttribute('LARGE_COMMUNITY', r.largeCommunities));
  return { attributes, receivedNextHop: null, receivedLinkLocal: null, nextHop: r.nextHop, device: r.device, kind: r.kind, noInstall: false };
}

export class LocalRoutes {
  /** prefix text → route key, for what this origin has in the RIB. */
  private readonly current = new Map<string, { key: number; signature: string }>();

  constructor(
    private readonly rib: Rib,
    readonly source: RouteSource,
    private readonly onChanged: () => void,
  ) {}

  get size(): number {
    return this.current.size;
  }

  /** Makes the origin's routes exactly `routes`. Returns the prefixes that failed to parse. */
  replace(routes: readonly LocalRoute[]): string[] {
    const wanted = new Map(routes.map((r) => [r.prefix, r]));
    const removed = [...this.current.keys()].filter((p) => !wanted.has(p));
    return this.apply(routes, removed);
  }

  /** Adds or changes routes and removes prefixes. */
  apply(added: readonly LocalRoute[], removed: readonly string[]): string[] {
    const bad: string[] = [];
    for (const p of removed) {
      const cur = this.current.get(p);
      if (!cur) continue;
      this.rib.withdrawKeys(this.source.index, [cur.key]);
      this.current.delete(p);
    }
    for (const r of added) {
      const key = this.rib.keys.parse(r.prefix);
      if (key === null) {
        bad.push(r.prefix);
        continue;
      }
      const input = localRouteAttrs(r);
      const signature = JSON.stringify([r.kind, r.nextHop, r.device, r.communities, r.largeCommunities, r.localPref, r.med]);
      if (this.current.get(r.prefix)?.signature === signature) continue;
      this.rib.announceKeys(this.source.index, [key], this.rib.attrs.intern(input));
      this.current.set(r.prefix, { key, signature });
    }
    if (removed.length || added.length) this.onChanged();
    return bad;
  }

  prefixes(): string[] {
    return [...this.current.keys()];
  }
}

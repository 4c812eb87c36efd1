/**
 * What the control API shows about routes: each prefix with its paths, which are in use
 * and why the others lost. JSON shapes of responses: add fields, do not rename them.
 */

export interface PathView {
  /** The neighbor or local origin (static, direct, kernel, api) the path came from. */
  source: string;
  sourceKind: 'bgp' | 'direct' | 'static' | 'kernel' | 'api';
  /** best, multipath (part of the ECMP set), or the decision step it lost at. */
  status: string;
  stale: boolean;
  kind: 'unicast' | 'blackhole' | 'unreachable';
  /** Where traffic goes: after the receive-side rewrite. */
  nextHop: string | null;
  /** The next hop as the neighbor sent it. */
  receivedNextHop: string | null;
  device: string | null;
  /** Policy marked the route not to be written into the kernel. */
  noInstall: boolean;
  localPref: number;
  asPath: string;
  origin: string;
  med: number | null;
  communities: string[];
  largeCommunities: string[];
  /** Every path attribute, decoded, keyed by name (only with all=true). */
  attributes?: Record<string, unknown>;
}

export interface KernelStateView {
  state: 'installed' | 'pending' | 'failed' | 'not-installed';
  error?: string;
}

export interface RouteView {
  prefix: string;
  paths: PathView[];
  kernel?: KernelStateView;
}

export interface RouteQuery {
  /** Exact prefix ("10.0.0.0/24"), or an address for the longest match. */
  prefix?: string;
  family?: 'ipv4' | 'ipv6';
  /** Include paths that lost, and all attributes. */
  all: boolean;
  limit: number;
}

export interface RouteList {
  total: number;
  truncated: boolean;
  routes: RouteView[];
}

export interface RouteProvider {
  /** Null when the prefix is not valid text; the API answers 400. */
  listRoutes(query: RouteQuery): RouteList | null;
}

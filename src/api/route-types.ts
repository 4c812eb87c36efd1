/**
 * What the control API shows about routes: each prefix with its paths, which are in use
 * and why the others lost. JSON shapes of responses: add fields, do not rename them.
 */
import type { RouteKind, Family } from '../net/index.js';

export interface PathView {
  /** The neighbor or local origin (static, direct, kernel, api) the path came from. */
  source: string;
  sourceKind: 'bgp' | 'direct' | 'static' | 'kernel' | 'api';
  /** best, multipath (part of the ECMP set), or the decision step it lost at. */
  status: string;
  stale: boolean;
  kind: RouteKind;
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
  /** A prefix ("10.0.0.0/24"), related to routes as `match` says; an address means `for`. */
  prefix?: string;
  match?: 'exact' | 'longer' | 'covering';
  /** An address: the longest prefix holding it. */
  for?: string;
  family?: Family;
  /** Only routes this neighbor sent a path for. */
  neighbor?: string;
  /** Only the best path of each route. */
  best?: boolean;
  /** Include paths that lost, and all attributes. */
  all: boolean;
  /** Routes per page; 0: every route, streamed page by page. */
  limit: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

export interface RouteList {
  /** Routes matching the query in the whole table. */
  total: number;
  /** More routes follow: ask again with `cursor` set to `next`. */
  truncated: boolean;
  next: string | null;
  routes: RouteView[];
}

/** A query the API answers with an error: bad text (400) or an unknown neighbor (404). */
export interface RouteQueryError {
  status: 400 | 404;
  error: string;
}

export interface RouteProvider {
  listRoutes(query: RouteQuery): RouteList | RouteQueryError;
}

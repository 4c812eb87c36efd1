// Entry point of the interop harness: namespaces (Lab), peer runners and waiting helpers.
import type { BgpPeer, Family, Route, SessionState } from './types.js';
import { waitFor } from '../../support/wait.js';

/** Each attempt runs the peer's CLI (birdc, vtysh, gobgp): poll it gently. */
const PEER_POLL_MS = 200;

export * from '../../support/lab/lab.js';
export { sleep, waitFor, waitForEvent, withTimeout } from '../../support/wait.js';
export * from './types.js';
export { BirdPeer, birdConfig, birdProtoName } from './bird.js';
export { FrrPeer, frrConfig, FRR_DIR } from './frr.js';
export { GobgpPeer, gobgpConfig } from './gobgp.js';
export { ExabgpPeer, exabgpConfig } from './exabgp.js';
export * from './necod.js';
export * from './raw-bgp.js';
export * from './kernel.js';

/** Waits until `peer` reports `state` (default Established) for `neighbor`. */
export function waitForState(
  peer: BgpPeer,
  neighbor: string,
  state: SessionState = 'Established',
  timeoutMs = 20_000,
): Promise<SessionState> {
  return waitFor(async () => ((await peer.sessionState(neighbor)) === state ? state : null), {
    timeoutMs,
    intervalMs: PEER_POLL_MS,
    what: `${peer.kind} session to ${neighbor} ${state}`,
  });
}

/** Waits until `peer` reports any state other than Established for `neighbor`. */
export function waitForNotEstablished(peer: BgpPeer, neighbor: string, timeoutMs = 20_000): Promise<SessionState> {
  return waitFor(
    async () => {
      const s = await peer.sessionState(neighbor);
      return s === 'Established' ? null : s;
    },
    { timeoutMs, intervalMs: PEER_POLL_MS, what: `${peer.kind} session to ${neighbor} leaving Established` },
  );
}

/** Waits until `peer` has a route for `prefix` for which `match` holds; returns it. */
export function waitForRoute(
  peer: BgpPeer,
  family: Family,
  prefix: string,
  match: (r: Route) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Route> {
  return waitFor(async () => (await peer.routes(family)).find((r) => r.prefix === prefix && match(r)) ?? null, {
    timeoutMs,
    intervalMs: PEER_POLL_MS,
    what: `${peer.kind} route ${prefix}`,
  });
}

/** Waits until `peer` has no route for `prefix` learned from a neighbor. */
export function waitForNoRoute(peer: BgpPeer, family: Family, prefix: string, timeoutMs = 15_000): Promise<true> {
  return waitFor(
    async () => !(await peer.routes(family)).some((r) => r.prefix === prefix && r.peer !== null),
    { timeoutMs, intervalMs: PEER_POLL_MS, what: `${peer.kind} route ${prefix} withdrawn` },
  );
}

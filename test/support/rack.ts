// One server between two route-reflecting top-of-rack switches, as the interop suites build it:
// the addresses of the rack, the ToR's speaker spec, necod's neighbor entry for a ToR, and the
// namespaces with their links. Each suite adds its own routes, timers and daemons; the whole
// data center (spines, racks, several servers) is test/support/fabric.ts, not this.
import type { NecodNeighborSpec } from '../interop/harness/necod.js';
import type { NeighborSpec, RouteSpec, SpeakerSpec } from '../interop/harness/types.js';
import type { Lab } from './lab/lab.js';

/** The rack's AS: every session in it is iBGP. */
export const RACK_AS = 64600;
/** A next hop beyond the ToRs, outside both ToR subnets (so necod rewrites it to the ToR). */
export const SPINE = '10.254.0.1';
/** necod's router id on the server. */
export const SERVER_ID = '10.0.0.15';

/** Each ToR has its own /26; `rackServer` is another server in that subnet, `dev` the server's interface toward it. */
export const TOR1 = { name: 'tor1', tor: '10.69.0.1', server: '10.69.0.5', rackServer: '10.69.0.6', dev: 'tor1' } as const;
export const TOR2 = { name: 'tor2', tor: '10.69.1.1', server: '10.69.1.5', rackServer: '10.69.1.6', dev: 'tor2' } as const;
export type RackTor = typeof TOR1 | typeof TOR2;

export interface TorSpecOptions {
  holdTime: number;
  routes: RouteSpec[];
  /** Changes to the ToR's neighbor entry for the server (BFD, graceful restart, ...). */
  neighbor?: Partial<NeighborSpec>;
}

/**
 * A ToR as a route reflector: the server is its passive iBGP client, BFD off unless `neighbor`
 * says otherwise.
 */
export function torSpec(t: RackTor, o: TorSpecOptions): SpeakerSpec {
  return {
    asn: RACK_AS,
    routerId: t.tor,
    neighbors: [
      { address: t.server, localAddress: t.tor, remoteAs: RACK_AS, holdTime: o.holdTime, routeReflectorClient: true, passive: true, bfd: false, ...o.neighbor },
    ],
    routes: o.routes,
  };
}

/** necod's neighbor entry for a ToR, named after it. */
export function torNeighbor(t: RackTor, holdTime: number, over: Partial<NecodNeighborSpec> = {}): NecodNeighborSpec {
  return { name: t.name, address: t.tor, localAddress: t.server, remoteAs: RACK_AS, holdTime, ...over };
}

/** Namespace `server` and one per ToR, named after it; the server's `tor1`/`tor2` face each ToR's `srv` in its /26. */
export async function rackNamespaces<T extends readonly RackTor[]>(lab: Lab, tors: T): Promise<{ server: string; tors: { [K in keyof T]: string } }> {
  const server = await lab.addNamespace('server');
  const nss: string[] = [];
  for (const t of tors) {
    const ns = await lab.addNamespace(t.name);
    await lab.link({ ns: server, iface: t.dev, addrs: [`${t.server}/26`] }, { ns, iface: 'srv', addrs: [`${t.tor}/26`] });
    nss.push(ns);
  }
  return { server, tors: nss as { [K in keyof T]: string } };
}

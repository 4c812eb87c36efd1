// The addressing plan of the virtual data center: which namespaces exist, which links join them and
// which addresses sit where, as plain data. The builder (fabric.ts) turns it into namespaces and
// daemons; tests and the lab read it to know what to expect. It starts nothing.
//
//   spine1, spine2 (AS 65000)       eBGP to every ToR over a /31 each: 10.68.<2·racks·spine + 2·rack + tor>.0/31
//   rack r (AS 64600 + r), ToRs t   iBGP route reflectors, each with its own /26 on a bridge br0:
//                                   10.69.<2·r + t>.0/26, the ToR at .1, server s at .(5 + s)
//   server s of rack r              management 10.70.<r>.<1 + s>/32 on node0, pods 10.64.<2·r + s>.0/24
//                                   in kernel table 119 (on a port-less bridge pod0)

export const SPINE_ASN = 65000;
export const RACK_BASE_ASN = 64600;
/** The CNI's table in the deployment necod replaces BIRD in (../REFERENCE.md). */
export const POD_TABLE = 119;

export interface FabricShape {
  racks: number;
  serversPerRack: number;
}

export interface SpinePlan {
  index: number;
  label: string;
  routerId: string;
}

export interface TorLink {
  spine: number;
  /** Interface on the ToR side (`sp<spine>`) and on the spine side (`r<rack>t<tor>`). */
  torIface: string;
  spineIface: string;
  torAddress: string;
  spineAddress: string;
}

export interface TorPlan {
  rack: number;
  index: number;
  label: string;
  asn: number;
  /** The ToR's address on its server subnet: the servers' neighbor address and gateway. */
  address: string;
  /** The /26, e.g. 10.69.0.0/26. */
  subnet: string;
  prefixLength: number;
  spines: TorLink[];
}

export interface Uplink {
  tor: number;
  /** `up<tor>` on the server, `s<server>` (a port of br0) on the ToR. */
  iface: string;
  torPort: string;
  address: string;
  torAddress: string;
}

export interface ServerPlan {
  rack: number;
  index: number;
  label: string;
  asn: number;
  /** The management address without length; also the router id. */
  mgmt: string;
  pod: string;
  uplinks: Uplink[];
}

export interface FabricPlan {
  shape: FabricShape;
  spines: SpinePlan[];
  tors: TorPlan[];
  servers: ServerPlan[];
}

const SUBNET_LENGTH = 26;

export function fabricPlan(shape: FabricShape = { racks: 2, serversPerRack: 2 }): FabricPlan {
  if (shape.racks < 1 || shape.racks > 4 || shape.serversPerRack < 1 || shape.serversPerRack > 50) {
    throw new Error(`fabric shape out of range: ${JSON.stringify(shape)} (1..4 racks, 1..50 servers each)`);
  }
  const spines: SpinePlan[] = [0, 1].map((k) => ({ index: k, label: `spine${k + 1}`, routerId: `10.68.255.${k + 1}` }));
  const tors: TorPlan[] = [];
  const servers: ServerPlan[] = [];
  for (let r = 0; r < shape.racks; r++) {
    for (let t = 0; t < 2; t++) {
      const j = 2 * r + t;
      tors.push({
        rack: r,
        index: t,
        label: `r${r + 1}-tor${t + 1}`,
        asn: RACK_BASE_ASN + r,
        address: `10.69.${j}.1`,
        subnet: `10.69.${j}.0/${SUBNET_LENGTH}`,
        prefixLength: SUBNET_LENGTH,
        spines: spines.map((s) => ({
          spine: s.index,
          torIface: `sp${s.index + 1}`,
          spineIface: `r${r + 1}t${t + 1}`,
          torAddress: `10.68.${2 * shape.racks * s.index + j}.1`,
          spineAddress: `10.68.${2 * shape.racks * s.index + j}.0`,
        })),
      });
    }
    for (let s = 0; s < shape.serversPerRack; s++) {
      servers.push({
        rack: r,
        index: s,
        label: `r${r + 1}-srv${s + 1}`,
        asn: RACK_BASE_ASN + r,
        mgmt: `10.70.${r}.${1 + s}`,
        pod: `10.64.${shape.serversPerRack * r + s}.0/24`,
        uplinks: [0, 1].map((t) => ({
          tor: t,
          iface: `up${t + 1}`,
          torPort: `s${s + 1}`,
          address: `10.69.${2 * r + t}.${5 + s}`,
          torAddress: `10.69.${2 * r + t}.1`,
        })),
      });
    }
  }
  return { shape, spines, tors, servers };
}

/** The ToRs of a server's rack, in uplink order. */
export function torsOf(plan: FabricPlan, server: ServerPlan): TorPlan[] {
  return plan.tors.filter((t) => t.rack === server.rack);
}

/**
 * The next hops a server should have toward another server: in the same rack that server's own
 * uplink addresses (kept, they lie in the ToR subnets), across racks its own two ToRs (rewritten).
 */
export function expectedNextHops(from: ServerPlan, to: ServerPlan): string[] {
  const hops = from.rack === to.rack ? to.uplinks.map((u) => u.address) : from.uplinks.map((u) => u.torAddress);
  return [...hops].sort();
}

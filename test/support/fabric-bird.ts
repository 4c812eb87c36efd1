// BIRD 2 configurations of the virtual data center: spines, top-of-rack route reflectors and, for
// the side-by-side benchmark, the server's bird.conf that necod replaces (../shared/REFERENCE.md).
// Text from plan data, nothing else: the builder writes and starts them. Protocol names follow the
// harness (`n_<address>`), so BirdPeer's session and route queries work on them.
import { birdProtoName } from '../interop/harness/index.js';
import { SPINE_ASN, POD_TABLE, type FabricPlan, type ServerPlan, type SpinePlan, type TorPlan } from './fabric-plan.js';

export interface BfdTiming {
  intervalMs: number;
  multiplier: number;
}

/** Reconnect quickly after a failure: BIRD's defaults wait up to minutes (harness README). */
const QUICK_RETRY = 'connect delay time 1; connect retry time 1; error wait time 1, 5;';

function header(routerId: string): string[] {
  return [
    `router id ${routerId};`,
    'log stderr all;',
    'debug protocols { states, events };',
    'protocol device { scan time 10; }',
    // Forwarding through the box: BGP routes into its kernel, ECMP where paths tie.
    'protocol kernel { ipv4 { export all; }; merge paths on; graceful restart on; }',
  ];
}

function bfdProtocol(iface: string, bfd: BfdTiming): string {
  return `protocol bfd { interface "${iface}" { min rx interval ${bfd.intervalMs} ms; min tx interval ${bfd.intervalMs} ms; multiplier ${bfd.multiplier}; }; }`;
}

export interface TorOptions {
  bfd: BfdTiming;
  holdTime: number;
  /** Routes a disabled static protocol `flood` holds; `birdc enable flood` sends them to the servers only. */
  floodRoutes: number;
  /**
   * `bfd graceful`: a BFD failure toward a server is handled as a graceful restart (its routes kept
   * as stale) instead of a session loss. BIRD 2.0.12 takes the AdminDown a stopping speaker sends
   * for a failure too (RFC 5882 §3.2 says it is none), so only this keeps a server's routes through
   * its planned restart; it also keeps a dead uplink's routes until the restart time runs out.
   */
  bfdGraceful: boolean;
}

/** The flood's prefixes: 10.200.0.0/32 upward, outside everything the plan uses. */
export function floodPrefix(i: number): string {
  return `10.200.${(i >> 8) & 255}.${i & 255}/32`;
}

export function torConfig(plan: FabricPlan, tor: TorPlan, opts: TorOptions): string {
  const lines = header(tor.address);
  lines.push(bfdProtocol('br0', opts.bfd));
  if (opts.floodRoutes > 0) {
    lines.push('protocol static flood {', '  disabled;', '  ipv4;');
    for (let i = 0; i < opts.floodRoutes; i++) lines.push(`  route ${floodPrefix(i)} blackhole;`);
    lines.push('}');
  }
  // The servers: iBGP route-reflector clients on the ToR's own subnet, watched by BFD. A reflected
  // route keeps the NEXT_HOP of the server it came from (RFC 4456 §10), which lies in this subnet.
  lines.push(
    'template bgp server {',
    `  local ${tor.address} as ${tor.asn};`,
    `  rr client; direct; hold time ${opts.holdTime}; ${QUICK_RETRY}`,
    '  graceful restart on;',
    `  bfd ${opts.bfdGraceful ? 'graceful' : 'on'};`,
    '  ipv4 { import all; export all; gateway direct; };',
    '}',
  );
  for (const server of plan.servers.filter((s) => s.rack === tor.rack)) {
    const up = server.uplinks[tor.index];
    if (up === undefined) continue;
    lines.push(`protocol bgp ${birdProtoName(up.address)} from server { neighbor ${up.address} as ${server.asn}; }`);
  }
  for (const link of tor.spines) {
    lines.push(
      `protocol bgp ${birdProtoName(link.spineAddress)} {`,
      `  local ${link.torAddress} as ${tor.asn}; neighbor ${link.spineAddress} as ${SPINE_ASN};`,
      `  hold time ${opts.holdTime}; ${QUICK_RETRY} graceful restart on;`,
      '  ipv4 { import all; export where proto != "flood"; };',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface SpineOptions {
  holdTime: number;
  /** Static routes this spine originates: the rest of the data center, as far as a server sees. */
  backgroundRoutes: number;
}

/** The background's prefixes: /24s from 11.0.0.0 upward, outside everything the plan uses. */
export function backgroundPrefix(i: number): string {
  return `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
}

export function spineConfig(plan: FabricPlan, spine: SpinePlan, opts: SpineOptions): string {
  const lines = header(spine.routerId);
  if (opts.backgroundRoutes > 0) {
    lines.push('protocol static background {', '  ipv4;');
    for (let i = 0; i < opts.backgroundRoutes; i++) lines.push(`  route ${backgroundPrefix(i)} blackhole;`);
    lines.push('}');
  }
  for (const tor of plan.tors) {
    const link = tor.spines[spine.index];
    if (link === undefined) continue;
    lines.push(
      `protocol bgp ${birdProtoName(link.torAddress)} {`,
      `  local ${link.spineAddress} as ${SPINE_ASN}; neighbor ${link.torAddress} as ${tor.asn};`,
      `  hold time ${opts.holdTime}; ${QUICK_RETRY} graceful restart on;`,
      '  ipv4 { import all; export all; };',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A server's bird.conf as deployed where necod replaces it (../shared/REFERENCE.md): node0 and the
 * CNI's table advertised, ECMP into the kernel, any NEXT_HOP accepted through a dummy IGP table,
 * the import filter that keeps in-subnet next hops and rewrites the rest to the ToR.
 */
export function serverBirdConfig(server: ServerPlan, tors: readonly TorPlan[], opts: { bfd: BfdTiming; holdTime: number }): string {
  const lines = [
    `router id ${server.mgmt};`,
    'log stderr all;',
    'debug protocols { states };',
    'protocol device { scan time 10; }',
    'protocol direct { ipv4; interface "node0"; }',
    'protocol kernel {',
    '  merge paths on;',
    '  persist;',
    // Neither node0 nor the pod routes go back into the kernel: they are this server's own.
    '  ipv4 { export filter { if source ~ [RTS_DEVICE, RTS_INHERIT] then reject; accept; }; };',
    '}',
    // One kernel protocol per BIRD table: the CNI's table gets its own, piped into master4.
    'ipv4 table pods4;',
    `protocol kernel pods { kernel table ${POD_TABLE}; learn; scan time 1; ipv4 { table pods4; import all; export none; }; }`,
    'protocol pipe { table master4; peer table pods4; import all; export none; }',
    'ipv4 table dummytab;',
    'protocol static dummystatic { ipv4 { table dummytab; }; route 0.0.0.0/0 via "lo"; }',
    bfdProtocol('up*', opts.bfd),
  ];
  for (const up of server.uplinks) {
    const tor = tors[up.tor];
    if (tor === undefined) continue;
    lines.push(
      `protocol bgp ${birdProtoName(up.torAddress)} {`,
      `  local ${up.address} as ${server.asn}; neighbor ${up.torAddress} as ${tor.asn};`,
      // `direct`: BIRD takes iBGP for multihop, which would make its BFD multihop (RFC 5883) too.
      `  direct; hold time ${opts.holdTime}; ${QUICK_RETRY} graceful restart on; bfd on;`,
      '  ipv4 {',
      '    igp table dummytab; gateway recursive;',
      '    import filter {',
      `      if bgp_next_hop.mask(${tor.prefixLength}) = from.mask(${tor.prefixLength}) then { gw = bgp_next_hop; accept; }`,
      '      gw = from; accept;',
      '    };',
      '    export where source ~ [RTS_DEVICE, RTS_INHERIT];',
      '  };',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

// The export rules toward an eBGP neighbor (RFC 4271 §5.1.2–§5.1.5) and a 2-octet one (RFC 6793 §4.2.2).
import { describe, expect, it } from 'vitest';
import { findAttribute } from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { exportAttributes, type ExportTarget } from '../../../src/rib/export.js';
import { Rib } from '../../../src/rib/rib.js';
import { attrsInput, bgpSource } from './fixtures.js';

function ebgp(over: Partial<ExportTarget> = {}): ExportTarget {
  return {
    name: 'tor1', sourceIndex: 1, ibgp: false, localAs: 64600, routerId: parseIpv4('10.69.0.5')!, clusterId: parseIpv4('10.69.0.5')!,
    routeReflectorClient: false, as4: true, selfNextHop: { ipv4: '10.69.0.5', ipv6: null, ipv6LinkLocal: null }, mode: 'all', policy: null, ...over,
  };
}

describe('export toward eBGP', () => {
  const rib = new Rib();
  const from = bgpSource(0, { ibgp: true });
  const attrs = rib.attrs.intern(
    attrsInput({ segments: [{ type: 4, asns: [65010] }, { type: 2, asns: [4200000001, 65002] }], med: 50, localPref: 200, originatorId: '10.9.9.9', clusterList: ['10.8.8.8'] }),
  );

  it('prepends our AS, drops confederation segments, MED, LOCAL_PREF and reflection attributes, next hop self', () => {
    const r = exportAttributes(from, attrs, ebgp(), 'ipv4', null);
    expect(findAttribute(r?.attributes ?? [], 'AS_PATH')).toEqual([{ type: 2, asns: [64600, 4200000001, 65002] }]);
    for (const name of ['MULTI_EXIT_DISC', 'LOCAL_PREF', 'ORIGINATOR_ID', 'CLUSTER_LIST'] as const) expect(findAttribute(r?.attributes ?? [], name)).toBeUndefined();
    expect(r?.nextHop).toBe('10.69.0.5');
  });

  it('writes AS_TRANS plus AS4_PATH toward a 2-octet speaker', () => {
    const r = exportAttributes(from, attrs, ebgp({ as4: false }), 'ipv4', null);
    expect(findAttribute(r?.attributes ?? [], 'AS_PATH')).toEqual([{ type: 2, asns: [64600, 4200000001, 65002] }]);
    expect(findAttribute(r?.attributes ?? [], 'AS4_PATH')).toEqual([{ type: 2, asns: [64600, 4200000001, 65002] }]);
  });
});

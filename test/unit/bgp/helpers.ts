// Shared fixtures for the BGP session tests.
import { type Capability, type OpenMessage } from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { DEFAULT_CAPABILITIES, type SessionSettings } from '../../../src/bgp/negotiate.js';
import { DEFAULT_FSM_TIMING, type FsmConfig } from '../../../src/bgp/fsm-types.js';

export const LOCAL_ID = parseIpv4('10.0.0.1')!;
export const REMOTE_ID = parseIpv4('10.0.0.2')!;

export function settings(over: Partial<SessionSettings> = {}): SessionSettings {
  return {
    routerId: LOCAL_ID,
    localAs: 65000,
    remoteAs: 65000,
    holdTime: 90,
    keepaliveTime: 0,
    families: ['ipv4', 'ipv6'],
    capabilities: { ...DEFAULT_CAPABILITIES },
    ...over,
  };
}

export function fsmConfig(over: Partial<FsmConfig> = {}): FsmConfig {
  return { ...DEFAULT_FSM_TIMING, session: settings(), passive: false, maxPrefixRestartMs: 0, ...over };
}

/** An OPEN as a typical route reflector sends it. */
export function peerOpen(over: Partial<OpenMessage> = {}, extra: Capability[] = []): OpenMessage {
  return {
    type: 'OPEN',
    version: 4,
    myAs: 65000,
    holdTime: 90,
    bgpId: REMOTE_ID,
    capabilities: [
      { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
      { name: 'MULTIPROTOCOL', code: 1, afi: 2, safi: 1 },
      { name: 'ROUTE_REFRESH', code: 2 },
      { name: 'ENHANCED_ROUTE_REFRESH', code: 70 },
      { name: 'FOUR_OCTET_AS', code: 65, asn: 65000 },
      ...extra,
    ],
    ...over,
  };
}

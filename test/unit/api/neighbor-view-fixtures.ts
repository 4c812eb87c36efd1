/** NeighborView samples shared by the API and CLI tests. */
import type { MessageCounts, NeighborView } from '../../../src/api/types.js';

const noMessages: MessageCounts = { open: 0, update: 0, notification: 0, keepalive: 0, routeRefresh: 0 };

export function idleNeighbor(overrides: Partial<NeighborView> = {}): NeighborView {
  return {
    name: 'tor2',
    address: '10.69.1.1',
    remoteAs: 64600,
    localAs: 64600,
    state: 'Active',
    since: '2025-11-22T15:50:00.000Z',
    uptimeSeconds: null,
    lastStateChangeReason: 'hold timer expired',
    capabilities: null,
    counters: {
      messagesIn: { ...noMessages, open: 3, keepalive: 40, notification: 0 },
      messagesOut: { ...noMessages, open: 4, keepalive: 41, notification: 1 },
      updatesIn: 0,
      updatesOut: 0,
      prefixesReceived: 0,
      prefixesWithdrawn: 12,
      flaps: 2,
    },
    lastError: {
      time: '2025-11-22T15:50:00.000Z',
      direction: 'sent',
      code: 4,
      subcode: 0,
      codeName: 'Hold Timer Expired',
      subcodeName: 'Unspecific',
    },
    ...overrides,
  };
}

export function establishedNeighbor(overrides: Partial<NeighborView> = {}): NeighborView {
  return {
    name: 'tor1',
    address: '10.69.0.1',
    remoteAs: 64600,
    localAs: 64600,
    state: 'Established',
    since: '2025-11-20T12:00:00.000Z',
    uptimeSeconds: 186_245,
    lastStateChangeReason: 'OPEN and KEEPALIVE exchanged',
    capabilities: {
      fourOctetAs: true,
      routeRefresh: true,
      enhancedRouteRefresh: true,
      gracefulRestart: true,
      addPath: { ipv4: 'receive', ipv6: 'none' },
      extendedMessage: false,
      families: ['ipv4', 'ipv6'],
      holdTime: 90,
      keepaliveTime: 30,
    },
    counters: {
      messagesIn: { open: 1, update: 120, notification: 0, keepalive: 6208, routeRefresh: 0 },
      messagesOut: { open: 1, update: 4, notification: 0, keepalive: 6209, routeRefresh: 1 },
      updatesIn: 120,
      updatesOut: 4,
      prefixesReceived: 1523,
      prefixesWithdrawn: 17,
      flaps: 0,
    },
    lastError: null,
    ...overrides,
  };
}

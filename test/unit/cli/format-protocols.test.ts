import { describe, expect, it } from 'vitest';
import { formatProtocolDetails, formatProtocolsTable, lastErrorSummary } from '../../../src/cli/format-protocols.js';
import { formatDuration } from '../../../src/cli/format-duration.js';
import type { NeighborDetail, NeighborError } from '../../../src/api/types.js';
import { establishedNeighbor, idleNeighbor } from '../api/neighbor-view-fixtures.js';

const now = new Date('2025-11-22T16:00:00.000Z');

describe('formatDuration', () => {
  it.each([
    [0, '00:00:00'],
    [59.9, '00:00:59'],
    [312, '00:05:12'],
    [86_399, '23:59:59'],
    [86_400, '1d 00:00:00'],
    [186_245, '2d 03:44:05'],
    [-5, '00:00:00'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatProtocolsTable', () => {
  it('lays out a birdc-like table', () => {
    expect(formatProtocolsTable([establishedNeighbor(), idleNeighbor()], now)).toBe(
      [
        'Name  Remote AS  Address    State        Since        Info',
        'tor1  64600      10.69.0.1  Established  2d 03:44:05  1523 prefixes',
        'tor2  64600      10.69.1.1  Active       00:10:00     Sent: Hold Timer Expired',
        '',
      ].join('\n'),
    );
  });

  it('widens columns for long values and leaves no trailing blanks', () => {
    const long = idleNeighbor({ name: 'tor-rack-17-b', address: '2001:db8:100::1', lastError: null, lastStateChangeReason: '' });
    const lines = formatProtocolsTable([long], now).split('\n');
    expect(lines[0]).toBe('Name           Remote AS  Address          State   Since     Info');
    expect(lines[1]).toBe('tor-rack-17-b  64600      2001:db8:100::1  Active  00:10:00');
  });

  it('says one prefix, not one prefixes', () => {
    const one = establishedNeighbor({ counters: { ...establishedNeighbor().counters, prefixesReceived: 1 } });
    expect(formatProtocolsTable([one], now)).toContain('  1 prefix\n');
  });

  it('shows the reason of the last state change when there is no error', () => {
    const shut = idleNeighbor({ state: 'Idle', lastError: null, lastStateChangeReason: 'administratively down' });
    expect(formatProtocolsTable([shut], now)).toMatch(/Idle +00:10:00 +administratively down\n$/);
  });

  it('says so when there are no neighbors', () => {
    expect(formatProtocolsTable([], now)).toBe('No neighbors configured.\n');
  });
});

describe('lastErrorSummary', () => {
  const error = (fields: Partial<NeighborError>): NeighborError => ({
    time: '2025-11-22T15:50:00.000Z',
    direction: 'received',
    code: 6,
    subcode: 2,
    codeName: 'Cease',
    subcodeName: 'Administrative Shutdown',
    ...fields,
  });

  it.each<[Partial<NeighborError>, string]>([
    [{}, 'Received: Cease/Administrative Shutdown'],
    [{ text: 'rack maintenance' }, 'Received: Cease/Administrative Shutdown: rack maintenance'],
    [{ direction: 'sent', code: 4, subcode: 0, codeName: 'Hold Timer Expired', subcodeName: 'Unspecific' }, 'Sent: Hold Timer Expired'],
    [
      { direction: 'local', code: 0, subcode: 0, codeName: '', subcodeName: '', text: 'connect ECONNREFUSED 10.69.1.1:179' },
      'Error: connect ECONNREFUSED 10.69.1.1:179',
    ],
    [{ direction: 'local', code: 0, subcode: 0, codeName: '', subcodeName: '' }, 'Error: unknown error'],
  ])('%j → %s', (fields, text) => {
    expect(lastErrorSummary(error(fields))).toBe(text);
  });
});

describe('formatProtocolDetails', () => {
  it('shows everything about an Established neighbor', () => {
    expect(formatProtocolDetails(establishedNeighbor(), now)).toBe(
      [
        'tor1',
        '  Address:           10.69.0.1',
        '  Remote AS:         64600',
        '  Local AS:          64600 (iBGP)',
        '  State:             Established',
        '  Since:             2025-11-20T12:00:00.000Z (2d 03:44:05 ago)',
        '  Uptime:            2d 03:44:05',
        '  Last state change: OPEN and KEEPALIVE exchanged',
        '  Last error:        none',
        '  Capabilities:',
        '    Families:               ipv4, ipv6',
        '    Hold time:              90 s',
        '    Keepalive time:         30 s',
        '    Four-octet AS:          yes',
        '    Route refresh:          yes',
        '    Enhanced route refresh: yes',
        '    Graceful restart:       yes',
        '    ADD-PATH:               ipv4 receive, ipv6 none',
        '    Extended message:       no',
        '  Counters:',
        '    Messages in:  open 1, update 120, notification 0, keepalive 6208, route-refresh 0',
        '    Messages out: open 1, update 4, notification 0, keepalive 6209, route-refresh 1',
        '    Updates:      120 in, 4 out',
        '    Prefixes:     1523 received, 17 withdrawn',
        '    Flaps:        0',
        '',
      ].join('\n'),
    );
  });

  it('shows the last error of a neighbor that is down, and no uptime', () => {
    const text = formatProtocolDetails(idleNeighbor(), now);
    expect(text).toContain('  Since:             2025-11-22T15:50:00.000Z (00:10:00 ago)\n');
    expect(text).not.toContain('Uptime');
    expect(text).toContain(
      '  Last error:        Sent: Hold Timer Expired (code 4, subcode 0) at 2025-11-22T15:50:00.000Z\n',
    );
    expect(text).toContain('  Capabilities:      none negotiated (no OPEN exchanged yet)\n');
  });

  it('names an eBGP session', () => {
    expect(formatProtocolDetails(establishedNeighbor({ remoteAs: 65001 }), now)).toContain('  Local AS:          64600 (eBGP)\n');
  });

  it('shows the running timers with the time left, as birdc does', () => {
    const detail: NeighborDetail = {
      local: { address: '10.69.0.10', port: 40112 },
      remote: { address: '10.69.0.1', port: 179 },
      connectRetryCounter: 0,
      peerRouterId: '10.69.0.1',
      peerHostname: null,
      peerCapabilities: ['MP_BGP'],
      configured: {
        holdTime: 9,
        keepaliveTime: 3,
        passive: false,
        families: ['ipv4'],
        capabilities: { fourOctetAs: true, routeRefresh: true, enhancedRouteRefresh: false, gracefulRestart: true, addPath: 'none', extendedMessage: false },
        import: 'all',
        export: 'local',
      },
      prefixes: { received: 1523, best: 1523, exported: 2, filtered: 0, stale: 0 },
      timers: { hold: 7.3181, keepalive: 1.5, connectRetry: null, idleHold: null, delayOpen: null },
      rejectedUpdates: {},
      gracefulRestart: { negotiated: true, endOfRib: ['ipv4'], staleUntil: null },
    };
    const text = formatProtocolDetails(establishedNeighbor({ detail }), now);
    expect(text).toMatch(/ {4}Hold timer: +7\.318 s left\n/);
    expect(text).toMatch(/ {4}Keepalive timer: +1\.500 s left\n/);
    expect(text).not.toContain('Connect retry timer');
  });
});

/**
 * `necod-cli show protocols` output: a birdc-like table of all neighbors, and a detail block for
 * one. Pure: the API's NeighborView and the current time in, text out.
 */
import type { MessageCounts, NeighborDetail, NeighborError, NeighborView, NegotiatedCapabilities } from '../api/types.js';
import { formatDuration } from './format-duration.js';
import { renderBlock, renderTable, type BlockLine } from './text-layout.js';

const TABLE_HEADER = ['Name', 'Remote AS', 'Address', 'State', 'Since', 'Info'];

export function formatProtocolsTable(neighbors: readonly NeighborView[], now: Date): string {
  if (neighbors.length === 0) return 'No neighbors configured.\n';
  // The BFD column appears only where some neighbor runs BFD.
  const bfd = neighbors.some((n) => n.bfd !== undefined);
  const rows = neighbors.map((neighbor) => [
    neighbor.name,
    String(neighbor.remoteAs),
    neighbor.address,
    neighbor.state,
    ...(bfd ? [neighbor.bfd ?? '-'] : []),
    formatDuration(secondsInState(neighbor, now)),
    info(neighbor),
  ]);
  return renderTable(bfd ? [...TABLE_HEADER.slice(0, 4), 'BFD', ...TABLE_HEADER.slice(4)] : TABLE_HEADER, rows);
}

export function formatProtocolDetails(neighbor: NeighborView, now: Date): string {
  const lines: BlockLine[] = [
    ['Address', neighbor.address],
    ['Remote AS', String(neighbor.remoteAs)],
    ['Local AS', `${neighbor.localAs} (${neighbor.remoteAs === neighbor.localAs ? 'iBGP' : 'eBGP'})`],
    ['State', neighbor.state],
    ...(neighbor.bfd !== undefined ? [['BFD', neighbor.bfd] as const] : []),
    ['Since', `${neighbor.since} (${formatDuration(secondsInState(neighbor, now))} ago)`],
  ];
  if (neighbor.uptimeSeconds !== null) lines.push(['Uptime', formatDuration(neighbor.uptimeSeconds)]);
  lines.push(['Last state change', neighbor.lastStateChangeReason]);
  lines.push(['Last error', neighbor.lastError === null ? 'none' : lastErrorDetail(neighbor.lastError)]);
  lines.push(capabilityLines(neighbor.capabilities));
  lines.push(counterLines(neighbor));
  if (neighbor.detail) lines.push(...detailLines(neighbor.detail));
  return `${neighbor.name}\n${renderBlock(lines)}`;
}

/** What `birdc show protocols all` adds: the connection, the neighbor's OPEN, our settings, route counts. */
function detailLines(d: NeighborDetail): BlockLine[] {
  const endpoint = (e: NeighborDetail['local']) => (e === null ? 'none' : `${e.address} port ${e.port}`);
  const c = d.configured;
  const rejected = Object.entries(d.rejectedUpdates).map(([why, n]) => `${n} ${why}`);
  return [
    {
      title: 'Connection',
      lines: [
        ['Local', endpoint(d.local)],
        ['Remote', endpoint(d.remote)],
        ['Connect retries', String(d.connectRetryCounter)],
        ...timerLines(d.timers),
      ],
    },
    {
      title: 'Neighbor',
      lines: [
        ['Router id', d.peerRouterId ?? 'unknown'],
        ['Hostname', d.peerHostname ?? 'unknown'],
        ['Capabilities', d.peerCapabilities.join(' ') || 'none'],
      ],
    },
    {
      title: 'Configured',
      lines: [
        ['Hold/keepalive', `${c.holdTime} s / ${c.keepaliveTime} s${c.passive ? ', passive' : ''}`],
        ['Families', c.families.join(', ')],
        ['Import', c.import],
        ['Export', c.export],
      ],
    },
    {
      title: 'Routes',
      lines: [
        ['Imported', `${d.prefixes.received} (${d.prefixes.filtered} filtered)`],
        ['Best', String(d.prefixes.best)],
        ['Exported', String(d.prefixes.exported)],
        ['Stale', String(d.prefixes.stale)],
        ['Rejected UPDATEs', rejected.join(', ') || 'none'],
      ],
    },
    {
      title: 'Graceful restart',
      lines: [
        ['Negotiated', yesNo(d.gracefulRestart.negotiated)],
        ['End-of-RIB', d.gracefulRestart.endOfRib.join(', ') || 'none yet'],
        ...(d.gracefulRestart.staleUntil ? [['Stale until', d.gracefulRestart.staleUntil] as const] : []),
      ],
    },
  ];
}

/** The running FSM timers, seconds left, as birdc's `Hold timer: 7.318/9`. */
function timerLines(t: NeighborDetail['timers']): BlockLine[] {
  const names: Array<[keyof NeighborDetail['timers'], string]> = [
    ['hold', 'Hold timer'],
    ['keepalive', 'Keepalive timer'],
    ['connectRetry', 'Connect retry timer'],
    ['idleHold', 'Idle hold timer'],
    ['delayOpen', 'Delay open timer'],
  ];
  return names.flatMap(([key, label]): BlockLine[] => {
    const left = t[key];
    return left === null ? [] : [[label, `${left.toFixed(3)} s left`]];
  });
}

/** Seconds in the current state; the daemon's own count when Established, so clocks need not agree. */
function secondsInState(neighbor: NeighborView, now: Date): number {
  if (neighbor.uptimeSeconds !== null) return neighbor.uptimeSeconds;
  const since = Date.parse(neighbor.since);
  return Number.isNaN(since) ? 0 : (now.getTime() - since) / 1000;
}

/** The Info column: what an operator wants to know next about this session. */
function info(neighbor: NeighborView): string {
  if (neighbor.state === 'Established') {
    const count = neighbor.counters.prefixesReceived;
    return `${count} ${count === 1 ? 'prefix' : 'prefixes'}`;
  }
  if (neighbor.lastError !== null) return lastErrorSummary(neighbor.lastError);
  return neighbor.lastStateChangeReason;
}

const DIRECTION_LABEL: Record<NeighborError['direction'], string> = {
  sent: 'Sent',
  received: 'Received',
  local: 'Error',
};

/** `Received: Cease/Administrative Shutdown`, as birdc words it. */
export function lastErrorSummary(error: NeighborError): string {
  return `${DIRECTION_LABEL[error.direction]}: ${errorText(error)}`;
}

function lastErrorDetail(error: NeighborError): string {
  const codes = error.code === 0 ? '' : ` (code ${error.code}, subcode ${error.subcode})`;
  return `${lastErrorSummary(error)}${codes} at ${error.time}`;
}

function errorText(error: NeighborError): string {
  // Subcode 0 is "unspecific" for every code: naming it adds nothing.
  const names = [error.codeName, error.subcode === 0 ? '' : error.subcodeName].filter((name) => name !== '').join('/');
  if (error.text === undefined || error.text === '') return names === '' ? 'unknown error' : names;
  return names === '' ? error.text : `${names}: ${error.text}`;
}

function capabilityLines(capabilities: NegotiatedCapabilities | null): BlockLine {
  if (capabilities === null) return ['Capabilities', 'none negotiated (no OPEN exchanged yet)'];
  return {
    title: 'Capabilities',
    lines: [
      ['Families', capabilities.families.join(', ') || 'none'],
      ['Hold time', `${capabilities.holdTime} s`],
      ['Keepalive time', `${capabilities.keepaliveTime} s`],
      ['Four-octet AS', yesNo(capabilities.fourOctetAs)],
      ['Route refresh', yesNo(capabilities.routeRefresh)],
      ['Enhanced route refresh', yesNo(capabilities.enhancedRouteRefresh)],
      ['Graceful restart', yesNo(capabilities.gracefulRestart)],
      ['ADD-PATH', `ipv4 ${capabilities.addPath.ipv4}, ipv6 ${capabilities.addPath.ipv6}`],
      ['Extended message', yesNo(capabilities.extendedMessage)],
    ],
  };
}

function counterLines(neighbor: NeighborView): BlockLine {
  const { counters } = neighbor;
  return {
    title: 'Counters',
    lines: [
      ['Messages in', messageCounts(counters.messagesIn)],
      ['Messages out', messageCounts(counters.messagesOut)],
      ['Updates', `${counters.updatesIn} in, ${counters.updatesOut} out`],
      ['Prefixes', `${counters.prefixesReceived} received, ${counters.prefixesWithdrawn} withdrawn`],
      ['Flaps', String(counters.flaps)],
    ],
  };
}

function messageCounts(counts: MessageCounts): string {
  return (
    `open ${counts.open}, update ${counts.update}, notification ${counts.notification}, ` +
    `keepalive ${counts.keepalive}, route-refresh ${counts.routeRefresh}`
  );
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

/**
 * `necod-cli show routes` output: each prefix, then one line per path — `*` best, `+` also
 * in the ECMP set, blank for paths that lost, with the step they lost at. Pure.
 */
import type { PathView, RouteList, RouteView } from '../api/route-types.js';
import { renderTable } from './text-layout.js';

function mark(p: PathView): string {
  return p.status === 'best' ? '*' : p.status === 'multipath' ? '+' : ' ';
}

function target(p: PathView): string {
  if (p.kind !== 'unicast') return p.kind;
  if (p.nextHop === null) return p.device ? `dev ${p.device}` : 'local';
  return `via ${p.nextHop}${p.device ? ` dev ${p.device}` : ''}`;
}

function notes(p: PathView, all: boolean): string {
  const out: string[] = [];
  if (p.status !== 'best' && p.status !== 'multipath') out.push(`lost: ${p.status}`);
  if (p.receivedNextHop && p.nextHop && p.receivedNextHop !== p.nextHop) out.push(`next hop ${p.receivedNextHop} rewritten`);
  if (p.stale) out.push('stale');
  if (p.noInstall) out.push('no-install');
  if (all && p.communities.length) out.push(`communities ${p.communities.join(' ')}`);
  if (all && p.largeCommunities.length) out.push(`large ${p.largeCommunities.join(' ')}`);
  return out.join(', ');
}

function kernelText(r: RouteView): string {
  if (!r.kernel) return '';
  return r.kernel.error ? `kernel: ${r.kernel.state} (${r.kernel.error})` : `kernel: ${r.kernel.state}`;
}

export function formatRoutes(list: RouteList, all: boolean): string {
  if (list.routes.length === 0) return 'No routes.\n';
  const rows: string[][] = [];
  for (const r of list.routes) {
    rows.push([r.prefix, '', '', '', '', '', '', kernelText(r)]);
    for (const p of r.paths) {
      rows.push([
        `  ${mark(p)}`,
        p.source,
        target(p),
        String(p.localPref),
        p.med === null ? '-' : String(p.med),
        p.asPath === '' ? '(empty)' : p.asPath,
        p.origin,
        notes(p, all),
      ]);
    }
  }
  const table = renderTable(['Prefix', 'From', 'Next hop', 'LocPref', 'MED', 'AS path', 'Origin', 'Notes'], rows);
  const tail = list.truncated ? `(${list.routes.length} of ${list.total} routes shown; --limit 0 shows all)\n` : '';
  return table + tail;
}

/**
 * Finds the known key an unknown one was probably meant to be: a typo, `_` for `-`, a missing
 * word, or the name BIRD or FRR give the same setting.
 */

/** Names from bird.conf and frr.conf, and the necod key for each. */
const OTHER_NAMES: Record<string, string> = {
  'local-as': 'asn',
  as: 'asn',
  'neighbor-as': 'remote-as',
  'peer-as': 'remote-as',
  neighbor: 'address',
  peer: 'address',
  'source-address': 'local-address',
  'update-source': 'local-address',
  'ebgp-multihop': 'multihop',
  'connect-retry': 'connect-retry-time',
  'connect-delay-time': 'delay-open-time',
  'receive-limit': 'max-prefixes',
  'maximum-prefix': 'max-prefixes',
  disabled: 'shutdown',
  'enable-as4': 'four-octet-as',
  'enable-route-refresh': 'route-refresh',
  'enable-extended-messages': 'extended-message',
  'extended-messages': 'extended-message',
  'long-lived-graceful-restart': 'graceful-restart',
  'rr-client': 'route-reflector-client',
  'rr-cluster-id': 'cluster-id',
  'import-filter': 'import',
  'export-filter': 'export',
  'import-policy': 'import',
  'export-policy': 'export',
  'route-map-in': 'import',
  'route-map-out': 'export',
  'maximum-paths': 'max-paths',
  'merge-paths': 'ecmp-max',
  'kernel-table': 'table',
  'stalepath-time': 'stale-time',
  policy: 'policies',
  filter: 'policies',
  filters: 'policies',
  gateway: 'via',
  'next-hop': 'via',
  nexthop: 'via',
  community: 'communities',
  'large-community': 'large-communities',
  'set-community': 'add-communities',
  'set-med': 'med',
  'set-local-pref': 'local-pref',
  'set-local-preference': 'local-pref',
  'next-hop-self': 'next-hop',
  'set-next-hop': 'next-hop',
  'local-preference': 'local-pref',
  'bgp-local-pref': 'local-pref',
};

export function nearestKey(unknown: string, known: readonly string[]): string | null {
  const wanted = normalize(unknown);
  const otherName = OTHER_NAMES[wanted];
  if (otherName !== undefined && known.includes(otherName)) return otherName;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const key of known) {
    const distance = editDistance(wanted, normalize(key));
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  // Short keys allow one edit, or every short word would look like every other one.
  const allowed = wanted.length <= 6 ? 1 : wanted.length <= 12 ? 2 : 3;
  if (best !== null && bestDistance <= allowed) return best;
  // A shortened name such as `keepalive` for `keepalive-time`.
  if (wanted.length >= 4) return known.find((key) => normalize(key).startsWith(wanted)) ?? null;
  return null;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_ ]/g, '-');
}

/** Edit distance where swapping two neighboring letters counts as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  // Every cell read below was filled earlier in the walk; the fallback is never taken.
  const cell = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    rows.push(row);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(cell(i - 1, j) + 1, cell(i, j - 1) + 1, cell(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, cell(i - 2, j - 2) + 1);
      }
      row.push(distance);
    }
  }
  return cell(a.length, b.length);
}

// The shapes of `ip -o monitor` lines that every follower of the kernel needs: which interface
// or table a line concerns, whether it is about a route at all. These run on every line the
// kernel reports — hundreds of container veths on a busy node — so they look at the first few
// tokens only and never allocate more than a short match. Full route records: route-records.ts.

/** A line of `ip -o monitor address link`. */
export interface LinkAddrLine {
  object: 'link' | 'address';
  deleted: boolean;
  index: number;
  /**
   * For a link line, the interface's current name (without the `@peer` iproute2 appends).
   * For an address line, the name iproute2 last knew for the index, which may be stale
   * right after a rename: trust `index`, not this.
   */
  name: string;
}

// [Deleted ]IDX: NAME[@PEER]: <FLAGS>…   or   [Deleted ]IDX: NAME    inet[6] …
const LINK_ADDR_RE = /^(?:\[[A-Z]+\]\s*)?(Deleted\s+)?(\d+):\s+([^\s:]+?)(?:@[^\s:]*)?(:\s+<|\s+inet6?\s)/;

export function parseLinkAddrLine(line: string): LinkAddrLine | null {
  const m = LINK_ADDR_RE.exec(line);
  if (m === null) return null;
  const [, deleted, index, name = '', tail = ''] = m; // groups 2–4 always take part in a match
  return {
    object: tail.startsWith(':') ? 'link' : 'address',
    deleted: deleted !== undefined,
    index: Number(index),
    name,
  };
}

/** RT_TABLE_MAIN: iproute2 omits `table` for it. */
export const MAIN_TABLE = 254;

/**
 * The table of a route line of `ip -N -o monitor route` (numeric table ids): the value after
 * the `table` keyword, or the main table when there is none. Null for a line that names its
 * table in words, which -N prevents.
 */
export function routeLineTable(line: string): number | null {
  let from = 0;
  for (;;) {
    const at = line.indexOf(' table ', from);
    if (at < 0) return MAIN_TABLE;
    // The space after the keyword may begin the next " table ".
    from = at + 6;
    // "dev table" would be an interface called "table", not the keyword.
    if (line.endsWith(' dev', at)) continue;
    const end = line.indexOf(' ', at + 7);
    const value = line.slice(at + 7, end < 0 ? line.length : end);
    return /^\d+$/.test(value) ? Number(value) : null;
  }
}

/** Whether a monitor line is about a route (not a link, an address or a nexthop object). */
export function isRouteLine(line: string): boolean {
  const body = line.startsWith('Deleted ') ? 8 : 0;
  if (line.startsWith('id ', body)) return false;
  return parseLinkAddrLine(line) === null;
}

// Classifies `ip -N -o monitor route nexthop link address` lines. Most lines on a busy host are
// about nothing necod cares for (container veths, their link-local addresses, necod's own writes
// echoed back); those are dropped after a look at the line itself, with no kernel read.
import { addressFamily, isLinkLocal, maskAddress, maxPrefixLength, parseAddress, parsePrefix, type Prefix } from '../net/index.js';
import { RTN_UNICAST, parseRouteLine, type KernelRoute } from '../host/route-records.js';
import type { IdRange } from './types.js';

export interface Interest {
  protocol: number;
  table: number;
  metric: number;
  ids: IdRange;
  /** A route or address for this prefix can change how a known next hop resolves. */
  concernsPrefix(p: Prefix): boolean;
  /** A known next hop leaves through this device. */
  usesDev(dev: string): boolean;
}

export type MonitorEvent =
  /** One of necod's routes was removed; `route` is what it was, to tell it from an older echo. */
  | { kind: 'own-route-gone'; prefix: string; route: KernelRoute }
  /** A route of another protocol appeared or went in necod's table at necod's metric. */
  | { kind: 'foreign-route'; prefix: string; protocol: number; deleted: boolean }
  /** One of necod's nexthop objects was removed. */
  | { kind: 'own-nexthop-gone'; id: number }
  /** A connected route or address that a next hop resolves through changed. */
  | { kind: 'resolution'; prefix: string }
  /** A device some next hop leaves through changed state or went away. */
  | { kind: 'device'; dev: string; deleted: boolean };

const LINK = /^(\d+): ([^:@\s]+)(?:@[^:\s]*)?: </;
const ADDR = /^(\d+): (\S+)\s+inet6? (\S+)/;
const NEXTHOP = /^id (\d+) /;

export class MonitorClassifier {
  private readonly ownProto: string;

  constructor(private readonly interest: Interest) {
    this.ownProto = ` proto ${interest.protocol} `;
  }

  classify(raw: string): MonitorEvent | null {
    const deleted = raw.startsWith('Deleted ');
    const line = deleted ? raw.slice(8) : raw;
    const c = line.charCodeAt(0);
    if (c === 105 /* i */ && line.startsWith('id ')) return this.nexthop(line, deleted);
    if (c >= 48 && c <= 57 /* digit */) {
      const colon = line.indexOf(': ');
      if (colon > 0 && colon < 12 && /^\d+$/.test(line.slice(0, colon))) return this.linkOrAddress(line, deleted);
    }
    return this.route(line, deleted);
  }

  private nexthop(line: string, deleted: boolean): MonitorEvent | null {
    if (!deleted) return null;
    const m = NEXTHOP.exec(line);
    if (!m) return null;
    const id = Number(m[1]);
    const { min, max } = this.interest.ids;
    return id >= min && id <= max ? { kind: 'own-nexthop-gone', id } : null;
  }

  private linkOrAddress(line: string, deleted: boolean): MonitorEvent | null {
    const link = LINK.exec(line);
    if (link) {
      const dev = link[2] ?? '';
      return this.interest.usesDev(dev) ? { kind: 'device', dev, deleted } : null;
    }
    const addr = ADDR.exec(line);
    if (!addr) return null;
    const [, , dev = '', text = ''] = addr;
    const slash = text.indexOf('/');
    const a = parseAddress(slash < 0 ? text : text.slice(0, slash));
    if (!a || isLinkLocal(a)) return null;
    const length = slash < 0 ? maxPrefixLength(addressFamily(a)) : Number(text.slice(slash + 1));
    const subnet: Prefix = { address: maskAddress(a, length), length };
    if (this.interest.concernsPrefix(subnet) || this.interest.usesDev(dev)) return { kind: 'resolution', prefix: text };
    return null;
  }

  private route(line: string, deleted: boolean): MonitorEvent | null {
    // necod's own writes echoed back, the local table, link-local routes: nothing to do.
    if (!deleted && line.includes(this.ownProto)) return null;
    if (line.includes(' table 255 ') || line.startsWith('fe80::') || line.startsWith('ff00::')) return null;
    const firstSpace = line.indexOf(' ');
    const second = line.indexOf(' ', firstSpace + 1);
    const v6 = line.slice(0, second < 0 ? undefined : second).includes(':');
    const r = parseRouteLine(line, v6, 254, 0);
    if (!r) return null;
    if (r.protocol === this.interest.protocol) {
      return deleted && r.table === this.interest.table ? { kind: 'own-route-gone', prefix: r.prefix, route: r } : null;
    }
    if (r.table === this.interest.table && r.metric === this.interest.metric && (r.type === RTN_UNICAST || r.type > 5)) {
      return { kind: 'foreign-route', prefix: r.prefix, protocol: r.protocol, deleted };
    }
    const p = parsePrefix(r.prefix);
    if (p && this.interest.concernsPrefix(p)) return { kind: 'resolution', prefix: r.prefix };
    return null;
  }
}


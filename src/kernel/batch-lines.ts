// Kernel changes as `ip -batch` lines, and which refusals of them mean "already so". Pure text out;
// the error output of ip is read in src/host/batch-errors.ts.
import { familyOfText } from '../net/index.js';
import type { Change, InstalledRoute, Leg, RouteTag } from './types.js';

function legText(leg: Leg, routeV6: boolean): string {
  // An IPv6 next hop on an IPv4 route (RFC 5549) needs its family spelled out.
  const family = !routeV6 && familyOfText(leg.via) === 'ipv6' ? 'inet6 ' : '';
  return `via ${family}${leg.via} dev ${leg.dev}${leg.onlink ? ' onlink' : ''}`;
}

function routeBody(prefix: string, route: InstalledRoute, tag: RouteTag): string {
  const head = `${prefix} proto ${tag.protocol} metric ${tag.metric} table ${tag.table}`;
  switch (route.type) {
    case 'blackhole':
    case 'unreachable':
      return `${route.type} ${head}`;
    case 'nhid':
      return `${head} nhid ${route.nhid}`;
    case 'inline': {
      const v6 = familyOfText(prefix) === 'ipv6';
      const legs = route.set.legs;
      // A single path without the multipath form: the kernel then reports it the same way back.
      const [only] = legs;
      if (legs.length === 1 && only !== undefined) return `${head} ${legText(only, v6)}`;
      let s = head;
      for (const l of legs) s += ` nexthop ${legText(l, v6)} weight 1`;
      return s;
    }
    case 'other':
      throw new Error(`cannot write route ${prefix} of unmanaged form "${route.text}"`);
  }
}

/** The `ip -batch` line of a change; `format` names a route key as prefix text. */
export function renderChange<K>(change: Change<K>, tag: RouteTag, format: (key: K) => string = String): string {
  switch (change.op) {
    case 'route-replace':
      return `route replace ${routeBody(format(change.prefix), change.route, tag)}`;
    case 'route-delete':
      return `route delete ${format(change.prefix)} proto ${tag.protocol} metric ${tag.metric} table ${tag.table}`;
    case 'nexthop-replace': {
      const o = change.obj;
      if (o.type === 'leg') {
        const l = o.leg;
        return `nexthop replace id ${o.id} via ${l.via} dev ${l.dev}${l.onlink ? ' onlink' : ''} proto ${tag.protocol}`;
      }
      return `nexthop replace id ${o.id} group ${o.members.join('/')} proto ${tag.protocol}`;
    }
    case 'nexthop-delete':
      return `nexthop delete id ${change.id}`;
  }
}

/**
 * Whether an error on this change means the thing is already as wanted: deleting a route or an
 * object that is not there (ESRCH for routes, ENOENT for nexthop objects).
 */
export function isHarmlessError<K>(change: Change<K>, message: string): boolean {
  if (change.op === 'route-delete') return /No such process/.test(message);
  if (change.op === 'nexthop-delete') return /No such file or directory|does not exist/.test(message);
  return false;
}

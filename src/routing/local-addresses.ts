// What the host knows about the address a session uses: its interface, the connected
// prefix length, and the interface's other addresses (next hops of the other family).
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { unmapIpv4Text } from '../net/index.js';

export interface LocalAddressInfo {
  interfaceName: string;
  prefixLength: number;
  ipv4: string | null;
  ipv6Global: string | null;
  ipv6LinkLocal: string | null;
}

type Interfaces = Record<string, NetworkInterfaceInfo[] | undefined>;

function strip(a: string): string {
  const pct = a.indexOf('%');
  return (pct < 0 ? a : a.slice(0, pct)).toLowerCase();
}

/** Looks the address up among the host's interfaces; null when no interface holds it. */
export function describeLocalAddress(address: string | null, ifaces: Interfaces = networkInterfaces()): LocalAddressInfo | null {
  if (!address) return null;
  const wanted = strip(unmapIpv4Text(address));
  for (const [name, list] of Object.entries(ifaces)) {
    const hit = list?.find((i) => strip(i.address) === wanted);
    if (!hit || !list) continue;
    const v4 = list.find((i) => i.family === 'IPv4');
    const ll = list.find((i) => i.family === 'IPv6' && strip(i.address).startsWith('fe80'));
    const g6 = list.find((i) => i.family === 'IPv6' && !strip(i.address).startsWith('fe80'));
    return {
      interfaceName: name,
      prefixLength: Number((hit.cidr ?? '/32').split('/')[1]),
      ipv4: v4 ? v4.address : null,
      ipv6Global: g6 ? strip(g6.address) : null,
      ipv6LinkLocal: ll ? strip(ll.address) : null,
    };
  }
  return null;
}

// What a route does with a packet, the same word in the RIB, the FIB and the configuration:
// forward it to next hops, drop it silently, or drop it with an ICMP unreachable.
export type RouteKind = 'unicast' | 'blackhole' | 'unreachable';

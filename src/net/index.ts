// One vocabulary for addresses, prefixes and route kinds, the bottom room: it imports nothing
// of necod's, and every other room speaks of addresses in its terms.
export * from './ipv4.js';
export * from './ipv6.js';
export * from './address.js';
export * from './prefix.js';
export * from './route-kind.js';

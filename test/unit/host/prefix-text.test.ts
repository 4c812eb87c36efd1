import { describe, expect, it } from 'vitest';
import { destinationPrefix } from '../../../src/host/prefix-text.js';
import { addressFamily, formatPrefix, hostPrefix, isLinkLocalIpv6, parseAddress, parseIpv6, subnetOf } from '../../../src/net/index.js';

const host = (text: string): string | null => {
  const a = parseAddress(text);
  return a === null ? null : formatPrefix(hostPrefix(a));
};
const network = (text: string, length: number): string | null => {
  const p = subnetOf(text, length);
  return p === null ? null : formatPrefix(p);
};
const family = (text: string) => {
  const a = parseAddress(text);
  return a === null ? null : addressFamily(a);
};
const linkLocal = (text: string): boolean => {
  const a = parseIpv6(text);
  return a !== null && isLinkLocalIpv6(a);
};

describe('prefix text', () => {
  it('host routes', () => {
    expect(host('10.0.0.5')).toBe('10.0.0.5/32');
    expect(host('2001:DB8:0:0::5')).toBe('2001:db8::5/128');
    expect(host('10.0.0')).toBeNull();
  });

  it('clears host bits and compresses IPv6', () => {
    expect(network('192.168.50.10', 24)).toBe('192.168.50.0/24');
    expect(network('2001:db8:0:0:1::5', 64)).toBe('2001:db8::/64');
    expect(network('2001:db8::5', 0)).toBe('::/0');
    expect(network('10.0.0.1', 33)).toBeNull();
    expect(network('10.0.0.1', -1)).toBeNull();
  });

  it('reads destinations as iproute2 prints them', () => {
    expect(destinationPrefix('default', 'ipv4')).toBe('0.0.0.0/0');
    expect(destinationPrefix('default', 'ipv6')).toBe('::/0');
    expect(destinationPrefix('10.244.1.5', 'ipv4')).toBe('10.244.1.5/32');
    expect(destinationPrefix('2001:db8:249::1', 'ipv6')).toBe('2001:db8:249::1/128');
    expect(destinationPrefix('10.244.0.0/24', 'ipv4')).toBe('10.244.0.0/24');
    expect(destinationPrefix('10.244.0.0/24', 'ipv6')).toBeNull();
    expect(destinationPrefix('10.244.0.0/x', 'ipv4')).toBeNull();
  });

  it('families and link-local', () => {
    expect(family('10.0.0.1')).toBe('ipv4');
    expect(family('::1')).toBe('ipv6');
    expect(family('node0')).toBeNull();
    expect(linkLocal('fe80::1')).toBe(true);
    expect(linkLocal('febf::1')).toBe(true);
    expect(linkLocal('fec0::1')).toBe(false);
    expect(linkLocal('10.0.0.1')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { destinationPrefix, familyOfAddress, hostPrefix, isIpv6LinkLocal, networkPrefix } from '../../../src/host/prefix-text.js';

describe('prefix text', () => {
  it('host routes', () => {
    expect(hostPrefix('10.0.0.5')).toBe('10.0.0.5/32');
    expect(hostPrefix('2001:DB8:0:0::5')).toBe('2001:db8::5/128');
    expect(hostPrefix('10.0.0')).toBeNull();
  });

  it('clears host bits and compresses IPv6', () => {
    expect(networkPrefix('192.168.50.10', 24)).toBe('192.168.50.0/24');
    expect(networkPrefix('2001:db8:0:0:1::5', 64)).toBe('2001:db8::/64');
    expect(networkPrefix('2001:db8::5', 0)).toBe('::/0');
    expect(networkPrefix('10.0.0.1', 33)).toBeNull();
    expect(networkPrefix('10.0.0.1', -1)).toBeNull();
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
    expect(familyOfAddress('10.0.0.1')).toBe('ipv4');
    expect(familyOfAddress('::1')).toBe('ipv6');
    expect(familyOfAddress('node0')).toBeNull();
    expect(isIpv6LinkLocal('fe80::1')).toBe(true);
    expect(isIpv6LinkLocal('febf::1')).toBe(true);
    expect(isIpv6LinkLocal('fec0::1')).toBe(false);
    expect(isIpv6LinkLocal('10.0.0.1')).toBe(false);
  });
});

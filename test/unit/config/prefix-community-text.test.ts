import { describe, expect, it } from 'vitest';
import { communityCheck, formatCommunity, formatLargeCommunity, largeCommunityCheck } from '../../../src/config/community-text.js';
import { prefixCheck } from '../../../src/config/prefix-text.js';

describe('prefixCheck', () => {
  it.each([
    ['10.0.0.0/8', { text: '10.0.0.0/8', family: 'ipv4', length: 8 }],
    ['0.0.0.0/0', { text: '0.0.0.0/0', family: 'ipv4', length: 0 }],
    ['255.255.255.255/32', { text: '255.255.255.255/32', family: 'ipv4', length: 32 }],
    ['2001:DB8::/32', { text: '2001:db8::/32', family: 'ipv6', length: 32 }],
    ['2001:db8:0:0:0:0:0:0/48', { text: '2001:db8::/48', family: 'ipv6', length: 48 }],
    ['::/0', { text: '::/0', family: 'ipv6', length: 0 }],
    ['fe80::/10', { text: 'fe80::/10', family: 'ipv6', length: 10 }],
    ['2001:db8::ff/128', { text: '2001:db8::ff/128', family: 'ipv6', length: 128 }],
  ])('accepts %s', (text, expected) => {
    expect(prefixCheck.check(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['10.0.0.1/24', '10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?'],
    ['10.255.255.255/9', '10.255.255.255/9 has host bits set; did you mean 10.128.0.0/9?'],
    ['2001:db8::1/64', '2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?'],
    ['2001:db8:ffff::/33', '2001:db8:ffff::/33 has host bits set; did you mean 2001:db8:8000::/33?'],
    ['10.0.0.0/-1', '10.0.0.0/-1: the length of an IPv4 prefix is 0..32'],
    ['10.0.0.0/8.0', '10.0.0.0/8.0: the length of an IPv4 prefix is 0..32'],
    ['10.0.0.0/8/8', '10.0.0.0/8/8: the length of an IPv4 prefix is 0..32'],
    ['010.0.0.0/8', 'expected a prefix such as 10.0.0.0/24 or 2001:db8::/48, got "010.0.0.0/8"'],
    ['/8', 'expected a prefix such as 10.0.0.0/24 or 2001:db8::/48, got "/8"'],
  ])('refuses %s', (text, message) => {
    expect(prefixCheck.check(text)).toEqual({ ok: false, message });
  });
});

describe('communityCheck', () => {
  it.each([
    ['0:0', 0],
    ['65535:65535', 0xffffffff],
    ['64698:64699', 64698 * 65536 + 64699],
    ['NO_EXPORT', 0xffffff01],
    ['no-export', 0xffffff01],
    ['No_Export_Subconfed', 0xffffff03],
  ])('reads %s', (text, value) => {
    expect(communityCheck.check(text)).toEqual({ ok: true, value });
  });

  it.each(['65536:0', '0:65536', '1', '1:', ':1', '1:2:3', 'a:b', '1.5:2', ' 1:2', '00000000001:1'])('refuses %j', (text) => {
    expect(communityCheck.check(text).ok).toBe(false);
  });

  it('formats values back', () => {
    expect(formatCommunity(64698 * 65536 + 64699)).toBe('64698:64699');
    expect(formatCommunity(0xffffff01)).toBe('65535:65281');
    expect(formatLargeCommunity([64600, 1, 4294967295])).toBe('64600:1:4294967295');
  });
});

describe('largeCommunityCheck', () => {
  it.each([
    ['0:0:0', [0, 0, 0]],
    ['4294967295:4294967295:4294967295', [4294967295, 4294967295, 4294967295]],
  ])('reads %s', (text, value) => {
    expect(largeCommunityCheck.check(text)).toEqual({ ok: true, value });
  });

  it.each(['4294967296:0:0', '1:2', '1:2:3:4', 'NO_EXPORT', '1:2:x'])('refuses %j', (text) => {
    expect(largeCommunityCheck.check(text).ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalPrefix, prefixFromIp } from '../../../src/host/prefix-text.js';
import { canonicalAddress, parseAddress, parsePrefix, prefixContains } from '../../../src/net/index.js';
import { parseNexthopJson, parseRouteLine } from '../../../src/host/route-records.js';
import { interpretRouteGet } from '../../../src/kernel/resolver.js';
import { NameError, parseRtNames, protocolToWrite, tableToWrite } from '../../../src/host/rt-names.js';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('prefixes', () => {
  it('canonicalizes as ip prints', () => {
    expect(canonicalPrefix('10.0.0.0/24')).toBe('10.0.0.0/24');
    expect(canonicalPrefix('2001:DB8:0:0::/48')).toBe('2001:db8::/48');
    expect(canonicalPrefix('2001:db8:0:1:0:0:0:0/64')).toBe('2001:db8:0:1::/64');
    expect(canonicalPrefix('10.0.0.1/24')).toBeNull();
    expect(canonicalPrefix('10.0.0.0')).toBeNull();
    expect(canonicalPrefix('10.0.0.0/33')).toBeNull();
    expect(canonicalPrefix('010.0.0.0/8')).toBeNull();
    expect(canonicalAddress('2001:0db8::0001')).toBe('2001:db8::1');
    expect(canonicalAddress('::ffff:c000:201')).toBe('::ffff:192.0.2.1'); // RFC 5952 §5, as iproute2 prints it
    expect(canonicalAddress('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
  });

  it('reads ip forms back', () => {
    expect(prefixFromIp('default', false)).toBe('0.0.0.0/0');
    expect(prefixFromIp('default', true)).toBe('::/0');
    expect(prefixFromIp('10.7.7.7', false)).toBe('10.7.7.7/32');
    expect(prefixFromIp('2001:db8::1', true)).toBe('2001:db8::1/128');
  });

  it('tests containment', () => {
    expect(prefixContains(parsePrefix('10.1.0.0/24')!, parseAddress('10.1.0.1')!)).toBe(true);
    expect(prefixContains(parsePrefix('10.1.0.0/24')!, parseAddress('10.1.1.1')!)).toBe(false);
    expect(prefixContains(parsePrefix('2001:db8:1::/64')!, parseAddress('2001:db8:1::1')!)).toBe(true);
    expect(prefixContains(parsePrefix('0.0.0.0/0')!, parseAddress('2001:db8:1::1')!)).toBe(false);
  });
});

describe('route lines', () => {
  it('parses nhid, multipath, blackhole, onlink and IPv6 next hops', () => {
    expect(parseRouteLine('10.9.0.0/24 nhid 1002 proto 200 metric 32 \\\tnexthop via 10.1.0.1 dev a0 weight 1 \\\tnexthop via 10.2.0.1 dev b0 weight 1 ', false, 254)).toMatchObject({
      prefix: '10.9.0.0/24', nhid: 1002, protocol: 200, metric: 32, table: 254, type: 1,
    });
    expect(parseRouteLine('10.8.0.0/16 proto 200 metric 32 \\\tnexthop via 10.1.0.1 dev a0 weight 1 dead onlink linkdown \\\tnexthop via 10.2.0.1 dev b0 weight 1 ', false, 254)!.legs).toEqual([
      { via: '10.1.0.1', dev: 'a0', onlink: true },
      { via: '10.2.0.1', dev: 'b0', onlink: false },
    ]);
    expect(parseRouteLine('6 2001:db8:b::/48 dev lo proto 200 metric 32 pref medium', true, 254)).toMatchObject({ type: 6, prefix: '2001:db8:b::/48' });
    expect(parseRouteLine('blackhole 10.9.4.0/24 metric 32', false, 254, 200)).toMatchObject({ type: 6, protocol: 200, metric: 32 });
    expect(parseRouteLine('default via 10.1.0.1 dev a0 proto 200 metric 32 onlink ', false, 254)!).toMatchObject({
      prefix: '0.0.0.0/0', legs: [{ via: '10.1.0.1', dev: 'a0', onlink: true }],
    });
    expect(parseRouteLine('10.0.0.0/8 via inet6 2001:db8:1::1 dev a0 proto 200 metric 32 ', false, 254)!.legs).toEqual([{ via: '2001:db8:1::1', dev: 'a0', onlink: false }]);
    expect(parseRouteLine('10.1.0.0/24 dev a0 proto 2 scope 253 src 10.1.0.5 ', false, 254)).toMatchObject({ devOnly: 'a0', protocol: 2, metric: 0 });
    expect(parseRouteLine('10.7.7.7 via 10.1.0.1 dev a0 table 100 proto 200 metric 32', false, 254)).toMatchObject({ prefix: '10.7.7.7/32', table: 100 });
  });

  it('parses nexthop objects', () => {
    const text = '[{"id":1000,"gateway":"10.1.0.1","dev":"a0","scope":"253","protocol":"200","flags":["onlink"]},{"id":1002,"group":[{"id":1000},{"id":1001}],"protocol":"200","flags":[]},{"id":5,"blackhole":null,"protocol":"4","flags":[]},{"id":6,"group":[{"id":1000,"weight":3}],"protocol":"200"}]';
    expect(parseNexthopJson(text)).toEqual([
      { id: 1000, protocol: 200, kind: 'leg', leg: { via: '10.1.0.1', dev: 'a0', onlink: true }, members: [] },
      { id: 1002, protocol: 200, kind: 'group', leg: null, members: [1000, 1001] },
      { id: 5, protocol: 4, kind: 'other', leg: null, members: [] },
      { id: 6, protocol: 200, kind: 'other', leg: null, members: [] },
    ]);
  });
});

describe('next-hop resolution', () => {
  it('accepts only connected routes', () => {
    expect(interpretRouteGet('10.1.0.1', 0, '[{"dst":"10.1.0.1","dev":"a0","prefsrc":"10.1.0.5","flags":[]}]', '')).toEqual({ ok: true, dev: 'a0' });
    expect(interpretRouteGet('10.9.0.1', 0, '[{"dst":"10.9.0.1","gateway":"10.1.0.1","dev":"a0"}]', '')).toMatchObject({ ok: false, error: expect.stringContaining('no connected route') });
    expect(interpretRouteGet('10.1.0.5', 0, '[{"type":"local","dst":"10.1.0.5","dev":"lo"}]', '')).toMatchObject({ ok: false, error: expect.stringContaining('local') });
    expect(interpretRouteGet('10.77.0.1', 2, '', 'RTNETLINK answers: Network is unreachable\n')).toEqual({ ok: false, error: 'no route to next hop 10.77.0.1: Network is unreachable' });
  });
});

describe('protocol and table names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'necod-rt-'));
  mkdirSync(join(dir, 'rt_protos.d'));
  writeFileSync(join(dir, 'rt_protos'), '# comment\n4\tstatic\n12 bird\n');
  writeFileSync(join(dir, 'rt_protos.d', 'necod.conf'), '201 necod\n');
  writeFileSync(join(dir, 'rt_tables'), '100 pods\n');

  it('uses the registered number, falls back to 200 for necod, refuses the kernel\'s own', () => {
    expect(protocolToWrite('necod', [dir])).toBe(201);
    expect(protocolToWrite('necod', [join(dir, 'none')])).toBe(200);
    expect(protocolToWrite(77, [dir])).toBe(77);
    expect(protocolToWrite('bird', [dir])).toBe(12);
    expect(() => protocolToWrite('static', [dir])).toThrow(NameError);
    expect(() => protocolToWrite('nosuch', [dir])).toThrow(/not registered/);
    expect(tableToWrite('main', [dir])).toBe(254);
    expect(tableToWrite('pods', [dir])).toBe(100);
    expect(() => tableToWrite('toString', [dir])).toThrow(NameError);
    expect(parseRtNames('0x10 hex\nbad line\n').get('hex')).toBe(16);
  });
});

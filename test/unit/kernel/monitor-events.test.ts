import { describe, expect, it } from 'vitest';
import { MonitorClassifier, type Interest } from '../../../src/kernel/monitor-events.js';
import { parseAddress, prefixContains } from '../../../src/net/index.js';

const vias = [parseAddress('10.1.0.1')!, parseAddress('2001:db8:1::1')!];
const interest: Interest = {
  protocol: 200,
  table: 254,
  metric: 32,
  ids: { min: 1000, max: 1999 },
  concernsPrefix: (p) => vias.some((a) => prefixContains(p, a)),
  usesDev: (dev) => dev === 'a0' || dev === 'b0',
};
const c = new MonitorClassifier(interest);

describe('monitor line classification', () => {
  it('ignores necod\'s own writes echoed back', () => {
    expect(c.classify('10.101.134.159 nhid 1002 proto 200 metric 32 \\\tnexthop via 10.1.0.1 dev a0 weight 1 ')).toBeNull();
    expect(c.classify('id 1000 via 10.1.0.1 dev a0 scope 253 proto 200 ')).toBeNull();
  });

  it('reports necod routes deleted by someone else, with what they were', () => {
    expect(c.classify('Deleted 10.9.1.0/24 proto 200 metric 32 \\\tnexthop via 10.1.0.1 dev a0 weight 1 \\\tnexthop via 10.2.0.1 dev b0 weight 1 ')).toMatchObject({
      kind: 'own-route-gone',
      prefix: '10.9.1.0/24',
      route: { legs: [{ via: '10.1.0.1' }, { via: '10.2.0.1' }] },
    });
    expect(c.classify('Deleted 2001:db8:a::/48 nhid 1003 via 2001:db8:1::1 dev a0 proto 200 metric 32 pref medium')).toMatchObject({ kind: 'own-route-gone', prefix: '2001:db8:a::/48' });
    // necod's protocol in another table is not necod's.
    expect(c.classify('Deleted 10.9.1.0/24 table 100 proto 200 metric 32 via 10.1.0.1 dev a0')).toBeNull();
  });

  it('reports routes of other protocols at necod\'s metric in its table', () => {
    expect(c.classify('10.50.0.0/24 via 10.1.0.1 dev a0 proto 4 metric 32 ')).toEqual({ kind: 'foreign-route', prefix: '10.50.0.0/24', protocol: 4, deleted: false });
    expect(c.classify('Deleted 10.50.0.0/24 via 10.1.0.1 dev a0 proto 4 metric 32 ')).toMatchObject({ kind: 'foreign-route', deleted: true });
    expect(c.classify('10.50.0.0/24 via 10.1.0.1 dev a0 proto 4 metric 100 ')).toBeNull();
  });

  it('reports connected routes and addresses that next hops resolve through', () => {
    expect(c.classify('10.1.0.0/24 dev a0 proto 2 scope 253 src 10.1.0.5 ')).toEqual({ kind: 'resolution', prefix: '10.1.0.0/24' });
    expect(c.classify('Deleted 2001:db8:1::/64 dev a0 proto 2 metric 256 pref medium')).toMatchObject({ kind: 'resolution' });
    expect(c.classify('5: b0    inet 10.1.0.9/24 scope 0 b0\\       valid_lft forever preferred_lft forever')).toMatchObject({ kind: 'resolution' });
    expect(c.classify('10.3.0.0/24 dev c0 proto 2 scope 253 src 10.3.0.5 ')).toBeNull();
  });

  it('reports state changes of devices in use and nexthop objects of necod removed', () => {
    expect(c.classify('3: a0@a1: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group 0 \\    link/[1] 86:92:bb:25:a9:20 brd ff:ff:ff:ff:ff:ff')).toEqual({ kind: 'device', dev: 'a0', deleted: false });
    expect(c.classify('Deleted 4: b0: <BROADCAST> mtu 1500 qdisc noop state DOWN')).toEqual({ kind: 'device', dev: 'b0', deleted: true });
    expect(c.classify('Deleted id 1000 via 10.1.0.1 dev a0 scope 253 proto 200 ')).toEqual({ kind: 'own-nexthop-gone', id: 1000 });
    expect(c.classify('Deleted id 7 via 10.1.0.1 dev a0 scope 253 proto 4 ')).toBeNull();
  });

  it('drops container churn on sight', () => {
    const churn = [
      '6: c1@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group 0 \\    link/[1] 66:17:e6:42:bb:7a brd ff:ff:ff:ff:ff:ff',
      '7: vethab12@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group 0',
      '3: a0    inet6 fe80::8492:bbff:fe25:a920/64 scope 253 \\       valid_lft forever preferred_lft forever',
      '2 fe80::8492:bbff:fe25:a920 dev veth9 table 255 proto 2 metric 0 pref medium',
      'fe80::/64 dev veth9 proto 2 metric 256 pref medium',
      '5 ff00::/8 dev veth9 table 255 proto 2 metric 256 pref medium',
      '10.244.1.5 dev cali123 proto 4 scope 253 ',
      'Deleted 10.244.1.5 dev cali123 proto 4 scope 253 ',
    ];
    for (const line of churn) expect(c.classify(line)).toBeNull();
  });
});

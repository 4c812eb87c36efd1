import { describe, expect, it } from 'vitest';
import { BatchErrorReader } from '../../../src/host/batch-errors.js';
import { isHarmlessError, renderChange } from '../../../src/kernel/batch-lines.js';
import { BLACKHOLE, FibModel, UNREACHABLE } from '../../../src/kernel/fib-model.js';
import { LegTable } from '../../../src/kernel/leg-set.js';
import type { Change } from '../../../src/kernel/types.js';

const tag = { protocol: 200, metric: 32, table: 254 };
const legs = new LegTable();
const model = new FibModel({ min: 1, max: 100 }, legs);
const a = legs.leg('10.1.0.1', 'a0');
const b = legs.leg('10.2.0.1', 'b0');
const a6 = legs.leg('2001:db8:1::1', 'a0');
const b6 = legs.leg('2001:db8:2::1', 'b0', true);

describe('batch line rendering', () => {
  it('writes single-path routes without the multipath form', () => {
    const c: Change = { op: 'route-replace', prefix: '10.0.0.0/24', route: model.inlineRoute(legs.set([a])!) };
    expect(renderChange(c, tag)).toBe('route replace 10.0.0.0/24 proto 200 metric 32 table 254 via 10.1.0.1 dev a0');
  });

  it('writes ECMP routes as nexthop lists with weights', () => {
    const c: Change = { op: 'route-replace', prefix: '10.0.0.0/24', route: model.inlineRoute(legs.set([b, a])!) };
    expect(renderChange(c, tag)).toBe(
      'route replace 10.0.0.0/24 proto 200 metric 32 table 254 nexthop via 10.1.0.1 dev a0 weight 1 nexthop via 10.2.0.1 dev b0 weight 1',
    );
  });

  it('writes IPv6 routes, onlink and IPv6 next hops of IPv4 routes', () => {
    const v6: Change = { op: 'route-replace', prefix: '2001:db8::/48', route: model.inlineRoute(legs.set([a6, b6])!) };
    expect(renderChange(v6, tag)).toBe(
      'route replace 2001:db8::/48 proto 200 metric 32 table 254 nexthop via 2001:db8:1::1 dev a0 weight 1 nexthop via 2001:db8:2::1 dev b0 onlink weight 1',
    );
    const v4via6: Change = { op: 'route-replace', prefix: '10.0.0.0/8', route: model.inlineRoute(legs.set([a6])!) };
    expect(renderChange(v4via6, tag)).toBe('route replace 10.0.0.0/8 proto 200 metric 32 table 254 via inet6 2001:db8:1::1 dev a0');
  });

  it('writes nexthop objects, routes on them, blackholes and deletes', () => {
    expect(renderChange({ op: 'nexthop-replace', obj: { type: 'leg', id: 7, leg: a } }, tag)).toBe('nexthop replace id 7 via 10.1.0.1 dev a0 proto 200');
    expect(renderChange({ op: 'nexthop-replace', obj: { type: 'group', id: 9, members: [7, 8] } }, tag)).toBe('nexthop replace id 9 group 7/8 proto 200');
    expect(renderChange({ op: 'nexthop-delete', id: 9 }, tag)).toBe('nexthop delete id 9');
    expect(renderChange({ op: 'route-replace', prefix: '10.0.0.0/24', route: { type: 'nhid', nhid: 9 } }, tag)).toBe(
      'route replace 10.0.0.0/24 proto 200 metric 32 table 254 nhid 9',
    );
    expect(renderChange({ op: 'route-replace', prefix: '192.0.2.0/24', route: BLACKHOLE }, tag)).toBe('route replace blackhole 192.0.2.0/24 proto 200 metric 32 table 254');
    expect(renderChange({ op: 'route-replace', prefix: '2001:db8::/32', route: UNREACHABLE }, { ...tag, table: 100 })).toBe(
      'route replace unreachable 2001:db8::/32 proto 200 metric 32 table 100',
    );
    expect(renderChange({ op: 'route-delete', prefix: '10.0.0.0/24' }, tag)).toBe('route delete 10.0.0.0/24 proto 200 metric 32 table 254');
  });

  it('never renders a route of unmanaged form', () => {
    expect(() => renderChange({ op: 'route-replace', prefix: '10.0.0.0/24', route: { type: 'other', text: 'x' } }, tag)).toThrow();
  });
});

describe('batch error mapping', () => {
  it('maps each "Command failed -:N" to its line with the reason printed before it', () => {
    const got: Array<[number, string]> = [];
    const r = new BatchErrorReader((n, reason) => got.push([n, reason]));
    r.feed('Error: Nexthop has invalid gateway.\nCommand failed -:7\nRTNETLINK answers: No such pro');
    r.feed('cess\nCommand failed -:14\nCannot find device "x"\n');
    r.feed('Command failed -:20\n');
    expect(got).toEqual([
      [7, 'Error: Nexthop has invalid gateway.'],
      [14, 'RTNETLINK answers: No such process'],
      [20, 'Cannot find device "x"'],
    ]);
    expect(r.lastFailedLine).toBe(20);
  });

  it('keeps text after the last failure as the reason ip died', () => {
    const r = new BatchErrorReader(() => {});
    r.feed('Object "necod-sync" is unknown, try "ip help".\nCommand failed -:2\nError: argument "nosuch" is wrong: Device does not exist');
    expect(r.pending).toBe('Error: argument "nosuch" is wrong: Device does not exist');
    expect(r.lastFailedLine).toBe(2);
  });

  it('joins multi-line reasons', () => {
    const got: string[] = [];
    const r = new BatchErrorReader((_, reason) => got.push(reason));
    r.feed('Error: first\nmore detail\nCommand failed -:3\nCommand failed -:4\n');
    expect(got).toEqual(['Error: first; more detail', 'command failed']);
  });

  it('counts deleting what is already gone as done', () => {
    expect(isHarmlessError({ op: 'route-delete', prefix: '10.0.0.0/8' }, 'RTNETLINK answers: No such process')).toBe(true);
    expect(isHarmlessError({ op: 'nexthop-delete', id: 3 }, 'RTNETLINK answers: No such file or directory')).toBe(true);
    expect(isHarmlessError({ op: 'route-replace', prefix: '10.0.0.0/8', route: BLACKHOLE }, 'RTNETLINK answers: No such process')).toBe(false);
  });
});

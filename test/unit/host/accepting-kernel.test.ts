// The kernel stand-in of the start-up rehearsal: it must answer as a kernel that takes every
// request, so that the netlink writer runs its whole path (device lookups, barriers, acks per
// message after lost answers) and reports no refusal, without a socket.
import { describe, expect, it } from 'vitest';
import type { Change, Leg, RouteTag } from '../../../src/host/kernel-change.js';
import { answersOfAcceptingKernel, encodeChange, encodeGetLink, encodeNoop, readAnswers, TEXT_PREFIXES, type NetlinkAnswer } from '../../../src/host/netlink-codec.js';
import { acceptingChannel } from '../../../src/host/netlink-socket.js';
import { NetlinkRouteWriter } from '../../../src/host/netlink-writer.js';

const TAG: RouteTag = { protocol: 200, metric: 32, table: 100 };
const leg: Leg = { via: '192.0.2.1', dev: 'lo', onlink: false, key: '192.0.2.1|lo|false' };
const CHANGES: Change<string>[] = [
  { op: 'nexthop-replace', obj: { type: 'leg', id: 7001, leg } },
  { op: 'nexthop-replace', obj: { type: 'group', id: 7002, members: [7001] } },
  { op: 'route-replace', prefix: '10.0.0.0/24', route: { type: 'nhid', nhid: 7002 } },
  { op: 'route-replace', prefix: '2001:db8::/48', route: { type: 'inline', set: { key: leg.key, legs: [leg] } } },
  { op: 'route-delete', prefix: '10.0.1.0/24' },
];

function answers(buf: Uint8Array | null): NetlinkAnswer[] {
  const out: NetlinkAnswer[] = [];
  if (buf) readAnswers(buf, (a) => out.push(a));
  return out;
}

function encoded(ack: boolean, base: number): Buffer {
  const buf = Buffer.alloc(8192);
  let at = 0;
  CHANGES.forEach((c, i) => {
    at = encodeChange(buf, at, c, base + i, ack, TEXT_PREFIXES, TAG, () => 1);
  });
  return buf.subarray(0, at);
}

describe('answersOfAcceptingKernel', () => {
  it('answers nothing to changes sent without an ack request', () => {
    expect(answersOfAcceptingKernel(encoded(false, 10))).toBeNull();
  });

  it('acks every message that asks, with its sequence number and errno 0', () => {
    expect(answers(answersOfAcceptingKernel(encoded(true, 10)))).toEqual(CHANGES.map((_, i) => ({ kind: 'ack', seq: 10 + i, errno: 0 })));
  });

  it('acks the barrier after a burst, and nothing before it', () => {
    const burst = encoded(false, 20);
    const buf = Buffer.alloc(burst.length + 16);
    burst.copy(buf);
    encodeNoop(buf, burst.length, 25);
    expect(answers(answersOfAcceptingKernel(buf))).toEqual([{ kind: 'ack', seq: 25, errno: 0 }]);
  });

  it('gives any device index 1', () => {
    expect(answers(answersOfAcceptingKernel(encodeGetLink('eth7', 42)))).toEqual([{ kind: 'link', seq: 42, index: 1 }]);
  });
});

describe('the netlink writer over the accepting channel', () => {
  it('writes every change without a refusal, looking devices up on the way', async () => {
    const w = new NetlinkRouteWriter<string>({ prefixes: TEXT_PREFIXES, tag: TAG, channel: acceptingChannel });
    const many: Change<string>[] = [...CHANGES];
    for (let i = 0; i < 5000; i++) many.push({ op: 'route-replace', prefix: `10.${1 + (i >> 8)}.${i & 255}.0/24`, route: { type: 'nhid', nhid: 7002 } });
    const outcome = await w.run(many);
    expect([...outcome.errors]).toEqual([]);
    expect((await w.run(CHANGES, true)).errors.size).toBe(0);
    await w.close();
  });
});

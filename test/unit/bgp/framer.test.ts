import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CONTEXT, encodeKeepalive, encodeNotification, encodeOpen, encodeRouteRefresh, makeContext, type CodecContext } from '../../../src/bgp/wire/index.js';
import { MessageFramer, type Frame } from '../../../src/bgp/framer.js';

function update(bodyLength: number): Uint8Array {
  // A syntactically plain UPDATE: empty withdrawn and attributes, the rest filler NLRI bytes.
  const m = new Uint8Array(19 + bodyLength);
  m.fill(0xff, 0, 16);
  m[16] = m.length >>> 8;
  m[17] = m.length & 0xff;
  m[18] = 2;
  for (let i = 23; i < m.length; i++) m[i] = i & 0xff;
  return m;
}

function drain(f: MessageFramer, ctx: CodecContext = DEFAULT_CONTEXT): Frame[] {
  const out: Frame[] = [];
  for (let fr = f.next(ctx); fr; fr = f.next(ctx)) out.push(fr);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const MESSAGES = [
  encodeOpen({ myAs: 65000, holdTime: 90, bgpId: 1, capabilities: [{ name: 'ROUTE_REFRESH', code: 2 }] }),
  encodeKeepalive(),
  update(4),
  update(4077),
  encodeRouteRefresh(1, 1, 0),
  encodeNotification(6, 2, Uint8Array.of(3, 0x61, 0x62, 0x63)),
];

describe('MessageFramer', () => {
  it('hands out whole messages in one chunk as views, without copying', () => {
    const stream = concat(MESSAGES);
    const f = new MessageFramer();
    f.push(stream);
    const frames = drain(f);
    expect(frames.map((x) => (x.ok ? x.bytes.length : -1))).toEqual(MESSAGES.map((m) => m.length));
    for (const fr of frames) if (fr.ok) expect(fr.bytes.buffer).toBe(stream.buffer);
    expect(f.buffered).toBe(0);
  });

  it('joins a message cut anywhere, the header included', () => {
    const m = update(100);
    for (let cut = 1; cut < m.length; cut++) {
      const f = new MessageFramer();
      f.push(m.subarray(0, cut));
      expect(drain(f)).toEqual([]);
      f.push(m.subarray(cut));
      const frames = drain(f);
      expect(frames).toHaveLength(1);
      expect(frames[0]?.ok && [...frames[0]?.bytes]).toEqual([...m]);
    }
  });

  it('takes a stream one byte at a time', () => {
    const stream = concat(MESSAGES);
    const f = new MessageFramer();
    const got: number[] = [];
    for (let i = 0; i < stream.length; i++) {
      f.push(stream.subarray(i, i + 1));
      for (const fr of drain(f)) got.push(fr.ok ? fr.bytes.length : -1);
    }
    expect(got).toEqual(MESSAGES.map((m) => m.length));
  });

  it('rejects a bad marker as soon as the header is in (1/1)', () => {
    const bad = encodeKeepalive();
    bad[3] = 0;
    const f = new MessageFramer();
    f.push(bad.subarray(0, 18));
    expect(drain(f)).toEqual([]);
    f.push(bad.subarray(18));
    const fr = drain(f)[0]!;
    expect(fr.ok).toBe(false);
    if (!fr.ok) {
      expect(fr.notification).toMatchObject({ code: 1, subcode: 1 });
      expect(fr.header).toHaveLength(19);
    }
    f.push(encodeKeepalive());
    expect(drain(f)).toEqual([]);
  });

  it('rejects a length above 4096 from the header alone (1/2), without waiting for the body', () => {
    const head = update(5000).subarray(0, 19);
    const f = new MessageFramer();
    f.push(head);
    const fr = drain(f)[0]!;
    expect(fr.ok === false && fr.notification).toMatchObject({ code: 1, subcode: 2, data: Uint8Array.of(0x13, 0x9b) });
  });

  it('accepts long messages once extended messages are negotiated (RFC 8654)', () => {
    const big = update(60_000);
    const f = new MessageFramer();
    f.push(big.subarray(0, 30_000));
    const ext = makeContext({ extendedMessage: true });
    expect(drain(f, ext)).toEqual([]);
    f.push(big.subarray(30_000));
    const fr = drain(f, ext)[0]!;
    expect(fr.ok && fr.bytes.length).toBe(big.length);
  });

  it('rejects an unknown type (1/3) and a KEEPALIVE with a body (1/2)', () => {
    const t = encodeKeepalive();
    t[18] = 9;
    const f = new MessageFramer();
    f.push(t);
    expect(drain(f)[0]).toMatchObject({ ok: false, notification: { code: 1, subcode: 3 } });
    const k = update(4);
    k[18] = 4;
    const g = new MessageFramer();
    g.push(k);
    expect(drain(g)[0]).toMatchObject({ ok: false, notification: { code: 1, subcode: 2 } });
  });

  it('never holds more than one maximum-size message', () => {
    const f = new MessageFramer();
    const m = update(4077);
    for (let i = 0; i < 100; i++) {
      f.push(m.subarray(0, 4000));
      drain(f);
      expect(f.buffered).toBeLessThanOrEqual(4096);
      f.push(m.subarray(4000));
      expect(drain(f)).toHaveLength(1);
      expect(f.buffered).toBe(0);
    }
  });

  it('keeps order when pushed again before everything was read', () => {
    const f = new MessageFramer();
    f.push(concat([encodeKeepalive(), encodeKeepalive()]));
    expect(f.next(DEFAULT_CONTEXT)).not.toBeNull();
    f.push(MESSAGES[0]!);
    expect(drain(f).map((x) => (x.ok ? x.bytes[18] : 0))).toEqual([4, 1]);
  });

  it('gives the same messages for any segmentation (property)', () => {
    const message = fc.oneof(
      fc.constantFrom(...MESSAGES),
      fc.integer({ min: 4, max: 4077 }).map(update),
    );
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 40 }), (msgs, cuts) => {
        const stream = concat(msgs);
        const f = new MessageFramer();
        const got: Uint8Array[] = [];
        let at = 0;
        let i = 0;
        while (at < stream.length) {
          const n = cuts[i++ % cuts.length]!;
          f.push(stream.subarray(at, at + n));
          at += n;
          for (const fr of drain(f)) {
            if (!fr.ok) throw new Error(fr.reason);
            got.push(fr.bytes.slice());
          }
        }
        expect(got.map((g) => Buffer.from(g).toString('hex'))).toEqual(msgs.map((m) => Buffer.from(m).toString('hex')));
        expect(f.buffered).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});

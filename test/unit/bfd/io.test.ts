// Two BFD engines in this process talking over loopback (127.0.0.1 ↔ 127.0.0.2) on a private
// port: real UDP sockets and timers, no thread. They come Up, detect a silent peer (its packets
// fail authentication), and treat the peer's AdminDown as no failure (RFC 5882 §3.2).
import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BfdEngine } from '../../../src/bfd/io.js';
import type { BfdSessionSpec, BfdStateEvent, FromEngine } from '../../../src/bfd/messages.js';
import { waitFor, sleep } from '../../support/wait.js';

const engines: BfdEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.stop();
});

function engine(port: number): { engine: BfdEngine; events: BfdStateEvent[] } {
  const events: BfdStateEvent[] = [];
  const emit = (m: FromEngine) => {
    if (m.type === 'state') events.push(m);
  };
  const e = new BfdEngine({ singleHopPort: port, multihopPort: port + 1, emit });
  engines.push(e);
  return { engine: e, events };
}

const key = Buffer.from('rack-secret');
const spec = (id: string, local: string, remote: string, extra: Partial<BfdSessionSpec> = {}): BfdSessionSpec => ({
  id,
  local,
  remote,
  multihop: false,
  config: { desiredMinTxUs: 10_000, requiredMinRxUs: 10_000, detectMult: 3 },
  auth: { type: 5, keyId: 1, key },
  ...extra,
});

describe('BFD engine over loopback', () => {
  it('comes Up, detects a peer whose packets stop passing, and takes the peer AdminDown calmly', async () => {
    const port = randomInt(20_000, 30_000);
    const a = engine(port);
    const b = engine(port);
    await a.engine.add(spec('b', '127.0.0.1', '127.0.0.2'));
    await b.engine.add(spec('a', '127.0.0.2', '127.0.0.1'));
    await waitFor(() => a.engine.views()[0]!.state === 'Up' && b.engine.views()[0]!.state === 'Up' && a.engine.views()[0]!.txIntervalUs === 10_000, { timeoutMs: 10_000, intervalMs: 20, what: 'both Up at 10 ms' });
    // Steady at 10 ms: no flap, and the packets keep coming at the negotiated rate.
    const before = a.engine.views()[0]!.packetsIn;
    await sleep(500);
    expect(a.events.filter((e) => e.from === 'Up')).toEqual([]);
    expect(a.engine.views()[0]!.packetsIn - before).toBeGreaterThan(20);
    const view = a.engine.views()[0]!;
    expect(view).toMatchObject({ remote: '127.0.0.2', auth: 'meticulous-keyed-sha1', detectTimeUs: 30_000, discards: 0 });
    expect(view.sourcePort).toBeGreaterThanOrEqual(49152);
    expect(view.remoteDiscriminator).toBe(b.engine.views()[0]?.localDiscriminator);

    // B's key changes: A discards everything B sends and must time out with diag 1.
    b.engine.change(spec('a', '127.0.0.2', '127.0.0.1', { auth: { type: 5, keyId: 1, key: Buffer.from('other') } }));
    const down = await waitFor(() => a.events.find((e) => e.from === 'Up' && e.to === 'Down'), { timeoutMs: 5_000, intervalMs: 10, what: 'A detects B' });
    expect(down).toMatchObject({ diag: 1, remoteAdminDown: false });
    expect(a.engine.views()[0]?.lastDiscard).toBe('auth-digest-mismatch');

    // Same key again: Up again, then B removes its session and says AdminDown.
    b.engine.change(spec('a', '127.0.0.2', '127.0.0.1'));
    await waitFor(() => a.engine.views()[0]!.state === 'Up', { timeoutMs: 10_000, intervalMs: 20, what: 'Up again' });
    b.engine.remove('a');
    const calm = await waitFor(() => a.events.filter((e) => e.from === 'Up' && e.to === 'Down')[1], { timeoutMs: 5_000, intervalMs: 10, what: 'A hears AdminDown' });
    expect(calm).toMatchObject({ diag: 3, remoteAdminDown: true, downActionApplied: false });
  });
});

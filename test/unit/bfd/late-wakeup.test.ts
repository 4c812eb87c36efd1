// A BFD engine whose event loop wakes late must not take packets that arrived in time for a
// silence. The engine under test runs on this thread; its peer runs in a BFD process (dist/),
// so it keeps sending while this thread is blocked. The peer's own detection time is
// long (our multiplier 5 × 100 ms), so only our side can misjudge the pause.
import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BfdEngine } from '../../../src/bfd/io.js';
import type { BfdSessionSpec, BfdStateEvent } from '../../../src/bfd/messages.js';
import { waitFor, sleep } from '../../support/wait.js';

// The built process: BfdProcess runs dist/src/bfd/child.js.
const dist = new URL('../../../dist/src/bfd/bfd-process.js', import.meta.url).href;
const { BfdProcess } = (await import(dist)) as typeof import('../../../src/bfd/bfd-process.js');

const port = randomInt(40_000, 50_000);
const spec = (id: string, local: string, remote: string, config: BfdSessionSpec['config']): BfdSessionSpec => ({ id, local, remote, multihop: false, config, auth: null });

const events: BfdStateEvent[] = [];
const engine = new BfdEngine({ singleHopPort: port, multihopPort: port + 1, emit: (m) => void (m.type === 'state' && events.push(m)) });
const peer = new BfdProcess({ singleHopPort: port, multihopPort: port + 1, onState: () => undefined, onError: () => undefined });
afterAll(async () => {
  engine.stop();
  await peer.stop();
});

describe('a late event loop', () => {
  it('reads the packets that are waiting before it judges the detection time (RFC 5880 §6.8.4)', async () => {
    // We expect the peer every 10 ms (detection 30 ms); the peer expects us every 100 ms × 5.
    engine.add(spec('peer', '127.0.0.1', '127.0.0.2', { desiredMinTxUs: 100_000, requiredMinRxUs: 10_000, detectMult: 5 }));
    peer.add(spec('us', '127.0.0.2', '127.0.0.1', { desiredMinTxUs: 10_000, requiredMinRxUs: 10_000, detectMult: 3 }));
    await waitFor(() => engine.views()[0]?.state === 'Up' && engine.views()[0]?.detectTimeUs === 30_000, { timeoutMs: 10_000, intervalMs: 10, what: 'Up, detecting in 30 ms' });
    for (let round = 0; round < 3; round++) {
      const before = engine.views()[0]?.packetsIn ?? 0;
      // This thread stops for 200 ms, more than six detection times; the peer's packets queue up.
      const until = performance.now() + 200;
      while (performance.now() < until);
      await sleep(100);
      expect(events.filter((e) => e.from === 'Up')).toEqual([]);
      expect((engine.views()[0]?.packetsIn ?? 0) - before).toBeGreaterThan(10);
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { encodeKeepalive, packWithdrawals, prefixListFrom, AS4_CONTEXT, type NotificationMessage, type UpdateMessage } from '../../../src/bgp/wire/index.js';
import { settings } from './helpers.js';
import { Cleanup, RawPeer, established, down, passiveNecod, necodPair, v4Update, ID_A } from './session-harness.js';
import { sleep, waitFor } from '../../support/wait.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('UPDATEs, route refresh and flow control', () => {
  it('delivers UPDATEs sent one byte per segment', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    const prefixes = Array.from({ length: 600 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const msgs = [...v4Update(prefixes), ...packWithdrawals(prefixListFrom(1, prefixes.slice(0, 50)), AS4_CONTEXT)];
    expect(msgs.length).toBeGreaterThan(1);
    const got: UpdateMessage[] = [];
    peer.on('update', (m) => got.push(m));
    for (const m of msgs) await raw.trickle(m);
    await waitFor(() => got.length === msgs.length, { what: 'all UPDATEs', timeoutMs: 5000 });
    expect(got.reduce((n, m) => n + m.nlri.count, 0)).toBe(600);
    expect(got.reduce((n, m) => n + m.withdrawn.count, 0)).toBe(50);
    const c = peer.status().counters;
    expect(c.updatesIn).toBe(msgs.length);
    expect(c.prefixesReceived).toBe(600);
    expect(c.prefixesWithdrawn).toBe(50);
    expect(peer.state).toBe('Established');
  });
  it('answers a route refresh with BoRR, the routes and EoRR (RFC 7313)', async () => {
    const { a, b } = await necodPair(cleanup, { aActive: true, bActive: false });
    a.start();
    b.start();
    await Promise.all([established(a), established(b)]);
    const answer = v4Update(['10.9.0.0/16', '10.10.0.0/16']);
    b.on('routeRefresh', (afi, safi, subtype) => {
      if (afi === 1 && safi === 1 && subtype === 0) void b.sendRefreshAnswer('ipv4', answer);
    });
    const seen: string[] = [];
    a.on('routeRefresh', (_afi, _safi, subtype) => seen.push(subtype === 1 ? 'BoRR' : subtype === 2 ? 'EoRR' : `refresh ${subtype}`));
    a.on('update', (m) => seen.push(`UPDATE ${m.nlri.count}`));
    expect(a.requestRefresh('ipv4')).toBe(true);
    await waitFor(() => seen.includes('EoRR'), { what: 'EoRR', timeoutMs: 3000 });
    expect(seen).toEqual(['BoRR', 'UPDATE 2', 'EoRR']);
    expect(b.status().counters.messagesIn['ROUTE-REFRESH']).toBe(1);
    expect(b.status().counters.messagesOut['ROUTE-REFRESH']).toBe(2);
  });
  it('sends a plain answer when only classic route refresh was negotiated', async () => {
    const noEnhanced = { ...settings().capabilities, enhancedRouteRefresh: false };
    const { a, b } = await necodPair(cleanup, {
      aActive: true,
      bActive: false,
      a: { session: settings({ routerId: ID_A, holdTime: 3, capabilities: noEnhanced }) },
    });
    a.start();
    b.start();
    await Promise.all([established(a), established(b)]);
    expect(b.negotiated?.enhancedRouteRefresh).toBe(false);
    b.on('routeRefresh', () => void b.sendRefreshAnswer('ipv4', v4Update(['10.9.0.0/16'])));
    const seen: string[] = [];
    a.on('routeRefresh', (_afi, _safi, subtype) => seen.push(`RR ${subtype}`));
    a.on('update', (m) => seen.push(`UPDATE ${m.nlri.count}`));
    a.requestRefresh('ipv4');
    await waitFor(() => seen.length > 0, { what: 'the answer', timeoutMs: 3000 });
    await sleep(100);
    expect(seen).toEqual(['UPDATE 1']);
  });
  it('ends the session with Cease/Maximum Number of Prefixes (RFC 4486)', async () => {
    const { peer, port } = await passiveNecod(cleanup, { maxPrefixes: { limit: 100, restartMs: 0 } });
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    for (const m of v4Update(Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`))) raw.write(m);
    const n = (await raw.receiveNonKeepalive()) as NotificationMessage;
    expect(n).toMatchObject({ code: 6, subcode: 1 });
    expect([...n.data]).toEqual([0, 1, 1, 0, 0, 0, 100]);
    await sleep(300);
    // restartMs 0: stays down.
    expect(peer.state).toBe('Idle');
  });
  it('starts again after the maximum-prefix restart time', async () => {
    const { peer, port } = await passiveNecod(cleanup, { maxPrefixes: { limit: 10, restartMs: 200 } });
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    for (const m of v4Update(Array.from({ length: 11 }, (_, i) => `10.0.${i}.0/24`))) raw.write(m);
    expect(await raw.receiveNonKeepalive()).toMatchObject({ code: 6, subcode: 1 });
    await waitFor(() => peer.state === 'Active', { what: 'the restart', timeoutMs: 2000 });
    const again = await RawPeer.connect(cleanup, port);
    await again.handshake();
    await established(peer);
    expect(peer.status().counters.flaps).toBe(1);
  });

  it('lets a producer that waits for writable() send everything to a slow reader', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    raw.socket.pause();
    const update = v4Update(Array.from({ length: 900 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`))[0]!;
    let waited = 0;
    const total = 3000;
    const producer = (async () => {
      for (let i = 0; i < total; i++) {
        if (!peer.send(update)) {
          waited++;
          await peer.writable();
        }
      }
    })();
    await sleep(200);
    expect(waited).toBeGreaterThan(0);
    raw.socket.resume();
    let updates = 0;
    const keepAlive = setInterval(() => raw.write(encodeKeepalive()), 500);
    try {
      for (;;) {
        const m = await raw.receive(5000);
        if (m?.type === 'UPDATE' && ++updates === total) break;
        if (m === null || m.type === 'NOTIFICATION') throw new Error(`session ended: ${JSON.stringify(m)}`);
      }
    } finally {
      clearInterval(keepAlive);
    }
    await producer;
    expect(peer.state).toBe('Established');
    expect(peer.status().counters.updatesOut).toBe(total);
  });
  it('resets a neighbor that reads too slowly with Cease/Out of Resources', async () => {
    const { peer, port } = await passiveNecod(cleanup, { maxQueuedBytes: 256 * 1024 });
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    raw.socket.pause();
    const update = v4Update(Array.from({ length: 900 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`))[0]!;
    const wentDown = down(peer);
    // A producer that ignores backpressure; the kernel buffers fill first, then necod's queue.
    for (let i = 0; i < 20_000 && peer.established; i++) peer.send(update);
    const d = await wentDown;
    expect(d.error).toMatchObject({ direction: 'sent', code: 6, subcode: 8 });
    expect(peer.state).not.toBe('Established');
  });
});

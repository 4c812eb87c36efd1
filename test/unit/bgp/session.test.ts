import { afterEach, describe, expect, it } from 'vitest';
import { settings } from './helpers.js';
import { Cleanup, captureLogs, established, down, necodPair, ID_A, ID_B } from './session-harness.js';
import { sleep } from '../../support/wait.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('necod to necod: establishing, collisions, stopping', () => {
  it('one active and one passive necod reach Established', async () => {
    const { a, b } = await necodPair(cleanup, { aActive: true, bActive: false });
    const both = Promise.all([established(a), established(b)]);
    a.start();
    b.start();
    await both;
    const sa = a.status();
    const sb = b.status();
    expect(sa.state).toBe('Established');
    expect(sa.negotiated).toMatchObject({ holdTime: 3, keepaliveTime: 1, families: ['ipv4', 'ipv6'], routeRefresh: true, enhancedRouteRefresh: true, peerRouterId: ID_B });
    expect(sb.negotiated?.peerRouterId).toBe(ID_A);
    expect(sa.local).toEqual(sb.remote);
    expect(sa.counters.messagesIn.OPEN).toBe(1);
    expect(sa.counters.establishedSince).not.toBeNull();
    expect(sa.uptimeMs).toBeGreaterThanOrEqual(0);
    // Established runs Hold and Keepalive (RFC 4271 §8.2.2), each with less than its negotiated time left.
    expect(Object.keys(sa.timersLeftMs).sort()).toEqual(['Hold', 'Keepalive']);
    expect(sa.timersLeftMs.Hold).toBeGreaterThan(0);
    expect(sa.timersLeftMs.Hold).toBeLessThanOrEqual(3000);
    expect(sa.timersLeftMs.Keepalive).toBeLessThanOrEqual(1000);
  });
  it('resolves a collision when both connect: exactly one session survives (RFC 4271 §6.8)', async () => {
    for (let round = 0; round < 2; round++) {
      const logs = captureLogs();
      const { a, b, portA } = await necodPair(cleanup, { aActive: true, bActive: true, a: { logger: logs.logger } });
      const downs: string[] = [];
      a.on('down', (d) => downs.push(`a: ${d.reason}`));
      b.on('down', (d) => downs.push(`b: ${d.reason}`));
      a.start();
      b.start();
      await Promise.all([established(a), established(b)]);
      // Long enough for a losing connection to have been torn down and for keepalives to flow.
      await sleep(1200);
      expect(a.state).toBe('Established');
      expect(b.state).toBe('Established');
      expect(downs).toEqual([]);
      const sa = a.status();
      const sb = b.status();
      expect(sa.local).toEqual(sb.remote);
      expect(sa.remote).toEqual(sb.local);
      // Both connections got as far as OPEN, and the one opened by the higher identifier, b's,
      // is the one left: it ends at a's listening port (RFC 4271 §6.8).
      expect(logs.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('connection collision: '))).toBe(true);
      expect(sa.local?.port).toBe(portA);
      expect(sa.counters.messagesIn.KEEPALIVE).toBeGreaterThan(1);
      await Promise.all([a.stop(), b.stop()]);
      await cleanup.run();
    }
  });
  it('carries the shutdown communication to the other side (RFC 9003)', async () => {
    const { a, b } = await necodPair(cleanup, { aActive: true, bActive: false });
    a.start();
    b.start();
    await Promise.all([established(a), established(b)]);
    const bDown = down(b);
    await a.shutdown('rack 12 maintenance, back at 14:00');
    const d = await bDown;
    expect(d.reason).toBe('received NOTIFICATION Cease/Administrative Shutdown "rack 12 maintenance, back at 14:00"');
    expect(b.status().lastError).toMatchObject({ direction: 'received', code: 6, subcode: 2, shutdownCommunication: 'rack 12 maintenance, back at 14:00' });
    expect(a.status().lastError).toMatchObject({ direction: 'sent', shutdownCommunication: 'rack 12 maintenance, back at 14:00' });
    expect(a.state).toBe('Idle');
    // a stays down: b's reconnect attempts are refused.
    await sleep(500);
    expect(a.state).toBe('Idle');
  });
  it('sends the Administrative Reset text and comes back', async () => {
    const { a, b } = await necodPair(cleanup, { aActive: true, bActive: false });
    a.start();
    b.start();
    await Promise.all([established(a), established(b)]);
    const bDown = down(b);
    a.reset('new config');
    const d = await bDown;
    expect(d.error?.shutdownCommunication).toBe('new config');
    expect(d.error?.subcode).toBe(4);
    await Promise.all([established(a, 5000), established(b, 5000)]);
  });
  it('refuses a peer announcing the wrong AS with 2/2, seen by the other side', async () => {
    const { a, b } = await necodPair(cleanup, { aActive: true, bActive: false, b: { session: settings({ routerId: ID_B, remoteAs: 65099, holdTime: 3 }) } });
    const aDown = new Promise<void>((resolve) => {
      const check = () => {
        if (a.status().lastError?.code === 2) resolve();
      };
      a.on('stateChange', check);
    });
    a.start();
    b.start();
    await aDown;
    expect(a.status().lastError).toMatchObject({ direction: 'received', code: 2, subcode: 2, name: 'OPEN Message Error/Bad Peer AS' });
    expect(b.status().lastError).toMatchObject({ direction: 'sent', code: 2, subcode: 2 });
    expect(a.established || b.established).toBe(false);
  });
});

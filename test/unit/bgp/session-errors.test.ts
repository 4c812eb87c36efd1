import { afterEach, describe, expect, it } from 'vitest';
import { encodeKeepalive, encodeNotification, encodeShutdownCommunication, shutdownCommunication, type NotificationMessage } from '../../../src/bgp/wire/index.js';
import { Cleanup, RawPeer, captureLogs, established, down, passiveNecod, v4Update } from './session-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('misbehaving peers', () => {
  it('answers a garbage header with 1/1 and ends the session, logging the header', async () => {
    const logs = captureLogs();
    const { peer, port } = await passiveNecod(cleanup, { logger: logs.logger });
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    const wentDown = down(peer);
    const junk = encodeKeepalive();
    junk.fill(0x41, 0, 16);
    raw.write(junk);
    const n = await raw.receiveNonKeepalive();
    expect(n).toMatchObject({ type: 'NOTIFICATION', code: 1, subcode: 1 });
    await wentDown;
    await raw.closedPromise;
    expect(logs.lines.some((l) => l.header === Buffer.from(junk).toString('hex'))).toBe(true);
    expect(logs.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('sent NOTIFICATION Message Header Error/Connection Not Synchronized'))).toBe(true);
    expect(logs.lines.some((l) => l.msg === 'Established → Idle: marker is not all ones')).toBe(true);
  });
  it('answers a message longer than 4096 with 1/2 before its body arrives', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    const header = encodeKeepalive();
    header[16] = 5000 >> 8;
    header[17] = 5000 & 0xff;
    header[18] = 2;
    raw.write(header);
    const n = (await raw.receiveNonKeepalive()) as NotificationMessage;
    expect(n).toMatchObject({ type: 'NOTIFICATION', code: 1, subcode: 2 });
    expect([...n.data]).toEqual([5000 >> 8, 5000 & 0xff]);
    await raw.closedPromise;
  });
  it('sends 4/0 when the hold timer expires on a silent peer', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake({ holdTime: 3 });
    await established(peer);
    const wentDown = down(peer);
    const n = (await raw.receiveNonKeepalive(6000)) as NotificationMessage;
    expect(n).toMatchObject({ type: 'NOTIFICATION', code: 4, subcode: 0 });
    const d = await wentDown;
    expect(d.reason).toBe('hold timer expired');
    expect(peer.status().lastError).toMatchObject({ direction: 'sent', code: 4, subcode: 0, name: 'Hold Timer Expired/Unspecific' });
    await raw.closedPromise;
  });
  it('catches a peer that stalls mid-message with the hold timer', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake({ holdTime: 3 });
    await established(peer);
    const update = v4Update(['10.1.0.0/16'])[0]!;
    raw.write(update.subarray(0, update.length - 3));
    const n = await raw.receiveNonKeepalive(6000);
    expect(n).toMatchObject({ type: 'NOTIFICATION', code: 4, subcode: 0 });
    expect(peer.state).not.toBe('Established');
  });
  it('counts a received NOTIFICATION with its text', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    const d = down(peer);
    raw.write(encodeNotification(6, 2, encodeShutdownCommunication('bye')));
    const got = await d;
    expect(got.error).toMatchObject({ direction: 'received', shutdownCommunication: 'bye' });
    expect(shutdownCommunication({ code: 6, subcode: 2, data: encodeShutdownCommunication('bye') })).toBe('bye');
    expect(peer.status().counters.messagesIn.NOTIFICATION).toBe(1);
  });
  it('drops the session with Cease/BFD Down when BFD says so (RFC 9384)', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    peer.bfdDown();
    expect(await raw.receiveNonKeepalive()).toMatchObject({ code: 6, subcode: 10 });
    expect(peer.status().counters.flaps).toBe(1);
  });
});

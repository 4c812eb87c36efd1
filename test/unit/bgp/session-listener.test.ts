import { afterEach, describe, expect, it } from 'vitest';
import { encodeKeepalive } from '../../../src/bgp/wire/index.js';
import { Cleanup, RawPeer, listen, makePeer, established, passiveNecod } from './session-harness.js';
import { sleep } from '../../support/wait.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('the listener', () => {
  it('closes connections from addresses that are no neighbor at once', async () => {
    const peer = makePeer(cleanup, { address: '127.0.0.9', passive: true });
    const { speaker, port } = await listen(cleanup, '127.0.0.1', [peer]);
    const rejected: string[] = [];
    speaker.on('rejected', (addr) => rejected.push(addr));
    const raw = await RawPeer.connect(cleanup, port);
    await raw.closedPromise;
    expect(await raw.receive()).toBeNull();
    expect(rejected).toEqual(['127.0.0.1']);
  });
  it('refuses a connection for a neighbor that is shut down with Cease/Connection Rejected', async () => {
    const peer = makePeer(cleanup, { address: '127.0.0.1', passive: true });
    const { port } = await listen(cleanup, '127.0.0.1', [peer]);
    const raw = await RawPeer.connect(cleanup, port);
    expect(await raw.receive()).toMatchObject({ type: 'NOTIFICATION', code: 6, subcode: 5 });
    await raw.closedPromise;
  });
  it('refuses a second connection while a session is Established', async () => {
    const { peer, port } = await passiveNecod(cleanup);
    const raw = await RawPeer.connect(cleanup, port);
    await raw.handshake();
    await established(peer);
    const second = await RawPeer.connect(cleanup, port);
    expect(await second.receive()).toMatchObject({ type: 'NOTIFICATION', code: 6, subcode: 7 });
    raw.write(encodeKeepalive());
    await sleep(100);
    expect(peer.state).toBe('Established');
  });
});

// The shipped nftables rule (packaging/nftables/necod-bfd.nft) in a namespace: single-hop BFD
// packets (UDP 3784) arriving with TTL / hop limit 255 pass, anything less is dropped; UDP 4784
// (multihop) is not touched. Real sockets on both ends of a veth pair.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, cleanupStale, waitFor } from '../interop/harness/index.js';

const RULES = readFileSync(new URL('../../packaging/nftables/necod-bfd.nft', import.meta.url), 'utf8');

// Prints each datagram's payload on its own line.
const RECEIVER = `
const dgram = require('node:dgram');
for (const [type, addr] of [['udp4', '10.9.0.1'], ['udp6', 'fd09::1']]) for (const port of [3784, 4784]) {
  const s = dgram.createSocket(type);
  s.on('message', (m) => process.stdout.write(m.toString() + '\\n'));
  s.bind(port, addr);
}`;

// Sends one datagram per (address, port, ttl) with the TTL in its payload.
const SENDER = `
const dgram = require('node:dgram');
const jobs = [];
for (const [type, addr] of [['udp4', '10.9.0.1'], ['udp6', 'fd09::1']]) for (const port of [3784, 4784]) for (const ttl of [255, 254, 1]) jobs.push({ type, addr, port, ttl });
(async () => {
  for (const j of jobs) await new Promise((resolve) => {
    const s = dgram.createSocket(j.type);
    s.bind(0, () => { s.setTTL(j.ttl); s.send(j.type + ' ' + j.port + ' ' + j.ttl, j.port, j.addr, () => { s.close(); resolve(); }); });
  });
})();`;

let lab: Lab;
let rx: string;
let tx: string;

beforeAll(async () => {
  cleanupStale();
  lab = Lab.create();
  rx = await lab.addNamespace('rx');
  tx = await lab.addNamespace('tx');
  await lab.link({ ns: rx, iface: 'eth0', addrs: ['10.9.0.1/24', 'fd09::1/64'] }, { ns: tx, iface: 'eth0', addrs: ['10.9.0.2/24', 'fd09::2/64'] });
  await lab.exec(rx, ['nft', '-f', '-'], { input: RULES });
  // Loading it twice leaves one copy.
  await lab.exec(rx, ['nft', '-f', '-'], { input: RULES });
});

afterAll(() => lab?.destroy());

describe('nftables TTL rule for single-hop BFD', () => {
  it('passes TTL 255 on 3784, drops less, leaves 4784 alone', async () => {
    const receiver = lab.spawnIn(rx, [process.execPath, '-e', RECEIVER], { name: 'receiver' });
    await waitFor(async () => (await lab.exec(rx, ['ss', '-uln'])).stdout.includes(':4784'), { timeoutMs: 5_000, intervalMs: 50, what: 'receiver bound' });
    await lab.exec(tx, [process.execPath, '-e', SENDER]);
    const log = lab.path('receiver.log');
    const expected = ['udp4 3784 255', 'udp4 4784 255', 'udp4 4784 254', 'udp4 4784 1', 'udp6 3784 255', 'udp6 4784 255', 'udp6 4784 254', 'udp6 4784 1'];
    const got = await waitFor(
      () => {
        const lines = readFileSync(log, 'utf8').split('\n').filter((l) => /^udp[46] \d+ \d+$/.test(l));
        return lines.length >= expected.length ? lines : null;
      },
      { timeoutMs: 5_000, intervalMs: 50, what: 'datagrams received' },
    );
    expect([...got].sort()).toEqual([...expected].sort());
    const table = (await lab.exec(rx, ['nft', 'list', 'table', 'inet', 'necod_bfd'])).stdout;
    expect(table.match(/counter packets 2 /g)).toHaveLength(2);
    await receiver.stop();
  });
});

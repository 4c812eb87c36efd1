// The BFD worker's fast path against a real kernel: the worker thread (dist/) holds a prepared
// down action for a session and, the moment it detects the failure, writes it to its own
// `ip -batch` child in a namespace whose nexthop group loses a member; the main thread hears of
// it afterwards with downActionApplied. The peer's AdminDown applies nothing (RFC 5882 §3.2).
// BFD packets run over loopback (127.0.0.1 ↔ 127.0.0.2) on a private port; the peer is an
// engine in this process.
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BfdThread as BfdThreadType } from '../../src/bfd/bfd-thread.js';
import type { BfdEngine as BfdEngineType } from '../../src/bfd/io.js';
import type { BfdSessionSpec, BfdStateEvent } from '../../src/bfd/messages.js';
import { KernelLab, UPLINKS } from './kernel-lab.js';
import { waitFor } from '../support/wait.js';

const port = randomInt(30_000, 40_000);
const key = Buffer.from('fast');
const spec = (id: string, local: string, remote: string, secret = key): BfdSessionSpec => ({
  id,
  local,
  remote,
  multihop: false,
  config: { desiredMinTxUs: 10_000, requiredMinRxUs: 10_000, detectMult: 3 },
  auth: { type: 4, keyId: 1, key: secret },
});

let lab: KernelLab;
// The built modules: the worker thread runs dist/src/bfd/worker.js.
const dist = (path: string): string => new URL(`../../dist/src/bfd/${path}`, import.meta.url).href;
const { BfdThread } = (await import(dist('bfd-thread.js'))) as typeof import('../../src/bfd/bfd-thread.js');
const { BfdEngine } = (await import(dist('io.js'))) as typeof import('../../src/bfd/io.js');
let thread: BfdThreadType;
let peer: BfdEngineType;
const events: BfdStateEvent[] = [];
const errors: string[] = [];

async function groupMembers(): Promise<number[]> {
  const nh = (await lab.nexthops()).find((n) => n.id === 10);
  return (nh?.group ?? []).map((g) => g.id).sort();
}

beforeAll(async () => {
  lab = await KernelLab.create();
  await lab.must(['nexthop', 'add', 'id', '1', 'via', UPLINKS.a.gw4, 'dev', UPLINKS.a.dev]);
  await lab.must(['nexthop', 'add', 'id', '2', 'via', UPLINKS.b.gw4, 'dev', UPLINKS.b.dev]);
  await lab.must(['nexthop', 'add', 'id', '10', 'group', '1/2']);
  await lab.must(['route', 'add', '10.80.0.0/16', 'nhid', '10']);
  thread = new BfdThread({ singleHopPort: port, multihopPort: port + 1, netns: lab.ns, onState: (e) => events.push(e), onError: (id, m) => errors.push(`${id}: ${m}`) });
  peer = new BfdEngine({ singleHopPort: port, multihopPort: port + 1, emit: () => undefined });
});

afterAll(async () => {
  await thread?.stop();
  peer?.stop();
  await lab?.destroy();
});

const upCount = () => events.filter((e) => e.to === 'Up').length;

/** Nice values of this process's threads (/proc stat field 19). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('BFD worker fast path', () => {
  it('runs the worker thread alone at a raised priority (nice -15), the rest of the process untouched', async () => {
    await thread.sessions(); // the worker has run its start-up
    const nices = threadNices();
    expect(nices.filter((n) => n === -15)).toHaveLength(1);
    expect(nices.filter((n) => n !== -15).every((n) => n === 0)).toBe(true);
    expect(errors.filter((e) => e.includes('priority'))).toEqual([]);
  });

  it('applies the prepared lines itself when the session fails, then reports', async () => {
    thread.add(spec('peer', '127.0.0.1', '127.0.0.2'));
    await peer.add(spec('us', '127.0.0.2', '127.0.0.1'));
    thread.setDownAction('peer', ['nexthop replace id 10 group 2']);
    await waitFor(() => upCount() === 1, { what: 'worker session Up' });
    expect(await groupMembers()).toEqual([1, 2]);

    // The peer's AdminDown: no failure, nothing applied.
    peer.admin('us', true);
    const calm = await waitFor(() => events.find((e) => e.from === 'Up' && e.to === 'Down'), { what: 'AdminDown heard' });
    expect(calm).toMatchObject({ remoteAdminDown: true, downActionApplied: false });
    expect(await groupMembers()).toEqual([1, 2]);
    peer.admin('us', false);
    await waitFor(() => upCount() === 2, { what: 'Up again' });

    // The peer's packets stop passing (a new key on its side): detection, and the group change.
    peer.change(spec('us', '127.0.0.2', '127.0.0.1', Buffer.from('other')));
    const down = await waitFor(() => events.find((e) => e.from === 'Up' && e.to === 'Down' && !e.remoteAdminDown), { what: 'failure detected' });
    expect(down).toMatchObject({ diag: 1, downActionApplied: true });
    await waitFor(async () => JSON.stringify(await groupMembers()) === '[2]', { what: 'group without member 1', timeoutMs: 2_000 });
    const sessions = await thread.sessions();
    expect(sessions[0]).toMatchObject({ state: 'Down', lastDiscard: 'auth-digest-mismatch', downCount: 2 });
    // ip took every line: it reports nothing on stderr.
    expect(errors).toEqual([]);
  });
});

// The BFD process against a real kernel: the child (dist/src/bfd/child.js) holds a prepared down
// action for a session and, the moment it detects the failure, writes it itself (rtnetlink, or
// `ip -batch` when the writer is ip) in a namespace whose nexthop group loses a member; the
// daemon's side hears of it afterwards with downActionApplied, when the kernel already holds the
// change. The peer's AdminDown applies nothing (RFC 5882 §3.2). The child runs SCHED_FIFO (we are
// root), is started again when it is killed, and does not outlive a daemon killed with SIGKILL.
// BFD packets run over loopback (127.0.0.1 ↔ 127.0.0.2) on a private port; the peer is an engine
// in this process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BfdProcess as BfdProcessType } from '../../src/bfd/bfd-process.js';
import type { BfdEngine as BfdEngineType } from '../../src/bfd/io.js';
import type { BfdSessionSpec, BfdStateEvent, DownAction } from '../../src/bfd/messages.js';
import { KernelLab, UPLINKS } from './kernel-lab.js';
import { waitFor } from '../support/wait.js';

const port = randomInt(30_000, 40_000);
const key = Buffer.from('fast');
const spec = (id: string, local: string, remote: string, secret = key): BfdSessionSpec => ({
  id,
  local,
  remote,
  multihop: false,
  // 10 ms out, 150 ms detection: a late turn of this (shared, reniced) test process is no failure.
  config: { desiredMinTxUs: 10_000, requiredMinRxUs: 50_000, detectMult: 3 },
  auth: { type: 4, keyId: 1, key: secret },
});
/** Group 10 keeps only member 2: what the FIB's failover plan for next hop 1 says. */
const DROP_ONE: DownAction = {
  changes: [{ op: 'nexthop-replace', obj: { type: 'group', id: 10, members: [2] } }],
  lines: ['nexthop replace id 10 group 2'],
  tag: { protocol: 0, metric: 0, table: 254 },
};

let lab: KernelLab;
// The built modules: the process runs dist/src/bfd/child.js.
const dist = (path: string): string => new URL(`../../dist/src/bfd/${path}`, import.meta.url).href;
const { BfdProcess } = (await import(dist('bfd-process.js'))) as typeof import('../../src/bfd/bfd-process.js');
const { BfdEngine } = (await import(dist('io.js'))) as typeof import('../../src/bfd/io.js');
let peer: BfdEngineType;
const started: BfdProcessType[] = [];

function groupMembersNow(): number[] {
  const out = execFileSync('ip', ['-n', lab.ns, '-j', 'nexthop', 'show', 'id', '10'], { encoding: 'utf8' });
  const [nh] = JSON.parse(out) as Array<{ group?: Array<{ id: number }> }>;
  return (nh?.group ?? []).map((g) => g.id).sort();
}

/** A BFD process whose events and errors are kept; each event notes the group as it was on arrival. */
function bfdProcess(opts: { downWriter?: 'netlink' | 'ip'; realtimePriority?: number | null } = {}) {
  const events: Array<BfdStateEvent & { groupOnArrival: number[] }> = [];
  const errors: string[] = [];
  const p = new BfdProcess({
    singleHopPort: port,
    multihopPort: port + 1,
    netns: lab.ns,
    ...opts,
    // Read synchronously on arrival: nothing on this side has acted yet.
    onState: (e) => events.push({ ...e, groupOnArrival: e.from === 'Up' && e.to === 'Down' ? groupMembersNow() : [] }),
    onError: (id, m) => errors.push(`${id}: ${m}`),
  });
  started.push(p);
  return { p, events, errors, ups: () => events.filter((e) => e.to === 'Up').length };
}

async function resetGroup(): Promise<void> {
  await lab.must(['nexthop', 'replace', 'id', '10', 'group', '1/2']);
}

/** Policy (field 41), real-time priority (40) and nice (19) of every thread of a process. */
function threadsOf(pid: number): Array<{ policy: number; rtPriority: number; nice: number }> {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { policy: Number(f[38]), rtPriority: Number(f[37]), nice: Number(f[16]) };
  });
}

beforeAll(async () => {
  lab = await KernelLab.create();
  await lab.must(['nexthop', 'add', 'id', '1', 'via', UPLINKS.a.gw4, 'dev', UPLINKS.a.dev]);
  await lab.must(['nexthop', 'add', 'id', '2', 'via', UPLINKS.b.gw4, 'dev', UPLINKS.b.dev]);
  await lab.must(['nexthop', 'add', 'id', '10', 'group', '1/2']);
  await lab.must(['route', 'add', '10.80.0.0/16', 'nhid', '10']);
  peer = new BfdEngine({ singleHopPort: port, multihopPort: port + 1, emit: () => undefined });
});

afterAll(async () => {
  for (const p of started) await p.stop();
  peer?.stop();
  await lab?.destroy();
});

/** Up, the peer's AdminDown (nothing applied), Up again, then the peer's packets stop passing. */
async function failOnce(h: ReturnType<typeof bfdProcess>, peerId: string): Promise<BfdStateEvent & { groupOnArrival: number[] }> {
  h.p.add(spec('peer', '127.0.0.1', '127.0.0.2'));
  await peer.add(spec(peerId, '127.0.0.2', '127.0.0.1'));
  h.p.setDownAction('peer', DROP_ONE);
  await waitFor(() => h.ups() === 1, { what: 'session Up' });
  expect(groupMembersNow()).toEqual([1, 2]);

  peer.admin(peerId, true);
  const calm = await waitFor(() => h.events.find((e) => e.from === 'Up' && e.to === 'Down'), { what: 'AdminDown heard' });
  expect(calm).toMatchObject({ remoteAdminDown: true, downActionApplied: false });
  expect(groupMembersNow()).toEqual([1, 2]);
  peer.admin(peerId, false);
  await waitFor(() => h.ups() === 2, { what: 'Up again' });

  // A new key on the peer's side: its packets are discarded, detection follows.
  peer.change(spec(peerId, '127.0.0.2', '127.0.0.1', Buffer.from('other')));
  return waitFor(() => h.events.find((e) => e.from === 'Up' && e.to === 'Down' && !e.remoteAdminDown), { what: 'failure detected' });
}

/** A process that has exited, or is a zombie waiting for its parent. */
function gone(pid: number): boolean {
  return !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

const ownDaemons: ChildProcess[] = [];

/**
 * A daemon of its own, started under `prefix` (a namespace, a scheduling policy): a small Node
 * process that starts a BfdProcess on `firstPort` and `firstPort + 1`, prints the child's pid and
 * scheduling, and stays. afterEach kills it, whatever the test found.
 */
async function ownDaemon(prefix: string[], firstPort: number): Promise<{ daemon: ChildProcess; child: number; scheduling: unknown; errors: () => string[] }> {
  const script = `const { BfdProcess } = await import(${JSON.stringify(dist('bfd-process.js'))});
    const p = new BfdProcess({ singleHopPort: ${firstPort}, multihopPort: ${firstPort + 1}, onState() {}, onError(_, m) { process.stdout.write('error ' + m + '\\n'); } });
    await p.sessions();
    process.stdout.write(JSON.stringify({ pid: p.pid, scheduling: p.scheduling }) + '\\n');
    setInterval(() => {}, 1000);`;
  const [cmd, ...args] = prefix;
  const daemon = spawn(cmd!, [...args, process.execPath, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  ownDaemons.push(daemon);
  let out = '';
  daemon.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const line = await waitFor(() => out.split('\n').find((l) => l.startsWith('{')), { what: 'the BFD process started', timeoutMs: 10_000 });
  const { pid, scheduling } = JSON.parse(line) as { pid: number; scheduling: unknown };
  return { daemon, child: pid, scheduling, errors: () => out.split('\n').filter((l) => l.startsWith('error ')) };
}

afterEach(async () => {
  for (const d of ownDaemons.splice(0)) {
    d.kill('SIGKILL');
    if (d.pid !== undefined) await waitFor(() => gone(d.pid!), { what: 'the test daemon gone', timeoutMs: 5_000 });
  }
});

describe('BFD process fast path', () => {
  it('runs the child SCHED_FIFO at priority 10 on every thread, the daemon untouched', async () => {
    const h = bfdProcess();
    await h.p.sessions(); // the child has started
    expect(h.p.scheduling).toEqual({ kind: 'fifo', priority: 10 });
    const threads = threadsOf(h.p.pid!);
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.every((t) => t.policy === 1 && t.rtPriority === 10)).toBe(true);
    expect(threadsOf(process.pid).every((t) => t.policy === 0)).toBe(true);
    expect(h.errors).toEqual([]);
  });

  it('runs the child at nice -15 on every thread when real time is off', async () => {
    const h = bfdProcess({ realtimePriority: null });
    await h.p.sessions();
    expect(h.p.scheduling.kind).toBe('nice');
    const threads = threadsOf(h.p.pid!);
    expect(threads.every((t) => t.policy === 0 && t.nice === -15)).toBe(true);
    expect(threadsOf(process.pid).every((t) => t.nice === getPriority(0))).toBe(true);
  });

  it('writes the down action through netlink before the event leaves the child', async () => {
    await resetGroup();
    const h = bfdProcess({ downWriter: 'netlink' });
    const down = await failOnce(h, 'us-netlink');
    expect(down).toMatchObject({ diag: 1, downActionApplied: true });
    // When the event arrived the kernel had already dropped member 1.
    expect(down.groupOnArrival).toEqual([2]);
    expect((await h.p.sessions())[0]).toMatchObject({ state: 'Down', lastDiscard: 'auth-digest-mismatch', downCount: 2 });
    expect(h.errors).toEqual([]);
    await h.p.stop();
    peer.remove('us-netlink');
  });

  it('writes the down action as ip -batch lines with the ip writer', async () => {
    await resetGroup();
    const h = bfdProcess({ downWriter: 'ip' });
    const down = await failOnce(h, 'us-ip');
    expect(down).toMatchObject({ diag: 1, downActionApplied: true });
    await waitFor(() => JSON.stringify(groupMembersNow()) === '[2]', { what: 'group without member 1', timeoutMs: 2_000 });
    // ip took every line: it reports nothing on stderr.
    expect(h.errors).toEqual([]);
    await h.p.stop();
    peer.remove('us-ip');
  });

  it('starts a new child with the sessions it had when the child is killed', async () => {
    await resetGroup();
    const h = bfdProcess();
    h.p.add(spec('peer', '127.0.0.1', '127.0.0.2'));
    await peer.add(spec('us-restart', '127.0.0.2', '127.0.0.1'));
    h.p.setDownAction('peer', DROP_ONE);
    await waitFor(() => h.ups() === 1, { what: 'session Up' });
    const first = h.p.pid!;
    process.kill(first, 'SIGKILL');
    await waitFor(() => h.p.starts === 2 && h.p.pid !== first, { what: 'a new child' });
    expect(h.errors.some((e) => e.includes('BFD process exited (SIGKILL); starting a new one with 1 sessions'))).toBe(true);
    await waitFor(() => h.ups() === 2, { what: 'Up again in the new child', timeoutMs: 10_000 });
    expect(existsSync(`/proc/${first}`)).toBe(false);
    // The new child holds the down action too.
    peer.change(spec('us-restart', '127.0.0.2', '127.0.0.1', Buffer.from('other')));
    const down = await waitFor(() => h.events.find((e) => e.from === 'Up' && e.to === 'Down'), { what: 'failure in the new child' });
    expect(down).toMatchObject({ downActionApplied: true, groupOnArrival: [2] });
    await h.p.stop();
    peer.remove('us-restart');
  });

  it('runs the child one real-time priority above a daemon that runs rr 50 (the systemd unit)', async () => {
    const d = await ownDaemon(['chrt', '-r', '50'], port + 4);
    expect(d.scheduling).toEqual({ kind: 'fifo', priority: 51 });
    expect(threadsOf(d.child).every((t) => t.policy === 1 && t.rtPriority === 51)).toBe(true);
    expect(threadsOf(d.daemon.pid!).every((t) => t.policy === 2 && t.rtPriority === 50)).toBe(true);
    expect(d.errors()).toEqual([]);
  });

  it('does not outlive a daemon killed with SIGKILL', async () => {
    const d = await ownDaemon(['ip', 'netns', 'exec', lab.ns], port + 2);
    expect(existsSync(`/proc/${d.child}`)).toBe(true);
    d.daemon.kill('SIGKILL');
    await waitFor(() => gone(d.child), { what: 'the child gone', timeoutMs: 5_000 });
  });
});

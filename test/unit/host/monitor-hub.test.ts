import { afterEach, describe, expect, it } from 'vitest';
import { waitFor, sleep } from '../../support/wait.js';
import { ipContext } from '../../../src/host/ip-runner.js';
import { MONITOR_ARGS, QUIET_ARGS, subscribeMonitor, type MonitorSubscription } from '../../../src/host/monitor-hub.js';
import { fakeIp, type FakeIp } from '../origin/fake-ip.js';

const fakes: FakeIp[] = [];
const subs: MonitorSubscription[] = [];
afterEach(async () => {
  await Promise.all(subs.splice(0).map((s) => s.stop()));
  for (const f of fakes.splice(0)) f.remove();
});

// Prints its arguments, then what a full-table install looks like to `ip -N -o monitor`:
// necod's own additions (proto 200) among a deletion of its own and other kinds of lines.
const SCRIPT = `echo "args $*"
i=0; while [ $i -lt 500 ]; do echo "10.$((i / 250)).$((i % 250)).0/24 proto 200 metric 32 nhid 7 table 100"; i=$((i+1)); done
echo 'Deleted 10.0.5.0/24 proto 200 metric 32 nhid 7 table 100'
echo '10.9.0.0/24 via 10.1.0.1 dev a0 proto 4 metric 32'
echo '3: a0    inet 10.1.0.5/24 scope 0 a0'
echo 'id 7 via 10.1.0.1 dev a0 scope 0 proto 200'
echo '10.8.0.0/24 proto 200 metric 32 nhid 7 table 100'
exec sleep 60`;

function collector(): { lines: string[]; listener: { line(l: string): void; resync(): void } } {
  const lines: string[] = [];
  return { lines, listener: { line: (l) => lines.push(l), resync: () => {} } };
}

describe('the shared monitor', () => {
  it('runs one child for every subscriber and drops additions every route subscriber ignores', async () => {
    const fake = fakeIp(SCRIPT);
    fakes.push(fake);
    const ctx = ipContext({ ipPath: fake.path, netns: 'ns1' });
    const tuning = { readyTimeoutMs: 10 };
    const fib = collector();
    const origin = collector();
    const a = subscribeMonitor(ctx, fib.listener, { routes: true, ignoresAdded: [200] }, { tuning });
    const b = subscribeMonitor(ctx, origin.listener, { routes: false }, { tuning });
    subs.push(a, b);
    await Promise.all([a.start(), b.start()]);
    expect(a.pid).not.toBeNull();
    expect(a.pid).toBe(b.pid);
    await waitFor(() => fib.lines.some((l) => l.startsWith('id 7')), { what: 'the last line' });
    expect(fib.lines[0]).toBe(`args -n ns1 ${MONITOR_ARGS.join(' ')}`);
    // 500 + 1 additions of protocol 200 never became lines; everything else did, for both.
    expect(fib.lines.filter((l) => l.includes(' proto 200 ') && !l.startsWith('Deleted') && !l.startsWith('id '))).toEqual([]);
    expect(fib.lines.slice(1)).toEqual([
      'Deleted 10.0.5.0/24 proto 200 metric 32 nhid 7 table 100',
      '10.9.0.0/24 via 10.1.0.1 dev a0 proto 4 metric 32',
      '3: a0    inet 10.1.0.5/24 scope 0 a0',
      'id 7 via 10.1.0.1 dev a0 scope 0 proto 200',
    ]);
    expect(origin.lines).toEqual(fib.lines);
  });

  it('passes additions on while some route subscriber wants them, and ends the child with the last subscriber', async () => {
    const fake = fakeIp(SCRIPT);
    fakes.push(fake);
    const ctx = ipContext({ ipPath: fake.path });
    const tuning = { readyTimeoutMs: 10, stopTimeoutMs: 500 };
    const fib = collector();
    const table = collector();
    const a = subscribeMonitor(ctx, fib.listener, { routes: true, ignoresAdded: [200] }, { tuning });
    const b = subscribeMonitor(ctx, table.listener, { routes: true, ignoresAdded: [2] }, { tuning });
    subs.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => table.lines.some((l) => l.startsWith('10.8.0.0/24')), { what: 'the last line' });
    expect(table.lines.filter((l) => l.includes(' proto 200 ') && !l.startsWith('Deleted') && !l.startsWith('id ')).length).toBe(501);
    const pid = a.pid;
    await a.stop();
    expect(b.pid).toBe(pid);
    await b.stop();
    expect(b.pid).toBeNull();
  });

  it('follows no routes while every route subscriber asked for quiet, and resyncs them after', async () => {
    const fake = fakeIp('echo "args $*"\nexec sleep 60');
    fakes.push(fake);
    const ctx = ipContext({ ipPath: fake.path });
    const tuning = { readyTimeoutMs: 10, stopTimeoutMs: 500 };
    const lines: string[] = [];
    const resyncs: string[] = [];
    const a = subscribeMonitor(ctx, { line: (l) => lines.push(l), resync: (r) => resyncs.push(r) }, { routes: true }, { tuning });
    const b = subscribeMonitor(ctx, { line: () => {}, resync: () => {} }, { routes: true }, { tuning });
    subs.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await waitFor(() => lines.length === 1, { what: 'the first child' });
    a.quiet(true);
    // b still wants routes: nothing changes.
    await sleep(100);
    expect(a.routesOff).toBe(false);
    expect(lines).toEqual([`args ${MONITOR_ARGS.join(' ')}`]);
    b.quiet(true);
    expect(a.routesOff).toBe(true);
    await waitFor(() => lines.length === 2, { what: 'the quiet child' });
    expect(lines[1]).toBe(`args ${QUIET_ARGS.join(' ')}`);
    a.quiet(false);
    await waitFor(() => lines.length === 3, { what: 'routes followed again' });
    expect(lines[2]).toBe(`args ${MONITOR_ARGS.join(' ')}`);
    await waitFor(() => resyncs.length === 1, { what: 'the resync' });
    expect(resyncs[0]).toMatch(/not followed/);
    expect(a.restarts).toBe(0);
  });
});

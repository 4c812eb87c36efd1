import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor, sleep } from '../../support/wait.js';
import { IpMonitor, hasRouteSubscription } from '../../../src/host/ip-monitor.js';
import { fakeIp, type FakeIp } from '../origin/fake-ip.js';
import { sampleText } from '../origin/samples.js';

const fakes: FakeIp[] = [];
const monitors: IpMonitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.stop()));
  for (const f of fakes.splice(0)) f.remove();
});

function track(m: IpMonitor): IpMonitor {
  monitors.push(m);
  return m;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('hasRouteSubscription', () => {
  const text = sampleText('proc-net-netlink.txt');
  const pid = Number(/pid (\d+)/.exec(text)?.[1]);

  it('finds the subscribed rtnetlink socket of the process', () => {
    expect(hasRouteSubscription(text, pid)).toBe(true);
    expect(hasRouteSubscription(text, pid + 1)).toBe(false);
    // Bound, but to no group yet.
    expect(hasRouteSubscription(text.replace('04000440', '00000000'), pid)).toBe(false);
    expect(hasRouteSubscription('', pid)).toBe(false);
  });
});

describe('IpMonitor', () => {
  it('splits lines across chunks, restarts a dying child with backoff, asks for a resync', async () => {
    // Dies twice, then stays; each run prints a line in two pieces and its arguments.
    const fake = fakeIp(
      (dir) => `n=$(cat '${dir}/count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${dir}/count'
printf 'run %s\\npar' "$n"; sleep 0.05; printf 'tial\\n\\n'
echo "args $*"
[ "$n" -lt 3 ] && exit 1
echo 'netlink receive error No buffer space available (105)' >&2
exec sleep 60`,
    );
    fakes.push(fake);
    const count = join(fake.dir, 'count');
    const m = track(
      new IpMonitor({ args: ['-o', 'monitor', 'route'], ipPath: fake.path, netns: 'ns1', minBackoffMs: 20, maxBackoffMs: 40, readyTimeoutMs: 10 }),
    );
    const lines: string[] = [];
    const resyncs: string[] = [];
    m.on('line', (l) => lines.push(l));
    m.on('resync', (why) => resyncs.push(why));
    await m.start();
    await waitFor(() => lines.includes('run 3') && resyncs.length === 3, { what: 'third run' });
    expect(lines.filter((l) => l === 'partial')).toHaveLength(3);
    expect(lines).toContain('args -n ns1 -o monitor route');
    expect(lines).not.toContain('');
    expect(m.restarts).toBe(2);
    expect(resyncs.filter((r) => r === 'monitor restarted')).toHaveLength(2);
    expect(resyncs.some((r) => r.includes('No buffer space'))).toBe(true);
    expect(readFileSync(count, 'utf8').trim()).toBe('3');
    const pid = m.pid;
    expect(pid).not.toBeNull();
    await m.stop();
    expect(m.running).toBe(false);
    expect(isAlive(pid ?? 0)).toBe(false);
  });

  it('kills a child that ignores SIGTERM', async () => {
    const fake = fakeIp(`trap '' TERM\necho ready\nexec sleep 60`);
    fakes.push(fake);
    const m = track(new IpMonitor({ args: ['monitor'], ipPath: fake.path, stopTimeoutMs: 100, readyTimeoutMs: 10 }));
    const lines: string[] = [];
    m.on('line', (l) => lines.push(l));
    await m.start();
    await waitFor(() => lines.includes('ready'), { what: 'ready' });
    const pid = m.pid ?? 0;
    await m.stop();
    expect(m.running).toBe(false);
    expect(isAlive(pid)).toBe(false);
  });

  it('start rejects when there is no ip binary; nothing is retried', async () => {
    const m = track(new IpMonitor({ args: ['monitor'], ipPath: '/nonexistent/ip', minBackoffMs: 10, readyTimeoutMs: 10 }));
    await expect(m.start()).rejects.toThrow(/ENOENT/);
    await sleep(50);
    expect(m.restarts).toBe(0);
    expect(m.running).toBe(false);
  });

  it('a throwing line listener does not break the stream', async () => {
    const fake = fakeIp(`echo one\necho two\nexec sleep 60`);
    fakes.push(fake);
    const m = track(new IpMonitor({ args: ['monitor'], ipPath: fake.path, readyTimeoutMs: 10 }));
    const lines: string[] = [];
    m.on('line', (l) => {
      lines.push(l);
      if (l === 'one') throw new Error('listener bug');
    });
    await m.start();
    await waitFor(() => lines.includes('two'), { what: 'two' });
  });

  it('stop during the backoff pause cancels the restart', async () => {
    const fake = fakeIp(`exit 3`);
    fakes.push(fake);
    const m = track(new IpMonitor({ args: ['monitor'], ipPath: fake.path, minBackoffMs: 200, readyTimeoutMs: 10 }));
    await m.start();
    await waitFor(() => !m.running, { what: 'exit' });
    await m.stop();
    await sleep(300);
    expect(m.restarts).toBe(0);
    expect(m.running).toBe(false);
  });
});

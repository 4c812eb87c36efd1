import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Fib } from '../../src/kernel/fib.js';
import { uni } from '../support/fixtures/kernel.js';
import { KernelLab, UPLINKS, GROUPS_AND_WRITERS } from './kernel-lab.js';
import { waitFor } from '../support/wait.js';

const A = UPLINKS.a;
const B = UPLINKS.b;
const N = 200;
const v4 = (i: number): string => `10.${100 + (i >> 8)}.${i & 255}.0/24`;
const child = fileURLToPath(new URL('./fixtures/fib-child.ts', import.meta.url));
const viteNode = fileURLToPath(new URL('../../node_modules/.bin/vite-node', import.meta.url));

/** Runs a FIB in another process until it has installed its routes, then kills it with SIGKILL. */
async function crashAfterInstall(ns: string, count: number, groups: 'on' | 'off'): Promise<void> {
  const p = spawn(viteNode, [child, ns, String(count), groups], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  // Ends at 'ready' or at the child's exit; either way the check below says which.
  await waitFor(() => out.includes('ready') || p.exitCode !== null, { what: 'the child FIB to install its routes', timeoutMs: 60_000 }).catch(() => undefined);
  const ready = out.includes('ready');
  p.kill('SIGKILL');
  if (p.exitCode === null && p.signalCode === null) await once(p, 'close');
  if (!ready) throw new Error(`child FIB never got ready: ${out} ${err}`);
}

describe.each(GROUPS_AND_WRITERS)('kernel FIB start-up reconciliation (nexthop-groups %s, %s writer)', (groups, writer) => {
  let lab: KernelLab;
  let fib: Fib | null;

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = null;
  });

  afterEach(async () => {
    await fib?.stop().catch(() => {});
    await lab.destroy();
  });

  it('keeps a crashed run\'s routes until converged(), then drops only the stale ones, with no gap', async () => {
    await crashAfterInstall(lab.ns, N, groups);
    const before = await lab.routeMap({ proto: 200 });
    expect(before.size).toBe(N);
    const objectsBefore = (await lab.nexthops()).length;

    const mon = lab.monitor();
    fib = new Fib({ netns: lab.ns, writer, nexthopGroups: groups, verifyIntervalMs: 0 });
    await fib.start();
    expect(fib.status().stale).toBe(N + 1);
    // The RIB re-learns the first half, one of them with a different next-hop set.
    for (let i = 0; i < N / 2; i++) fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    fib.set(v4(0), uni(v4(0), B.gw4));
    await fib.settled();
    // Before convergence nothing is removed, and nothing unchanged was rewritten.
    const mid = await lab.routeMap({ proto: 200 });
    expect(mid.size).toBe(N);
    expect(KernelLab.gateways(mid.get(v4(0)))).toEqual([B.gw4]);
    expect(KernelLab.gateways(mid.get(v4(N - 1)))).toEqual([A.gw4, B.gw4]);
    expect(fib.counters().writes).toBeLessThanOrEqual(3);
    expect(fib.route(v4(N - 1))?.state).toBe('stale');
    if (groups === 'on') expect((await lab.nexthops()).length).toBeGreaterThanOrEqual(objectsBefore);

    await fib.converged();
    const after = await lab.routeMap({ proto: 200 });
    expect([...after.keys()].sort()).toEqual(Array.from({ length: N / 2 }, (_, i) => v4(i)).sort());
    expect(await lab.routes({ v6: true, proto: 200 })).toEqual([]);
    expect(fib.route(v4(N - 1))).toBeUndefined();
    expect(fib.route(v4(1))?.state).toBe('installed');
    await mon.stop();
    // No current route was ever deleted: the monitor saw deletions of stale routes only.
    const deleted = mon.lines.filter((l) => l.startsWith('Deleted ')).map((l) => l.split(' ')[1]);
    for (let i = 0; i < N / 2; i++) expect(deleted).not.toContain(v4(i));
    expect(deleted.length).toBeGreaterThanOrEqual(N / 2);
    if (groups === 'on') {
      // Objects left are exactly those the remaining routes use.
      const objects = await lab.nexthops();
      const used = new Set<number>();
      for (const r of after.values()) {
        used.add(r.nhid!);
        for (const m of objects.find((o) => o.id === r.nhid)?.group ?? []) used.add(m.id);
      }
      expect(new Set(objects.map((o) => o.id))).toEqual(used);
    }
  });

  it('replaces routes of another nexthop mode and leaves none of the old objects', async () => {
    await crashAfterInstall(lab.ns, 20, groups === 'on' ? 'off' : 'on');
    fib = new Fib({ netns: lab.ns, writer, nexthopGroups: groups, verifyIntervalMs: 0 });
    await fib.start();
    for (let i = 0; i < 20; i++) fib.set(v4(i), uni(v4(i), A.gw4, B.gw4));
    await fib.converged();
    const routes = await lab.routes({ proto: 200 });
    expect(routes).toHaveLength(20);
    for (const r of routes) {
      expect(KernelLab.gateways(r)).toEqual([A.gw4, B.gw4]);
      expect(r.nhid !== undefined).toBe(groups === 'on');
    }
    if (groups === 'off') expect(await lab.nexthops()).toEqual([]);
  });
});

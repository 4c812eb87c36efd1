import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Fib } from '../../src/kernel/fib.js';
import { uni } from '../support/fixtures/kernel.js';
import { KernelLab, UPLINKS, GROUPS_AND_WRITERS } from './kernel-lab.js';
import { waitFor, sleep } from '../support/wait.js';

const A = UPLINKS.a;
const B = UPLINKS.b;

/** Every route and nexthop object that is not necod's, as text, to compare before and after. */
async function foreignState(lab: KernelLab): Promise<string[]> {
  const out: string[] = [];
  for (const fam of ['-4', '-6']) {
    const text = await lab.must(['-o', fam, 'route', 'show', 'table', 'all']);
    out.push(...text.split('\n').filter((l) => l && !/ proto 200 /.test(l) && !/^(local|broadcast|multicast) /.test(l) && !l.startsWith('fe80::')));
  }
  const nhs = await lab.nexthops();
  out.push(...nhs.filter((n) => n.protocol !== '200').map((n) => JSON.stringify(n)));
  return out.sort();
}

describe.each(GROUPS_AND_WRITERS)('kernel FIB and routes that are not its own (nexthop-groups %s, %s writer)', (groups, writer) => {
  let lab: KernelLab;
  let fib: Fib | null;

  beforeEach(async () => {
    lab = await KernelLab.create();
    fib = null;
    // Another daemon's and an administrator's routes, some at the very prefixes necod will use.
    await lab.must(['route', 'add', '10.9.0.0/24', 'via', A.gw4, 'proto', 'static']);
    await lab.must(['route', 'add', '10.9.1.0/24', 'via', B.gw4, 'proto', 'static', 'metric', '32']);
    await lab.must(['route', 'add', '10.9.2.0/24', 'via', A.gw4, 'proto', 'bird', 'metric', '32', 'table', '100']);
    await lab.must(['route', 'add', '10.200.0.0/16', 'dev', A.dev, 'proto', 'kernel', 'scope', 'link']);
    await lab.must(['-6', 'route', 'add', '2001:db8:9::/48', 'via', A.gw6, 'proto', 'static', 'metric', '32']);
    await lab.must(['route', 'add', 'blackhole', '192.0.2.0/24', 'proto', 'static', 'metric', '32']);
    // A nexthop object inside necod's id range that someone else owns.
    await lab.must(['nexthop', 'add', 'id', '200000000', 'via', A.gw4, 'dev', A.dev, 'proto', 'static']);
  });

  afterEach(async () => {
    await fib?.stop().catch(() => {});
    await lab.destroy();
  });

  it('are untouched by install, reconcile, verification and stop', async () => {
    const before = await foreignState(lab);
    // A previous necod run left a route of its own.
    await lab.must(['route', 'add', '10.9.7.0/24', 'via', A.gw4, 'proto', '200', 'metric', '32']);

    fib = new Fib({ netns: lab.ns, writer, nexthopGroups: groups, verifyIntervalMs: 0 });
    await fib.start();
    fib.set('10.9.0.0/24', uni('10.9.0.0/24', A.gw4, B.gw4)); // same prefix, other metric: coexists
    fib.set('10.9.1.0/24', uni('10.9.1.0/24', A.gw4)); // same prefix and metric: not necod's to replace
    fib.set('10.9.2.0/24', uni('10.9.2.0/24', A.gw4)); // same prefix in another table
    fib.set('2001:db8:9::/48', uni('2001:db8:9::/48', B.gw6)); // held at necod's metric
    fib.set('192.0.2.0/24', { prefix: '192.0.2.0/24', kind: 'blackhole', nextHops: [] });
    fib.set('10.9.3.0/24', uni('10.9.3.0/24', A.gw4, B.gw4));
    await fib.converged();
    await fib.verifyNow();
    await fib.settled();

    expect(await foreignState(lab)).toEqual(before);
    const mine = await lab.routeMap({ proto: 200 });
    expect([...mine.keys()].sort()).toEqual(['10.9.0.0/24', '10.9.2.0/24', '10.9.3.0/24']);
    expect(fib.route('10.9.1.0/24')).toMatchObject({ state: 'failed', error: expect.stringContaining('protocol 4') });
    expect(fib.route('192.0.2.0/24')?.state).toBe('failed');
    expect(fib.route('2001:db8:9::/48')?.state).toBe('failed');
    if (groups === 'on') {
      // necod made its own objects around the foreign id.
      const ids = (await lab.nexthops()).filter((n) => n.protocol === '200').map((n) => n.id);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids).not.toContain(200000000);
    }

    // When the other route goes away, necod's takes its place.
    await lab.must(['route', 'del', '10.9.1.0/24', 'proto', 'static', 'metric', '32']);
    await waitFor(async () => (await lab.routeMap({ proto: 200 })).has('10.9.1.0/24'), { what: 'necod route after the static one left' });
    // And a static route replacing necod's is left alone, not fought over.
    await lab.must(['route', 'replace', '10.9.3.0/24', 'via', B.gw4, 'proto', 'static', 'metric', '32']);
    await waitFor(() => fib!.route('10.9.3.0/24')?.state === 'failed', { what: 'necod to yield 10.9.3.0/24' });
    await sleep(200);
    expect((await lab.routeMap()).get('10.9.3.0/24')?.protocol).toBe('static');

    const beforeStop = await foreignState(lab);
    await fib.stop();
    fib = null;
    expect(await foreignState(lab)).toEqual(beforeStop);
    expect(await lab.routes({ proto: 200 })).toEqual([]);
    expect((await lab.nexthops()).map((n) => n.id)).toEqual([200000000]);
  });
});

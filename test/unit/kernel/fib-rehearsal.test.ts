// A FIB in rehearsal mode writes to no kernel and runs no `ip`: here its ip binary and namespace
// do not exist, so any probe, next-hop lookup, read-back or socket it tried would fail and leave
// routes failed or pending. Every route must end up installed in its model instead.
import { afterEach, describe, expect, it } from 'vitest';
import { Fib } from '../../../src/kernel/fib.js';
import type { DesiredRoute } from '../../../src/kernel/types.js';

const NOWHERE = { ip: '/nonexistent/ip', netns: 'necod-no-such-namespace' };
const twoWay: DesiredRoute = { kind: 'unicast', nextHops: [{ via: '192.0.2.1', dev: null }, { via: '192.0.2.2', dev: null }] };
const prefix = (i: number): string => `10.${i >> 8}.${i & 255}.0/24`;

let fib: Fib | null = null;
afterEach(async () => {
  await fib?.stop();
  fib = null;
});

describe('Fib in rehearsal mode', () => {
  it.each(['groups', 'inline'] as const)('installs every route in %s mode without a kernel', async (mode) => {
    fib = new Fib({ rehearsal: mode, ...NOWHERE });
    await fib.start();
    for (let i = 0; i < 3000; i++) fib.set(prefix(i), twoWay);
    await fib.settled();
    expect(fib.status()).toMatchObject({ started: true, mode, pending: 0, failed: 0 });
    expect(fib.counters()).toMatchObject({ routesInstalled: 3000, failures: 0, nexthopObjects: mode === 'groups' ? 3 : 0 });
    expect(fib.route(prefix(7))?.kernel).toMatch(mode === 'groups' ? /nhid/ : /192\.0\.2\.1.*192\.0\.2\.2/);

    for (let i = 0; i < 3000; i += 2) fib.set(prefix(i), null);
    await fib.settled();
    expect(fib.counters()).toMatchObject({ routesInstalled: 1500, failures: 0 });
  });

  it('stops without writing anything, whatever keep-on-stop says', async () => {
    fib = new Fib({ rehearsal: 'groups', keepOnStop: false, ...NOWHERE });
    await fib.start();
    fib.set(prefix(1), twoWay);
    await fib.settled();
    const batches = fib.counters().batches;
    await fib.stop();
    expect(fib.counters().batches).toBe(batches);
    fib = null;
  });
});

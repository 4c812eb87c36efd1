import { describe, expect, it } from 'vitest';
import { UPLINKS, fibPerTest, WRITERS } from './kernel-lab.js';
import { waitFor, sleep } from '../support/wait.js';

describe.each(WRITERS)('kernel FIB and interface churn (%s writer)', (writer) => {
  const t = fibPerTest({ writer, verifyIntervalMs: 0 });

  it('container veths coming and going cost a glance at each event line, nothing more', async () => {
    const hops = [{ via: UPLINKS.a.gw4, dev: null }, { via: UPLINKS.b.gw4, dev: null }];
    for (let i = 0; i < 20; i++) t.fib.set(`10.9.${i}.0/24`, { prefix: `10.9.${i}.0/24`, kind: 'unicast', nextHops: hops });
    await t.fib.settled();
    const before = t.fib.status();
    // What a CNI does: veth pairs, a /32 route per pod, links up and gone again.
    const script = Array.from({ length: 40 }, (_, i) => [
      `link add veth${i} type veth peer name pod${i}`,
      `link set veth${i} up`,
      `link set pod${i} up`,
      `route add 10.244.0.${i + 1}/32 dev veth${i} scope link`,
    ]).flat();
    script.push(...Array.from({ length: 40 }, (_, i) => `link del veth${i}`));
    const r = await t.lab.exec(['sh', '-c', `printf '%s\\n' ${script.map((l) => `'${l}'`).join(' ')} | ip -batch -`]);
    expect(r.code).toBe(0);
    await waitFor(() => t.fib.status().monitor.lines >= before.monitor.lines + 200, { what: 'churn events seen' });
    await sleep(300);
    const after = t.fib.status();
    expect(after.monitor.events).toBe(before.monitor.events);
    expect(after.counters.verifications).toBe(before.counters.verifications);
    expect(after.counters.batches).toBe(before.counters.batches);
    expect(after.pending).toBe(0);
  });
});

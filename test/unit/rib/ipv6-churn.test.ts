// IPv6 prefix ids are freed once no table holds the prefix (route-key.ts): under churn of
// ever new prefixes through the RIB and an export session, the index stays as large as the
// live table, not as large as every prefix ever seen.
import { describe, expect, it } from 'vitest';
import { sleep } from '../../support/wait.js';
import { AS4_CONTEXT, prefixListFrom } from '../../../src/bgp/wire/index.js';
import { parseIpv4 } from '../../../src/net/index.js';
import { Exporter } from '../../../src/rib/exporter.js';
import { Rib } from '../../../src/rib/rib.js';
import { localSource } from '../../../src/rib/route-source.js';
import { attrsInput } from './fixtures.js';

const settle = () => sleep(15);

describe('IPv6 prefix index under churn', () => {
  it('keeps its size flat while prefixes come and go, through Adj-RIB-In, Loc-RIB and Adj-RIB-Out', async () => {
    const rib = new Rib();
    rib.addSource(localSource(0, 'api', 'api'));
    const ex = new Exporter(rib, { coalesceMs: 1 });
    let sent = 0;
    await ex.attach({
      target: {
        name: 'tor1', sourceIndex: 9, ibgp: true, localAs: 64600, routerId: parseIpv4('10.69.0.5')!, clusterId: parseIpv4('10.69.0.5')!,
        routeReflectorClient: false, as4: true, selfNextHop: { ipv4: '10.69.0.5', ipv6: 'fd00:69::5', ipv6LinkLocal: null }, mode: 'all', policy: null,
      },
      ctx: AS4_CONTEXT,
      families: ['ipv6'],
      send: (m) => void (sent += m.length),
    });
    const attrs = () => rib.attrs.intern({ ...attrsInput(), receivedNextHop: null, nextHop: null, device: 'node0' });
    /** What the route engine does after each round: fan out, then sweep. */
    const fanOut = async () => {
      ex.noteChanges(rib.takeChanges());
      await settle();
      rib.keys.v6.sweep();
    };
    const sizes: number[] = [];
    for (let round = 0; round < 30; round++) {
      const prefixes = Array.from({ length: 200 }, (_, i) => `2001:db8:${round.toString(16)}:${i.toString(16)}::/64`);
      const list = prefixListFrom(2, prefixes);
      rib.announce(0, list, attrs());
      await fanOut();
      expect(rib.size).toBe(200);
      rib.withdraw(0, list);
      await fanOut();
      expect(rib.size).toBe(0);
      // A lookup of a prefix nobody holds (as `show routes` does) leaves nothing behind either.
      rib.keys.parse(`2001:db8:ffff:${round.toString(16)}::/64`);
      await fanOut();
      sizes.push(rib.keys.v6.size);
    }
    expect(sent).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBe(0);
    // A prefix still held keeps its id and its text.
    const kept = prefixListFrom(2, ['2001:db8:77::/48']);
    rib.announce(0, kept, attrs());
    await fanOut();
    expect(rib.keys.v6.size).toBe(1);
    expect(rib.keys.format(rib.keys.v6.findKey(kept as Parameters<typeof rib.keys.v6.findKey>[0], 0))).toBe('2001:db8:77::/48');
    ex.close();
  });
});

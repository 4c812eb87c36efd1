// Packet drops inside a namespace, in an nftables table of our own so nothing else is touched.
import { exec } from './exec.js';

const TABLE = 'necod_test';

/** 'bgp' = TCP port 179 both ways; 'all' = every packet on the interface. */
export type DropWhat = 'bgp' | 'all' | { tcpPort: number };

export interface Drop {
  readonly ns: string;
  readonly iface: string;
  undrop(): Promise<void>;
}

async function ensureTable(ns: string): Promise<void> {
  // Declarative form is additive: running it twice changes nothing.
  const script = `table inet ${TABLE} {
  chain input { type filter hook input priority -10; policy accept; }
  chain output { type filter hook output priority -10; policy accept; }
}
`;
  await exec(ns, ['nft', '-f', '-'], { input: script });
}

function matches(what: DropWhat): string[][] {
  if (what === 'all') return [[]];
  const port = String(what === 'bgp' ? 179 : what.tcpPort);
  return [
    ['tcp', 'dport', port],
    ['tcp', 'sport', port],
  ];
}

/** Which way packets are dropped, seen from `ns`: arriving, leaving, or both. */
export type DropDirection = 'in' | 'out' | 'both';

/**
 * Drops packets on `iface` (input and output hooks), by default in both directions, so both
 * ends of a session see silence, as with a dead link; `in` or `out` cuts one direction only.
 */
export async function dropTraffic(ns: string, iface: string, what: DropWhat = 'bgp', direction: DropDirection = 'both'): Promise<Drop> {
  await ensureTable(ns);
  const rules: { chain: string; handle: string }[] = [];
  const hooks = ([
    ['input', 'iifname'],
    ['output', 'oifname'],
  ] as const).filter(([chain]) => direction === 'both' || (direction === 'in') === (chain === 'input'));
  for (const [chain, key] of hooks) {
    for (const m of matches(what)) {
      const { stdout } = await exec(ns, [
        'nft', '-e', '-a', 'add', 'rule', 'inet', TABLE, chain, key, `"${iface}"`, ...m, 'drop',
      ]);
      const handle = /# handle (\d+)/.exec(stdout)?.[1];
      if (handle === undefined) throw new Error(`nft did not echo a rule handle: ${stdout}`);
      rules.push({ chain, handle });
    }
  }
  let removed = false;
  return {
    ns,
    iface,
    async undrop() {
      if (removed) return;
      removed = true;
      for (const r of rules) {
        await exec(ns, ['nft', 'delete', 'rule', 'inet', TABLE, r.chain, 'handle', r.handle], {
          allowFailure: true,
        });
      }
    },
  };
}

/** Removes every drop rule in the namespace. */
export async function undropAll(ns: string): Promise<void> {
  await exec(ns, ['nft', 'flush', 'table', 'inet', TABLE], { allowFailure: true });
}

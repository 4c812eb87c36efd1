/**
 * Kernel routing table and route protocol ids as the configuration writes them: numbers, or
 * names that `ip` resolves through /etc/iproute2/rt_tables and rt_protos.
 */
import { numberHint } from './describe-value.js';
import { MAX_UINT32, RT_TABLE_DEFAULT, RT_TABLE_LOCAL, RT_TABLE_MAIN } from './defaults.js';
import type { KernelTableId } from './types.js';
import { accept, mismatch, reject, type ValueCheck } from './value-checks.js';

/** Names the kernel fixes (RT_TABLE_*); written as numbers so that `main` and 254 compare equal. */
const FIXED_TABLES: ReadonlyMap<string, number> = new Map([
  ['default', RT_TABLE_DEFAULT],
  ['main', RT_TABLE_MAIN],
  ['local', RT_TABLE_LOCAL],
]);

const TABLE_EXPECTED = `a table number 1..${MAX_UINT32} or a name from /etc/iproute2/rt_tables such as main`;

/** Any usable table; callers refuse the ones their use cannot take. */
export const kernelTable: ValueCheck<KernelTableId> = {
  expected: TABLE_EXPECTED,
  check: (value) => {
    if (value === 0 || value === 'unspec') {
      return reject('table 0 (unspec) is no table; it means "all tables" to the kernel');
    }
    if (typeof value === 'number') {
      const valid = Number.isInteger(value) && value >= 1 && value <= MAX_UINT32;
      return valid ? accept(value) : mismatch(TABLE_EXPECTED, value);
    }
    if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value)) {
      return mismatch(TABLE_EXPECTED, value, numberHint(value));
    }
    return accept(FIXED_TABLES.get(value) ?? value);
  },
};

/** Shows a table id the way an operator recognizes it: "254 (main)". */
export function describeTable(table: KernelTableId): string {
  for (const [name, id] of FIXED_TABLES) if (id === table) return `${id} (${name})`;
  return String(table);
}

/** The ids the kernel itself uses, with what it tags with them. */
const KERNEL_PROTOCOLS: ReadonlyMap<number, [string, string]> = new Map([
  [1, ['redirect', 'routes from ICMP redirects']],
  [2, ['kernel', 'routes the kernel adds itself']],
  [3, ['boot', 'routes added by "ip route add"']],
  [4, ['static', 'routes an administrator adds']],
]);

const PROTOCOL_EXPECTED = 'a protocol number 1..255 or a name from /etc/iproute2/rt_protos such as necod';
const ANY_PROTOCOL_EXPECTED = 'a protocol number 0..255 or a name from /etc/iproute2/rt_protos such as kernel';

/** Any route protocol id, as routes in a table may carry: a number, or a name `ip` resolves. */
export const routeProtocol: ValueCheck<number | string> = {
  expected: ANY_PROTOCOL_EXPECTED,
  check: (value) => {
    if (typeof value === 'number') {
      const valid = Number.isInteger(value) && value >= 0 && value <= 255;
      return valid ? accept(value) : mismatch(ANY_PROTOCOL_EXPECTED, value);
    }
    // All digits would be read as a number by `ip`; a quoted number is a YAML slip.
    if (typeof value === 'string' && /^[a-z0-9_-]+$/.test(value) && !/^\d+$/.test(value)) return accept(value);
    return mismatch(ANY_PROTOCOL_EXPECTED, value, numberHint(value));
  },
};

/** The protocol necod tags its own routes with: one that nothing else uses. */
export const kernelProtocol: ValueCheck<number | string> = {
  expected: PROTOCOL_EXPECTED,
  check: (value) => {
    const checked = routeProtocol.check(value);
    // 0 (unspec) is "no protocol": routes cannot be told apart by it.
    if (!checked.ok || checked.value === 0 || checked.value === 'unspec') {
      return mismatch(PROTOCOL_EXPECTED, value, numberHint(value));
    }
    const protocol = checked.value;
    const id =
      typeof protocol === 'number' ? protocol : [...KERNEL_PROTOCOLS].find(([, [name]]) => name === protocol)?.[0];
    const reserved = id === undefined ? undefined : KERNEL_PROTOCOLS.get(id);
    if (reserved !== undefined) {
      return reject(
        `${id} (${reserved[0]}) tags ${reserved[1]}; necod removes every route with its protocol, ` +
          'so it needs one that nothing else uses',
      );
    }
    return accept(protocol);
  },
};

// Routing table and protocol names, as iproute2 resolves them: numbers in the kernel, names in
// rt_tables and rt_protos (plus their .d/*.conf drop-ins) under /usr/lib, /usr/share and /etc
// iproute2, later directories overriding earlier ones. One reader of those files for the whole
// daemon; two sets of rules on top, because reading a table is not writing to it: any table and
// protocol can be read (the kernel-table origin), while necod writes only with a protocol of its
// own (5..255, "necod" falling back to 200) and never into the local table. Not for formatting
// numbers back into names: necod always writes numbers.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseRtNames } from '../util/rt-names-file.js';

export { parseRtNames };

/** Read in this order, later files overriding: the packaged defaults first, then /etc. */
export const DEFAULT_DIRS: readonly string[] = ['/usr/lib/iproute2', '/usr/share/iproute2', '/etc/iproute2'];

/** necod's protocol number when the name "necod" is not registered (packaging/rt_protos.d). */
export const NECOD_PROTOCOL = 200;

export type RtNameKind = 'rt_tables' | 'rt_protos';

/** A name that is not registered, or a number necod cannot use. */
export class NameError extends Error {
  override name = 'NameError';
}

/** Fixed by the kernel (RT_TABLE_*); also right where no rt_tables file exists. */
export const BUILTIN_TABLES: ReadonlyMap<string, number> = new Map([
  ['unspec', 0],
  ['default', 253],
  ['main', 254],
  ['local', 255],
]);

/** Fixed by the kernel (RTPROT_* in linux/rtnetlink.h). */
export const BUILTIN_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['unspec', 0], ['redirect', 1], ['kernel', 2], ['boot', 3], ['static', 4], ['gated', 8], ['ra', 9],
  ['mrt', 10], ['zebra', 11], ['bird', 12], ['dnrouted', 13], ['xorp', 14], ['ntk', 15], ['dhcp', 16],
  ['mrouted', 17], ['keepalived', 18], ['babel', 42], ['openr', 99], ['bgp', 186], ['isis', 187],
  ['ospf', 188], ['rip', 189], ['eigrp', 192],
]);

/** Every name registered in `dirs` for this kind of number (files that are absent are skipped). */
export function readRtNames(kind: RtNameKind, dirs: readonly string[] = DEFAULT_DIRS): Map<string, number> {
  const names = new Map<string, number>();
  for (const dir of dirs) {
    const files = [join(dir, kind)];
    try {
      for (const f of readdirSync(join(dir, `${kind}.d`)).sort()) if (f.endsWith('.conf')) files.push(join(dir, `${kind}.d`, f));
    } catch {
      // no drop-in directory
    }
    for (const f of files) {
      try {
        parseRtNames(readFileSync(f, 'utf8'), names);
      } catch {
        // missing file
      }
    }
  }
  return names;
}

function isNumberText(spec: string | number): boolean {
  return typeof spec === 'number' || /^\d+$/.test(spec);
}

function lookup(spec: string, kind: RtNameKind, builtin: ReadonlyMap<string, number>, dirs: readonly string[]): number | undefined {
  // Own properties only: "toString" is no table.
  return readRtNames(kind, dirs).get(spec) ?? builtin.get(spec);
}

function inRange(n: number, min: number, max: number, what: string, spec: string | number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new NameError(`${what} ${JSON.stringify(spec)} is out of range ${min}-${max}`);
  return n;
}

/** A table to read: a number, or a name from rt_tables. Table 0 would mean every table to iproute2. */
export function tableToRead(spec: number | string, dirs: readonly string[] = DEFAULT_DIRS): number {
  const n = isNumberText(spec) ? Number(spec) : lookup(String(spec), 'rt_tables', BUILTIN_TABLES, dirs);
  if (n === undefined) throw new NameError(`unknown routing table ${JSON.stringify(spec)}`);
  return inRange(n, 1, 0xffffffff, 'routing table', spec);
}

/** A protocol to recognise routes by: a number, or a name from rt_protos or the kernel's own list. */
export function protocolToRead(spec: number | string, dirs: readonly string[] = DEFAULT_DIRS): number {
  const n = isNumberText(spec) ? Number(spec) : lookup(String(spec), 'rt_protos', BUILTIN_PROTOCOLS, dirs);
  if (n === undefined) throw new NameError(`unknown route protocol ${JSON.stringify(spec)}`);
  return inRange(n, 0, 255, 'route protocol', spec);
}

/**
 * The protocol necod writes its routes with. "necod" falls back to 200 when not registered;
 * other names must be registered. Numbers 0–4 (unspec, redirect, kernel, boot, static) belong to
 * the kernel and to administrators and are refused.
 */
export function protocolToWrite(value: string | number, dirs: readonly string[] = DEFAULT_DIRS): number {
  let n: number;
  if (isNumberText(value)) n = Number(value);
  else {
    const found = readRtNames('rt_protos', dirs).get(String(value));
    if (found !== undefined) n = found;
    else if (value === 'necod') n = NECOD_PROTOCOL;
    else throw new NameError(`protocol "${value}" is not registered in rt_protos (use a number, or install packaging/rt_protos.d/necod.conf)`);
  }
  if (!Number.isInteger(n) || n < 5 || n > 255) throw new NameError(`protocol ${n} is not usable: necod needs one of its own in 5..255`);
  return n;
}

/** The table necod writes its routes into: any but 0 (every table) and 255 (the kernel's local table). */
export function tableToWrite(value: string | number, dirs: readonly string[] = DEFAULT_DIRS): number {
  let n: number;
  if (isNumberText(value)) n = Number(value);
  else {
    const found = BUILTIN_TABLES.get(String(value)) ?? readRtNames('rt_tables', dirs).get(String(value));
    if (found === undefined) throw new NameError(`table "${value}" is not registered in rt_tables`);
    n = found;
  }
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff || n === 255) throw new NameError(`table ${n} is not usable for necod's routes`);
  return n;
}

// Routing table and protocol names, as iproute2 resolves them: numbers in the kernel, names in
// /etc/iproute2/rt_tables and rt_protos (plus their .d/*.conf drop-ins), so a table can be
// configured as `119` or as the name an operator gave it there.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRtNames } from '../util/rt-names-file.js';

export { parseRtNames };

/** Fixed by the kernel (RT_TABLE_*); also right where no rt_tables file exists. */
export const BUILTIN_TABLES: ReadonlyMap<string, number> = new Map([
  ['unspec', 0],
  ['default', 253],
  ['main', 254],
  ['local', 255],
]);

/** Fixed by the kernel (RTPROT_* in linux/rtnetlink.h). */
export const BUILTIN_PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['unspec', 0],
  ['redirect', 1],
  ['kernel', 2],
  ['boot', 3],
  ['static', 4],
  ['gated', 8],
  ['ra', 9],
  ['mrt', 10],
  ['zebra', 11],
  ['bird', 12],
  ['dnrouted', 13],
  ['xorp', 14],
  ['ntk', 15],
  ['dhcp', 16],
  ['mrouted', 17],
  ['keepalived', 18],
  ['babel', 42],
  ['openr', 99],
  ['bgp', 186],
  ['isis', 187],
  ['ospf', 188],
  ['rip', 189],
  ['eigrp', 192],
]);

/** Where iproute2 looks, oldest layout first so that /etc overrides the packaged defaults. */
export function rtNameFiles(kind: 'rt_tables' | 'rt_protos'): string[] {
  return ['/usr/lib/iproute2', '/usr/share/iproute2', '/etc/iproute2'].map((dir) => join(dir, kind));
}

async function readNames(files: readonly string[]): Promise<Map<string, number>> {
  const names = new Map<string, number>();
  for (const file of files) {
    const parts = [file];
    try {
      const dropIns = (await readdir(`${file}.d`)).filter((f) => f.endsWith('.conf')).sort();
      parts.push(...dropIns.map((f) => join(`${file}.d`, f)));
    } catch {
      // no drop-in directory
    }
    for (const part of parts) {
      let text: string;
      try {
        text = await readFile(part, 'utf8');
      } catch {
        continue;
      }
      parseRtNames(text, names);
    }
  }
  return names;
}

interface IdRange {
  min: number;
  max: number;
  what: string;
}

// Table 0 would mean "every table" to iproute2.
const TABLE_IDS: IdRange = { min: 1, max: 0xffffffff, what: 'routing table' };
const PROTOCOL_IDS: IdRange = { min: 0, max: 255, what: 'route protocol' };

function resolveName(spec: number | string, builtin: ReadonlyMap<string, number>, found: ReadonlyMap<string, number>, range: IdRange): number {
  const { min, max, what } = range;
  let id: number | undefined;
  if (typeof spec === 'number') id = spec;
  else if (/^\d+$/.test(spec)) id = Number(spec);
  else id = found.get(spec) ?? builtin.get(spec);
  if (id === undefined) throw new Error(`unknown ${what} ${JSON.stringify(spec)}`);
  if (!Number.isInteger(id) || id < min || id > max) throw new Error(`${what} ${JSON.stringify(spec)} is out of range ${min}-${max}`);
  return id;
}

/** A table number, or a name from rt_tables; throws for an unknown name. */
export async function resolveTable(spec: number | string, files: readonly string[] = rtNameFiles('rt_tables')): Promise<number> {
  const found = typeof spec === 'number' ? new Map<string, number>() : await readNames(files);
  return resolveName(spec, BUILTIN_TABLES, found, TABLE_IDS);
}

/** A protocol number, or a name from rt_protos; throws for an unknown name. */
export async function resolveProtocol(spec: number | string, files: readonly string[] = rtNameFiles('rt_protos')): Promise<number> {
  const found = typeof spec === 'number' ? new Map<string, number>() : await readNames(files);
  return resolveName(spec, BUILTIN_PROTOCOLS, found, PROTOCOL_IDS);
}

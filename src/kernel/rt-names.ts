// Protocol and table names as iproute2 knows them (rt_protos, rt_tables and their .d folders),
// turned into the numbers necod writes. Lines always carry numbers, so nothing depends on the
// name being registered; the name only helps people reading `ip route`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRtNames } from '../util/rt-names-file.js';

/** Read in this order, later files overriding: the packaged defaults first, then /etc. */
export const DEFAULT_DIRS = ['/usr/lib/iproute2', '/usr/share/iproute2', '/etc/iproute2'];

/** necod's protocol number when the name "necod" is not registered (packaging/rt_protos.d). */
export const NECOD_PROTOCOL = 200;

const BUILTIN_TABLES = new Map<string, number>([
  ['default', 253],
  ['main', 254],
  ['local', 255],
]);

/** Parses "NUMBER NAME" lines into `into`; later files override earlier ones. */
export const parseNameFile = parseRtNames;

function readNames(dirs: readonly string[], base: string): Map<string, number> {
  const names = new Map<string, number>();
  for (const dir of dirs) {
    const files = [join(dir, base)];
    try {
      for (const f of readdirSync(join(dir, `${base}.d`)).sort()) if (f.endsWith('.conf')) files.push(join(dir, `${base}.d`, f));
    } catch {
      // no .d folder
    }
    for (const f of files) {
      try {
        parseNameFile(readFileSync(f, 'utf8'), names);
      } catch {
        // missing file
      }
    }
  }
  return names;
}

export class NameError extends Error {}

/**
 * The protocol number for a configured name or number. "necod" falls back to 200 when not
 * registered; other names must be registered. Numbers 0–4 (unspec, redirect, kernel, boot,
 * static) belong to the kernel and to administrators and are refused.
 */
export function resolveProtocol(value: string | number, dirs: readonly string[] = DEFAULT_DIRS): number {
  let n: number;
  if (typeof value === 'number' || /^\d+$/.test(value)) n = Number(value);
  else {
    const found = readNames(dirs, 'rt_protos').get(value);
    if (found !== undefined) n = found;
    else if (value === 'necod') n = NECOD_PROTOCOL;
    else throw new NameError(`protocol "${value}" is not registered in rt_protos (use a number, or install packaging/rt_protos.d/necod.conf)`);
  }
  if (!Number.isInteger(n) || n < 5 || n > 255) throw new NameError(`protocol ${n} is not usable: necod needs one of its own in 5..255`);
  return n;
}

export function resolveTable(value: string | number, dirs: readonly string[] = DEFAULT_DIRS): number {
  let n: number;
  if (typeof value === 'number' || /^\d+$/.test(value)) n = Number(value);
  else {
    const found = BUILTIN_TABLES.get(value) ?? readNames(dirs, 'rt_tables').get(value);
    if (found === undefined) throw new NameError(`table "${value}" is not registered in rt_tables`);
    n = found;
  }
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff || n === 255) throw new NameError(`table ${n} is not usable for necod's routes`);
  return n;
}

/**
 * The import graph of src/ and the one table of arrows allowed between its rooms (the same table
 * as docs/architecture.md "Arrows"). Reads the sources with TypeScript's own pre-processor, so
 * `import type`, re-exports and dynamic `import()` all count. Not a build step: the unit suite
 * runs it over src/ and over fixtures that break the rules on purpose.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Each room and the rooms it may import. The daemon files at the top of src/ are the wiring and
 * may import anything.
 */
export const ALLOWED_ARROWS: Readonly<Record<string, readonly string[]>> = {
  util: [],
  // The bottom room: one vocabulary for addresses and prefixes, needing nothing of necod's.
  net: [],
  'bgp/wire': ['net', 'util'],
  config: ['bgp/wire', 'net', 'util'],
  bgp: ['bgp/wire', 'config', 'net', 'util'],
  bfd: ['host', 'bgp/wire', 'config', 'net', 'util'],
  rib: ['bgp/wire', 'config', 'net', 'util'],
  host: ['config', 'net', 'util'],
  // The FIB keys its state like the RIB: route keys and their shared slot index, RouteSlots (data structures, no RIB logic).
  kernel: ['host', 'rib', 'bgp/wire', 'config', 'net', 'util'],
  origin: ['host', 'bgp/wire', 'config', 'net', 'util'],
  routing: ['origin', 'kernel', 'host', 'rib', 'bfd', 'bgp', 'bgp/wire', 'config', 'net', 'util'],
  api: ['routing', 'origin', 'kernel', 'host', 'rib', 'bfd', 'bgp', 'bgp/wire', 'config', 'net', 'util'],
  cli: ['daemon', 'api', 'bfd', 'bgp/wire', 'config', 'net', 'util'],
  daemon: ['*'],
};

/** The room of a file: its directory under src/, with bgp/wire apart from bgp; top-level files are the daemon. */
export function roomOf(fileUnderSrc: string): string {
  const parts = fileUnderSrc.split('/');
  if (parts.length === 1) return 'daemon';
  if (parts[0] === 'bgp' && parts[1] === 'wire' && parts.length > 2) return 'bgp/wire';
  return parts[0] ?? 'daemon';
}

export interface ImportEdge {
  from: string;
  to: string;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every relative import between files under srcDir, as paths relative to srcDir. */
export function importEdges(srcDir: string): ImportEdge[] {
  const root = resolve(srcDir);
  const edges: ImportEdge[] = [];
  for (const file of tsFiles(root)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), ref.fileName).replace(/\.js$/, '.ts');
      edges.push({ from: relative(root, file), to: relative(root, target) });
    }
  }
  return edges;
}

/** Imports from one room into another that the table does not allow, as "from -> to (room -> room)". */
export function forbiddenArrows(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const e of edges) {
    const a = roomOf(e.from);
    const b = roomOf(e.to);
    if (a === b) continue;
    const allowed = ALLOWED_ARROWS[a];
    if (allowed === undefined) found.push(`${e.from} is in room ${a}, which the table does not know`);
    else if (!allowed.includes('*') && !allowed.includes(b)) found.push(`${e.from} -> ${e.to} (${a} -> ${b})`);
  }
  return found;
}

/** File-level import cycles (Tarjan's strongly connected components of two files or more). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const list = next.get(e.from) ?? [];
    list.push(e.to);
    next.set(e.from, list);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Checks that look at all neighbors together or at a neighbor against the global settings. */
import type { ConfigReader } from './mapping-reader.js';
import type { NeighborEntry } from './parse-neighbor.js';
import { LOCAL_ORIGIN_NAMES } from './references.js';

export function checkNeighborSet(reader: ConfigReader, neighbors: readonly NeighborEntry[], listening: boolean): void {
  checkUnique(reader, neighbors, 'name', (neighbor) => neighbor.name);
  checkUnique(reader, neighbors, 'address', (neighbor) => neighbor.address?.text);
  for (const neighbor of neighbors) {
    const name = neighbor.name;
    if (name === undefined || !(LOCAL_ORIGIN_NAMES as readonly string[]).includes(name)) continue;
    // Policies match routes by the name of where they came from; a neighbor cannot share it.
    reader.error(
      neighbor.entry.pathOf('name'),
      neighbor.entry.lineOf('name'),
      `"${name}" names the local origin of ${name} routes in policies; choose another neighbor name`,
    );
  }
  if (!listening) {
    for (const neighbor of neighbors) {
      if (neighbor.passive !== true) continue;
      reader.error(
        neighbor.entry.pathOf('passive'),
        neighbor.entry.lineOf('passive'),
        'a passive neighbor only waits for the peer to connect, but no listen: is configured, so it never could',
      );
    }
  }
}

function checkUnique(
  reader: ConfigReader,
  neighbors: readonly NeighborEntry[],
  key: string,
  valueOf: (neighbor: NeighborEntry) => string | undefined,
): void {
  const first = new Map<string, NeighborEntry>();
  for (const neighbor of neighbors) {
    const value = valueOf(neighbor);
    if (value === undefined) continue;
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, neighbor);
      continue;
    }
    reader.error(
      neighbor.entry.pathOf(key),
      neighbor.entry.lineOf(key),
      `${value} is already the ${key} of ${earlier.entry.at.path} (line ${earlier.entry.lineOf(key)})`,
    );
  }
}

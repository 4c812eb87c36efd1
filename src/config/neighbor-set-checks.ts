/** Checks that look at all neighbors together or at a neighbor against the global settings. */
import type { ConfigReader } from './mapping-reader.js';
import type { NeighborEntry } from './parse-neighbor.js';

export function checkNeighborSet(reader: ConfigReader, neighbors: readonly NeighborEntry[], listening: boolean): void {
  checkUnique(reader, neighbors, 'name', (neighbor) => neighbor.name);
  checkUnique(reader, neighbors, 'address', (neighbor) => neighbor.address?.text);
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

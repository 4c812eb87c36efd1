/** Reads a `families:` list, shared by neighbors and kernel tables. */
import type { ConfigReader, MappingReader } from './mapping-reader.js';
import type { Family } from '../net/index.js';
import { oneOf } from './value-checks.js';

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** `families:` of a neighbor or kernel table; null when absent, undefined when invalid. */
export function readFamilies(reader: ConfigReader, entry: MappingReader): Family[] | null | undefined {
  const items = entry.list('families', 'families (ipv4, ipv6)');
  if (items === null || items === undefined) return items;
  if (items.length === 0) {
    entry.reject('families', 'expected at least one of ipv4, ipv6');
    return undefined;
  }
  const chosen = new Set<Family>();
  let valid = true;
  for (const item of items) {
    const family = reader.value(item, oneOf(FAMILIES));
    if (family === undefined) {
      valid = false;
    } else if (chosen.has(family)) {
      reader.error(item.path, item.line, `${family} is listed twice`);
      valid = false;
    } else {
      chosen.add(family);
    }
  }
  return valid ? FAMILIES.filter((family) => chosen.has(family)) : undefined;
}

/**
 * Checks names that one part of the file uses and another defines: policies named by neighbors,
 * neighbors and local origins named in policy matches.
 */
import type { ConfigReader } from './mapping-reader.js';
import { nearestKey } from './nearest-key.js';

/** A name written at `path`, `line`, that must be defined elsewhere in the file. */
export interface Reference {
  name: string;
  path: string;
  line: number;
}

/** Sources of locally originated routes, as policy matches name them (`neighbors: [static]`). */
export const LOCAL_ORIGIN_NAMES = ['direct', 'static', 'kernel', 'api'] as const;

export function checkPolicyReferences(
  reader: ConfigReader,
  references: readonly Reference[],
  policyNames: readonly string[],
): void {
  for (const reference of references) {
    if (policyNames.includes(reference.name)) continue;
    const defined = policyNames.length === 0 ? 'no policies are defined' : `policies: ${policyNames.join(', ')}`;
    const message = `no policy named "${reference.name}" (${hint(reference.name, policyNames, defined)})`;
    reader.error(reference.path, reference.line, message);
  }
}

export function checkNeighborReferences(
  reader: ConfigReader,
  references: readonly Reference[],
  neighborNames: readonly string[],
): void {
  const known = [...neighborNames, ...LOCAL_ORIGIN_NAMES];
  for (const reference of references) {
    if (known.includes(reference.name)) continue;
    const neighbors = neighborNames.length === 0 ? 'none' : neighborNames.join(', ');
    const defined = `neighbors: ${neighbors}; local origins: ${LOCAL_ORIGIN_NAMES.join(', ')}`;
    reader.error(
      reference.path,
      reference.line,
      `no neighbor or local origin named "${reference.name}" (${hint(reference.name, known, defined)})`,
    );
  }
}

function hint(name: string, known: readonly string[], defined: string): string {
  const suggestion = nearestKey(name, known);
  return suggestion === null ? defined : `did you mean "${suggestion}"?`;
}

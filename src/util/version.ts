// necod's version, read once from the package.json it was installed with (src/ and dist/src/ alike).
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/util/ is two levels under the package; dist/src/util/ three.
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8'));
      if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === 'necod' && 'version' in pkg && typeof pkg.version === 'string') {
        return pkg.version;
      }
    } catch {
      // Not this level; try the next.
    }
  }
  return 'unknown';
}

export const NECOD_VERSION: string = readVersion();

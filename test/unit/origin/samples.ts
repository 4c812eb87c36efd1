/** Real `ip` output captured by samples/capture.sh. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'samples');

export function sampleText(name: string): string {
  return readFileSync(join(DIR, name), 'utf8');
}

export function sampleJson(name: string): unknown {
  return JSON.parse(sampleText(name)) as unknown;
}

export function sampleLines(name: string): string[] {
  return sampleText(name)
    .split('\n')
    .filter((line) => line !== '');
}

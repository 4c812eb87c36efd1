/** Reads a configuration file from disk; the one part of src/config/ that does I/O. */
import { readFile } from 'node:fs/promises';
import { parseConfig } from './parse-config.js';
import type { ParseConfigResult } from './types.js';

export async function loadConfigFile(fileName: string): Promise<ParseConfigResult> {
  let text: string;
  try {
    text = await readFile(fileName, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ path: '', line: 0, message: `cannot read the file: ${readFailure(error)}` }] };
  }
  return parseConfig(text, fileName);
}

function readFailure(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}

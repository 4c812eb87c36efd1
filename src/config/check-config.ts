/** What `necod --check-config` prints, and what `necod --config` refuses to start with. */
import { formatConfigError } from './format-config-error.js';
import { loadConfigFile } from './load-config.js';
import type { NecodConfig, ParseConfigResult } from './types.js';

export type ConfigCheck =
  | { ok: true; config: NecodConfig; summary: string }
  | { ok: false; errorLines: string[] };

export function checkConfig(result: ParseConfigResult, fileName: string): ConfigCheck {
  if (!result.ok) return { ok: false, errorLines: result.errors.map((error) => formatConfigError(fileName, error)) };
  const count = result.config.neighbors.length;
  return { ok: true, config: result.config, summary: `config OK: ${count} ${count === 1 ? 'neighbor' : 'neighbors'}` };
}

export async function checkConfigFile(fileName: string): Promise<ConfigCheck> {
  return checkConfig(await loadConfigFile(fileName), fileName);
}

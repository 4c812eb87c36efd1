/** Reads the global routing blocks: `decision:`, `graceful-restart:` and the reserved `bfd:`. */
import { isMap } from 'yaml';
import { describeNode, type ConfigReader, type MappingReader } from './mapping-reader.js';
import type { DecisionConfig, GracefulRestartConfig } from './types.js';
import { boolean, integerIn } from './value-checks.js';
import {
  DEFAULT_GRACEFUL_RESTART_TIME,
  DEFAULT_MAX_PATHS,
  DEFAULT_STALE_TIME,
  MAX_GRACEFUL_RESTART_TIME,
  MAX_MAX_PATHS,
} from './defaults.js';

export const DECISION_KEYS = ['max-paths', 'always-compare-med'] as const;
export const GRACEFUL_RESTART_KEYS = ['restart-time', 'stale-time'] as const;

export function readDecision(top: MappingReader): DecisionConfig | undefined {
  const block = top.mapping('decision', DECISION_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return { maxPaths: DEFAULT_MAX_PATHS, alwaysCompareMed: false };
  const maxPaths = block.optional('max-paths', integerIn(1, MAX_MAX_PATHS), DEFAULT_MAX_PATHS);
  const alwaysCompareMed = block.optional('always-compare-med', boolean, false);
  if (maxPaths === undefined || alwaysCompareMed === undefined) return undefined;
  return { maxPaths, alwaysCompareMed };
}

export function readGracefulRestart(top: MappingReader): GracefulRestartConfig | undefined {
  const block = top.mapping('graceful-restart', GRACEFUL_RESTART_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return { restartTime: DEFAULT_GRACEFUL_RESTART_TIME, staleTime: DEFAULT_STALE_TIME };
  // The capability carries the restart time in 12 bits (RFC 4724).
  const restartTime = block.optional(
    'restart-time',
    integerIn(1, MAX_GRACEFUL_RESTART_TIME),
    DEFAULT_GRACEFUL_RESTART_TIME,
  );
  const staleTime = block.optional('stale-time', integerIn(1, 65535), DEFAULT_STALE_TIME);
  if (restartTime === undefined || staleTime === undefined) return undefined;
  return { restartTime, staleTime };
}

/**
 * `bfd:` is reserved for the BFD settings of a later necod, so that a file written for it is
 * refused rather than misread: today only an empty mapping is accepted. False when it is not one.
 */
export function checkBfd(reader: ConfigReader, top: MappingReader): boolean {
  const at = top.get('bfd');
  if (at === undefined) return true;
  const node = reader.file.resolve(at.node);
  if (!isMap(node)) {
    reader.error(at.path, at.line, `expected an empty mapping ({}), got ${describeNode(node)}`);
    return false;
  }
  const entries = reader.namedEntries(at, 'nothing') ?? [];
  for (const entry of entries) {
    const message = `unknown key "${entry.key}" (bfd takes no settings yet: write bfd: {} or leave it out)`;
    reader.error(entry.value.path, entry.keyLine, message);
  }
  return entries.length === 0;
}

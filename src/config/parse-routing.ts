/** Reads the global routing blocks: `decision:` and `graceful-restart:`. */
import type { MappingReader } from './mapping-reader.js';
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

/**
 * Configuration reload (SIGHUP, POST /v1/reload, `systemctl reload`): read and check the file,
 * decide from the diff what each change needs, and apply it, or refuse the whole file. A file
 * with an error, or a change that cannot be applied to a running necod, changes nothing. The
 * decision (`planReload`) is pure; `reloadConfig` carries the plan out on the live rooms.
 */
import type { Logger } from 'pino';
import { checkConfigFile } from '../config/check-config.js';
import { diffConfig, type ConfigDiff } from '../config/diff-config.js';
import { NEIGHBOR_ROUTING_KEYS } from '../config/parse-neighbor-routing.js';
import type { LogLevel, NecodConfig } from '../config/types.js';
import type { NeighborSet } from './neighbor-set.js';
import type { Origins } from './origins.js';
import type { RouteEngine } from './route-engine.js';

/**
 * Neighbor keys a live session can take without a reset: filters and next-hop handling are
 * applied by route refresh in and re-evaluation out, `shutdown` by stopping or starting, `bfd`
 * by the BFD side (new intervals through a poll sequence, RFC 5880 §6.8.3).
 * Every other neighbor key is a session parameter (it is in the OPEN, or the Peer's options).
 */
const SOFT_NEIGHBOR_KEYS: ReadonlySet<string> = new Set([...NEIGHBOR_ROUTING_KEYS, 'shutdown', 'bfd']);

/** Soft keys that touch neither what we accept nor what we send: no refresh either way. */
const SESSION_ONLY_KEYS: ReadonlySet<string> = new Set(['shutdown', 'bfd']);

/** Neighbor keys that change what we accept, so the neighbor must send its routes again. */
const IMPORT_KEYS: ReadonlySet<string> = new Set(['import', 'next-hop-rewrite', 'next-hop-subnet-length', 'interface']);

/** Global keys a running necod applies; any other global change needs a restart. */
const APPLIED_GLOBAL_KEYS: ReadonlySet<string> = new Set(['log.level']);

/** `originate:` keys applied in place (interfaces and kernel tables are followed by live readers, set at start). */
const APPLIED_ORIGINATE_KEYS: ReadonlySet<string> = new Set(['static']);

export interface ReloadPlan {
  /** Neighbors to start. */
  add: string[];
  /** Neighbors to stop with Cease/Peer De-configured and forget. */
  remove: string[];
  /** Neighbors whose session parameters changed: a new session. */
  restart: string[];
  /** Neighbors whose filters or next-hop handling changed, applied without a reset. */
  reapply: Array<{ name: string; import: boolean; export: boolean }>;
  /** Neighbors with only `shutdown` or other soft settings to take over. */
  retune: string[];
  logLevel: LogLevel | null;
  staticRoutes: boolean;
}

export type ReloadOutcome =
  | { ok: true; changed: boolean; plan: ReloadPlan; notes: string[] }
  | { ok: false; errors: string[] };

/** What a diff needs, or the reasons it cannot be applied while necod runs. */
export function planReload(diff: ConfigDiff, after: NecodConfig): { plan: ReloadPlan } | { refused: string[] } {
  const refused: string[] = [];
  for (const key of diff.global) if (!APPLIED_GLOBAL_KEYS.has(key)) refused.push(`${key} cannot change while necod runs; restart necod to apply it`);
  for (const key of diff.kernel) refused.push(`kernel.${key} cannot change while necod runs; restart necod to apply it`);
  for (const key of diff.originate) {
    if (!APPLIED_ORIGINATE_KEYS.has(key)) refused.push(`originate.${key} cannot change while necod runs; restart necod to apply it`);
  }
  if (refused.length > 0) return { refused };
  const n = diff.neighbors;
  const restart = n.changed.filter((name) => (n.changedKeys[name] ?? []).some((key) => !SOFT_NEIGHBOR_KEYS.has(topKey(key))));
  const restarting = new Set(restart);
  const reapply = new Map<string, { name: string; import: boolean; export: boolean }>();
  const mark = (name: string, what: 'import' | 'export'): void => {
    if (restarting.has(name)) return;
    const entry = reapply.get(name) ?? { name, import: false, export: false };
    entry[what] = true;
    reapply.set(name, entry);
  };
  for (const name of n.importChanged) mark(name, 'import');
  for (const name of n.exportChanged) mark(name, 'export');
  for (const name of n.changed) {
    if (restarting.has(name)) continue;
    for (const key of n.changedKeys[name] ?? []) {
      const top = topKey(key);
      if (SESSION_ONLY_KEYS.has(top)) continue;
      mark(name, IMPORT_KEYS.has(top) ? 'import' : 'export');
    }
  }
  return {
    plan: {
      add: n.added,
      remove: n.removed,
      restart,
      reapply: [...reapply.values()],
      retune: n.changed.filter((name) => !restarting.has(name)),
      logLevel: diff.global.includes('log.level') ? after.log.level : null,
      staticRoutes: diff.originate.includes('static'),
    },
  };
}

function topKey(key: string): string {
  return key.split('.')[0] ?? key;
}

export interface ReloadTarget {
  fileName: string;
  current(): NecodConfig;
  /** Makes the new configuration the current one, once it is applied. */
  commit(config: NecodConfig): void;
  engine: RouteEngine;
  neighbors: NeighborSet;
  origins: Origins;
  setLogLevel(level: LogLevel): void;
  logger: Logger;
}

/** Reads, checks and applies the configuration file; logs the outcome as well as returning it. */
export async function reloadConfig(t: ReloadTarget): Promise<ReloadOutcome> {
  const check = await checkConfigFile(t.fileName);
  if (!check.ok) {
    t.logger.error({ errors: check.errorLines }, 'configuration reload refused: the file has errors; nothing changed');
    return { ok: false, errors: check.errorLines };
  }
  const after = check.config;
  const diff = diffConfig(t.current(), after);
  const planned = planReload(diff, after);
  if ('refused' in planned) {
    t.logger.error({ errors: planned.refused }, 'configuration reload refused; nothing changed');
    return { ok: false, errors: planned.refused };
  }
  const { plan } = planned;
  const notes: string[] = [];
  t.engine.reconfigure(after);
  if (plan.logLevel !== null) t.setLogLevel(plan.logLevel);
  await Promise.all(plan.remove.map((name) => t.neighbors.remove(name)));
  for (const name of plan.restart) {
    const n = after.neighbors.find((c) => c.name === name);
    if (n) await t.neighbors.replace(after, n);
  }
  for (const name of plan.retune) {
    const n = after.neighbors.find((c) => c.name === name);
    if (n) t.neighbors.retune(after, n);
  }
  for (const r of plan.reapply) {
    const routes = t.engine.routesOf(r.name);
    if (!routes || routes.reapply(r)) continue;
    // Without route refresh the neighbor cannot be asked again: only a new session filters its routes anew.
    notes.push(`${r.name}: route refresh not negotiated, session reset to apply the new import settings`);
    t.neighbors.get(r.name)?.reset('import settings changed (configuration reload)');
  }
  for (const name of plan.add) {
    const n = after.neighbors.find((c) => c.name === name);
    if (n) t.neighbors.addConfigured(after, n);
  }
  if (plan.staticRoutes) t.origins.setStatic(after.originate.static);
  t.commit(after);
  t.engine.changed();
  t.logger.info({ ...plan, notes }, diff.changed ? 'configuration reloaded' : 'configuration reloaded: nothing changed');
  return { ok: true, changed: diff.changed, plan, notes };
}

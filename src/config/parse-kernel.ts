/** Reads `kernel:`, how necod writes the routes it learned into the kernel. */
import { describeTable, kernelProtocol, kernelTable } from './kernel-ids.js';
import type { MappingReader } from './mapping-reader.js';
import type { KernelConfig, KernelTableId, KernelWriterMode, NexthopGroupsMode } from './types.js';
import { boolean, integerIn, oneOf, uint32, type ValueCheck } from './value-checks.js';
import {
  DEFAULT_COALESCE_MS,
  DEFAULT_KERNEL_WRITERS,
  DEFAULT_KERNEL_METRIC,
  DEFAULT_KERNEL_PROTOCOL,
  DEFAULT_KERNEL_TABLE,
  MAX_COALESCE_MS,
  MAX_ECMP,
  MAX_KERNEL_WRITERS,
  RT_TABLE_LOCAL,
} from './defaults.js';

export const KERNEL_KEYS = [
  'table',
  'metric',
  'protocol',
  'nexthop-groups',
  'ecmp-max',
  'keep-on-stop',
  'coalesce-ms',
  'writers',
  'writer',
  'export',
] as const;

const NEXTHOP_GROUP_MODES: readonly NexthopGroupsMode[] = ['auto', 'on', 'off'];
const WRITER_MODES: readonly KernelWriterMode[] = ['auto', 'netlink', 'ip'];

/** The local table holds the kernel's own local and broadcast routes; nothing else belongs there. */
export function notLocalTable(use: string): ValueCheck<KernelTableId> {
  return {
    expected: kernelTable.expected,
    check: (value) => {
      const table = kernelTable.check(value);
      if (table.ok && table.value === RT_TABLE_LOCAL) {
        const message = `${describeTable(RT_TABLE_LOCAL)} holds the kernel's local and broadcast routes; ${use}`;
        return { ok: false, message };
      }
      return table;
    },
  };
}

/** `maxPaths` (decision.max-paths, when valid) is the default of ecmp-max. */
export function readKernel(top: MappingReader, maxPaths: number | undefined): KernelConfig | undefined {
  const block = top.mapping('kernel', KERNEL_KEYS);
  if (block === undefined) return undefined;
  const optional = <T, D>(key: string, check: ValueCheck<T>, fallback: D): T | D | undefined =>
    block === null ? fallback : block.optional(key, check, fallback);
  const table = optional('table', notLocalTable('necod does not write there'), DEFAULT_KERNEL_TABLE);
  const metric = optional('metric', uint32, DEFAULT_KERNEL_METRIC);
  const protocol = optional('protocol', kernelProtocol, DEFAULT_KERNEL_PROTOCOL);
  const nexthopGroups = optional('nexthop-groups', oneOf(NEXTHOP_GROUP_MODES), 'auto');
  const ecmpMax = optional('ecmp-max', integerIn(1, MAX_ECMP), maxPaths ?? null);
  const keepOnStop = optional('keep-on-stop', boolean, false);
  const coalesceMs = optional('coalesce-ms', integerIn(0, MAX_COALESCE_MS), DEFAULT_COALESCE_MS);
  const writers = optional('writers', integerIn(1, MAX_KERNEL_WRITERS), DEFAULT_KERNEL_WRITERS);
  const writer = optional('writer', oneOf(WRITER_MODES), 'auto');
  const exported = optional('export', boolean, true);
  if (
    table === undefined ||
    metric === undefined ||
    protocol === undefined ||
    nexthopGroups === undefined ||
    ecmpMax === undefined ||
    ecmpMax === null ||
    keepOnStop === undefined ||
    coalesceMs === undefined ||
    writers === undefined ||
    writer === undefined ||
    exported === undefined
  ) {
    return undefined;
  }
  return { table, metric, protocol, nexthopGroups, ecmpMax, keepOnStop, coalesceMs, writers, writer, export: exported };
}

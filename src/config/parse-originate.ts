/**
 * Reads `originate:`, the routes necod announces as its own: interface addresses, static routes
 * and the routes of kernel tables (a CNI's pod routes).
 */
import { isMap } from 'yaml';
import { FirstUse, type Place } from './first-use.js';
import { DEFAULT_IGNORE_PROTOCOLS, DEFAULT_SCAN_TIME, MAX_INTERFACE_PATTERN_BYTES, MAX_SCAN_TIME } from './defaults.js';
import { describeTable, routeProtocol } from './kernel-ids.js';
import type { ConfigReader, MappingReader } from './mapping-reader.js';
import { notLocalTable } from './parse-kernel.js';
import { readStaticRoutes } from './parse-static-routes.js';
import { FAMILIES, readFamilies } from './read-families.js';
import type {
  InterfaceOriginConfig,
  InterfaceOriginMode,
  KernelTableId,
  KernelTableOriginConfig,
  OriginateConfig,
} from './types.js';
import { accept, boolean, integerIn, interfaceName, mismatch, oneOf, reject, type ValueCheck } from './value-checks.js';
import type { Located } from './yaml-file.js';

export const ORIGINATE_KEYS = ['interfaces', 'static', 'kernel-tables'] as const;
export const INTERFACE_ORIGIN_KEYS = ['name', 'mode', 'require-up', 'families'] as const;
export const KERNEL_TABLE_ORIGIN_KEYS = ['table', 'families', 'ignore-protocols', 'scan-time'] as const;

const INTERFACE_MODES: readonly InterfaceOriginMode[] = ['host', 'subnet'];
const readableTable = notLocalTable('advertising it would announce every address of this machine');

const PATTERN_EXPECTED = 'an interface name such as eth0, or a pattern such as "eth*" or "cali?"';

/** A pattern matches names; it only has to keep to the characters an interface name may have. */
const interfacePattern: ValueCheck<string> = {
  expected: PATTERN_EXPECTED,
  check: (value) => {
    if (typeof value !== 'string' || !/^[^\s/:]+$/.test(value) || value === '.' || value === '..') {
      return mismatch(PATTERN_EXPECTED, value);
    }
    if (!/[*?]/.test(value)) return interfaceName.check(value);
    const bytes = Buffer.byteLength(value);
    if (bytes > MAX_INTERFACE_PATTERN_BYTES) {
      return reject(`the pattern is ${bytes} bytes long; at most ${MAX_INTERFACE_PATTERN_BYTES} are allowed`);
    }
    return accept(value);
  },
};

/** `writtenTable` is kernel.table when valid: reading it back would announce what necod learned. */
export function readOriginate(
  reader: ConfigReader,
  top: MappingReader,
  writtenTable: KernelTableId | undefined,
): OriginateConfig | undefined {
  const block = top.mapping('originate', ORIGINATE_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return { interfaces: [], static: [], kernelTables: [] };
  const interfaces = readInterfaces(reader, block);
  const statics = readStaticRoutes(reader, block);
  const kernelTables = readKernelTables(reader, block, writtenTable);
  if (interfaces === undefined || statics === undefined || kernelTables === undefined) return undefined;
  return { interfaces, static: statics, kernelTables };
}

function readInterfaces(reader: ConfigReader, block: MappingReader): InterfaceOriginConfig[] | undefined {
  const items = block.list('interfaces', 'interfaces, each a name or {name: ..., mode: host|subnet, ...}');
  if (items === undefined) return undefined;
  const names = new FirstUse(reader);
  const entries = (items ?? []).map((item) => {
    const entry = readInterface(reader, item);
    if (entry === undefined) return undefined;
    const twice = (first: Place) => `${entry.config.name} is listed twice (first at line ${first.line})`;
    return names.claim(entry.config.name, entry.at, twice) ? entry.config : undefined;
  });
  return entries.every((entry) => entry !== undefined) ? entries : undefined;
}

/** An entry as read, with where its identity (the name or table) is written. */
interface Read<T> {
  config: T;
  at: Located;
}

/** A plain name takes the default mode, as most servers need nothing else. */
function readInterface(reader: ConfigReader, item: Located): Read<InterfaceOriginConfig> | undefined {
  if (!isMap(reader.file.resolve(item.node))) {
    const name = reader.value(item, interfacePattern);
    if (name === undefined) return undefined;
    return { config: { name, mode: 'host', requireUp: true, families: [...FAMILIES] }, at: item };
  }
  const entry = reader.mapping(item, INTERFACE_ORIGIN_KEYS);
  if (entry === null) return undefined;
  const name = entry.required('name', interfacePattern);
  const mode = entry.optional('mode', oneOf(INTERFACE_MODES), 'host');
  const requireUp = entry.optional('require-up', boolean, true);
  const families = readFamilies(reader, entry);
  if (name === undefined || mode === undefined || requireUp === undefined || families === undefined) return undefined;
  return {
    config: { name, mode, requireUp, families: families ?? [...FAMILIES] },
    at: { node: null, path: entry.pathOf('name'), line: entry.lineOf('name') },
  };
}

function readKernelTables(
  reader: ConfigReader,
  block: MappingReader,
  writtenTable: KernelTableId | undefined,
): KernelTableOriginConfig[] | undefined {
  const items = block.list('kernel-tables', 'kernel tables, each a table or {table: ..., families: [...]}');
  if (items === undefined) return undefined;
  const tables = new FirstUse(reader);
  const entries = (items ?? []).map((item) => {
    const entry = readKernelTable(reader, item);
    if (entry === undefined) return undefined;
    const { table } = entry.config;
    if (table === writtenTable) {
      reader.error(
        entry.at.path,
        entry.at.line,
        `necod writes the routes it learns into table ${describeTable(table)} (kernel.table), ` +
          'so it cannot announce that table as its own',
      );
      return undefined;
    }
    const twice = (first: Place) => `table ${describeTable(table)} is listed twice (first at line ${first.line})`;
    return tables.claim(String(table), entry.at, twice) ? entry.config : undefined;
  });
  return entries.every((entry) => entry !== undefined) ? entries : undefined;
}

function readKernelTable(reader: ConfigReader, item: Located): Read<KernelTableOriginConfig> | undefined {
  const defaults = {
    families: [...FAMILIES],
    ignoreProtocols: [...DEFAULT_IGNORE_PROTOCOLS],
    scanTime: DEFAULT_SCAN_TIME,
  };
  if (!isMap(reader.file.resolve(item.node))) {
    const table = reader.value(item, readableTable);
    return table === undefined ? undefined : { config: { table, ...defaults }, at: item };
  }
  const entry = reader.mapping(item, KERNEL_TABLE_ORIGIN_KEYS);
  if (entry === null) return undefined;
  const table = entry.required('table', readableTable);
  const families = readFamilies(reader, entry);
  const ignoreProtocols = entry.valueList('ignore-protocols', routeProtocol, {
    expected: 'protocols such as kernel or 186',
    show: String,
  });
  const scanTime = entry.optional('scan-time', integerIn(0, MAX_SCAN_TIME), DEFAULT_SCAN_TIME);
  if (table === undefined || families === undefined || ignoreProtocols === undefined || scanTime === undefined) {
    return undefined;
  }
  return {
    config: {
      table,
      families: families ?? defaults.families,
      ignoreProtocols: ignoreProtocols ?? defaults.ignoreProtocols,
      scanTime,
    },
    at: { node: null, path: entry.pathOf('table'), line: entry.lineOf('table') },
  };
}

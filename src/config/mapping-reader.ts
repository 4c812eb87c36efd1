/**
 * Reads one YAML mapping of the configuration: checks its keys against the known ones, merges
 * `<<: *anchor` entries, and hands out values with their key path and line. Every problem is
 * recorded in the shared error list and reading goes on, so that one run reports all errors.
 */
import { isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import { describeValue } from './describe-value.js';
import { nearestKey } from './nearest-key.js';
import type { ConfigError } from './types.js';
import type { ValueCheck } from './value-checks.js';
import type { Located, YamlFile } from './yaml-file.js';

export interface Entry {
  key: string;
  keyLine: number;
  value: Located;
}

export interface ValueListOptions<T> {
  /** What the items are, for "expected a list of ...". */
  expected: string;
  /** Text that identifies an item, for telling duplicates apart and naming them. */
  show: (value: T) => string;
  /** Refuse an empty list with this message; undefined accepts it. */
  emptyMessage?: string;
  /** Called for each accepted item, with where it is written. */
  each?: (value: T, at: Located) => void;
}

export class ConfigReader {
  readonly errors: ConfigError[] = [];

  constructor(readonly file: YamlFile) {}

  error(path: string, line: number, message: string): void {
    this.errors.push({ path, line, message });
  }

  /** A mapping with exactly the keys in `known`, or null (error recorded) when `at` is not one. */
  mapping(at: Located, known: readonly string[]): MappingReader | null {
    const node = this.file.resolve(at.node);
    if (!isMap(node)) {
      this.error(at.path, at.line, `expected a mapping of ${known.join(', ')}, got ${describeNode(node)}`);
      return null;
    }
    const entries = new Map<string, Entry>();
    this.collectEntries(node, at, entries, new Set());
    let unknownKeys = 0;
    for (const entry of entries.values()) {
      if (!known.includes(entry.key)) {
        unknownKeys++;
        const suggestion = nearestKey(entry.key, known);
        const hint = suggestion === null ? `known keys: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
        this.error(entry.value.path, entry.keyLine, `unknown key "${entry.key}" (${hint})`);
        entries.delete(entry.key);
      }
    }
    return new MappingReader(this, at, entries, unknownKeys);
  }

  /**
   * A mapping whose keys are names the file chooses (such as policy names), in file order; null
   * (error recorded) when `at` is not a mapping.
   */
  namedEntries(at: Located, expected: string): Entry[] | null {
    const node = this.file.resolve(at.node);
    if (!isMap(node)) {
      this.error(at.path, at.line, `expected a mapping of ${expected}, got ${describeNode(node)}`);
      return null;
    }
    const entries = new Map<string, Entry>();
    this.collectEntries(node, at, entries, new Set());
    return [...entries.values()];
  }

  /** The items of a list, or null (error recorded) when `at` is not one. */
  list(at: Located, expected: string): Located[] | null {
    const node = this.file.resolve(at.node);
    if (!isSeq(node)) {
      this.error(at.path, at.line, `expected a list of ${expected}, got ${describeNode(node)}`);
      return null;
    }
    return node.items.map((item, index) => {
      const resolved = this.file.resolve(item);
      return { node: resolved, path: `${at.path}[${index}]`, line: this.file.lineOf(item, at.line) };
    });
  }

  /** The value at `at` if `check` accepts it, else undefined with the error recorded. */
  value<T>(at: Located, check: ValueCheck<T>): T | undefined {
    const node = this.file.resolve(at.node);
    if (node !== null && !isScalar(node)) {
      this.error(at.path, at.line, `expected ${check.expected}, got ${describeNode(node)}`);
      return undefined;
    }
    const result = check.check(node === null ? null : node.value);
    if (result.ok) return result.value;
    this.error(at.path, at.line, result.message);
    return undefined;
  }

  /** `seen` holds the mappings already read, which ends an alias cycle and tells merged entries apart. */
  private collectEntries(node: ParsedNode, at: Located, into: Map<string, Entry>, seen: Set<ParsedNode>): void {
    if (!isMap(node) || seen.has(node)) return;
    const merged = seen.size > 0;
    seen.add(node);
    const mergeSources: ParsedNode[] = [];
    for (const pair of node.items) {
      const keyNode = this.file.resolve(pair.key);
      const keyLine = this.file.lineOf(pair.key, at.line);
      const keyValue = isScalar(keyNode) ? keyNode.value : undefined;
      if (typeof keyValue === 'symbol') {
        // `<<: *anchor` or `<<: [*a, *b]`: the merged keys give way to keys written here.
        const source = this.file.resolve(pair.value);
        const sources = isSeq(source) ? source.items.map((item) => this.file.resolve(item)) : [source];
        for (const mergeSource of sources) {
          if (isMap(mergeSource)) mergeSources.push(mergeSource);
          else this.error(at.path, keyLine, `"<<" merges mappings only, got ${describeNode(mergeSource)}`);
        }
        continue;
      }
      if (typeof keyValue !== 'string') {
        this.error(at.path, keyLine, `keys must be names, got ${describeNode(keyNode)}`);
        continue;
      }
      const path = at.path === '' ? keyValue : `${at.path}.${keyValue}`;
      const value: Located = { node: pair.value, path, line: this.file.lineOf(pair.value, keyLine) };
      const earlier = into.get(keyValue);
      if (earlier !== undefined) {
        if (!merged) this.error(path, keyLine, `duplicate key "${keyValue}" (first given at line ${earlier.keyLine})`);
        continue;
      }
      into.set(keyValue, { key: keyValue, keyLine, value });
    }
    for (const source of mergeSources) this.collectEntries(source, at, into, seen);
  }
}

export class MappingReader {
  /** Keys whose value was given but rejected: cross-field checks skip them. */
  private readonly invalid = new Set<string>();

  constructor(
    private readonly reader: ConfigReader,
    readonly at: Located,
    private readonly entries: ReadonlyMap<string, Entry>,
    /** How many keys were refused as unknown (and reported). */
    readonly unknownKeys = 0,
  ) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** True when `key` is absent or was accepted. */
  valid(key: string): boolean {
    return !this.invalid.has(key);
  }

  /** Where `key`'s value is, or undefined when the key is absent. */
  get(key: string): Located | undefined {
    return this.entries.get(key)?.value;
  }

  /** The line of `key` if given, else of the mapping itself. */
  lineOf(key: string): number {
    return this.entries.get(key)?.value.line ?? this.at.line;
  }

  pathOf(key: string): string {
    return this.at.path === '' ? key : `${this.at.path}.${key}`;
  }

  /** The value of a key that must be given; undefined (error recorded) when missing or invalid. */
  required<T>(key: string, check: ValueCheck<T>): T | undefined {
    const at = this.get(key);
    if (at === undefined) {
      this.reader.error(this.pathOf(key), this.at.line, `missing required key "${key}" (${check.expected})`);
      this.invalid.add(key);
      return undefined;
    }
    return this.read(key, at, check);
  }

  /** The value of `key`, `fallback` when it is absent; undefined (error recorded) when invalid. */
  optional<T, D>(key: string, check: ValueCheck<T>, fallback: D): T | D | undefined {
    const at = this.get(key);
    return at === undefined ? fallback : this.read(key, at, check);
  }

  /** A nested mapping: null when absent, undefined (error recorded) when not a mapping. */
  mapping(key: string, known: readonly string[]): MappingReader | null | undefined {
    const at = this.get(key);
    if (at === undefined) return null;
    const nested = this.reader.mapping(at, known);
    if (nested === null) {
      this.invalid.add(key);
      return undefined;
    }
    return nested;
  }

  /**
   * A nested mapping of chosen names (see ConfigReader.namedEntries): null when absent, undefined
   * (error recorded) when not a mapping.
   */
  namedEntries(key: string, expected: string): Entry[] | null | undefined {
    const at = this.get(key);
    if (at === undefined) return null;
    const entries = this.reader.namedEntries(at, expected);
    if (entries === null) {
      this.invalid.add(key);
      return undefined;
    }
    return entries;
  }

  /** A nested list: null when absent, undefined (error recorded) when not a list. */
  list(key: string, expected: string): Located[] | null | undefined {
    const at = this.get(key);
    if (at === undefined) return null;
    const items = this.reader.list(at, expected);
    if (items === null) {
      this.invalid.add(key);
      return undefined;
    }
    return items;
  }

  /**
   * A list of single values: null when absent, undefined (errors recorded) when it is not a list,
   * an item is invalid, or an item is listed twice.
   */
  valueList<T>(key: string, check: ValueCheck<T>, options: ValueListOptions<T>): T[] | null | undefined {
    const items = this.list(key, options.expected);
    if (items === null || items === undefined) return items;
    if (items.length === 0 && options.emptyMessage !== undefined) {
      this.reject(key, options.emptyMessage);
      return undefined;
    }
    const values: T[] = [];
    const seen = new Map<string, number>();
    let valid = true;
    for (const item of items) {
      const value = this.reader.value(item, check);
      if (value === undefined) {
        valid = false;
        continue;
      }
      const shown = options.show(value);
      const earlier = seen.get(shown);
      if (earlier !== undefined) {
        this.reader.error(item.path, item.line, `${shown} is listed twice (first at line ${earlier})`);
        valid = false;
        continue;
      }
      seen.set(shown, item.line);
      values.push(value);
      options.each?.(value, item);
    }
    if (!valid) this.invalid.add(key);
    return valid ? values : undefined;
  }

  /** Records an error about the mapping as a whole, on its own path and line. */
  fail(message: string): void {
    this.reader.error(this.at.path, this.at.line, message);
  }

  /** Records an error on `key`'s line and marks it invalid. */
  reject(key: string, message: string): void {
    this.reader.error(this.pathOf(key), this.lineOf(key), message);
    this.invalid.add(key);
  }

  private read<T>(key: string, at: Located, check: ValueCheck<T>): T | undefined {
    const value = this.reader.value(at, check);
    if (value === undefined) this.invalid.add(key);
    return value;
  }
}

export function describeNode(node: ParsedNode | null): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return describeValue(isScalar(node) ? node.value : null);
}

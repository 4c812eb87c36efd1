/**
 * A parsed YAML file that still knows where every node came from, so that each configuration
 * error can name its line.
 */
import {
  isAlias,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type ParsedNode,
  type YAMLError,
} from 'yaml';
import type { ConfigError } from './types.js';

/** A value node together with its key path and line, the unit every error is reported on. */
export interface Located {
  /** null for a key written without a value. */
  node: ParsedNode | null;
  path: string;
  line: number;
}

export class YamlFile {
  private constructor(
    private readonly document: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; YAML syntax errors come back as configuration errors on their line. */
  static parse(text: string): { ok: true; file: YamlFile } | { ok: false; errors: ConfigError[] } {
    const lines = new LineCounter();
    // Duplicate keys are found later with a better message; `<<` merges let neighbors share
    // settings the way BIRD templates do.
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true });
    const problems = [...document.errors, ...document.warnings];
    if (problems.length === 0) return { ok: true, file: new YamlFile(document, lines) };
    return {
      ok: false,
      errors: problems.map((problem) => {
        const line = lineAt(lines, problemStart(document, problem));
        const hint = unquotedAddressHint(text.split('\n')[line - 1] ?? '');
        return { path: '', line, message: `YAML: ${yamlMessage(problem.code, problem.message)}${hint}` };
      }),
    };
  }

  get root(): ParsedNode | null {
    return this.document.contents;
  }

  /** Follows an alias (`*name`) to the node it names. */
  resolve(node: ParsedNode | null): ParsedNode | null {
    if (node === null || !isAlias(node)) return node;
    // Parsed documents only ever hold parsed nodes, which the yaml types do not say.
    return (node.resolve(this.document) as ParsedNode | undefined) ?? null;
  }

  /** 1-based line where `node` starts; `fallback` for a node without a position. */
  lineOf(node: Node | null, fallback: number): number {
    const start = node?.range?.[0];
    return start === undefined ? fallback : lineAt(this.lines, start);
  }
}

function lineAt(lines: LineCounter, offset: number): number {
  return Math.max(1, lines.linePos(offset).line);
}

/**
 * An unclosed quote is reported where the file ends; the engineer needs the line where the
 * quote was opened.
 */
function problemStart(document: Document.Parsed, problem: YAMLError): number {
  const [start] = problem.pos;
  if (problem.code !== 'MISSING_CHAR' || !problem.message.includes('quote')) return start;
  let opened = start;
  visit(document, {
    Scalar(_key, node) {
      const range = node.range;
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && range && range[1] === start) opened = range[0];
    },
  });
  return opened;
}

/**
 * `address: ::` or `address: 2001:db8::` is the classic trap: YAML reads the final colon as
 * the start of a nested mapping and reports something unrelated to addresses.
 */
function unquotedAddressHint(lineText: string): string {
  const address = /:\s+([0-9A-Fa-f]*:[0-9A-Fa-f:]*:)\s*(?:[,}\]#]|$)/.exec(lineText)?.[1];
  return address === undefined ? '' : ` (an IPv6 address ending in ":" must be quoted: "${address}")`;
}

function yamlMessage(code: string, message: string): string {
  if (code === 'MISSING_CHAR' && message.includes('quote')) {
    return 'the quoted string that starts on this line is never closed';
  }
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document (a second "---"); necod reads one';
  return message;
}

/** Plain-text tables and key: value blocks for terminal output. */

/** Columns padded to their widest cell, two spaces apart, no trailing blanks. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** A line `key: value`, or a titled group of such lines indented one level deeper. */
export type BlockLine = readonly [key: string, value: string] | { title: string; lines: readonly BlockLine[] };

/** Lines `key: value` with the values of one level aligned. */
export function renderBlock(lines: readonly BlockLine[], indent = '  '): string {
  const keyWidth = Math.max(0, ...lines.map((line) => (isGroup(line) ? 0 : line[0].length + 1)));
  return lines
    .map((line) => {
      if (isGroup(line)) return `${indent}${line.title}:\n${renderBlock(line.lines, `${indent}  `)}`;
      const [key, value] = line;
      return `${indent}${`${key}:`.padEnd(keyWidth)} ${value}`.trimEnd() + '\n';
    })
    .join('');
}

function isGroup(line: BlockLine): line is { title: string; lines: readonly BlockLine[] } {
  return 'title' in line;
}

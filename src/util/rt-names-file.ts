// The "NUMBER NAME" files of iproute2 (rt_tables, rt_protos and their .d/*.conf drop-ins).
// `#` starts a comment; later lines win, as in iproute2; numbers may be hexadecimal.

export function parseRtNames(text: string, into: Map<string, number> = new Map()): Map<string, number> {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [num, name] = line.split(/\s+/);
    if (num === undefined || name === undefined || !/^(0x[0-9a-fA-F]+|\d+)$/.test(num)) continue;
    into.set(name, Number(num));
  }
  return into;
}

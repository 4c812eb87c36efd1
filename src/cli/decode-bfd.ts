// `necod-cli decode --bfd`: one BFD control packet (the UDP payload) as hex per line, one JSON
// object out with the keys of docs/decode-json.md. Never throws.
import { fromHex } from '../bgp/wire/index.js';
import { controlToJson } from '../bfd/packet.js';

export function decodeBfdHexLine(line: string): Record<string, unknown> {
  const bytes = fromHex(line.trim());
  if (!bytes) return { outcome: 'invalid-input', error: 'not a hex string' };
  if (bytes.length === 0) return { outcome: 'invalid-input', error: 'empty line' };
  const json = controlToJson(bytes);
  const length = bytes[3] ?? bytes.length;
  if (json.outcome === 'ok' && bytes.length > length) json.trailing_bytes = bytes.length - length;
  return json;
}

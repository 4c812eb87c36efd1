// `necod-cli decode`: BGP messages as hex in, one JSON object per message out.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { decodeMessage, decodeResultToJSON, fromHex, makeContext, type CodecContext } from '../bgp/wire/index.js';
import { decodeBfdHexLine } from './decode-bfd.js';

export interface DecodeOptions {
  hex?: string;
  as4?: boolean;
  addpath?: string;
  extendedMessage?: boolean;
  /** BFD control packets instead of BGP messages. */
  bfd?: boolean;
}

/** Parses `--addpath ipv4,ipv6`; throws with a message naming the bad value. */
export function parseAddPathFamilies(text: string | undefined): { ipv4: boolean; ipv6: boolean } {
  const out = { ipv4: false, ipv6: false };
  if (!text) return out;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part !== 'ipv4' && part !== 'ipv6') throw new Error(`--addpath: unknown family "${part}" (expected ipv4, ipv6)`);
    out[part] = true;
  }
  return out;
}

/** Decodes one line of hex; never throws. */
export function decodeHexLine(line: string, ctx: CodecContext): Record<string, unknown> {
  const bytes = fromHex(line.trim());
  if (!bytes) return { type: null, outcome: 'invalid-input', error: 'not a hex string' };
  if (bytes.length === 0) return { type: null, outcome: 'invalid-input', error: 'empty line' };
  const result = decodeMessage(bytes, ctx);
  const json = decodeResultToJSON(result);
  const used = result.outcome === 'incomplete' ? null : result.length;
  if (used !== null && bytes.length > used) json.trailing_bytes = bytes.length - used;
  return json;
}

export async function runDecode(opts: DecodeOptions, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  const ctx = makeContext({ as4: opts.as4 === true, addPath: parseAddPathFamilies(opts.addpath), extendedMessage: opts.extendedMessage === true });
  let bad = 0;
  const emit = (line: string) => {
    const json = opts.bfd ? decodeBfdHexLine(line) : decodeHexLine(line, ctx);
    if (json.outcome === 'invalid-input') bad++;
    output.write(`${JSON.stringify(json)}\n`);
  };
  if (opts.hex !== undefined) {
    emit(opts.hex);
  } else {
    const rl = createInterface({ input, crlfDelay: Infinity });
    for await (const line of rl) if (line.trim() !== '' && !line.trimStart().startsWith('#')) emit(line);
  }
  return bad ? 1 : 0;
}

export function registerDecodeCommand(program: Command): void {
  program
    .command('decode')
    .description('decode BGP messages given as hex (one whole message, marker included, per line on stdin) into JSON lines')
    .option('--hex <hex>', 'decode this message instead of reading stdin')
    .option('--as4', 'the session negotiated 4-octet AS numbers (RFC 6793)')
    .option('--addpath <families>', 'families whose NLRI carry ADD-PATH path identifiers, e.g. ipv4,ipv6')
    .option('--extended-message', 'the session negotiated extended messages (RFC 8654)')
    .option('--bfd', 'decode BFD control packets (UDP payloads, RFC 5880 §4.1) instead')
    .action(async (opts: DecodeOptions) => {
      try {
        process.exitCode = await runDecode(opts, process.stdin, process.stdout);
      } catch (err) {
        process.stderr.write(`necod-cli decode: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}

// Seed messages for the fuzzer: real captures from proto-fixtures/fixtures/*.json (each file:
// { messages: [{ hex, context: { as4, addpath: { ipv4, ipv6 }, extended_message } }] }) and
// messages the codec encodes from the property-test arbitraries. The fixtures directory may be
// missing, empty or half-written; whatever cannot be read is skipped and counted.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { encodeMessage, fromHex, makeContext, type CodecContext } from '../../src/bgp/wire/index.js';
import { contextualMessageArb } from './message-arbitraries.js';

export interface FuzzSeed {
  bytes: Uint8Array;
  ctx: CodecContext;
  /** Where it came from: "file.json#3" or "generated#17". */
  source: string;
}

export interface FixtureSeeds {
  seeds: FuzzSeed[];
  /** Files or entries that could not be read, with the reason. */
  skipped: string[];
}

/** proto-fixtures/fixtures of the repository this module sits in (from bench/fuzz or dist/bench/fuzz). */
export function defaultFixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    if (existsSync(join(dir, 'proto-fixtures'))) return join(dir, 'proto-fixtures', 'fixtures');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'proto-fixtures', 'fixtures');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The fixture context, with anything missing taken as not negotiated. */
function contextOf(raw: unknown): CodecContext {
  const c = isRecord(raw) ? raw : {};
  const addpath = isRecord(c.addpath) ? c.addpath : {};
  return makeContext({
    as4: c.as4 === true,
    addPath: { ipv4: addpath.ipv4 === true, ipv6: addpath.ipv6 === true },
    extendedMessage: c.extended_message === true,
  });
}

export function fixtureSeeds(dir = defaultFixturesDir()): FixtureSeeds {
  const seeds: FuzzSeed[] = [];
  const skipped: string[] = [];
  if (!existsSync(dir)) return { seeds, skipped };
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    const messages = isRecord(doc) && Array.isArray(doc.messages) ? doc.messages : null;
    if (!messages) {
      skipped.push(`${name}: no messages array`);
      continue;
    }
    messages.forEach((m: unknown, i) => {
      const bytes = isRecord(m) && typeof m.hex === 'string' ? fromHex(m.hex) : null;
      if (!bytes || bytes.length === 0) {
        skipped.push(`${name}#${i}: no hex`);
        return;
      }
      seeds.push({ bytes, ctx: contextOf(isRecord(m) ? m.context : undefined), source: `${name}#${i}` });
    });
  }
  return { seeds, skipped };
}

/** `count` messages encoded from the property arbitraries, the same for the same `seed`. */
export function generatedSeeds(count: number, seed: number): FuzzSeed[] {
  if (count <= 0) return [];
  return fc.sample(contextualMessageArb, { numRuns: count, seed }).map(({ ctx, message }, i) => ({
    bytes: encodeMessage(message, ctx),
    ctx,
    source: `generated#${i}`,
  }));
}

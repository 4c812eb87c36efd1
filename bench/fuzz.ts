// Mutation fuzzer for the BGP wire codec.
//
//   npm run build
//   node dist/bench/fuzz.js --count 1000000 --seed 7          a campaign
//   node dist/bench/fuzz.js --seed 7 --index 123456           replays one mutation
//   node dist/bench/fuzz.js --hex ffff…  [--as4] [--addpath-ipv4] [--addpath-ipv6] [--extended]
//
// Seeds are the captures in proto-fixtures/fixtures/*.json plus --generated N messages encoded
// from the property-test arbitraries (default 300, themselves seeded by --seed). A replay needs
// the same --seed, --generated and fixtures. Exits 1 when an invariant failed.
import { parseArgs } from 'node:util';
import { decodeMessage, decodeResultToJSON, fromHex, makeContext, toHex, type CodecContext } from '../src/bgp/wire/index.js';
import { mutationAt, runCampaign, type CampaignResult, type Failure } from './fuzz/campaign.js';
import { checkMessage } from './fuzz/check.js';
import { fixtureSeeds, generatedSeeds, type FuzzSeed } from './fuzz/seeds.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    generated: { type: 'string', default: '300' },
    index: { type: 'string' },
    hex: { type: 'string' },
    as4: { type: 'boolean', default: false },
    'addpath-ipv4': { type: 'boolean', default: false },
    'addpath-ipv6': { type: 'boolean', default: false },
    extended: { type: 'boolean', default: false },
    'max-failures': { type: 'string', default: '20' },
  },
});

function integer(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, not ${text}`);
    process.exit(2);
  }
  return n;
}

function contextText(ctx: CodecContext): string {
  const flags = [ctx.as4 && '--as4', ctx.addPath.ipv4 && '--addpath-ipv4', ctx.addPath.ipv6 && '--addpath-ipv6', ctx.extendedMessage && '--extended'];
  return flags.filter(Boolean).join(' ');
}

function printFailure(f: Failure, replay: string): void {
  console.log(`FAIL ${f.failure}`);
  console.log(`  seed message ${f.source}, mutators ${f.steps.join(' + ') || '(none)'}`);
  console.log(`  replay: ${f.index >= 0 ? `${replay} --index ${f.index}` : `node dist/bench/fuzz.js --hex ${f.hex} ${contextText(f.ctx)}`}`);
  console.log(`  hex: ${f.hex}`);
}

/** Checks one input and prints its decode result, for replays. */
function checkOne(bytes: Uint8Array, ctx: CodecContext, sentinel?: number): boolean {
  const verdict = checkMessage(bytes, ctx, sentinel);
  console.log(`hex: ${toHex(bytes)}`);
  console.log(`context: ${JSON.stringify(ctx)}`);
  try {
    console.log(JSON.stringify(decodeResultToJSON(decodeMessage(bytes, ctx)), null, 2));
  } catch (err) {
    console.log(`decode threw: ${String(err)}`);
  }
  console.log(verdict.failure ? `FAIL ${verdict.failure}` : 'all invariants hold');
  return verdict.failure === null;
}

function printSummary(r: CampaignResult, seeds: number): void {
  const seconds = r.elapsedMs / 1000;
  console.log(`${r.mutations} mutations of ${seeds} seeds in ${seconds.toFixed(1)} s: ${Math.round(r.mutations / seconds)} mutations/s`);
  console.log('outcomes:');
  for (const [outcome, n] of Object.entries(r.outcomes)) console.log(`  ${outcome.padEnd(18)} ${String(n).padStart(9)}  ${((100 * n) / Math.max(1, r.mutations)).toFixed(2)}%`);
  console.log('mutators applied:');
  for (const [name, n] of Object.entries(r.steps).sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(20)} ${String(n).padStart(9)}`);
  console.log(`failures: ${r.failures.length}`);
}

function main(): number {
  const ctxFromFlags = makeContext({
    as4: values.as4,
    addPath: { ipv4: values['addpath-ipv4'], ipv6: values['addpath-ipv6'] },
    extendedMessage: values.extended,
  });
  if (values.hex !== undefined) {
    const bytes = fromHex(values.hex);
    if (!bytes) {
      console.error('--hex is not hex');
      return 2;
    }
    return checkOne(bytes, ctxFromFlags) ? 0 : 1;
  }

  const seed = integer('seed', values.seed);
  const fixtures = fixtureSeeds();
  for (const s of fixtures.skipped) console.log(`skipped fixture ${s}`);
  const seeds: FuzzSeed[] = [...fixtures.seeds, ...generatedSeeds(integer('generated', values.generated), seed)];
  console.log(`seeds: ${fixtures.seeds.length} from proto-fixtures, ${seeds.length - fixtures.seeds.length} generated`);
  const replay = `node dist/bench/fuzz.js --seed ${seed} --generated ${values.generated}`;

  if (values.index !== undefined) {
    const c = mutationAt(seeds, seed, integer('index', values.index));
    console.log(`mutation ${c.index}: seed message ${c.source}, mutators ${c.steps.join(' + ')}, sentinel 0x${c.sentinel.toString(16)}`);
    return checkOne(c.bytes, c.ctx, c.sentinel) ? 0 : 1;
  }

  const count = integer('count', values.count);
  const result = runCampaign({
    seeds,
    seed,
    count,
    maxFailures: integer('max-failures', values['max-failures']),
    progressEvery: 100000,
    onProgress: (done, r) => console.log(`  ${done} mutations, ${Math.round(done / (r.elapsedMs / 1000))}/s, ${r.failures.length} failures`),
  });
  printSummary(result, seeds.length);
  for (const f of result.failures) printFailure(f, replay);
  return result.failures.length ? 1 : 0;
}

process.exitCode = main();

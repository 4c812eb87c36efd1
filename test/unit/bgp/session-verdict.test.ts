// `decode` and a live session agree: every captured UPDATE (proto-fixtures/) and a run of fuzzed
// ones go to a real Peer over a real socket, on a session negotiated to the fixture's context,
// and what the Peer does (deliver with outcome ok / treat-as-withdraw / attribute-discard, or
// close with a NOTIFICATION) is what decodeMessage says for the same bytes and context.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, type Capability, type CodecContext } from '../../../src/bgp/wire/index.js';
import type { Peer } from '../../../src/bgp/peer.js';
import type { PeerDown } from '../../../src/bgp/peer-types.js';
import type { UpdateOutcome } from '../../../src/bgp/fsm-types.js';
import { mutationAt } from '../../../bench/fuzz/campaign.js';
import { fixtureSeeds, type FuzzSeed } from '../../../bench/fuzz/seeds.js';
import { Cleanup, RawPeer, established, passiveNecod } from './session-harness.js';
import { waitFor } from '../../support/wait.js';
import { settings } from './helpers.js';

type Verdict = { kind: 'deliver'; outcome: UpdateOutcome } | { kind: 'notification'; code: number | null; subcode: number | null };

const FUZZ_CASES = 120;
const FUZZ_SEED = 20261204;

/** What decodeMessage says the session must do with these bytes. */
function decodeVerdict(bytes: Uint8Array, ctx: CodecContext): Verdict | null {
  const r = decodeMessage(bytes, ctx);
  if (r.outcome === 'incomplete') return null;
  if (r.outcome === 'notification') return { kind: 'notification', code: r.notification.code, subcode: r.notification.subcode };
  if (r.message.type !== 'UPDATE') return null;
  return { kind: 'deliver', outcome: r.outcome };
}

const contextKey = (c: CodecContext) => `as4=${c.as4} addpath=${c.addPath.ipv4},${c.addPath.ipv6} ext=${c.extendedMessage}`;

/** One necod session negotiated to `ctx` (receive side), re-established after each NOTIFICATION. */
class VerdictSession {
  private raw: RawPeer | null = null;
  private constructor(
    private readonly cleanup: Cleanup,
    private readonly peer: Peer,
    private readonly port: number,
    private readonly ctx: CodecContext,
  ) {}

  static async open(cleanup: Cleanup, ctx: CodecContext): Promise<VerdictSession> {
    const s = settings({
      holdTime: 3,
      capabilities: {
        ...settings().capabilities,
        fourOctetAs: ctx.as4,
        addPath: { ...(ctx.addPath.ipv4 ? { ipv4: 'receive' as const } : {}), ...(ctx.addPath.ipv6 ? { ipv6: 'receive' as const } : {}) },
        extendedMessage: ctx.extendedMessage,
      },
    });
    const { peer, port } = await passiveNecod(cleanup, { session: s, timing: { connectRetryMs: 300, idleHoldMs: 20, idleHoldMaxMs: 20 } });
    return new VerdictSession(cleanup, peer, port, ctx);
  }

  private capabilities(): Capability[] {
    const c = this.ctx;
    const caps: Capability[] = [
      { name: 'MULTIPROTOCOL', code: 1, afi: 1, safi: 1 },
      { name: 'MULTIPROTOCOL', code: 1, afi: 2, safi: 1 },
      { name: 'ROUTE_REFRESH', code: 2 },
    ];
    if (c.as4) caps.push({ name: 'FOUR_OCTET_AS', code: 65, asn: 65000 });
    const addPath = [...(c.addPath.ipv4 ? [{ afi: 1, safi: 1, mode: 2 as const }] : []), ...(c.addPath.ipv6 ? [{ afi: 2, safi: 1, mode: 2 as const }] : [])];
    if (addPath.length) caps.push({ name: 'ADD_PATH', code: 69, entries: addPath });
    if (c.extendedMessage) caps.push({ name: 'EXTENDED_MESSAGE', code: 6 });
    return caps;
  }

  private async connected(): Promise<RawPeer> {
    if (this.raw && !this.raw.closed && this.peer.established) return this.raw;
    // After a NOTIFICATION the passive Peer idles briefly, then listens again.
    await waitFor(() => this.peer.state === 'Active', { what: 'necod back in Active', timeoutMs: 5000 });
    const raw = await RawPeer.connect(this.cleanup, this.port);
    // Hold time 0: no keepalives to interleave with the messages under test.
    await raw.handshake({ holdTime: 0, capabilities: this.capabilities() });
    await established(this.peer);
    const n = this.peer.status().negotiated;
    expect(n?.rx).toEqual(this.ctx);
    this.raw = raw;
    return raw;
  }

  /** Sends one message and reports what the Peer did with it. */
  async verdict(bytes: Uint8Array): Promise<Verdict> {
    const raw = await this.connected();
    return new Promise<Verdict>((resolve, reject) => {
      const onUpdate = (_m: unknown, outcome: UpdateOutcome) => finish({ kind: 'deliver', outcome });
      const onDown = (d: PeerDown) => finish({ kind: 'notification', code: d.error?.code ?? null, subcode: d.error?.subcode ?? null });
      const timer = setTimeout(() => {
        this.peer.off('update', onUpdate);
        this.peer.off('down', onDown);
        reject(new Error('the session neither delivered the UPDATE nor closed'));
      }, 3000);
      const finish = (v: Verdict) => {
        clearTimeout(timer);
        this.peer.off('update', onUpdate);
        this.peer.off('down', onDown);
        resolve(v);
      };
      this.peer.on('update', onUpdate);
      this.peer.on('down', onDown);
      raw.write(bytes);
    });
  }
}

describe('decode and a live session give the same verdict', () => {
  const cleanup = new Cleanup();
  const seeds = fixtureSeeds().seeds.filter((s) => s.bytes[18] === 2);
  /** Fuzzed UPDATEs whose header length still frames them exactly, so the stream stays in step. */
  const fuzzed: FuzzSeed[] = [];
  for (let i = 0; fuzzed.length < FUZZ_CASES && i < FUZZ_CASES * 20; i++) {
    const m = mutationAt(seeds, FUZZ_SEED, i);
    if (m.bytes.length < 19 || m.bytes[18] !== 2 || ((m.bytes[16]! << 8) | m.bytes[17]!) !== m.bytes.length) continue;
    if (decodeVerdict(m.bytes, m.ctx) === null) continue;
    fuzzed.push({ bytes: m.bytes, ctx: m.ctx, source: `fuzz#${m.index} of ${m.source}` });
  }
  const sessions = new Map<string, VerdictSession>();
  const sessionFor = async (ctx: CodecContext) => {
    const key = contextKey(ctx);
    let s = sessions.get(key);
    if (!s) {
      s = await VerdictSession.open(cleanup, ctx);
      sessions.set(key, s);
    }
    return s;
  };

  beforeAll(() => {
    expect(seeds.length).toBeGreaterThan(100);
    expect(fuzzed.length).toBe(FUZZ_CASES);
  });
  afterAll(() => cleanup.run());

  it('for every captured UPDATE', async () => {
    const outcomes = new Set<string>();
    for (const s of seeds) {
      const want = decodeVerdict(s.bytes, s.ctx);
      const got = await (await sessionFor(s.ctx)).verdict(s.bytes);
      expect({ source: s.source, verdict: got }).toEqual({ source: s.source, verdict: want });
      outcomes.add(got.kind === 'deliver' ? got.outcome : 'notification');
    }
    expect(outcomes.has('ok')).toBe(true);
  });

  it(`for ${FUZZ_CASES} fuzzed UPDATEs, every outcome among them`, async () => {
    const outcomes = new Set<string>();
    for (const s of fuzzed) {
      const want = decodeVerdict(s.bytes, s.ctx);
      const got = await (await sessionFor(s.ctx)).verdict(s.bytes);
      expect({ source: s.source, verdict: got }).toEqual({ source: s.source, verdict: want });
      outcomes.add(got.kind === 'deliver' ? got.outcome : 'notification');
    }
    expect([...outcomes].sort()).toEqual(['attribute-discard', 'notification', 'ok', 'treat-as-withdraw']);
  }, 120_000);
});

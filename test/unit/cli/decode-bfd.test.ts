import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDecode } from '../../../src/cli/decode-command.js';
import { formatBfdSessions } from '../../../src/cli/show-bfd-command.js';
import { formatProtocolsTable } from '../../../src/cli/format-protocols.js';
import type { BfdSessionView } from '../../../src/bfd/messages.js';
import type { NeighborView } from '../../../src/api/types.js';

async function run(input: string) {
  const inp = new PassThrough();
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  inp.end(input);
  const code = await runDecode({ bfd: true }, inp, out);
  return { code, lines: text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('necod-cli decode --bfd', () => {
  it('prints one JSON object per packet, discards with their reason, bad hex as invalid input', async () => {
    const r = await run('20400318 00000001 00000000 000f4240 000f4240 00000000\n20c00018 00000001 00000002 000f4240 000f4240 00000000\nzz\n');
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ version: 1, state: 'Down', my_discriminator: 1, desired_min_tx_interval_us: 1_000_000, outcome: 'ok' });
    expect(r.lines[1]).toMatchObject({ state: 'Up', detect_mult: 0, outcome: 'discard', reason: 'detect-mult-zero' });
    expect(r.lines[2]).toEqual({ outcome: 'invalid-input', error: 'not a hex string' });
  });
});

const session: BfdSessionView = {
  id: '10.1.0.1', local: '10.1.0.5', remote: '10.1.0.1', multihop: false, state: 'Up', remoteState: 'Up', since: 1_000_000,
  localDiscriminator: 5, remoteDiscriminator: 77, localDiag: 0, remoteDiag: 0, txIntervalUs: 20_000, detectTimeUs: 60_000,
  desiredMinTxUs: 20_000, requiredMinRxUs: 20_000, detectMult: 3, remoteDesiredMinTxUs: 20_000, remoteRequiredMinRxUs: 20_000, remoteDetectMult: 3,
  sourcePort: 49200, auth: null, upCount: 1, downCount: 0, packetsIn: 10, packetsOut: 10, discards: 0, lastDiscard: null, sendErrors: 0, txLateMaxUs: 0,
};

describe('show bfd', () => {
  it('lays sessions out like birdc show bfd sessions', () => {
    expect(formatBfdSessions([session, { ...session, remote: '10.2.0.1', state: 'Down', remoteDiscriminator: 0, localDiag: 1, detectTimeUs: 0, upCount: 1, downCount: 1 }], 1_061_000)).toBe(
      [
        'IP address  Local     State  Since     Interval  Timeout  Remote discr  Diag (local/remote)                             Up/Down',
        '10.1.0.1    10.1.0.5  Up     00:01:01  20 ms     60 ms    77            No Diagnostic / No Diagnostic                   1/0',
        '10.2.0.1    10.1.0.5  Down   00:01:01  20 ms     -        -             Control Detection Time Expired / No Diagnostic  1/1',
        '',
      ].join('\n'),
    );
  });
});

describe('show protocols with BFD', () => {
  it('adds a BFD column only when a neighbor runs BFD', () => {
    const n = { name: 'tor1', address: '10.1.0.1', remoteAs: 64600, localAs: 64600, state: 'Established', since: new Date(0).toISOString(), uptimeSeconds: 5, lastStateChangeReason: '', capabilities: null, counters: { prefixesReceived: 2 }, lastError: null } as unknown as NeighborView;
    expect(formatProtocolsTable([n], new Date(5000))).not.toContain('BFD');
    const table = formatProtocolsTable([{ ...n, bfd: 'Up' }], new Date(5000));
    expect(table.split('\n')[0]).toMatch(/State\s+BFD\s+Since/);
    expect(table.split('\n')[1]).toMatch(/Established\s+Up\s+/);
  });
});

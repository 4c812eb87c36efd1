import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeHexLine, parseAddPathFamilies, runDecode } from '../../../src/cli/decode-command.js';
import { makeContext } from '../../../src/bgp/wire/index.js';

async function run(input: string, opts: Parameters<typeof runDecode>[0] = {}) {
  const inp = new PassThrough();
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  inp.end(input);
  const code = await runDecode(opts, inp, out);
  return { code, lines: text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('necod-cli decode', () => {
  it('prints one JSON object per input line, skipping blanks and comments', async () => {
    const r = await run('# a keepalive\nffffffffffffffffffffffffffffffff001304\n\nff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff 00 17 02 00 00 00 00\n');
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatchObject({ type: 'KEEPALIVE', outcome: 'ok' });
    expect(r.lines[1]).toMatchObject({ type: 'UPDATE', outcome: 'ok', end_of_rib: 'ipv4' });
  });

  it('reports a line that is not hex, keeps going, exits 1', async () => {
    const r = await run('zz\nffffffffffffffffffffffffffffffff001304\n');
    expect(r.code).toBe(1);
    expect(r.lines[0]).toMatchObject({ outcome: 'invalid-input' });
    expect(r.lines[1]).toMatchObject({ type: 'KEEPALIVE' });
  });

  it('uses the session flags: ADD-PATH path ids and 4-octet AS paths', () => {
    // UPDATE: ORIGIN IGP, AS_PATH [4200000001] (4-octet), NEXT_HOP 10.0.0.1, NLRI path id 7 + 10.1.0.0/16.
    const hex = 'ffffffffffffffffffffffffffffffff' + '0032' + '02' + '0000' + '0014' + '40010100' + '4002060201' + 'fa56ea01' + '400304' + '0a000001' + '00000007' + '100a01';
    const j = decodeHexLine(hex, makeContext({ as4: true, addPath: { ipv4: true, ipv6: false } }));
    expect(j).toMatchObject({ outcome: 'ok', nlri: [{ prefix: '10.1.0.0/16', path_id: 7 }] });
    expect((j.attributes as Record<string, { value: unknown }>).AS_PATH?.value).toEqual([{ type: 'AS_SEQUENCE', asns: [4200000001] }]);
    const wrong = decodeHexLine(hex, makeContext({ as4: true }));
    expect(wrong.outcome).not.toBe('ok');
  });

  it('notes bytes after the first message', () => {
    expect(decodeHexLine('ffffffffffffffffffffffffffffffff001304aa', makeContext())).toMatchObject({ trailing_bytes: 1 });
  });

  it('rejects unknown --addpath families by name', () => {
    expect(() => parseAddPathFamilies('ipv4,vpnv4')).toThrow(/vpnv4/);
    expect(parseAddPathFamilies('ipv6')).toEqual({ ipv4: false, ipv6: true });
  });
});

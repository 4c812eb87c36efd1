import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfig, checkConfigFile } from '../../../src/config/check-config.js';
import { parseConfig } from '../../../src/config/index.js';

const good = ['router-id: 10.0.0.1', 'asn: 64600', 'neighbors:', '  - {name: tor1, address: 10.69.0.1, remote-as: 64600}', ''].join('\n');

describe('checkConfig', () => {
  it('summarizes a good configuration', () => {
    const check = checkConfig(parseConfig(good, 'necod.yaml'), 'necod.yaml');
    expect(check).toMatchObject({ ok: true, summary: 'config OK: 1 neighbor' });
  });

  it('counts neighbors in the plural', () => {
    const two = `${good}  - {name: tor2, address: 10.69.1.1, remote-as: 64600}\n`;
    expect(checkConfig(parseConfig(two, 'x.yaml'), 'x.yaml')).toMatchObject({ summary: 'config OK: 2 neighbors' });
    const none = 'router-id: 10.0.0.1\nasn: 64600\n';
    expect(checkConfig(parseConfig(none, 'x.yaml'), 'x.yaml')).toMatchObject({ summary: 'config OK: 0 neighbors' });
  });

  it('prints every error as FILE:LINE: path: message', () => {
    const bad = ['router-id: 10.0.0.1', 'asn: 64600', 'neighbors:', '  - name: tor1', '    address: 10.69.0.1', '    remote-as: abc', '    hold-time: 1', ''].join('\n');
    expect(checkConfig(parseConfig(bad, '/etc/necod/necod.yaml'), '/etc/necod/necod.yaml')).toEqual({
      ok: false,
      errorLines: [
        '/etc/necod/necod.yaml:6: neighbors[0].remote-as: expected an integer 1..4294967295, got "abc"',
        '/etc/necod/necod.yaml:7: neighbors[0].hold-time: expected 0 or an integer 3..65535, got 1',
      ],
    });
  });
});

describe('checkConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'necod-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file', async () => {
    const file = join(dir, 'necod.yaml');
    await writeFile(file, good);
    expect(await checkConfigFile(file)).toMatchObject({ ok: true, summary: 'config OK: 1 neighbor' });
  });

  it('names a file it cannot read', async () => {
    const file = join(dir, 'missing.yaml');
    expect(await checkConfigFile(file)).toEqual({ ok: false, errorLines: [`${file}: cannot read the file: no such file`] });
  });
});

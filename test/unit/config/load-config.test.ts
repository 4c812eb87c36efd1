import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfigError, loadConfigFile } from '../../../src/config/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'necod-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfigFile', () => {
  it('reads and parses a file', async () => {
    const file = join(dir, 'good.yaml');
    await writeFile(file, 'router-id: 10.0.0.1\nasn: 64600\n');
    const result = await loadConfigFile(file);
    expect(result.ok && result.config.asn).toBe(64600);
  });

  it('reports a missing file without a line', async () => {
    expect(await loadConfigFile(join(dir, 'missing.yaml'))).toEqual({
      ok: false,
      errors: [{ path: '', line: 0, message: 'cannot read the file: no such file' }],
    });
  });

  it('reports a directory', async () => {
    expect(await loadConfigFile(dir)).toEqual({
      ok: false,
      errors: [{ path: '', line: 0, message: 'cannot read the file: it is a directory' }],
    });
  });
});

describe('formatConfigError', () => {
  it('writes FILE:LINE: path: message', () => {
    expect(
      formatConfigError('necod.yaml', {
        path: 'neighbors[1].remote-as',
        line: 7,
        message: 'expected an integer 1..4294967295, got "abc"',
      }),
    ).toBe('necod.yaml:7: neighbors[1].remote-as: expected an integer 1..4294967295, got "abc"');
  });

  it('leaves out an empty path and a zero line', () => {
    expect(formatConfigError('a.yaml', { path: '', line: 3, message: 'YAML: bad' })).toBe('a.yaml:3: YAML: bad');
    expect(formatConfigError('a.yaml', { path: '', line: 0, message: 'cannot read the file: no such file' })).toBe(
      'a.yaml: cannot read the file: no such file',
    );
  });
});

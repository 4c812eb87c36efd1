import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRtNames, resolveProtocol, resolveTable } from '../../../src/origin/rt-names.js';

const dir = mkdtempSync(join(tmpdir(), 'necod-rt-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tables = join(dir, 'rt_tables');
writeFileSync(tables, '#\n# reserved values\n#\n255\tlocal\n254\tmain\n119 coil   # the CNI\n0x78 hex\n');
mkdirSync(`${tables}.d`);
writeFileSync(join(`${tables}.d`, 'pods.conf'), '200 pods\n119 coil2\n');
writeFileSync(join(`${tables}.d`, 'ignored.txt'), '201 nope\n');
const protos = join(dir, 'rt_protos');
writeFileSync(protos, '12 bird\n250 necod\n');

describe('routing table and protocol names', () => {
  it('parses rt_tables lines and comments', () => {
    expect(parseRtNames('# c\n 1 one\n2\ttwo # x\nbad line\n3\n0x10 hexa\n')).toEqual(
      new Map([
        ['one', 1],
        ['two', 2],
        ['hexa', 16],
      ]),
    );
  });

  it('resolves numbers, names, drop-ins and kernel names', async () => {
    expect(await resolveTable(119, [tables])).toBe(119);
    expect(await resolveTable('119', [tables])).toBe(119);
    expect(await resolveTable('coil', [tables])).toBe(119);
    expect(await resolveTable('coil2', [tables])).toBe(119);
    expect(await resolveTable('pods', [tables])).toBe(200);
    expect(await resolveTable('hex', [tables])).toBe(120);
    expect(await resolveTable('main', [join(dir, 'absent')])).toBe(254);
    await expect(resolveTable('nope', [tables])).rejects.toThrow(/unknown routing table "nope"/);
  });

  it('refuses table 0, which iproute2 reads as every table', async () => {
    await expect(resolveTable(0, [tables])).rejects.toThrow(/out of range/);
    await expect(resolveTable('unspec', [tables])).rejects.toThrow(/out of range/);
  });

  it('resolves protocols', async () => {
    expect(await resolveProtocol('necod', [protos])).toBe(250);
    expect(await resolveProtocol('kernel', [protos])).toBe(2);
    expect(await resolveProtocol('bgp', [])).toBe(186);
    expect(await resolveProtocol(77, [])).toBe(77);
    await expect(resolveProtocol(256, [])).rejects.toThrow(/out of range/);
    await expect(resolveProtocol('nosuch', [protos])).rejects.toThrow(/unknown route protocol/);
  });
});

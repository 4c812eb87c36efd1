import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRtNames, protocolToRead, tableToRead } from '../../../src/host/rt-names.js';

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

  it('resolves numbers, names, drop-ins and kernel names', () => {
    expect(tableToRead(119, [dir])).toBe(119);
    expect(tableToRead('119', [dir])).toBe(119);
    expect(tableToRead('coil', [dir])).toBe(119);
    expect(tableToRead('coil2', [dir])).toBe(119);
    expect(tableToRead('pods', [dir])).toBe(200);
    expect(tableToRead('hex', [dir])).toBe(120);
    expect(tableToRead('main', [join(dir, 'absent')])).toBe(254);
    expect(() => tableToRead('nope', [dir])).toThrow(/unknown routing table "nope"/);
  });

  it('refuses table 0, which iproute2 reads as every table', () => {
    expect(() => tableToRead(0, [dir])).toThrow(/out of range/);
    expect(() => tableToRead('unspec', [dir])).toThrow(/out of range/);
  });

  it('resolves protocols', () => {
    expect(protocolToRead('necod', [dir])).toBe(250);
    expect(protocolToRead('kernel', [dir])).toBe(2);
    expect(protocolToRead('bgp', [])).toBe(186);
    expect(protocolToRead(77, [])).toBe(77);
    expect(() => protocolToRead(256, [])).toThrow(/out of range/);
    expect(() => protocolToRead('nosuch', [dir])).toThrow(/unknown route protocol/);
  });
});

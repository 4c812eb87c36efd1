import { describe, expect, it } from 'vitest';
import { MAIN_TABLE, parseLinkAddrLine, routeLineTable } from '../../../src/host/monitor-lines.js';
import { sampleLines } from '../origin/samples.js';

describe('parseLinkAddrLine', () => {
  const lines = sampleLines('monitor-addr-link.txt');

  it('understands every line of a real capture', () => {
    for (const line of lines) expect(parseLinkAddrLine(line), line).not.toBeNull();
  });

  it('link lines: index, name without @peer, deletion', () => {
    expect(parseLinkAddrLine(lines[0]!)).toEqual({ object: 'link', deleted: false, index: 2, name: 'node0' });
    const veth = lines.find((l) => l.startsWith('4: veth7@veth7p:'));
    expect(parseLinkAddrLine(veth ?? '')).toEqual({ object: 'link', deleted: false, index: 4, name: 'veth7' });
    const gone = lines.find((l) => l.startsWith('Deleted 3: veth7p@NONE:'));
    expect(parseLinkAddrLine(gone ?? '')).toEqual({ object: 'link', deleted: true, index: 3, name: 'veth7p' });
    const renamed = lines.find((l) => l.startsWith('2: node1:'));
    expect(parseLinkAddrLine(renamed ?? '')).toMatchObject({ object: 'link', index: 2, name: 'node1' });
  });

  it('address lines, both families', () => {
    expect(parseLinkAddrLine(lines[1]!)).toEqual({ object: 'address', deleted: false, index: 2, name: 'node0' });
    const v6 = lines.find((l) => l.includes('inet6 2001:db8::5/64') && l.startsWith('Deleted'));
    expect(parseLinkAddrLine(v6 ?? '')).toEqual({ object: 'address', deleted: true, index: 2, name: 'node0' });
  });

  it('ignores what it does not know', () => {
    expect(parseLinkAddrLine('')).toBeNull();
    expect(parseLinkAddrLine('Timestamp: Sat Nov 22 16:18:00 2025 123456 usec')).toBeNull();
    expect(parseLinkAddrLine('10.0.0.0/24 dev node0 table 119')).toBeNull();
  });

  it('tolerates an object tag prefix', () => {
    expect(parseLinkAddrLine('[LINK]2: node0: <BROADCAST,MULTICAST> mtu 1500')).toMatchObject({ object: 'link', index: 2 });
  });
});

describe('routeLineTable', () => {
  const lines = sampleLines('monitor-route.txt');

  it('finds the table of every captured line', () => {
    for (const line of lines) {
      const expected = / table (\d+)/.exec(line)?.[1];
      expect(routeLineTable(line), line).toBe(expected === undefined ? MAIN_TABLE : Number(expected));
    }
    const tables = lines.map(routeLineTable);
    expect(tables.filter((t) => t === 119).length).toBeGreaterThan(20);
    expect(tables.filter((t) => t === 120)).toHaveLength(2);
    expect(tables.filter((t) => t === MAIN_TABLE).length).toBeGreaterThanOrEqual(2);
    expect(tables).toContain(255);
  });

  it('multipath, typed and deleted lines', () => {
    expect(routeLineTable(lines.find((l) => l.startsWith('10.244.6.0/24')) ?? '')).toBe(119);
    expect(routeLineTable('6 10.244.2.0/24 table 119 ')).toBe(119);
    expect(routeLineTable('Deleted 10.244.12.0/24 via 10.70.0.2 dev eth1 ')).toBe(MAIN_TABLE);
  });

  it('does not mistake an interface called "table" for the keyword', () => {
    expect(routeLineTable('10.1.0.0/24 dev table table 119 scope 253')).toBe(119);
    expect(routeLineTable('10.1.0.0/24 dev table scope 253')).toBe(MAIN_TABLE);
  });

  it('a named table is not guessed at', () => {
    expect(routeLineTable('10.1.0.0/24 dev eth1 table coil')).toBeNull();
  });
});

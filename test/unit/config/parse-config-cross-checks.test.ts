import { describe, expect, it } from 'vitest';
import { configErrors, GLOBAL, oneNeighbor, onlyError, parsedConfig, parsedNeighbor, yaml } from './config-text.js';

describe('parseConfig: neighbors against each other', () => {
  it('rejects a second neighbor with the same name, on the line of its name', () => {
    const text = yaml(
      ...GLOBAL,
      'neighbors:',
      '  - name: tor1',
      '    address: 10.69.0.1',
      '    remote-as: 64600',
      '  - name: tor1',
      '    address: 10.69.1.1',
      '    remote-as: 64600',
    );
    expect(onlyError(text)).toEqual({
      path: 'neighbors[1].name',
      line: 7,
      message: 'tor1 is already the name of neighbors[0] (line 4)',
    });
  });

  it('rejects the same address written two ways', () => {
    const text = yaml(
      ...GLOBAL,
      'neighbors:',
      '  - {name: tor1, address: "2001:db8:0:0::1", remote-as: 64600}',
      '  - {name: tor2, address: "2001:DB8::1", remote-as: 64600}',
    );
    expect(onlyError(text)).toEqual({
      path: 'neighbors[1].address',
      line: 5,
      message: '2001:db8::1 is already the address of neighbors[0] (line 4)',
    });
  });

  it('still finds duplicates when the entries have other errors', () => {
    const text = yaml(
      ...GLOBAL,
      'neighbors:',
      '  - {name: tor1, address: 10.69.0.1, remote-as: x}',
      '  - {name: tor1, address: 10.69.0.1, remote-as: y}',
    );
    expect(configErrors(text).map((error) => error.path)).toEqual([
      'neighbors[0].remote-as',
      'neighbors[1].remote-as',
      'neighbors[1].name',
      'neighbors[1].address',
    ]);
  });

  it('accepts two ToR neighbors', () => {
    const text = yaml(
      ...GLOBAL,
      'neighbors:',
      '  - {name: tor1, address: 10.69.0.1, remote-as: 64600}',
      '  - {name: tor2, address: 10.69.1.1, remote-as: 64600}',
    );
    expect(parsedConfig(text).neighbors.map((neighbor) => neighbor.name)).toEqual(['tor1', 'tor2']);
  });
});

describe('parseConfig: local-address', () => {
  it('must be of the family of the address', () => {
    expect(onlyError(oneNeighbor('    local-address: "2001:db8::5"'))).toEqual({
      path: 'neighbors[0].local-address',
      line: 7,
      message: '2001:db8::5 is IPv6 but address 10.69.0.1 is IPv4; both ends of a session use the same family',
    });
  });

  it('accepts an IPv6 pair', () => {
    const text = yaml(
      ...GLOBAL,
      'neighbors:',
      '  - {name: tor1, address: "2001:db8::1", local-address: "2001:db8::5", remote-as: 64600}',
    );
    expect(parsedNeighbor(text).localAddress).toBe('2001:db8::5');
  });
});

describe('parseConfig: keepalive-time and hold-time', () => {
  it.each([
    [90, 30],
    [9, 3],
    [3, 1],
    [10, 3],
    [0, 0],
  ])('defaults keepalive-time to a third of hold-time %i: %i', (hold, keepalive) => {
    expect(parsedNeighbor(oneNeighbor(`    hold-time: ${hold}`)).keepaliveTime).toBe(keepalive);
  });

  it('rejects keepalive-time equal to or above hold-time on the keepalive line', () => {
    expect(onlyError(oneNeighbor('    keepalive-time: 10', '    hold-time: 9'))).toEqual({
      path: 'neighbors[0].keepalive-time',
      line: 7,
      message: 'keepalive-time (10) must be less than hold-time (9); usually it is a third of it',
    });
  });

  it('allows any keepalive-time with hold-time 0', () => {
    expect(parsedNeighbor(oneNeighbor('    hold-time: 0', '    keepalive-time: 60'))).toMatchObject({
      holdTime: 0,
      keepaliveTime: 60,
    });
  });

  it('does not compare against an invalid hold-time', () => {
    expect(configErrors(oneNeighbor('    hold-time: 2', '    keepalive-time: 30')).map((error) => error.path)).toEqual([
      'neighbors[0].hold-time',
    ]);
  });
});

describe('parseConfig: four-octet-as', () => {
  const text = (asn: number, remoteAs: number) =>
    yaml(
      'router-id: 10.0.0.1',
      `asn: ${asn}`,
      'neighbors:',
      `  - name: tor1`,
      '    address: 10.69.0.1',
      `    remote-as: ${remoteAs}`,
      '    capabilities: {four-octet-as: false}',
    );

  it('may be off when both AS numbers fit in two octets', () => {
    expect(parsedNeighbor(text(64600, 65001)).capabilities.fourOctetAs).toBe(false);
  });

  it('cannot be off with a four-octet remote AS', () => {
    expect(onlyError(text(64600, 4200000001))).toEqual({
      path: 'neighbors[0].capabilities.four-octet-as',
      line: 7,
      message: 'four-octet-as: false cannot work with remote-as 4200000001, which need four octets (RFC 6793)',
    });
  });

  it('cannot be off with a four-octet local AS', () => {
    expect(onlyError(text(4200000000, 4200000000)).message).toBe(
      'four-octet-as: false cannot work with remote-as 4200000000 and asn 4200000000, which need four octets (RFC 6793)',
    );
  });
});

describe('parseConfig: passive neighbors', () => {
  it('need a listen address', () => {
    expect(onlyError(oneNeighbor('    passive: true'))).toEqual({
      path: 'neighbors[0].passive',
      line: 7,
      message: 'a passive neighbor only waits for the peer to connect, but no listen: is configured, so it never could',
    });
  });

  it('are fine with one', () => {
    expect(parsedNeighbor(`${oneNeighbor('    passive: true')}listen: {address: "::"}\n`).passive).toBe(true);
  });
});

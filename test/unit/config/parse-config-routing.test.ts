import { describe, expect, it } from 'vitest';
import { configErrors, GLOBAL, oneNeighbor, onlyError, parsedConfig, parsedNeighbor, yaml } from './config-text.js';

describe('parseConfig: cluster-id', () => {
  it('defaults to the router id', () => {
    expect(parsedConfig(yaml(...GLOBAL)).clusterId).toBe('10.0.0.1');
  });

  it.each(['10.69.0.5', '255.255.255.255', '1.0.0.0'])('accepts %s', (value) => {
    expect(parsedConfig(yaml(...GLOBAL, `cluster-id: ${value}`)).clusterId).toBe(value);
  });

  it.each([
    ['0.0.0.0', '0.0.0.0 cannot be a router ID; use a unique non-zero IPv4 address'],
    ['10.69.0', 'expected a dotted IPv4 address such as 10.0.0.1, got "10.69.0"'],
    ['"2001:db8::1"', 'expected a dotted IPv4 address such as 10.0.0.1, got "2001:db8::1"'],
    ['174391301', 'expected a dotted IPv4 address such as 10.0.0.1, got 174391301'],
    ['', 'expected a dotted IPv4 address such as 10.0.0.1, got nothing'],
  ])('rejects %j', (value, message) => {
    expect(onlyError(yaml(...GLOBAL, `cluster-id: ${value}`))).toEqual({ path: 'cluster-id', line: 3, message });
  });
});

describe('parseConfig: decision', () => {
  it('defaults to eight paths and MED compared within an AS', () => {
    expect(parsedConfig(yaml(...GLOBAL)).decision).toEqual({ maxPaths: 8, alwaysCompareMed: false });
    expect(parsedConfig(yaml(...GLOBAL, 'decision: {}')).decision).toEqual({ maxPaths: 8, alwaysCompareMed: false });
  });

  it.each([
    ['{max-paths: 1}', { maxPaths: 1, alwaysCompareMed: false }],
    ['{max-paths: 64}', { maxPaths: 64, alwaysCompareMed: false }],
    ['{max-paths: 2, always-compare-med: true}', { maxPaths: 2, alwaysCompareMed: true }],
  ])('reads %s', (value, expected) => {
    expect(parsedConfig(yaml(...GLOBAL, `decision: ${value}`)).decision).toEqual(expected);
  });

  it.each([
    ['max-paths: 0', 'decision.max-paths', 'expected an integer 1..64, got 0'],
    ['max-paths: 65', 'decision.max-paths', 'expected an integer 1..64, got 65'],
    ['max-paths: "8"', 'decision.max-paths', 'expected an integer 1..64, got "8" (a string: remove the quotes)'],
    ['max-paths: 2.5', 'decision.max-paths', 'expected an integer 1..64, got 2.5'],
    [
      'always-compare-med: yes',
      'decision.always-compare-med',
      'expected true or false, got "yes" (YAML 1.2 reads this as a string: write true or false)',
    ],
    ['maximum-paths: 4', 'decision.maximum-paths', 'unknown key "maximum-paths" (did you mean "max-paths"?)'],
  ])('rejects %s on its line', (value, path, message) => {
    expect(onlyError(yaml(...GLOBAL, 'decision:', `  ${value}`))).toEqual({ path, line: 4, message });
  });

  it('rejects a decision that is not a mapping', () => {
    expect(onlyError(yaml(...GLOBAL, 'decision: 8'))).toEqual({
      path: 'decision',
      line: 3,
      message: 'expected a mapping of max-paths, always-compare-med, got 8',
    });
  });
});

describe('parseConfig: graceful-restart', () => {
  it('defaults to 120 s announced and 300 s kept at most', () => {
    expect(parsedConfig(yaml(...GLOBAL)).gracefulRestart).toEqual({ restartTime: 120, staleTime: 300 });
  });

  it.each([
    ['{restart-time: 1}', { restartTime: 1, staleTime: 300 }],
    ['{restart-time: 4095, stale-time: 65535}', { restartTime: 4095, staleTime: 65535 }],
    ['{stale-time: 1}', { restartTime: 120, staleTime: 1 }],
  ])('reads %s', (value, expected) => {
    expect(parsedConfig(yaml(...GLOBAL, `graceful-restart: ${value}`)).gracefulRestart).toEqual(expected);
  });

  it.each([
    ['restart-time: 0', 'graceful-restart.restart-time', 'expected an integer 1..4095, got 0'],
    ['restart-time: 4096', 'graceful-restart.restart-time', 'expected an integer 1..4095, got 4096'],
    ['stale-time: 0', 'graceful-restart.stale-time', 'expected an integer 1..65535, got 0'],
    ['stale-time: 65536', 'graceful-restart.stale-time', 'expected an integer 1..65535, got 65536'],
    ['stalepath-time: 60', 'graceful-restart.stalepath-time', 'unknown key "stalepath-time" (did you mean "stale-time"?)'],
  ])('rejects %s on its line', (value, path, message) => {
    expect(onlyError(yaml(...GLOBAL, 'graceful-restart:', `  ${value}`))).toEqual({ path, line: 4, message });
  });

  it('gives every neighbor its restart time unless the neighbor sets one', () => {
    const text = oneNeighbor().replace('asn: 64600\n', 'asn: 64600\ngraceful-restart: {restart-time: 30}\n');
    expect(parsedNeighbor(text).gracefulRestartTime).toBe(30);
    expect(parsedNeighbor(`${text}    graceful-restart-time: 90\n`).gracefulRestartTime).toBe(90);
  });

  it('reports an invalid restart time once, not again for each neighbor', () => {
    const text = oneNeighbor().replace('asn: 64600\n', 'asn: 64600\ngraceful-restart: {restart-time: 0}\n');
    expect(configErrors(text)).toEqual([
      { path: 'graceful-restart.restart-time', line: 3, message: 'expected an integer 1..4095, got 0' },
    ]);
  });
});

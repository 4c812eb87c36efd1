import { describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../../../src/config/index.js';
import { compilePolicy, evaluatePolicy, type Policy } from '../../../src/rib/policy.js';
import { configErrors, GLOBAL, onlyError, parsedConfig, yaml } from './config-text.js';

/** Lines 1-2 global, 3-5 neighbor tor1, 6 `policies:`, 7 `  p:`; `lines` start at line 8. */
function policyFile(...lines: string[]): string {
  return yaml(...GLOBAL, 'neighbors:', '  - {name: tor1, address: 10.69.0.1, remote-as: 64600}', '  - {name: tor2, address: 10.69.1.1, remote-as: 64600}', 'policies:', '  p:', ...lines);
}

/** A policy `p` with one rule `- match: MATCH` on line 9 and `then: THEN` on line 10. */
function oneRule(match: string, then = '{action: accept}'): string {
  return policyFile('    rules:', `      - match: ${match}`, `        then: ${then}`);
}

function policy(text: string): PolicyConfig {
  const config = parsedConfig(text);
  expect(config.policies).toHaveLength(1);
  return config.policies[0]!;
}

describe('parseConfig: policies', () => {
  it('defaults to no policies', () => {
    expect(parsedConfig(yaml(...GLOBAL)).policies).toEqual([]);
    expect(parsedConfig(yaml(...GLOBAL, 'policies: {}')).policies).toEqual([]);
  });

  it('reads the policy of the schema, with every condition and action', () => {
    const text = policyFile(
      '    default: reject',
      '    rules:',
      '      - match: {communities: ["64698:64699"]}',
      '        then: {no-install: true, action: accept}',
      '      - match: {prefixes: [{prefix: 10.0.0.0/8, ge: 24, le: 32}], large-communities: ["64600:1:2"], neighbors: [tor1, static], origin: igp}',
      '        then:',
      '          local-pref: 200',
      '          med: 10',
      '          add-communities: ["65000:1"]',
      '          remove-communities: [NO_EXPORT, "65000:2"]',
      '          add-large-communities: ["64600:0:4294967295"]',
      '          remove-large-communities: ["1:2:3"]',
      '          next-hop: self',
      '          action: reject',
    );
    expect(policy(text)).toEqual({
      name: 'p',
      defaultAction: 'reject',
      rules: [
        { match: { communities: [0xfcbafcbb] }, then: { noInstall: true, action: 'accept' } },
        {
          match: {
            prefixes: [{ prefix: '10.0.0.0/8', ge: 24, le: 32 }],
            largeCommunities: [[64600, 1, 2]],
            neighbors: ['tor1', 'static'],
            origin: 0,
          },
          then: {
            localPref: 200,
            med: 10,
            addCommunities: [65000 * 65536 + 1],
            removeCommunities: [0xffffff01, 65000 * 65536 + 2],
            addLargeCommunities: [[64600, 0, 4294967295]],
            removeLargeCommunities: [[1, 2, 3]],
            nextHop: 'self',
            action: 'reject',
          },
        },
      ],
    } satisfies PolicyConfig);
  });

  it('keeps the file order of policies', () => {
    const text = yaml(...GLOBAL, 'policies:', '  b: {}', '  a: {default: reject}', '  c.1_x-y: {rules: []}');
    expect(parsedConfig(text).policies).toEqual([
      { name: 'b', defaultAction: 'accept', rules: [] },
      { name: 'a', defaultAction: 'reject', rules: [] },
      { name: 'c.1_x-y', defaultAction: 'accept', rules: [] },
    ]);
  });

  it('is what src/rib/policy.ts compiles and evaluates', () => {
    const parsed: Policy = policy(oneRule('{communities: ["64698:64699"]}', '{no-install: true}'));
    const compiled = compilePolicy(parsed);
    const tagged = evaluatePolicy(compiled, {
      attributes: [{ code: 8, flags: 0xc0, name: 'COMMUNITIES', value: [0xfcbafcbb] }],
      neighbor: 'metallb',
      prefix: null,
    });
    expect(tagged).toEqual({ accepted: true, actions: { noInstall: true } });
  });

  it.each([
    ['all', '"all" cannot name a policy: it is a value of import and export by itself'],
    ['none', '"none" cannot name a policy: it is a value of import and export by itself'],
    ['local', '"local" cannot name a policy: it is a value of import and export by itself'],
    ['"from metallb"', 'expected a policy name made of letters, digits, "_", "." and "-", got "from metallb"'],
    ['"a/b"', 'expected a policy name made of letters, digits, "_", "." and "-", got "a/b"'],
  ])('refuses the policy name %s on its line', (name, message) => {
    const text = yaml(...GLOBAL, 'policies:', '  ok: {}', `  ${name}: {}`);
    expect(onlyError(text)).toEqual({ path: `policies.${name.replace(/"/g, '')}`, line: 5, message });
  });

  it('refuses a policy given twice', () => {
    expect(onlyError(yaml(...GLOBAL, 'policies:', '  p: {}', '  p: {}'))).toEqual({
      path: 'policies.p',
      line: 5,
      message: 'duplicate key "p" (first given at line 4)',
    });
  });

  it.each([
    ['policies: []', 'policies', 3, 'expected a mapping of policy names to policies, got a list'],
    ['policies:\n  p: []', 'policies.p', 4, 'expected a mapping of default, rules, got a list'],
    ['policies:\n  p: {default: drop}', 'policies.p.default', 4, 'expected one of accept, reject, got "drop"'],
    ['policies:\n  p: {rules: {match: {}}}', 'policies.p.rules', 4, 'expected a list of rules, each {match: ..., then: ...}, got a mapping'],
    ['policies:\n  p: {rule: []}', 'policies.p.rule', 4, 'unknown key "rule" (did you mean "rules"?)'],
    ['policies:\n  p: {rules: [accept]}', 'policies.p.rules[0]', 4, 'expected a mapping of match, then, got "accept"'],
  ])('refuses %j', (written, path, line, message) => {
    expect(onlyError(yaml(...GLOBAL, written))).toEqual({ path, line, message });
  });
});

describe('parseConfig: policy rules', () => {
  const rule = 'policies.p.rules[0]';

  it('matches every route without match', () => {
    expect(policy(policyFile('    rules:', '      - then: {action: reject}')).rules).toEqual([
      { match: {}, then: { action: 'reject' } },
    ]);
    expect(policy(oneRule('{}')).rules[0]?.match).toEqual({});
  });

  it('needs a then with an action', () => {
    expect(onlyError(policyFile('    rules:', '      - match: {origin: igp}'))).toEqual({
      path: `${rule}.then`,
      line: 9,
      message: 'a rule needs a then: with at least one action',
    });
    expect(onlyError(oneRule('{origin: igp}', '{}'))).toEqual({
      path: `${rule}.then`,
      line: 10,
      message:
        'a rule needs at least one action (action, local-pref, med, add-communities, remove-communities, ' +
        'add-large-communities, remove-large-communities, next-hop, no-install)',
    });
  });

  it('suggests the key for a typo in match and then', () => {
    expect(configErrors(oneRule('{community: ["1:1"]}', '{localpref: 1}'))).toEqual([
      { path: `${rule}.match.community`, line: 9, message: 'unknown key "community" (did you mean "communities"?)' },
      { path: `${rule}.then.localpref`, line: 10, message: 'unknown key "localpref" (did you mean "local-pref"?)' },
    ]);
  });

  it('reports each item of a list on its own line', () => {
    const text = policyFile('    rules:', '      - match:', '          communities:', '            - "1:1"', '            - "1:70000"', '        then: {action: accept}');
    expect(onlyError(text)).toEqual({
      path: `${rule}.match.communities[1]`,
      line: 12,
      message: '1:70000: each half of a community is 0..65535',
    });
  });
});

describe('parseConfig: policy match conditions', () => {
  const match = 'policies.p.rules[0].match';

  it.each([
    ['{communities: ["0:0", "65535:65535", NO_EXPORT, no-advertise, nopeer, blackhole]}', 'communities', [0, 0xffffffff, 0xffffff01, 0xffffff02, 0xffffff04, 0xffff029a]],
    ['{communities: [GRACEFUL_SHUTDOWN, NO_EXPORT_SUBCONFED, ACCEPT_OWN, LLGR_STALE, NO_LLGR]}', 'communities', [0xffff0000, 0xffffff03, 0xffff0001, 0xffff0006, 0xffff0007]],
    ['{large-communities: ["0:0:0", "4294967295:4294967295:4294967295"]}', 'largeCommunities', [[0, 0, 0], [4294967295, 4294967295, 4294967295]]],
    ['{neighbors: [tor1, tor2, direct, static, kernel, api]}', 'neighbors', ['tor1', 'tor2', 'direct', 'static', 'kernel', 'api']],
    ['{origin: igp}', 'origin', 0],
    ['{origin: egp}', 'origin', 1],
    ['{origin: incomplete}', 'origin', 2],
    ['{prefixes: [10.0.0.0/8]}', 'prefixes', [{ prefix: '10.0.0.0/8', ge: 8, le: 8 }]],
    ['{prefixes: [{prefix: 10.0.0.0/8}]}', 'prefixes', [{ prefix: '10.0.0.0/8', ge: 8, le: 8 }]],
    ['{prefixes: [{prefix: 10.0.0.0/8, ge: 24}]}', 'prefixes', [{ prefix: '10.0.0.0/8', ge: 24, le: 32 }]],
    ['{prefixes: [{prefix: 10.0.0.0/8, le: 16}]}', 'prefixes', [{ prefix: '10.0.0.0/8', ge: 8, le: 16 }]],
    ['{prefixes: [{prefix: 10.0.0.0/8, ge: 8, le: 8}]}', 'prefixes', [{ prefix: '10.0.0.0/8', ge: 8, le: 8 }]],
    ['{prefixes: [{prefix: 0.0.0.0/0, le: 32}]}', 'prefixes', [{ prefix: '0.0.0.0/0', ge: 0, le: 32 }]],
    ['{prefixes: [{prefix: "2001:DB8::/32", ge: 48}]}', 'prefixes', [{ prefix: '2001:db8::/32', ge: 48, le: 128 }]],
    ['{prefixes: ["::/0", {prefix: "2001:db8::/32", ge: 128, le: 128}]}', 'prefixes', [{ prefix: '::/0', ge: 0, le: 0 }, { prefix: '2001:db8::/32', ge: 128, le: 128 }]],
  ])('reads %s', (written, field, expected) => {
    expect(policy(oneRule(written)).rules[0]?.match).toEqual({ [field]: expected });
  });

  it.each([
    ['{communities: ["65536:1"]}', 'communities[0]', '65536:1: each half of a community is 0..65535'],
    ['{communities: ["1:65536"]}', 'communities[0]', '1:65536: each half of a community is 0..65535'],
    ['{communities: ["1:2:3"]}', 'communities[0]', 'expected a community such as 65000:100 or a well-known name such as NO_EXPORT, got "1:2:3" (three parts: write it under large-communities)'],
    ['{communities: [NO_EXPORTS]}', 'communities[0]', 'expected a community such as 65000:100 or a well-known name such as NO_EXPORT, got "NO_EXPORTS"'],
    ['{communities: [4259840001]}', 'communities[0]', 'expected a community such as 65000:100 or a well-known name such as NO_EXPORT, got 4259840001'],
    ['{communities: ["-1:1"]}', 'communities[0]', 'expected a community such as 65000:100 or a well-known name such as NO_EXPORT, got "-1:1"'],
    ['{communities: ["1:1", "1:1"]}', 'communities[1]', '1:1 is listed twice (first at line 9)'],
    ['{communities: [NO_EXPORT, "65535:65281"]}', 'communities[1]', '65535:65281 is listed twice (first at line 9)'],
    ['{communities: []}', 'communities', 'an empty list matches no route; leave the key out to match any'],
    ['{communities: "1:1"}', 'communities', 'expected a list of communities such as 65000:100, got "1:1"'],
    ['{large-communities: ["1:2"]}', 'large-communities[0]', 'expected a large community such as 64600:1:2, got "1:2"'],
    ['{large-communities: ["1:2:4294967296"]}', 'large-communities[0]', '1:2:4294967296: each part of a large community is 0..4294967295'],
    ['{large-communities: []}', 'large-communities', 'an empty list matches no route; leave the key out to match any'],
    ['{neighbors: [tor3]}', 'neighbors[0]', 'no neighbor or local origin named "tor3" (did you mean "tor1"?)'],
    ['{neighbors: [metallb]}', 'neighbors[0]', 'no neighbor or local origin named "metallb" (neighbors: tor1, tor2; local origins: direct, static, kernel, api)'],
    ['{neighbors: [statc]}', 'neighbors[0]', 'no neighbor or local origin named "statc" (did you mean "static"?)'],
    ['{neighbors: ["tor 1"]}', 'neighbors[0]', 'expected a name made of letters, digits, "_", "." and "-", got "tor 1"'],
    ['{neighbors: [tor1, tor1]}', 'neighbors[1]', 'tor1 is listed twice (first at line 9)'],
    ['{origin: IGP}', 'origin', 'expected one of igp, egp, incomplete, got "IGP"'],
    ['{origin: 0}', 'origin', 'expected one of igp, egp, incomplete, got 0'],
    ['{prefixes: []}', 'prefixes', 'an empty list matches no route; leave the key out to match any'],
    ['{prefixes: 10.0.0.0/8}', 'prefixes', 'expected a list of prefixes such as 10.0.0.0/8 or {prefix: 10.0.0.0/8, ge: 24, le: 32}, got "10.0.0.0/8"'],
    ['{prefixes: [10.0.0.1/24]}', 'prefixes[0]', '10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?'],
    ['{prefixes: [{prefix: 10.0.0.1/8}]}', 'prefixes[0].prefix', '10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?'],
    ['{prefixes: [{ge: 24}]}', 'prefixes[0].prefix', 'missing required key "prefix" (a prefix such as 10.0.0.0/24 or 2001:db8::/48)'],
    ['{prefixes: [{prefix: 10.0.0.0/8, ge: 33}]}', 'prefixes[0].ge', 'ge (33) is longer than an IPv4 prefix (0..32)'],
    ['{prefixes: [{prefix: 10.0.0.0/8, le: 33}]}', 'prefixes[0].le', 'le (33) is longer than an IPv4 prefix (0..32)'],
    ['{prefixes: [{prefix: "2001:db8::/32", le: 129}]}', 'prefixes[0].le', 'expected an integer 0..128, got 129'],
    ['{prefixes: [{prefix: 10.0.0.0/8, ge: 4}]}', 'prefixes[0].ge', 'ge (4) must be at least the length of 10.0.0.0/8 (8)'],
    ['{prefixes: [{prefix: 10.0.0.0/8, le: 7}]}', 'prefixes[0].le', 'le (7) must be at least the length of 10.0.0.0/8 (8)'],
    ['{prefixes: [{prefix: 10.0.0.0/8, ge: 24, le: 16}]}', 'prefixes[0].le', 'le (16) must be at least ge (24)'],
    ['{prefixes: [{prefix: 10.0.0.0/8, ge: -1}]}', 'prefixes[0].ge', 'expected an integer 0..128, got -1'],
    ['{prefixes: [{prefix: 10.0.0.0/8, max: 24}]}', 'prefixes[0].max', 'unknown key "max" (known keys: prefix, ge, le)'],
    ['{prefixes: [[10.0.0.0/8]]}', 'prefixes[0]', 'expected a prefix such as 10.0.0.0/24 or 2001:db8::/48, got a list'],
    ['[origin]', '', 'expected a mapping of prefixes, communities, large-communities, neighbors, origin, got a list'],
  ])('refuses %s on its line', (written, key, message) => {
    expect(onlyError(oneRule(written))).toEqual({ path: key === '' ? match : `${match}.${key}`, line: 9, message });
  });

  it('names the line of each prefix in the block form', () => {
    const text = policyFile(
      '    rules:',
      '      - match:',
      '          prefixes:',
      '            - 10.0.0.0/8',
      '            - prefix: 10.1.0.0/16',
      '              ge: 8',
      '        then: {action: accept}',
    );
    expect(onlyError(text)).toEqual({
      path: `${match}.prefixes[1].ge`,
      line: 13,
      message: 'ge (8) must be at least the length of 10.1.0.0/16 (16)',
    });
  });
});

describe('parseConfig: policy actions', () => {
  const then = 'policies.p.rules[0].then';

  it.each([
    ['{action: accept}', { action: 'accept' }],
    ['{action: reject}', { action: 'reject' }],
    ['{local-pref: 0}', { localPref: 0 }],
    ['{local-pref: 4294967295}', { localPref: 4294967295 }],
    ['{med: 0}', { med: 0 }],
    ['{med: 4294967295}', { med: 4294967295 }],
    ['{add-communities: [NO_EXPORT]}', { addCommunities: [0xffffff01] }],
    ['{remove-communities: ["64698:64699"]}', { removeCommunities: [0xfcbafcbb] }],
    ['{add-large-communities: ["64600:1:2"]}', { addLargeCommunities: [[64600, 1, 2]] }],
    ['{remove-large-communities: ["64600:1:2", "64600:1:3"]}', { removeLargeCommunities: [[64600, 1, 2], [64600, 1, 3]] }],
    ['{next-hop: self}', { nextHop: 'self' }],
    ['{next-hop: 10.69.0.9}', { nextHop: '10.69.0.9' }],
    ['{next-hop: "2001:DB8::9"}', { nextHop: '2001:db8::9' }],
    ['{next-hop: fe80::9%eth0}', { nextHop: 'fe80::9%eth0' }],
    ['{no-install: true}', { noInstall: true }],
    ['{no-install: false}', { noInstall: false }],
  ])('reads %s', (written, expected) => {
    expect(policy(oneRule('{}', written)).rules[0]?.then).toEqual(expected);
  });

  it.each([
    ['{action: drop}', 'action', 'expected one of accept, reject, got "drop"'],
    ['{action: true}', 'action', 'expected one of accept, reject, got true'],
    ['{local-pref: -1}', 'local-pref', 'expected an integer 0..4294967295, got -1'],
    ['{local-pref: 4294967296}', 'local-pref', 'expected an integer 0..4294967295, got 4294967296'],
    ['{med: high}', 'med', 'expected an integer 0..4294967295, got "high"'],
    ['{add-communities: []}', 'add-communities', 'an empty list changes nothing; leave the key out'],
    ['{remove-communities: ["1"]}', 'remove-communities[0]', 'expected a community such as 65000:100 or a well-known name such as NO_EXPORT, got "1"'],
    ['{add-large-communities: [NO_EXPORT]}', 'add-large-communities[0]', 'expected a large community such as 64600:1:2, got "NO_EXPORT"'],
    ['{remove-large-communities: []}', 'remove-large-communities', 'an empty list changes nothing; leave the key out'],
    ['{next-hop: peer}', 'next-hop', 'expected self or an IP address, got "peer"'],
    ['{next-hop: 10.0.0.0/8}', 'next-hop', 'expected self or an IP address, got "10.0.0.0/8"'],
    ['{next-hop: 0.0.0.0}', 'next-hop', '0.0.0.0 is the unspecified address, not a host'],
    ['{next-hop: fe80::9}', 'next-hop', 'fe80::9 is link-local and needs an interface: write it as fe80::9%eth0'],
    ['{no-install: yes}', 'no-install', 'expected true or false, got "yes" (YAML 1.2 reads this as a string: write true or false)'],
    ['{set-med: 1}', 'set-med', 'unknown key "set-med" (did you mean "med"?)'],
    ['accept', '', 'expected a mapping of action, local-pref, med, add-communities, remove-communities, add-large-communities, remove-large-communities, next-hop, no-install, got "accept"'],
  ])('refuses %s on its line', (written, key, message) => {
    const errors = configErrors(oneRule('{}', written));
    expect(errors[0]).toEqual({ path: key === '' ? then : `${then}.${key}`, line: 10, message });
    expect(errors).toHaveLength(1);
  });
});

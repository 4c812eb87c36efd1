// The benches start necod with what bin/necod.js's #! line gives it; these check that the line
// is read the way `env -S` reads it, and that what the launcher sets reaches node and malloc.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launcherLine } from '../../../bench/lib/necod-launch.js';

const line = readFileSync(new URL('../../../bin/necod.js', import.meta.url), 'utf8').split('\n')[0] ?? '';

describe('launcherLine', () => {
  it('splits env -S assignments from node flags', () => {
    expect(launcherLine('#!/usr/bin/env -S A_B=1 C=x=y node --max-semi-space-size=4 --foo')).toEqual({
      env: { A_B: '1', C: 'x=y' },
      nodeArgs: ['--max-semi-space-size=4', '--foo'],
    });
    expect(launcherLine('#!/usr/bin/env -S node')).toEqual({ env: {}, nodeArgs: [] });
  });

  it('gives node the same flags and environment as env -S does for the real launcher', () => {
    const { env, nodeArgs } = launcherLine(line);
    // What env -S itself makes of the line: run it with a script that prints what it got.
    const words = line.replace(/^#!\s*/, '').split(/\s+/);
    const probe = 'process.stdout.write(JSON.stringify({ argv: process.execArgv, env: process.env }))';
    const r = spawnSync(words[0] as string, [...words.slice(1), '-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout) as { argv: string[]; env: Record<string, string> };
    expect(got.argv.filter((a) => a !== '-e' && a !== probe)).toEqual(nodeArgs);
    for (const [k, v] of Object.entries(env)) expect(got.env[k]).toBe(v);
    expect(Object.keys(env).length).toBeGreaterThan(0);
  });
});

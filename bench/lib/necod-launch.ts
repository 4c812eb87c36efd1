// How the benches start necod: with what bin/necod.js (the installed launcher, which the
// systemd unit runs) puts on its #! line — the environment assignments `env -S` makes and the
// node flags — so that a bench measures the daemon as it runs in production, not bare Node.
// NECOD_NODE_ARGS replaces the flags (e.g. to try others, or '' for none); NECOD_NODE_ENV
// ('NAME=VALUE ...') replaces the assignments. Not a lab builder (see test/support for that).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = new URL('../..', import.meta.url).pathname.replace(/dist\/$/, '');

export interface NecodLaunch {
  /** node flags, before the script. */
  readonly nodeArgs: string[];
  /** Variables to add to the environment of the node process. */
  readonly env: Record<string, string>;
}

/** The words of the launcher's #! line after `env -S`: NAME=VALUE assignments, then node and its flags. */
export function launcherLine(shebang: string): NecodLaunch {
  const words = shebang.replace(/^#!\s*\S+\s+-S\s+/, '').split(/\s+/).filter(Boolean);
  const env: Record<string, string> = {};
  const nodeArgs: string[] = [];
  for (const w of words) {
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(w);
    if (assign && nodeArgs.length === 0) env[assign[1] as string] = assign[2] as string;
    else if (w.startsWith('--')) nodeArgs.push(w);
  }
  return { nodeArgs, env };
}

function words(s: string): string[] {
  return s.split(' ').filter(Boolean);
}

export function necodLaunch(): NecodLaunch {
  const line = readFileSync(join(REPO, 'bin/necod.js'), 'utf8').split('\n')[0] ?? '';
  const fromLauncher = launcherLine(line);
  const argsEnv = process.env.NECOD_NODE_ARGS;
  const envEnv = process.env.NECOD_NODE_ENV;
  return {
    nodeArgs: argsEnv === undefined ? fromLauncher.nodeArgs : words(argsEnv),
    env: envEnv === undefined ? fromLauncher.env : Object.fromEntries(words(envEnv).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)])),
  };
}

/** The flags and environment, as a line for a bench's output. */
export function describeLaunch(l: NecodLaunch): string {
  const e = Object.entries(l.env).map(([k, v]) => `${k}=${v}`);
  return [...e, 'node', ...l.nodeArgs].join(' ');
}

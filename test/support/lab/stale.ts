// Recognising and removing what a crashed earlier run left behind. Every lab writes an owner file
// (pid + process start time) before it creates anything; a namespace or temp dir whose owner is
// no longer alive is stale. Labs of runs still going in parallel are left alone.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NS_PREFIX = 'necod-t-';
/** necod-t-<6 hex lab id>-<label> */
const NAME_RE = /^necod-t-([0-9a-f]{6})-/;

const ownersDir = (): string => join(tmpdir(), 'necod-t-owners');

function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name in parentheses may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export function writeOwner(labId: string): void {
  mkdirSync(ownersDir(), { recursive: true });
  const owner = { pid: process.pid, start: startTimeOf(process.pid) };
  writeFileSync(join(ownersDir(), labId), JSON.stringify(owner));
}

export function removeOwner(labId: string): void {
  rmSync(join(ownersDir(), labId), { force: true });
}

function ownerAlive(labId: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(ownersDir(), labId), 'utf8');
  } catch {
    return false;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) return false;
  const pid = 'pid' in parsed ? parsed.pid : undefined;
  const start = 'start' in parsed ? parsed.start : undefined;
  if (typeof pid !== 'number') return false;
  // PID reuse: the same pid with another start time is someone else.
  return startTimeOf(pid) !== null && startTimeOf(pid) === start;
}

export function listNamespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  return (r.stdout ?? '')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');
}

/** Kills everything in `ns` and deletes it, synchronously (also usable from an exit handler). */
export function killAndDeleteNamespaceSync(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 });
  const killed: number[] = [];
  for (const p of (pids.stdout ?? '').split('\n')) {
    const pid = Number(p);
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // gone already
      }
    }
  }
  // SIGKILL is delivered, not done: wait (bounded) until the processes have really exited.
  const deadline = Date.now() + 3000;
  while (killed.some(running) && Date.now() < deadline) spawnSync('sleep', ['0.02']);
  spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
}

/** True while the process exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Removes `necod-t-*` namespaces and temp dirs whose owning test process is gone.
 * Returns the namespaces removed.
 */
export function cleanupStale(): string[] {
  const removed: string[] = [];
  for (const ns of listNamespaces()) {
    const id = NAME_RE.exec(ns)?.[1];
    if (id === undefined || ownerAlive(id)) continue;
    killAndDeleteNamespaceSync(ns);
    removed.push(ns);
  }
  for (const entry of readdirSync(tmpdir())) {
    const id = NAME_RE.exec(entry)?.[1];
    if (id !== undefined && !ownerAlive(id)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  let owners: string[] = [];
  try {
    owners = readdirSync(ownersDir());
  } catch {
    // no labs ever ran
  }
  for (const id of owners) if (!ownerAlive(id)) removeOwner(id);
  return removed;
}

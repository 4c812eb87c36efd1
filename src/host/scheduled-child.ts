// A Node child process with an IPC channel that must run ahead of everything else on the machine
// (the BFD process: a process that wakes every few milliseconds must not wait behind the daemon's
// full-table work, `ip`, or GC helpers; a late transmission is a false failure at the peer).
// How it is scheduled, in order of preference:
//   inherited  the daemon already runs real-time (the systemd unit's CPUSchedulingPolicy=rr):
//              the child inherits that policy and is left alone;
//   fifo       SCHED_FIFO at a low real-time priority, set by starting the child under `chrt`
//              (util-linux) so that every thread Node starts inherits it; allowed to root or
//              with CAP_SYS_NICE. The kernel's RT throttling (sched_rt_runtime_us, 95 % of each
//              second by default) bounds a runaway;
//   nice       otherwise: nice -15 on every thread of the child (nice is per thread on Linux),
//              applied by the child itself at start (raiseNiceOfAllThreads).
// What it is not: what the child does, or its messages.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export const RAISED_NICE = -15;
const SCHED_OTHER = 0;

export type ChildScheduling = { kind: 'inherited'; policy: number } | { kind: 'fifo'; priority: number } | { kind: 'nice'; why: string };

/** Scheduling policy of a task from its /proc stat (field 41): 0 SCHED_OTHER, 1 FIFO, 2 RR. */
export function schedulingPolicy(statPath = '/proc/thread-self/stat'): number | null {
  try {
    const stat = readFileSync(statPath, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  } catch {
    return null;
  }
}

/** Decides how to start the child (null: no real time); `chrt` is tried once, a few milliseconds. */
export function chooseScheduling(realtimePriority: number | null, chrt = 'chrt'): ChildScheduling {
  const policy = schedulingPolicy();
  if (policy !== null && policy !== SCHED_OTHER) return { kind: 'inherited', policy };
  if (realtimePriority === null) return { kind: 'nice', why: 'real-time priority is off' };
  const probe = spawnSync(chrt, ['-f', String(realtimePriority), 'true'], { encoding: 'utf8', timeout: 2_000 });
  if (probe.status === 0) return { kind: 'fifo', priority: realtimePriority };
  const why = probe.error?.message ?? (probe.stderr.trim() || `chrt exited with ${probe.status}`);
  return { kind: 'nice', why: `SCHED_FIFO not allowed (${why})` };
}

/**
 * Starts `modulePath` in a new Node with an IPC channel (structured-clone messages) under the
 * chosen scheduling; its stdout and stderr are the daemon's. The daemon's Node options are not
 * passed on: the child sizes its own heap.
 */
export function forkScheduled(modulePath: string, args: readonly string[], s: ChildScheduling, chrt = 'chrt'): ChildProcess {
  const fifo = s.kind === 'fifo';
  return fork(modulePath, args, {
    execPath: fifo ? chrt : process.execPath,
    execArgv: fifo ? ['-f', String(s.priority), process.execPath] : [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * In the child: nice -15 on every thread it has now (threads started later inherit the nice of
 * the thread that starts them, the main one). Returns what could not be done, or null.
 */
export function raiseNiceOfAllThreads(nice = RAISED_NICE): string | null {
  if (schedulingPolicy('/proc/self/stat') !== SCHED_OTHER) return null;
  const failed: string[] = [];
  for (const tid of readdirSync('/proc/self/task').map(Number)) {
    try {
      if (getPriority(tid) > nice) setPriority(tid, nice);
    } catch (err) {
      failed.push(err instanceof Error ? err.message : String(err));
    }
  }
  return failed.length > 0 ? `nice ${nice} not set (${failed[0]}); it runs at the daemon's priority` : null;
}

// A Node child process with an IPC channel that must run ahead of everything else on the machine
// (the BFD process: a process that wakes every few milliseconds must not wait behind the daemon's
// full-table work, `ip`, or GC helpers; a late transmission is a false failure at the peer).
// How it is scheduled, in order of preference:
//   above      the daemon already runs real-time (the systemd unit's CPUSchedulingPolicy=rr 50):
//              the child runs SCHED_FIFO one priority above it (or at the configured priority if
//              that is higher), so that neither the daemon's main thread nor its GC helpers, which
//              inherit the same policy, hold it back for a round-robin time slice (100 ms); where
//              that is refused, it inherits the daemon's policy as it is;
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

export type ChildScheduling = { kind: 'inherited'; policy: number; why: string } | { kind: 'fifo'; priority: number } | { kind: 'nice'; why: string };

const MAX_RT_PRIORITY = 99;

/** Scheduling policy and real-time priority of a task from its /proc stat (fields 41 and 40). */
export function schedulingOf(statPath = '/proc/thread-self/stat'): { policy: number; priority: number } | null {
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { policy: Number(fields[38]), priority: Number(fields[37]) };
  } catch {
    return null;
  }
}

/** Scheduling policy of a task: 0 SCHED_OTHER, 1 FIFO, 2 RR. */
export function schedulingPolicy(statPath = '/proc/thread-self/stat'): number | null {
  return schedulingOf(statPath)?.policy ?? null;
}

/**
 * Decides how to start the child (`realtimePriority` null: no real time of its own); `chrt` is
 * tried once, a few milliseconds. `own` is the daemon's scheduling (tests pass another).
 */
export function chooseScheduling(realtimePriority: number | null, chrt = 'chrt', own = schedulingOf()): ChildScheduling {
  const probe = (priority: number): string | null => {
    const r = spawnSync(chrt, ['-f', String(priority), 'true'], { encoding: 'utf8', timeout: 2_000 });
    return r.status === 0 ? null : (r.error?.message ?? (r.stderr.trim() || `chrt exited with ${r.status}`));
  };
  if (own !== null && own.policy !== SCHED_OTHER) {
    if (realtimePriority === null) return { kind: 'inherited', policy: own.policy, why: 'real-time priority is off' };
    const priority = Math.min(MAX_RT_PRIORITY, Math.max(own.priority + 1, realtimePriority));
    const refused = probe(priority);
    if (refused === null) return { kind: 'fifo', priority };
    return { kind: 'inherited', policy: own.policy, why: `SCHED_FIFO ${priority} not allowed (${refused})` };
  }
  if (realtimePriority === null) return { kind: 'nice', why: 'real-time priority is off' };
  const refused = probe(realtimePriority);
  if (refused === null) return { kind: 'fifo', priority: realtimePriority };
  return { kind: 'nice', why: `SCHED_FIFO not allowed (${refused})` };
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

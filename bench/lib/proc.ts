// What a process tree costs, read from /proc: CPU seconds of a process and its descendants, and
// its resident memory. For benchmarks that watch a daemon from outside.
import { readFileSync, readdirSync } from 'node:fs';

function procStat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state ppid … utime(14) stime(15) cutime cstime, counted from 3
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return null;
  }
}

/** CPU seconds of a process and its live descendants (exited ones are in its cutime/cstime). */
export function treeCpu(pid: number): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (s) stats.set(Number(d), s);
  }
  const inTree = (p: number): boolean => {
    for (let i = 0; i < 64 && p > 1; i++) {
      if (p === pid) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let cpu = 0;
  for (const [p, s] of stats) if (inTree(p)) cpu += s.cpu;
  return cpu;
}

export function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

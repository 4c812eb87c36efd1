// A line to the kernel for prepared changes: one long-lived `ip -force -batch -` child that
// takes lines on stdin and applies each as it arrives. The BFD process holds one where the FIB
// writes with `ip`, so that a detected failure reaches the kernel without a process start and
// without waiting for the daemon. What it is not: a batch writer with error accounting
// (batch-writers.ts is; the FIB catches up after the event reaches it).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export function spawnIpBatch(netns: string | null): ChildProcessWithoutNullStreams {
  const args = [...(netns ? ['-n', netns] : []), '-force', '-batch', '-'];
  return spawn('ip', args, { stdio: ['pipe', 'pipe', 'pipe'] });
}

export class PreparedBatchWriter {
  private child: ChildProcessWithoutNullStreams | null = null;
  private stderr = '';

  constructor(
    private readonly netns: string | null,
    private readonly onError: (message: string) => void,
  ) {}

  /** Writes the lines now; ip reads stdin line by line, so each is applied as it arrives. */
  write(lines: readonly string[]): boolean {
    if (lines.length === 0) return false;
    this.ensure().stdin.write(lines.join('\n') + '\n');
    return true;
  }

  /** Starts the child ahead of need, so the first failure does not pay for a spawn. */
  ensure(): ChildProcessWithoutNullStreams {
    if (this.child !== null && this.child.exitCode === null && !this.child.killed) return this.child;
    const child = spawnIpBatch(this.netns);
    child.stdout.resume();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
      const lines = this.stderr.split('\n');
      this.stderr = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.onError(`ip: ${line.trim()}`);
    });
    child.stdin.on('error', () => {});
    child.once('error', (err) => this.onError(`cannot run ip: ${err.message}`));
    child.once('close', () => {
      if (this.child === child) this.child = null;
    });
    this.child = child;
    return child;
  }

  close(): void {
    this.child?.stdin.end();
    this.child = null;
  }
}

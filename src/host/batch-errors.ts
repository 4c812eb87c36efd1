// `ip -batch -force` error output back to line numbers: iproute2 reports each refused line as its
// reason and then "Command failed -:LINE". Pure text in, (line, reason) out.

const FAILED = /^Command failed (.*):(\d+)$/;

/**
 * Incremental reader of `ip -batch -force` stderr. iproute2 prints the reason (one or more lines:
 * "Error: …", "RTNETLINK answers: …", "Cannot find device …") and then "Command failed FILE:N";
 * each failure is reported as (N, reason). Text after the last "Command failed" is kept as
 * `pending`: if ip then exits abnormally, that is why.
 */
export class BatchErrorReader {
  private partial = '';
  private reason: string[] = [];
  /** Highest line number ip reported as failed. */
  lastFailedLine = 0;

  constructor(private readonly onFailure: (line: number, reason: string) => void) {}

  feed(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** The text since the last reported failure (including an unterminated last line). */
  get pending(): string {
    return [...this.reason, this.partial].filter((s) => s.length > 0).join('\n');
  }

  private line(line: string): void {
    const m = FAILED.exec(line);
    if (!m) {
      if (line.length > 0) this.reason.push(line);
      return;
    }
    const n = Number(m[2]);
    this.lastFailedLine = Math.max(this.lastFailedLine, n);
    const reason = this.reason.join('; ') || 'command failed';
    this.reason = [];
    this.onFailure(n, reason);
  }
}

/**
 * Tells systemd that necod is ready (Type=notify), or reloading, through `systemd-notify`.
 * Node cannot send on a unix datagram socket, which $NOTIFY_SOCKET is, without a native
 * addon; systemd's own helper can, and `--pid` names necod as the sender so the unit needs
 * NotifyAccess=all but no addon. Without $NOTIFY_SOCKET (not under systemd) nothing happens.
 */
import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

export function notifySystemd(state: 'READY=1' | 'RELOADING=1' | 'STOPPING=1', logger: Logger, extra: string[] = []): void {
  if (!process.env.NOTIFY_SOCKET) return;
  const args = [`--pid=${process.pid}`, state, ...extra];
  execFile('systemd-notify', args, { timeout: 5000 }, (error) => {
    if (error) logger.warn({ err: error, state }, 'could not notify systemd');
  });
}

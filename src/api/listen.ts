/** Puts the API on its unix socket, the way a system daemon should, and on its optional TCP port. */
import { chmod, chown, lstat, mkdir, readFile, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Owner and group may talk to necod; the group is how operators get access without root. */
const SOCKET_MODE = 0o660;

/**
 * Creates the socket's directory, removes a socket left behind by a necod that died, listens,
 * and restricts the socket's permissions. Refuses to take over a socket another process still
 * serves, or to delete a file that is not a socket.
 */
export async function listenApi(server: FastifyInstance, socketPath: string, group: string | null = null): Promise<void> {
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o755 });
  await removeStaleSocket(socketPath);
  const gid = group === null ? null : await groupId(group);
  await server.listen({ path: socketPath });
  await chmod(socketPath, SOCKET_MODE);
  if (gid !== null) await chown(socketPath, -1, gid);
}

/** api.listen: TCP, loopback unless a token guards it (the config check makes sure). */
export async function listenApiTcp(server: FastifyInstance, address: string, port: number): Promise<void> {
  await server.listen({ host: address, port });
}

/** A group's id from its name or number; /etc/group is what getgrnam(3) reads on a plain system. */
export async function groupId(group: string): Promise<number> {
  if (/^\d+$/.test(group)) return Number(group);
  const text = await readFile('/etc/group', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new Error(`api.socket-group: no group named ${group} in /etc/group`);
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(socketPath)).isSocket();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new Error(`${socketPath} exists and is not a socket; not removing it`);
  if (await socketAnswers(socketPath)) {
    throw new Error(`another process is serving ${socketPath} already (is necod running?)`);
  }
  await unlink(socketPath);
}

function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path: socketPath });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

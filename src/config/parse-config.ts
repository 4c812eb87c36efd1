/** Turns the text of necod.yaml into a validated NecodConfig, or into every error it contains. */
import { ConfigReader, type MappingReader } from './mapping-reader.js';
import { checkNeighborSet } from './neighbor-set-checks.js';
import { parseNeighbor, type NeighborContext, type NeighborEntry } from './parse-neighbor.js';
import { readKernel } from './parse-kernel.js';
import { readOriginate } from './parse-originate.js';
import { readPolicies } from './parse-policies.js';
import { readDecision, readGracefulRestart } from './parse-routing.js';
import { readBfdDefaults } from './parse-bfd.js';
import { checkNeighborReferences, checkPolicyReferences, type Reference } from './references.js';
import type {
  ApiConfig,
  ConfigError,
  ListenConfig,
  LogConfig,
  LogLevel,
  ParseConfigResult,
} from './types.js';
import { anyAddress, asNumber, groupName, integerIn, oneOf, routerId, socketPath } from './value-checks.js';
import { YamlFile } from './yaml-file.js';
import { BGP_PORT, DEFAULT_API_SOCKET, DEFAULT_LISTEN_ADDRESS, DEFAULT_LOG_LEVEL } from './defaults.js';

export const TOP_LEVEL_KEYS = [
  'router-id',
  'asn',
  'cluster-id',
  'listen',
  'api',
  'log',
  'decision',
  'graceful-restart',
  'neighbors',
  'policies',
  'originate',
  'kernel',
  'bfd',
] as const;
export const LISTEN_KEYS = ['address', 'port'] as const;
export const API_KEYS = ['socket', 'socket-group', 'listen', 'token-file'] as const;
export const API_LISTEN_KEYS = ['address', 'port'] as const;
/** The control API's TCP port when api.listen names none. */
export const DEFAULT_API_PORT = 8179;
export const LOG_KEYS = ['level'] as const;
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** `fileName` only names the file in messages about the file as a whole. */
export function parseConfig(text: string, fileName: string): ParseConfigResult {
  const parsed = YamlFile.parse(text);
  if (!parsed.ok) return parsed;
  const file = parsed.file;
  if (file.root === null) {
    const message = `${fileName} holds no settings; it needs at least router-id and asn`;
    return failed([{ path: '', line: 1, message }]);
  }
  const reader = new ConfigReader(file);
  const top = reader.mapping({ node: file.root, path: '', line: file.lineOf(file.root, 1) }, TOP_LEVEL_KEYS);
  if (top === null) return failed(reader.errors);

  const id = top.required('router-id', routerId);
  const asn = top.required('asn', asNumber);
  // RFC 4456: without a configured cluster id a reflector uses its router id.
  const clusterId = top.optional('cluster-id', routerId, id);
  const listen = readListen(top);
  const api = readApi(top);
  const log = readLog(top);
  const decision = readDecision(top);
  const gracefulRestart = readGracefulRestart(top);
  const kernel = readKernel(top, decision?.maxPaths);
  const originate = readOriginate(reader, top, kernel?.table);
  const policies = readPolicies(reader, top);
  const bfd = readBfdDefaults(top);
  const policyRefs: Reference[] = [];
  const context = { localAsn: asn, gracefulRestartTime: gracefulRestart?.restartTime, policyRefs, bfd };
  const entries = readNeighbors(reader, top, context);
  if (entries !== undefined) checkNeighborSet(reader, entries, listen !== null);
  checkPolicyReferences(reader, policyRefs, policies.names);
  if (entries !== undefined) {
    const names = entries.map((entry) => entry.name).filter((name) => name !== undefined);
    checkNeighborReferences(reader, policies.neighborRefs, names);
  }

  if (
    reader.errors.length > 0 ||
    id === undefined ||
    asn === undefined ||
    clusterId === undefined ||
    listen === undefined ||
    api === undefined ||
    log === undefined ||
    decision === undefined ||
    gracefulRestart === undefined ||
    kernel === undefined ||
    bfd === undefined ||
    originate === undefined ||
    policies.policies === undefined ||
    entries === undefined
  ) {
    return failed(reader.errors);
  }
  const neighbors = entries.map((entry) => entry.config).filter((config) => config !== undefined);
  return {
    ok: true,
    config: {
      routerId: id,
      asn,
      clusterId,
      listen,
      api,
      log,
      decision,
      gracefulRestart,
      neighbors,
      policies: policies.policies,
      originate,
      kernel,
      bfd,
    },
  };
}

function failed(errors: readonly ConfigError[]): ParseConfigResult {
  // A mistake inside a mapping that `<<: *anchor` merges into several neighbors is reported once,
  // for the first of them.
  const seen = new Set<string>();
  const unique = errors.filter((error) => {
    const key = `${error.line}\n${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Reading order is not always file order (a missing key is noticed after its siblings).
  return { ok: false, errors: unique.sort((a, b) => a.line - b.line) };
}

function readListen(top: MappingReader): ListenConfig | null | undefined {
  const block = top.mapping('listen', LISTEN_KEYS);
  if (block === null || block === undefined) return block;
  const address = block.optional('address', anyAddress, null);
  const port = block.optional('port', integerIn(1, 65535), BGP_PORT);
  if (address === undefined || port === undefined) return undefined;
  return { address: address?.text ?? DEFAULT_LISTEN_ADDRESS, port };
}

function isLoopbackAddress(text: string): boolean {
  return /^127\./.test(text) || text === '::1';
}

function readApi(top: MappingReader): ApiConfig | undefined {
  const block = top.mapping('api', API_KEYS);
  if (block === undefined) return undefined;
  if (block === null) return { socket: DEFAULT_API_SOCKET, socketGroup: null, listen: null, tokenFile: null };
  const socket = block.optional('socket', socketPath, DEFAULT_API_SOCKET);
  const socketGroup = block.optional('socket-group', groupName, null);
  const tokenFile = block.optional('token-file', socketPath, null);
  let listen: ApiConfig['listen'] | undefined = null;
  const l = block.mapping('listen', API_LISTEN_KEYS);
  if (l === undefined) listen = undefined;
  else if (l !== null) {
    const address = l.optional('address', anyAddress, null);
    const port = l.optional('port', integerIn(1, 65535), DEFAULT_API_PORT);
    listen = address === undefined || port === undefined ? undefined : { address: address?.text ?? '127.0.0.1', port };
    // Anyone who can reach a non-loopback listener could steer the routing: it needs the token.
    if (listen && !isLoopbackAddress(listen.address) && tokenFile === null) {
      l.reject('address', `${listen.address} is not a loopback address; a listener beyond this host needs api.token-file`);
      listen = undefined;
    }
  }
  if (socket === undefined || socketGroup === undefined || tokenFile === undefined || listen === undefined) return undefined;
  return { socket, socketGroup, listen, tokenFile };
}

function readLog(top: MappingReader): LogConfig | undefined {
  const block = top.mapping('log', LOG_KEYS);
  if (block === undefined) return undefined;
  const level = block === null ? DEFAULT_LOG_LEVEL : block.optional('level', oneOf(LOG_LEVELS), DEFAULT_LOG_LEVEL);
  return level === undefined ? undefined : { level };
}

function readNeighbors(
  reader: ConfigReader,
  top: MappingReader,
  context: NeighborContext,
): NeighborEntry[] | undefined {
  const items = top.list('neighbors', 'neighbors');
  if (items === undefined) return undefined;
  const entries: NeighborEntry[] = [];
  for (const item of items ?? []) {
    const entry = parseNeighbor(reader, item, context);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

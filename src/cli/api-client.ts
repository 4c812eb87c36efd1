/** HTTP to necod's control API, for necod-cli: over the unix socket, or a URL with a bearer token. */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CliError } from './cli-error.js';

export interface ApiResponse {
  status: number;
  /** The parsed JSON body. */
  body: unknown;
  /** The body exactly as received, for --json. */
  text: string;
}

/** Where necod listens: its unix socket, or the optional TCP listener (api.listen) with its token. */
export interface ApiTarget {
  socketPath: string;
  url?: string;
  token?: string;
}

export interface ApiClient {
  /** How errors name the daemon: the socket path or the URL. */
  readonly where: string;
  /** GETs `path`; connection failures and answers that are not JSON become CliErrors. */
  get(path: string): Promise<ApiResponse>;
  /** Sends a JSON body, or none. */
  send(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResponse>;
  /** GETs a text stream (server-sent events), handing over each line until `signal` aborts or the stream ends. */
  stream(path: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createApiClient(target: string | ApiTarget, timeoutMs = DEFAULT_TIMEOUT_MS): ApiClient {
  const t: ApiTarget = typeof target === 'string' ? { socketPath: target } : target;
  const where = t.url ?? t.socketPath;
  const open = (method: string, path: string, headers: Record<string, string | number>, onResponse: (res: IncomingMessage) => void): ClientRequest => {
    if (t.token !== undefined) headers.authorization = `Bearer ${t.token}`;
    if (t.url === undefined) return httpRequest({ socketPath: t.socketPath, path, method, headers }, onResponse);
    const base = new URL(t.url);
    const options: RequestOptions = { host: base.hostname, port: base.port, path: `${base.pathname.replace(/\/$/, '')}${path}`, method, headers };
    return (base.protocol === 'https:' ? httpsRequest : httpRequest)(options, onResponse);
  };
  const call = (method: string, path: string, body: unknown): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const req = open(method, path, headers, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (text === '') {
            resolve({ status: res.statusCode ?? 0, body: null, text });
            return;
          }
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), text });
          } catch {
            reject(new CliError(`necod at ${where} answered ${path} with something that is not JSON`));
          }
        });
        res.on('error', (error) => reject(connectionError(t, error)));
      });
      req.setTimeout(timeoutMs, () => {
        req.destroy(new CliError(`necod at ${where} did not answer within ${timeoutMs / 1000} s`));
      });
      req.on('error', (error) => reject(connectionError(t, error)));
      req.end(payload ?? undefined);
    });
  return {
    where,
    get: (path) => call('GET', path, undefined),
    send: (method, path, body) => call(method, path, body),
    stream: (path, onLine, signal) =>
      new Promise((resolve, reject) => {
        const req = open('GET', path, { accept: 'text/event-stream' }, (res) => {
          if (res.statusCode !== 200) {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () => reject(new CliError(apiErrorMessage({ status: res.statusCode ?? 0, body: safeJson(text), text }))));
            return;
          }
          let rest = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const lines = (rest + chunk).split('\n');
            rest = lines.pop() ?? '';
            for (const line of lines) onLine(line);
          });
          res.on('end', () => resolve());
          res.on('error', (error) => reject(connectionError(t, error)));
        });
        req.on('error', (error) => (signal?.aborted ? resolve() : reject(connectionError(t, error))));
        signal?.addEventListener('abort', () => {
          req.destroy();
          resolve();
        });
        req.end();
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function connectionError(t: ApiTarget, error: Error): Error {
  if (error instanceof CliError) return error;
  const code = 'code' in error ? error.code : undefined;
  if (t.url !== undefined) {
    if (code === 'ECONNREFUSED') return new CliError(`necod is not running (nothing answers at ${t.url})`);
    return new CliError(`cannot talk to necod at ${t.url}: ${error.message}`);
  }
  if (code === 'ENOENT') return new CliError(`necod is not running (no socket at ${t.socketPath})`);
  if (code === 'ECONNREFUSED' || code === 'ENOTSOCK') return new CliError(`necod is not running (nothing listens on ${t.socketPath})`);
  if (code === 'EACCES' || code === 'EPERM') {
    return new CliError(`no permission to use ${t.socketPath} (run as root or as a member of the socket's group)`);
  }
  return new CliError(`cannot talk to necod at ${t.socketPath}: ${error.message}`);
}

/** The `error` text of an API error body, or a generic one. */
export function apiErrorMessage(response: ApiResponse): string {
  const { body } = response;
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  if (typeof body === 'object' && body !== null && 'errors' in body && Array.isArray(body.errors)) return body.errors.join('\n');
  return `necod answered with HTTP status ${response.status}`;
}

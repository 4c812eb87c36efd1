/** HTTP over necod's unix socket, for necod-cli. */
import { request } from 'node:http';
import { CliError } from './cli-error.js';

export interface ApiResponse {
  status: number;
  /** The parsed JSON body. */
  body: unknown;
  /** The body exactly as received, for --json. */
  text: string;
}

export interface ApiClient {
  readonly socketPath: string;
  /** GETs `path`; connection failures and answers that are not JSON become CliErrors. */
  get(path: string): Promise<ApiResponse>;
  /** Sends a JSON body, or none. */
  send(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResponse>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createApiClient(socketPath: string, timeoutMs = DEFAULT_TIMEOUT_MS): ApiClient {
  return {
    socketPath,
    get: (path) => call(socketPath, 'GET', path, undefined, timeoutMs),
    send: (method, path, body) => call(socketPath, method, path, body, timeoutMs),
  };
}

function call(socketPath: string, method: string, path: string, body: unknown, timeoutMs: number): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const req = request({ socketPath, path, method, headers }, (res) => {
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
          reject(new CliError(`necod at ${socketPath} answered ${path} with something that is not JSON`));
        }
      });
      res.on('error', (error) => reject(connectionError(socketPath, error)));
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(new CliError(`necod at ${socketPath} did not answer within ${timeoutMs / 1000} s`));
    });
    req.on('error', (error) => reject(connectionError(socketPath, error)));
    req.end(payload ?? undefined);
  });
}

function connectionError(socketPath: string, error: Error): Error {
  if (error instanceof CliError) return error;
  const code = 'code' in error ? error.code : undefined;
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK') {
    return new CliError(`cannot reach necod at ${socketPath} (is it running?)`);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new CliError(`no permission to use ${socketPath} (run as root or as a member of the socket's group)`);
  }
  return new CliError(`cannot talk to necod at ${socketPath}: ${error.message}`);
}

/** The `error` text of an API error body, or a generic one. */
export function apiErrorMessage(response: ApiResponse): string {
  const { body } = response;
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  return `necod answered with HTTP status ${response.status}`;
}

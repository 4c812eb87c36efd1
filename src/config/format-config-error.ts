import type { ConfigError } from './types.js';

/** `necod.yaml:7: neighbors[1].remote-as: expected ...`, the form editors and CI logs link to lines by. */
export function formatConfigError(fileName: string, error: ConfigError): string {
  const where = error.line > 0 ? `${fileName}:${error.line}` : fileName;
  return error.path === '' ? `${where}: ${error.message}` : `${where}: ${error.path}: ${error.message}`;
}

/** Stand-ins for the `ip` binary: small sh scripts, so that the shells can be tested without root. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeIp {
  path: string;
  dir: string;
  remove(): void;
}

/** `script` may be built from the fake's own directory, for state kept between runs. */
export function fakeIp(script: string | ((dir: string) => string)): FakeIp {
  const dir = mkdtempSync(join(tmpdir(), 'necod-fake-ip-'));
  const path = join(dir, 'ip');
  writeFileSync(path, `#!/bin/sh\n${typeof script === 'string' ? script : script(dir)}\n`);
  chmodSync(path, 0o755);
  return { path, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// The Debian package as an operator gets it: packaging/build-deb.sh builds it (npm pack, the
// production dependencies installed with `npm install -g`, unit, rt_protos.d, example config),
// `dpkg -x` unpacks it into a scratch root, and the binaries there run: --version and
// --check-config on the example. The unit passes `systemd-analyze verify` and scores in the
// "OK" band or better of `systemd-analyze security`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../interop/harness/necod.js';

const run = (argv: string[], opts: { cwd?: string } = {}): string => execFileSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
const haveAnalyze = existsSync('/usr/bin/systemd-analyze');
const haveLintian = existsSync('/usr/bin/lintian');
/** The package carries the netlink addon built for this machine. */
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();

describe('Debian package', () => {
  let dir: string;
  let scratch: string;
  let version: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'necod-deb-'));
    scratch = join(dir, 'root');
    version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const deb = run([join(REPO_ROOT, 'packaging/build-deb.sh'), join(dir, 'out')], { cwd: REPO_ROOT }).trim().split('\n').pop() ?? '';
    expect(deb).toBe(join(dir, 'out', `necod_${version}_${arch}.deb`));
    run(['dpkg', '-x', deb, scratch]);
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts necod and necod-cli on PATH, and they run', () => {
    expect(run([join(scratch, 'usr/bin/necod'), '--version']).trim()).toBe(version);
    expect(run([join(scratch, 'usr/bin/necod-cli'), '--version']).trim()).toBe(version);
  });

  it('ships an example config that --check-config accepts, the rt_protos.d entry and the unit', () => {
    expect(run([join(scratch, 'usr/bin/necod'), '--check-config', join(scratch, 'etc/necod/necod.yaml')]).trim()).toMatch(/^config OK: \d+ neighbors$/);
    expect(readFileSync(join(scratch, 'etc/iproute2/rt_protos.d/necod.conf'), 'utf8')).toMatch(/^200\tnecod$/m);
    expect(readFileSync(join(scratch, 'lib/systemd/system/necod.service'), 'utf8')).toContain('Type=notify');
    expect(readFileSync(join(scratch, 'usr/share/bash-completion/completions/necod-cli'), 'utf8')).toContain('complete -F _necod_cli necod-cli');
  });

  it('ships the BFD TTL rule where the docs say, and nft accepts it', () => {
    const rule = join(scratch, 'usr/share/necod/necod-bfd.nft');
    expect(readFileSync(rule, 'utf8')).toContain('udp dport 3784 ip ttl != 255 counter drop');
    // Checked, not loaded (-c), in a network namespace of its own.
    expect(() => run(['unshare', '--net', 'nft', '-c', '-f', rule])).not.toThrow();
  });

  it.skipIf(!haveLintian)('passes lintian without an error or a warning (lintian not installed: skipped)', () => {
    const deb = join(dir, 'out', `necod_${version}_${arch}.deb`);
    let out: string;
    try {
      out = execFileSync('lintian', ['--tag-display-limit', '0', deb], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out.split('\n').filter((l) => /^[EW]: /.test(l))).toEqual([]);
  }, 120_000);

  it.skipIf(!haveAnalyze)('unit passes systemd-analyze verify (systemd-analyze not installed: skipped)', () => {
    // The unit names /usr/bin/necod; verify checks it exists, so point it at the unpacked copy.
    const unit = join(dir, 'necod.service');
    writeFileSync(unit, readFileSync(join(scratch, 'lib/systemd/system/necod.service'), 'utf8').replaceAll('/usr/bin/necod', join(scratch, 'usr/bin/necod')));
    expect(() => run(['systemd-analyze', 'verify', unit])).not.toThrow();
  });

  it.skipIf(!haveAnalyze)('unit scores OK or better in systemd-analyze security (systemd-analyze not installed: skipped)', () => {
    const out = run(['systemd-analyze', 'security', '--offline=true', join(scratch, 'lib/systemd/system/necod.service')]);
    const m = /Overall exposure level for necod\.service: ([\d.]+) (\w+)/.exec(out);
    expect(m?.[2]).toMatch(/^(OK|SAFE|PERFECT)$/);
  });
});

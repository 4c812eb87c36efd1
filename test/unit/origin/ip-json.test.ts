import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IpCommandError, classifyIpError, readAddresses, readTableRoutes, runIp, runIpJson } from '../../../src/origin/ip-json.js';
import { fakeIp } from './fake-ip.js';
import { sampleText } from './samples.js';

const SAMPLES = join(import.meta.dirname, 'samples');

// Behaves like iproute2 for the handful of commands the readers use.
const ip = fakeIp(`
case "$*" in
  *"addr show dev nosuch0") cat '${SAMPLES}/addr-show-missing.stderr' >&2; exit 1 ;;
  *"addr show dev node0") cat '${SAMPLES}/addr-show-dev-node0.json' ;;
  *"addr show") cat '${SAMPLES}/addr-show.json' ;;
  *"-4 route show table 119") cat '${SAMPLES}/route-show-119-v4.json' ;;
  *"-4 route show table 121") cat '${SAMPLES}/route-show-missing.json'; cat '${SAMPLES}/route-show-missing.stderr' >&2; exit 2 ;;
  *"route show table 5") echo 'RTNETLINK answers: Operation not permitted' >&2; exit 2 ;;
  *"garbage"*) echo 'this is not json' ;;
  *"quiet"*) ;;
  *"args"*) echo "$*" ;;
  *"slow"*) exec sleep 10 ;;
esac
`);
afterAll(() => ip.remove());
const opts = { ipPath: ip.path };

describe('ip -json calls', () => {
  it('classifies the stderr of absent things', () => {
    expect(classifyIpError(sampleText('addr-show-missing.stderr').trim())).toBe('missing-device');
    expect(classifyIpError(sampleText('route-show-missing.stderr').trim())).toBe('missing-table');
    expect(classifyIpError(sampleText('route-show-missing-v6.stderr').trim())).toBe('missing-table');
    expect(classifyIpError('Cannot find device "x"')).toBe('missing-device');
    expect(classifyIpError('RTNETLINK answers: Operation not permitted')).toBe('failed');
  });

  it('passes -json and -n NS in front of the arguments, without a shell', async () => {
    expect((await runIp(['args', '$(touch /x)', 'a b'], { ...opts, netns: 'ns1' })).trim()).toBe('-n ns1 args $(touch /x) a b');
  });

  it('reads interfaces, all or one; a missing device is none', async () => {
    expect((await readAddresses(null, opts)).map((i) => i.name)).toContain('node0');
    expect((await readAddresses('node0', opts)).map((i) => i.name)).toEqual(['node0']);
    expect(await readAddresses('nosuch0', opts)).toEqual([]);
  });

  it('reads a table; a table never created is empty; other failures are errors', async () => {
    expect((await readTableRoutes(119, 'ipv4', opts)).length).toBeGreaterThan(5);
    expect(await readTableRoutes(121, 'ipv4', opts)).toEqual([]);
    const err: unknown = await readTableRoutes(5, 'ipv4', opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpCommandError);
    expect(err).toMatchObject({ failure: 'failed', stderr: 'RTNETLINK answers: Operation not permitted' });
  });

  it('empty output is an empty list; anything else not JSON is an error', async () => {
    expect(await runIpJson(['quiet'], opts)).toEqual([]);
    await expect(runIpJson(['garbage'], opts)).rejects.toThrow(/not JSON/);
  });

  it('a hung command is killed after its timeout', async () => {
    await expect(runIp(['slow'], { ...opts, timeoutMs: 100 })).rejects.toBeInstanceOf(IpCommandError);
  });

  it('no ip binary is an error, not a crash', async () => {
    await expect(runIp(['addr'], { ipPath: '/nonexistent/ip' })).rejects.toThrow(/ENOENT/);
  });
});

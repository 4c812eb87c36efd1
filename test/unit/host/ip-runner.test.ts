import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IpCommandError, classifyIpError, ipContext, ipOutput, readAddresses, readTableRoutes, runIp, runIpJson } from '../../../src/host/ip-runner.js';
import { fakeIp } from '../origin/fake-ip.js';
import { sampleText } from '../origin/samples.js';

const SAMPLES = join(import.meta.dirname, '..', 'origin', 'samples');

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
const ctx = ipContext({ ipPath: ip.path });

describe('ip -json calls', () => {
  it('classifies the stderr of absent things', () => {
    expect(classifyIpError(sampleText('addr-show-missing.stderr').trim())).toBe('missing-device');
    expect(classifyIpError(sampleText('route-show-missing.stderr').trim())).toBe('missing-table');
    expect(classifyIpError(sampleText('route-show-missing-v6.stderr').trim())).toBe('missing-table');
    expect(classifyIpError('Cannot find device "x"')).toBe('missing-device');
    expect(classifyIpError('RTNETLINK answers: Operation not permitted')).toBe('failed');
  });

  it('passes -json and -n NS in front of the arguments, without a shell', async () => {
    expect((await ipOutput({ ...ctx, netns: 'ns1' }, ['args', '$(touch /x)', 'a b'])).trim()).toBe('-n ns1 args $(touch /x) a b');
  });

  it('reads interfaces, all or one; a missing device is none', async () => {
    expect((await readAddresses(ctx, null)).map((i) => i.name)).toContain('node0');
    expect((await readAddresses(ctx, 'node0')).map((i) => i.name)).toEqual(['node0']);
    expect(await readAddresses(ctx, 'nosuch0')).toEqual([]);
  });

  it('reads a table; a table never created is empty; other failures are errors', async () => {
    expect((await readTableRoutes(ctx, 119, 'ipv4')).length).toBeGreaterThan(5);
    expect(await readTableRoutes(ctx, 121, 'ipv4')).toEqual([]);
    const err: unknown = await readTableRoutes(ctx, 5, 'ipv4').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpCommandError);
    expect(err).toMatchObject({ failure: 'failed', stderr: 'RTNETLINK answers: Operation not permitted' });
  });

  it('empty output is an empty list; anything else not JSON is an error', async () => {
    expect(await runIpJson(ctx, ['quiet'])).toEqual([]);
    await expect(runIpJson(ctx, ['garbage'])).rejects.toThrow(/not JSON/);
  });

  it('a hung command is killed after its timeout', async () => {
    await expect(ipOutput(ctx, ['slow'], 100)).rejects.toBeInstanceOf(IpCommandError);
    const r = await runIp(ctx, ['slow'], 100);
    expect(r.code).toBeNull();
    expect(r.stderr).toMatch(/killed by SIGKILL/);
    expect(r.failure).toBe('failed');
  });

  it('no ip binary is an error, not a crash', async () => {
    await expect(ipOutput(ipContext({ ipPath: '/nonexistent/ip' }), ['addr'])).rejects.toThrow(/ENOENT/);
    expect((await runIp(ipContext({ ipPath: '/nonexistent/ip' }), ['addr'])).failure).toBe('failed');
  });

  it('one contract: runIp never rejects and names the absent table', async () => {
    const r = await runIp(ctx, ['-N', '-d', '-4', 'route', 'show', 'table', '121']);
    expect(r.code).toBe(2);
    expect(r.failure).toBe('missing-table');
    expect((await runIp(ctx, ['quiet'])).failure).toBeNull();
  });
});

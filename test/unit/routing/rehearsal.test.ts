// The start-up rehearsal runs a scratch table through decode, import, RIB, export, FIB feed
// and a FIB that writes to no kernel; it reports what went through and stops when asked.
import { describe, expect, it } from 'vitest';
import { parseConfig, type NecodConfig } from '../../../src/config/index.js';
import { rehearseRoutePath } from '../../../src/routing/rehearsal.js';

function config(): NecodConfig {
  const r = parseConfig('router-id: 10.0.0.1\nasn: 64600\n', 'necod.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('rehearseRoutePath', () => {
  it('takes every scratch route through the RIB and into the scratch FIB', async () => {
    const r = await rehearseRoutePath({ config: config(), fibMode: 'groups', routes: { ipv4: 12_000, ipv6: 3_000 } });
    expect(r).toMatchObject({ routes: 15_000, installed: 15_000, cut: false });
  });

  it('leaves the FIB out when the kernel is not written', async () => {
    const r = await rehearseRoutePath({ config: config(), fibMode: null, routes: { ipv4: 5_000, ipv6: 0 } });
    expect(r).toMatchObject({ routes: 5_000, installed: 0, cut: false });
  });

  it('stops after the UPDATEs, while the FIB still writes, when asked then', async () => {
    const routes = { ipv4: 12_000, ipv6: 3_000 };
    const full = await rehearseRoutePath({ config: config(), fibMode: 'groups', routes });
    let asked = 0;
    // stop() is asked once before each UPDATE: the next question comes after the last one.
    const r = await rehearseRoutePath({ config: config(), fibMode: 'groups', routes, stop: () => ++asked > full.updates });
    expect(r).toMatchObject({ updates: full.updates, routes: 15_000, cut: true });
    expect(r.installed).toBeLessThan(15_000);
  });

  it('stops between UPDATEs when asked', async () => {
    let asked = 0;
    const r = await rehearseRoutePath({ config: config(), fibMode: 'groups', routes: { ipv4: 12_000, ipv6: 3_000 }, stop: () => ++asked > 3 });
    expect(r.cut).toBe(true);
    expect(r.routes).toBeGreaterThan(0);
    expect(r.routes).toBeLessThan(15_000);
  });
});

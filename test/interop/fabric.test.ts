// The acceptance test of necod: the virtual data center of test/support/fabric.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Lab, cleanupStale } from './harness/index.js';
import { buildFabric, type Fabric } from '../support/fabric.js';

let lab: Lab;
let dc: Fabric;

beforeAll(async () => {
  cleanupStale();
  lab = Lab.create();
  dc = await buildFabric(lab, { floodRoutes: 0 });
}, 120_000);
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(lab.logs(40));
});
afterAll(() => lab?.destroy());

describe('virtual data center', () => {
  it('every server has every other server as ECMP over both uplinks, and pings cross racks', async () => {
    for (const s of dc.servers) expect(await dc.differences(s)).toEqual([]);
    const a = dc.server('r1-srv1');
    const b = dc.server('r2-srv2');
    const r = await dc.ping(a, b.plan.mgmt, 3);
    expect(r.lost).toBe(0);
  });
});

// Vitest hooks for a suite that owns a Lab: when a test fails, the tail of every daemon's log is
// printed (the one thing that explains an interop failure); after the suite the lab is destroyed.
// Apart from lab.ts so that scripts and benches can use the Lab without loading vitest.
import { afterAll, afterEach } from 'vitest';
import type { Lab } from './lab.js';

/** `lab` is read when the hooks run, so a suite may create its lab in beforeAll. */
export function labHooks(lab: () => Lab | undefined, logLines = 80): void {
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(lab()?.logs(logLines));
  });
  afterAll(async () => {
    await lab()?.destroy();
  });
}

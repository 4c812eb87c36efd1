import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `root` builds network namespaces,
// starts real BGP daemons and touches kernel tables, so it needs root and runs serially.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/fixtures/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'root',
          include: ['test/interop/**/*.test.ts', 'test/netns/**/*.test.ts', 'test/packaging/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          setupFiles: ['test/root-setup.ts'],
        },
      },
    ],
  },
});

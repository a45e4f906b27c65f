import { defineConfig } from 'vitest/config';

/** What every project of the suite shares. */
const common = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    // Once for the whole run (not per project): the run's temp folder and its leak check.
    globalSetup: ['./tests/helpers/global-setup.ts'],
    projects: [
      {
        test: {
          ...common,
          name: 'unit and integration',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          // Integration tests start real processes and real-time loops; two cores cannot run many at once.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'browser',
          include: ['tests/e2e/**/*.test.ts'],
          // A browser renders in software on many threads: beside another test it takes the cores that
          // test's timings depend on, and beside another browser its own. So these run last, one at a time.
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

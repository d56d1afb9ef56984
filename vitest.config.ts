import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: ["**/node_modules/**", "tabs/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at a time (vitest's default on a 2-core machine is one: cores − 1); a file often waits on its store's own
    // thread (PGlite), PostgreSQL, Chromium or HTTP. Each file still has its own process, store and ports.
    maxWorkers: 2,
    // prints which stores (PGlite, PostgreSQL) the run used: test/support/stores-covered.ts; builds the tab when
    // tabs/dist is missing or older than its sources (test/support/tab-build.ts): the browser tests load the built tab.
    globalSetup: ["test/support/stores-covered.ts", "test/support/pglite-snapshot.ts", "test/support/tab-build.ts"],
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // prints which stores (PGlite, PostgreSQL) the run used: test/support/stores-covered.ts
    globalSetup: ["test/support/stores-covered.ts"],
  },
});

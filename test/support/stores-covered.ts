import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { safeUrl } from "./databases.js";

/**
 * Vitest global setup (vitest.config.ts): the run says which stores it covered.
 *
 * Before the tests: which stores this run will use (PGlite always; PostgreSQL when DATABASE_URL is set, checked
 * reachable here so a wrong URL stops the run with one clear line instead of failing every suite).
 * After the tests: the tally each test file noted when it opened a store (test/support/databases.ts
 * `noteStoreUsed`), e.g. "stores covered: pglite (9 files, 31 stores), postgres (12 files, 40 stores)".
 */
export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "strat-stores-"));
  const file = join(dir, "stores.jsonl");
  writeFileSync(file, "");
  process.env.STRAT_TEST_STORES_FILE = file; // the test workers inherit it
  const url = process.env.DATABASE_URL;
  if (url) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
      await c.query("select 1");
    } catch (e) {
      throw new Error(`DATABASE_URL is set but PostgreSQL at ${safeUrl(url)} cannot be reached (${(e as Error).message}); unset it to run on PGlite only`);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  const planned = url ? `pglite, postgres at ${safeUrl(url)} (a fresh database per suite)` : "pglite only (set DATABASE_URL to run on PostgreSQL too)";
  process.stdout.write(`\nstores this run: ${planned}\n`);
  return () => {
    const rows = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { store: string; file: string });
    rmSync(dir, { recursive: true, force: true });
    const tally = (["pglite", "postgres"] as const)
      .map((s) => {
        const mine = rows.filter((r) => r.store === s);
        return mine.length ? `${s} (${new Set(mine.map((r) => r.file)).size} files, ${mine.length} stores opened)` : null;
      })
      .filter(Boolean);
    const where = url ? ` — postgres at ${safeUrl(url)}` : "";
    process.stdout.write(`\nstores covered: ${tally.length ? tally.join(", ") : "none (no test opened a store)"}${where}\n`);
    if (url && !rows.some((r) => r.store === "postgres")) process.stdout.write("  note: DATABASE_URL was set but no test opened a PostgreSQL store\n");
  };
}

import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { expect } from "vitest";
import type { Database } from "../../src/ports/store.js";
import { openDatabase } from "../../src/infra/store/open-database.js";

/**
 * The stores every integration suite runs against: PGlite always, and a real PostgreSQL server when
 * DATABASE_URL is set (`.ci/run` starts one). Each PostgreSQL suite gets its own fresh database.
 */
export interface TestStore {
  name: string;
  /** `url`: PostgreSQL only, the suite's database (to open a second pool, as a second app instance would). */
  open(): Promise<Database & { drop(): Promise<void>; url?: string }>;
}

export type StoreName = "pglite" | "postgres";

/**
 * Notes that a test file ran on `store` (test/support/stores-covered.ts prints the tally at the end of the
 * run, so a run says which stores it covered). The file is named by the global setup; without it, nothing.
 */
export function noteStoreUsed(store: StoreName): void {
  const file = process.env.STRAT_TEST_STORES_FILE;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ store, file: expect.getState().testPath ?? "unknown" })}\n`);
}

/** A fresh, empty PostgreSQL database on the server at `serverUrl`; `drop` removes it (closing any connection left). */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `strat_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

export function testStores(): TestStore[] {
  const stores: TestStore[] = [
    {
      name: "pglite",
      async open() {
        noteStoreUsed("pglite");
        const db = await openDatabase({ dataDir: "memory://", pgliteSnapshot: process.env.STRAT_TEST_PGLITE_SNAPSHOT });
        return Object.assign(db, { drop: () => db.close() });
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    stores.push({
      name: "postgres",
      async open() {
        noteStoreUsed("postgres");
        const fresh = await createPostgresDatabase(url);
        const db = await openDatabase({ databaseUrl: fresh.url, dataDir: "unused" });
        return Object.assign(db, {
          url: fresh.url,
          async drop() {
            await db.close();
            await fresh.drop();
          },
        });
      },
    });
  }
  return stores;
}

/**
 * The store a whole app (test/support/harness.ts) runs on, as the app's own settings: with DATABASE_URL set
 * (CI's PostgreSQL pass), a fresh PostgreSQL database; otherwise PGlite, in memory or, with `persistent`
 * (a test that restarts the app on the same data), in a temporary folder. `drop` removes what it made.
 */
export interface AppStore { name: StoreName; env: { DATA_DIR: string; DATABASE_URL?: string; PGLITE_SNAPSHOT?: string }; drop(): Promise<void> }

export async function appStore(opts: { persistent?: boolean } = {}): Promise<AppStore> {
  const url = process.env.DATABASE_URL;
  if (url) {
    noteStoreUsed("postgres");
    const fresh = await createPostgresDatabase(url);
    return { name: "postgres", env: { DATA_DIR: "unused", DATABASE_URL: fresh.url }, drop: fresh.drop };
  }
  noteStoreUsed("pglite");
  // In memory: started from the run's initdb snapshot (test/support/pglite-snapshot.ts) when there is one.
  const snapshot = process.env.STRAT_TEST_PGLITE_SNAPSHOT;
  if (!opts.persistent) return { name: "pglite", env: { DATA_DIR: "memory://", ...(snapshot ? { PGLITE_SNAPSHOT: snapshot } : {}) }, drop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "strat-test-"));
  return { name: "pglite", env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database URL fit to print: "postgres://user@host:port/db (password hidden)"; a password is never shown. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    const hadPassword = u.password !== "";
    u.password = "";
    return `${u.toString()}${hadPassword ? " (password hidden)" : ""}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/infra/store/open-database.js";
import { readMigrations } from "../../src/infra/store/migrate.js";

/** PGLITE_SNAPSHOT (src/config.ts): a throw-away store starts from an initdb tarball, and still runs every migration. */
describe("a PGlite store started from the run's initdb snapshot (test/support/pglite-snapshot.ts)", () => {
  const snapshot = process.env.STRAT_TEST_PGLITE_SNAPSHOT;

  it("the global setup made one, and a store started from it is migrated from empty (the time saved is printed, not asserted)", async () => {
    expect(snapshot).toMatch(/initdb\.tar$/);
    const t0 = performance.now();
    const fresh = await openDatabase({ dataDir: "memory://" });
    const initdbMs = performance.now() - t0;
    await fresh.close();
    const t1 = performance.now();
    const db = await openDatabase({ dataDir: "memory://", pgliteSnapshot: snapshot });
    const snapshotMs = performance.now() - t1;
    try {
      const versions = (await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).map((r) => r.version);
      expect(versions).toEqual(readMigrations().map((m) => m.version));
      await db.exec("CREATE TABLE scratch (a int)"); // a store of its own: the next one does not see this
    } finally {
      await db.close();
    }
    const other = await openDatabase({ dataDir: "memory://", pgliteSnapshot: snapshot });
    try {
      expect(await other.query("SELECT to_regclass('scratch') AS t")).toEqual([{ t: null }]);
    } finally {
      await other.close();
    }
    console.log(`store opened and migrated: ${Math.round(initdbMs)} ms with initdb, ${Math.round(snapshotMs)} ms from the snapshot`);
  }, 180_000);

  it("the store is the snapshot's data folder: a table in the snapshot is there, and the migrations run on top", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strat-snap-"));
    try {
      const src = await PGlite.create("memory://");
      await src.exec("CREATE TABLE from_snapshot (a int); INSERT INTO from_snapshot VALUES (42)");
      writeFileSync(join(dir, "s.tar"), Buffer.from(await (await src.dumpDataDir("none")).arrayBuffer()));
      await src.close();
      const db = await openDatabase({ dataDir: "memory://", pgliteSnapshot: join(dir, "s.tar") });
      try {
        expect(await db.query("SELECT a FROM from_snapshot")).toEqual([{ a: 42 }]);
        expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations"))[0]!.n).toBe(readMigrations().length);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("a data folder is the app's own: the snapshot is never loaded into it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strat-snap-"));
    try {
      const db = await openDatabase({ dataDir: dir, pgliteSnapshot: snapshot });
      await db.exec("CREATE TABLE kept (a int); INSERT INTO kept VALUES (7)");
      await db.close();
      const again = await openDatabase({ dataDir: dir, pgliteSnapshot: snapshot });
      try {
        expect(await again.query("SELECT a FROM kept")).toEqual([{ a: 7 }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

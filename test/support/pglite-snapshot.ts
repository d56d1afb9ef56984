import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";

/**
 * Vitest global setup (vitest.config.ts): one freshly initialised PGlite data folder, as a tarball, that every
 * in-memory test store starts from (PGLITE_SNAPSHOT, src/infra/store/pglite.ts). Creating a PGlite store runs
 * initdb, 2–8 s of CPU on this machine; loading the tarball skips it. The snapshot holds no table: each store still
 * runs every migration itself, so the tests keep proving them from an empty database.
 */
export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "strat-pglite-"));
  const file = join(dir, "initdb.tar");
  const db = await PGlite.create("memory://");
  try {
    writeFileSync(file, Buffer.from(await (await db.dumpDataDir("none")).arrayBuffer()));
  } finally {
    await db.close();
  }
  process.env.STRAT_TEST_PGLITE_SNAPSHOT = file; // the test workers inherit it
  return () => rmSync(dir, { recursive: true, force: true });
}

import { join } from "node:path";
import type { Database } from "../../ports/store.js";
import { lockFolder } from "./folder-lock.js";
import { migrate } from "./migrate.js";
import { openPglite } from "./pglite.js";
import { openPostgres } from "./postgres.js";

/**
 * PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR; migrations run before anything else.
 * A PGlite folder is held by one process at a time (DATA_DIR/pglite.lock, released by `close`); a second
 * process is refused before it touches the folder. PostgreSQL needs no lock: instances share one server.
 */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; pgliteSnapshot?: string }): Promise<Database> {
  if (opts.databaseUrl) return migrated(await openPostgres(opts.databaseUrl));
  if (opts.dataDir.startsWith("memory://")) return migrated(await openPglite(opts.dataDir, { snapshot: opts.pgliteSnapshot }));
  const folder = join(opts.dataDir, "pglite");
  // named as the start-up banner names it ("./data/pglite"), not normalised
  const lock = lockFolder(join(opts.dataDir, "pglite.lock"), `${opts.dataDir.replace(/\/+$/, "")}/pglite`, opts.dataDir);
  let db: Database;
  try {
    db = await migrated(await openPglite(folder));
  } catch (e) {
    lock.release();
    throw e;
  }
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      try {
        await close();
      } finally {
        lock.release();
      }
    },
  });
}

async function migrated(db: Database): Promise<Database> {
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return db;
}

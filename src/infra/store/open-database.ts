import { join } from "node:path";
import type { Database } from "../../ports/store.js";
import { migrate } from "./migrate.js";
import { openPglite } from "./pglite.js";
import { openPostgres } from "./postgres.js";

/** PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR; migrations run before anything else. */
export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  const db = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl)
    : await openPglite(opts.dataDir.startsWith("memory://") ? opts.dataDir : join(opts.dataDir, "pglite"));
  await migrate(db);
  return db;
}

import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Database, Sql } from "../../ports/store.js";

/** Embedded PostgreSQL (WASM) in a data folder that survives restarts; `memory://` for a throw-away one. */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const wrap = (q: { query: PGlite["query"]; exec: PGlite["exec"] }): Sql => ({
    async exec(script: string) {
      await q.exec(script);
    },
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await q.query<T>(text, params ? [...params] : undefined);
      return r.rows;
    },
  });
  const sql = wrap(db);
  return {
    kind: "pglite",
    query: sql.query,
    exec: sql.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}

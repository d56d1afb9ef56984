import pg from "pg";
import type { Database, PreparedStatement, Sql } from "../../ports/store.js";

/** A real PostgreSQL server through `pg`; same SQL and migrations as PGlite. */
export async function openPostgres(url: string, max = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // A broken idle connection must not crash the process.
  pool.on("error", () => undefined);
  const client = await pool.connect(); // fail fast on a bad URL
  client.release();
  const run = async <T>(c: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) =>
    (await c.query(text, params ? [...params] : undefined)).rows as T[];
  // pg prepares a named statement on each connection the first time that connection runs it.
  const prepared = async <T>(c: pg.Pool | pg.PoolClient, st: PreparedStatement, params: readonly unknown[]) =>
    (await c.query({ name: st.name, text: st.text, values: [...params] })).rows as T[];
  return {
    kind: "postgres",
    query: (text, params) => run(pool, text, params),
    prepared: (st, params) => prepared(pool, st, params),
    exec: async (script) => void (await pool.query(script)),
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        const tx: Sql = {
          query: (text, params) => run(c, text, params),
          prepared: (st, params) => prepared(c, st, params),
          exec: async (script) => void (await c.query(script)),
        };
        const out = await fn(tx);
        await c.query("COMMIT");
        return out;
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}

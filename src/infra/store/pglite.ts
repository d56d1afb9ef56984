import { mkdirSync } from "node:fs";
import { PGlite, type Results } from "@electric-sql/pglite";
import type { Database, PreparedStatement, Sql } from "../../ports/store.js";

/** pg's escapeLiteral without its per-character loop (states are kilobytes of JSON): same output. */
function quote(s: string): string {
  const body = s.includes("'") ? s.replaceAll("'", "''") : s;
  return s.includes("\\") ? ` E'${body.replaceAll("\\", "\\\\")}'` : `'${body}'`;
}

/**
 * A value as an SQL literal for EXECUTE (PGlite's extended protocol cannot bind parameters to EXECUTE):
 * strings quoted as pg's escapeLiteral does (quotes doubled, backslashes doubled in an E'' string), so no value can
 * end the literal; the prepared statement's parameter types then convert it as a bound value would be.
 */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError("A prepared statement parameter must be a finite number.");
    return String(v);
  }
  if (v instanceof Date) return `'${v.toISOString()}'`;
  if (typeof v === "string") return quote(v);
  throw new TypeError(`A prepared statement parameter cannot be a ${typeof v}.`);
}

const NAME = /^[a-z_][a-z0-9_]*$/;

/** Embedded PostgreSQL (WASM) in a data folder that survives restarts; `memory://` for a throw-away one. */
export async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // One session for the whole process, so PREPARE once serves every later EXECUTE (a PREPARE is not
  // undone by a rollback). Each EXECUTE is one simple-protocol message: PGlite's parameterised path
  // costs six protocol exchanges and a fresh plan per call.
  const ready = new Set<string>();
  const wrap = (q: { query: PGlite["query"]; exec: PGlite["exec"] }): Sql => ({
    async exec(script: string) {
      await q.exec(script);
    },
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await q.query<T>(text, params ? [...params] : undefined);
      return r.rows;
    },
    async prepared<T>(st: PreparedStatement, params: readonly unknown[]) {
      if (!NAME.test(st.name) || params.length !== st.types.length) throw new TypeError(`Prepared statement ${st.name}: bad name or parameter count.`);
      if (!ready.has(st.name)) {
        await q.exec(`PREPARE ${st.name} (${st.types.join(", ")}) AS ${st.text}`).catch((e: { code?: string }) => {
          if (e.code !== "42P05") throw e; // already prepared in this session
        });
        ready.add(st.name);
      }
      const results: Results[] = await q.exec(`EXECUTE ${st.name} (${params.map(literal).join(", ")})`);
      return (results.at(-1)?.rows ?? []) as T[];
    },
  });
  const sql = wrap(db);
  return {
    kind: "pglite",
    query: sql.query,
    prepared: sql.prepared,
    exec: sql.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}

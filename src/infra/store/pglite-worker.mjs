// The embedded database's own thread (plain JavaScript, so it starts the same under node, tsx and vitest).
// PGlite runs PostgreSQL compiled to WASM synchronously: on the main thread every statement stopped the
// bot's HTTP handling for its whole duration (a third of a card action's CPU). Here it runs beside it.
// Protocol (src/infra/store/pglite.ts): { id, op, tx?, text?, params?, st? } → { id, ok, result | error }.
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

/** pg's escapeLiteral, without its per-character loop (states are kilobytes of JSON): same output. */
function quote(s) {
  const body = s.includes("'") ? s.replaceAll("'", "''") : s;
  return s.includes("\\") ? ` E'${body.replaceAll("\\", "\\\\")}'` : `'${body}'`;
}

/**
 * A value as an SQL literal for EXECUTE (PGlite's extended protocol cannot bind parameters to EXECUTE):
 * strings quoted as pg's escapeLiteral does (quotes doubled, backslashes doubled in an E'' string), so no
 * value can end the literal; the prepared statement's parameter types then convert it as a bound value would be.
 */
function literal(v) {
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

let db;
/** Open transactions by id: the handle PGlite gave us and how to end it. */
const txs = new Map();
/** Statements prepared in this session (one session: a PREPARE serves every later EXECUTE, even after a rollback). */
const ready = new Set();

async function prepared(q, st, params) {
  if (!NAME.test(st.name) || params.length !== st.types.length) throw new TypeError(`Prepared statement ${st.name}: bad name or parameter count.`);
  if (!ready.has(st.name)) {
    await q.exec(`PREPARE ${st.name} (${st.types.join(", ")}) AS ${st.text}`).catch((e) => {
      if (e.code !== "42P05") throw e; // already prepared in this session
    });
    ready.add(st.name);
  }
  // One simple-protocol message: PGlite's parameterised path costs six protocol exchanges and a fresh plan.
  const results = await q.exec(`EXECUTE ${st.name} (${params.map(literal).join(", ")})`);
  return results.at(-1)?.rows ?? [];
}

function begin(txId) {
  const entry = {};
  txs.set(txId, entry);
  return new Promise((started, failed) => {
    entry.finished = db.transaction(
      (tx) =>
        new Promise((commit, rollback) => {
          Object.assign(entry, { tx, commit, rollback });
          started();
        }),
    );
    entry.finished.catch((e) => {
      txs.delete(txId);
      failed(e); // only matters if it failed before it started
    });
  });
}

/** Ends a transaction: commit (its error, if any, goes to the caller) or roll back. */
async function end(txId, ok) {
  const t = txs.get(txId);
  if (!t?.tx) throw new Error("No such transaction.");
  txs.delete(txId);
  if (ok) {
    t.commit();
    await t.finished;
  } else {
    t.rollback(new Error("rolled back"));
    await t.finished.catch(() => undefined);
  }
}

async function run(m) {
  const q = m.tx ? txs.get(m.tx)?.tx : db;
  if (!q) throw new Error("No such transaction.");
  switch (m.op) {
    case "query":
      return (await q.query(m.text, m.params)).rows;
    case "exec":
      await q.exec(m.text);
      return null;
    case "prepared":
      return prepared(q, m.st, m.params);
    case "begin":
      await begin(m.txId);
      return null;
    case "commit":
      await end(m.txId, true);
      return null;
    case "rollback":
      await end(m.txId, false);
      return null;
    case "close":
      await db.close();
      return null;
    default:
      throw new Error(`Unknown operation ${m.op}.`);
  }
}

/** What crosses back to the caller of a failed statement: the PostgreSQL error's fields, no object graph. */
function errorOf(e) {
  const out = { name: e?.name ?? "Error", message: String(e?.message ?? e) };
  for (const k of ["code", "detail", "hint", "severity", "constraint", "table", "column", "schema", "position", "routine"]) {
    if (e?.[k] !== undefined) out[k] = e[k];
  }
  return out;
}

try {
  // A snapshot (a tarball from PGlite's dumpDataDir) skips initdb, the seconds-long part of creating a store.
  db = workerData.snapshot
    ? await PGlite.create({ dataDir: workerData.dataDir, loadDataDir: new Blob([readFileSync(workerData.snapshot)]) })
    : await PGlite.create(workerData.dataDir);
  parentPort.on("message", (m) => {
    run(m).then(
      (result) => parentPort.postMessage({ id: m.id, ok: true, result }),
      (e) => parentPort.postMessage({ id: m.id, ok: false, error: errorOf(e) }),
    );
  });
  parentPort.postMessage({ id: 0, ok: true, result: "ready" });
} catch (e) {
  parentPort.postMessage({ id: 0, ok: false, error: errorOf(e) });
}

import { mkdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Database, PreparedStatement, Sql } from "../../ports/store.js";

type Request =
  | { op: "query"; text: string; params?: unknown[]; tx?: number }
  | { op: "exec"; text: string; tx?: number }
  | { op: "prepared"; st: PreparedStatement; params: unknown[]; tx?: number }
  | { op: "begin" | "commit" | "rollback"; txId: number }
  | { op: "close" };
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: Record<string, unknown> & { message: string } };

/** A PostgreSQL error as the caller would have seen it in this thread: same message and fields (code, …). */
const rebuild = (e: Record<string, unknown> & { message: string }) => Object.assign(new Error(e.message), e);

/**
 * Embedded PostgreSQL (WASM) in a data folder that survives restarts; `memory://` for a throw-away one.
 * PGlite runs in its own worker thread (pglite-worker.mjs), so the bot keeps answering while a statement
 * runs; this side only passes messages. One session, as before: transactions queue for it.
 */
export async function openPglite(dataDir: string, opts: { snapshot?: string } = {}): Promise<Database> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  // A snapshot seeds a throw-away (memory://) store only: a data folder is the app's own, never overwritten.
  const snapshot = dataDir.startsWith("memory://") ? opts.snapshot : undefined;
  const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), { workerData: { dataDir, snapshot } });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let seq = 0;
  let broken: Error | null = null;
  // The thread keeps the process alive only while it owes an answer.
  const settle = (id: number) => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return p;
  };
  const failAll = (e: Error) => {
    broken ??= e;
    for (const id of [...pending.keys()]) settle(id)?.reject(e);
  };
  const started = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  worker.on("message", (m: Reply) => {
    const p = settle(m.id);
    if (m.ok) p?.resolve(m.result);
    else p?.reject(rebuild(m.error));
  });
  worker.on("error", (e) => failAll(e));
  worker.on("exit", (code) => failAll(new Error(`The embedded database stopped (exit ${code}).`)));
  await started;

  const call = <T>(req: Request): Promise<T> => {
    if (broken) return Promise.reject(broken);
    const id = ++seq;
    return new Promise<T>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, ...req });
    });
  };
  const sql = (tx?: number): Sql => ({
    exec: (text) => call<null>({ op: "exec", text, tx }).then(() => undefined),
    query: <T>(text: string, params?: readonly unknown[]) => call<T[]>({ op: "query", text, params: params ? [...params] : undefined, tx }),
    prepared: <T>(st: PreparedStatement, params: readonly unknown[]) =>
      call<T[]>({ op: "prepared", st: { name: st.name, text: st.text, types: [...st.types] }, params: [...params], tx }),
  });
  const outside = sql();
  let txSeq = 0;
  return {
    kind: "pglite",
    ...outside,
    async transaction(fn) {
      const txId = ++txSeq;
      await call({ op: "begin", txId });
      let out;
      try {
        out = await fn(sql(txId));
      } catch (e) {
        await call({ op: "rollback", txId }).catch(() => undefined);
        throw e;
      }
      await call({ op: "commit", txId });
      return out;
    },
    async close() {
      if (!broken) await call({ op: "close" }).catch(() => undefined);
      await worker.terminate();
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "../../src/infra/store/pglite.js";
import type { Database } from "../../src/ports/store.js";

describe("PGlite in its own thread", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPglite("memory://");
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, at timestamptz, j jsonb)");
  });
  afterAll(async () => db?.close());

  it("keeps the event loop free while a statement runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    const [row] = await db.query<{ n: string }>("SELECT sum(g)::text AS n FROM generate_series(1, 3000000) g");
    const took = Date.now() - started;
    clearInterval(timer);
    expect(row!.n).toBe("4500001500000");
    expect(took).toBeGreaterThan(100); // long enough to matter…
    expect(ticks).toBeGreaterThan(took / 5 / 4); // …and the timers kept firing meanwhile (in-thread: 0 ticks)
  });

  it("returns typed values and PostgreSQL's errors with their codes, in and out of transactions", async () => {
    await db.query("INSERT INTO t VALUES ($1, $2, $3)", [1, new Date("2026-12-24T16:59:00Z"), JSON.stringify({ a: [1, "x"] })]);
    const [row] = await db.query<{ id: number; at: Date; j: unknown }>("SELECT * FROM t WHERE id = 1");
    expect(row).toEqual({ id: 1, at: new Date("2026-12-24T16:59:00Z"), j: { a: [1, "x"] } });
    await expect(db.query("INSERT INTO t VALUES (1, now(), '{}')")).rejects.toMatchObject({ code: "23505", constraint: "t_pkey" });
    await expect(db.query("SELEC 1")).rejects.toMatchObject({ code: "42601" });
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (2, now(), '{}')");
        await tx.query("INSERT INTO t VALUES (1, now(), '{}')");
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await db.query("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }]); // the whole transaction was undone
    const out = await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (3, now(), '{}')");
      return (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM t"))[0]!.n;
    });
    expect(out).toBe(2);
    // An error thrown by the caller's own code rolls back too.
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (4, now(), '{}')");
      throw new Error("caller changed its mind");
    })).rejects.toThrow("caller changed its mind");
    expect((await db.query<{ id: number }>("SELECT id FROM t ORDER BY id")).map((r) => r.id)).toEqual([1, 3]);
  });

  it("transactions queue for the one session: concurrent ones never interleave", async () => {
    await db.exec("CREATE TABLE c (n int)");
    await db.exec("INSERT INTO c VALUES (0)");
    await Promise.all(Array.from({ length: 20 }, () => db.transaction(async (tx) => {
      const [r] = await tx.query<{ n: number }>("SELECT n FROM c");
      await tx.query("UPDATE c SET n = $1", [r!.n + 1]);
    })));
    expect(await db.query("SELECT n FROM c")).toEqual([{ n: 20 }]);
  });

  it("after close, a call fails with a clear error instead of hanging", async () => {
    const other = await openPglite("memory://");
    expect(await other.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await other.close();
    await expect(other.query("SELECT 1")).rejects.toThrow(/embedded database stopped/);
  });
});

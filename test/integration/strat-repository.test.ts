import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/domain/errors.js";
import { parseReferral } from "../../src/domain/protocol/referral.js";
import { initialState, type StratState } from "../../src/domain/strat/state.js";
import type { NewStrat, Strat } from "../../src/domain/strat/strat.js";
import { migrate, readMigrations } from "../../src/infra/store/migrate.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import type { Database, Sql, StratRepository } from "../../src/ports/store.js";
import { testStores } from "../support/databases.js";

const newStrat = (over: Partial<NewStrat> = {}): NewStrat => ({
  caseRef: "LCS-123456",
  profileId: "bromley-2023",
  referral: parseReferral({ receivedAt: "2026-11-23T10:00:00Z", concerns: ["standard"], children: [{ ref: "C1", dob: "2020-01-01" }] }),
  dueAt: new Date("2026-11-26T17:00:00Z"),
  dueRule: "T-STD",
  targetAt: new Date("2026-11-24T10:00:00Z"),
  applied: [{ rule: "T-STD", due: "2026-11-26T17:00:00.000Z" }],
  chairId: "aad-chair",
  chairName: "Chair",
  conversationId: "conv-1",
  requestId: randomUUID(),
  state: initialState(),
  ...over,
});
const audit = { actor: "aad-chair", action: "test" };

/** Test changes on the typed state: `seq` as a counter, `deputyIds` as a list of marks (in order). */
const bumped = (cur: Strat): StratState => ({ ...cur.state, seq: cur.state.seq + 1 });
const marked = (cur: Strat, ...marks: string[]): StratState => ({ ...cur.state, deputyIds: [...cur.state.deputyIds, ...marks] });

/** The same database, recording every statement sent outside and inside transactions. */
function countingDb<D extends Database>(db: D): D & { statements: string[] } {
  const statements: string[] = [];
  const wrap = (q: Sql): Sql => ({
    query: (text, params) => { statements.push(text.trim()); return q.query(text, params); },
    prepared: (st, params) => { statements.push(st.text.trim()); return q.prepared(st, params); },
    exec: (script) => { statements.push(script.trim()); return q.exec(script); },
  });
  return Object.assign(Object.create(db) as D, {
    statements,
    ...wrap(db),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) => { statements.push("BEGIN"); return db.transaction((tx) => fn(wrap(tx))); },
  });
}

for (const store of testStores()) {
  describe(`strat repository on ${store.name}`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let repo: StratRepository;
    beforeAll(async () => {
      db = await store.open();
      repo = createStratRepository(db, () => new Date());
    });
    afterAll(async () => db?.drop());

    it("runs migrations once: a second run applies nothing", async () => {
      expect(await migrate(db)).toEqual([]);
      const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
      expect(rows.length).toBeGreaterThan(0);
    });

    it("opens a strat with a reference, version 1 and an audit entry, and reads it back", async () => {
      const { strat, created } = await repo.open(newStrat(), audit);
      expect(created).toBe(true);
      expect(strat.ref).toMatch(/^SD-\d{4}-\d{4,}$/);
      expect(strat.version).toBe(1);
      expect(strat.status).toBe("open");
      const back = await repo.get(strat.id);
      expect(back?.dueAt.toISOString()).toBe("2026-11-26T17:00:00.000Z");
      expect(back?.applied).toEqual([{ rule: "T-STD", due: "2026-11-26T17:00:00.000Z" }]);
      expect((await repo.findByRef(strat.ref.toLowerCase()))?.id).toBe(strat.id);
      expect((await repo.auditTrail(strat.id)).map((a) => a.action)).toEqual(["test"]);
    });

    it("the same submission twice (Teams redelivery) opens one strat", async () => {
      const input = newStrat();
      const [a, b] = await Promise.all([repo.open(input, audit), repo.open(input, audit)]);
      expect(a.strat.id).toBe(b.strat.id);
      expect([a.created, b.created].sort()).toEqual([false, true]);
      const n = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM strats WHERE request_id = $1", [input.requestId]);
      expect(n[0]!.n).toBe(1);
    });

    it("two writers from the same version: one wins, the other gets a conflict and nothing of it is saved", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      const write = (who: string) => repo.mutate(strat.id, (cur) => ({ change: { state: marked(cur, who) }, audit: { actor: who, action: "plan" }, result: who }), { expectedVersion: strat.version });
      const results = await Promise.allSettled([write("a"), write("b")]);
      const ok = results.filter((r) => r.status === "fulfilled");
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(AppError);
      expect((failed[0]!.reason as AppError).code).toBe("conflict");
      const after = await repo.get(strat.id);
      expect(after!.version).toBe(2);
      const winner = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<StratRepository["mutate"]>>>).value;
      expect(after!.state).toEqual(winner.strat.state);
      // one audit entry per saved change, none for the refused one
      expect((await repo.auditTrail(strat.id)).map((a) => a.action)).toEqual(["test", "plan"]);
    });

    it("a stale version is refused after an accepted change; an unknown strat is not found", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      const bump = (v: number, id = strat.id) => repo.mutate(id, (cur) => ({ change: { state: bumped(cur) }, audit, result: null }), { expectedVersion: v });
      await bump(1);
      await expect(bump(1)).rejects.toMatchObject({ code: "conflict" });
      await expect(bump(1, randomUUID())).rejects.toMatchObject({ code: "not_found" });
      expect((await repo.get(strat.id))!.state.seq).toBe(1);
    });

    it("reads back a typed, parsed strat: the referral with its instants, the state with its defaults, both frozen", async () => {
      const { strat } = await repo.open(newStrat({ state: initialState({ deputyIds: ["aad-deputy"] }) }), audit);
      const fresh = await createStratRepository(db, () => new Date()).get(strat.id);
      expect(fresh!.referral.receivedAt).toEqual(new Date("2026-11-23T10:00:00Z"));
      expect(fresh!.referral.children[0]).toMatchObject({ ref: "C1", dob: "2020-01-01", school: null });
      expect(fresh!.state).toMatchObject({ deputyIds: ["aad-deputy"], invitees: [], meeting: null, seq: 0 });
      expect(Object.isFrozen(fresh!.state) && Object.isFrozen(fresh!.referral)).toBe(true);
    });

    it("lists open strats by due time and by conversation; closed ones drop out", async () => {
      const conv = `conv-${randomUUID()}`;
      const late = await repo.open(newStrat({ conversationId: conv, dueAt: new Date("2030-01-02T17:00:00Z") }), audit);
      const early = await repo.open(newStrat({ conversationId: conv, dueAt: new Date("2030-01-01T17:00:00Z") }), audit);
      expect((await repo.listByConversation(conv)).map((s) => s.id)).toEqual([early.strat.id, late.strat.id]);
      await repo.mutate(late.strat.id, () => ({ change: { status: "closed", closedAt: new Date() }, audit, result: null }));
      expect((await repo.listByConversation(conv)).map((s) => s.id)).toEqual([early.strat.id]);
      const open = await repo.listOpen();
      expect(open.find((s) => s.id === late.strat.id)).toBeUndefined();
      expect(open.map((s) => s.dueAt.getTime())).toEqual([...open.map((s) => s.dueAt.getTime())].sort((a, b) => a - b));
    });

    it("20 writers at once through mutate: all 20 changes kept, in 20 versions, no lost update", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      await Promise.all(
        Array.from({ length: 20 }, (_, k) =>
          repo.mutate(strat.id, (cur) => ({
            change: { state: marked(cur, `answer${k}`) },
            audit: { actor: `invitee-${k}`, action: "respond" },
            result: k,
          })),
        ),
      );
      const after = await repo.get(strat.id);
      expect(after!.version).toBe(21);
      expect([...after!.state.deputyIds].sort()).toEqual(Array.from({ length: 20 }, (_, k) => `answer${k}`).sort());
      expect((await repo.auditTrail(strat.id)).filter((a) => a.action === "respond")).toHaveLength(20);
    });

    it("mutate with a dedupe key applies a redelivered request once; a stale expected version is refused", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      const key = `activity-${randomUUID()}`;
      const apply = () =>
        repo.mutate(strat.id, (cur) => ({ change: { state: bumped(cur) }, audit, result: "applied" }), { dedupeKey: key });
      const [a, b] = await Promise.all([apply(), apply()]);
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      expect((await repo.get(strat.id))!.state.seq).toBe(1);
      await expect(
        repo.mutate(strat.id, (cur) => ({ change: { state: bumped(cur) }, audit, result: null }), { expectedVersion: 1 }),
      ).rejects.toMatchObject({ code: "conflict" });
      expect((await repo.get(strat.id))!.state.seq).toBe(1);
    });

    it("a failing change inside mutate writes nothing (no half change, no audit entry)", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      await expect(
        repo.mutate(strat.id, () => {
          throw new AppError("invalid_input", "nope", "field");
        }),
      ).rejects.toMatchObject({ code: "invalid_input" });
      expect((await repo.get(strat.id))!.version).toBe(1);
      expect(await repo.auditTrail(strat.id)).toHaveLength(1);
    });

    it("a change on a strat this instance has the latest version of is one SQL statement (no read, no explicit transaction)", async () => {
      const counted = countingDb(db);
      const local = createStratRepository(counted, () => new Date());
      const { strat } = await local.open(newStrat(), audit);
      counted.statements.length = 0;
      const out = await local.mutate(strat.id, (cur) => ({ change: { state: bumped(cur) }, audit, result: null }), { dedupeKey: `k-${randomUUID()}` });
      expect(out.strat.version).toBe(2);
      expect(counted.statements).toHaveLength(1);
      expect(counted.statements[0]).toMatch(/^WITH upd AS \(\s*UPDATE strats/);
      // The state a repository hands out is frozen: nobody changes a strat in memory behind the database's back.
      expect(() => { (out.strat.state as { seq: number }).seq = 2; }).toThrow(TypeError);
    });

    it("two instances on one database: a change computed on an out-of-date view is recomputed on the latest, nothing lost", async () => {
      const a = createStratRepository(db, () => new Date());
      const b = createStratRepository(db, () => new Date());
      const { strat } = await a.open(newStrat(), audit);
      const add = (repo: StratRepository, k: string, calls: string[]) =>
        repo.mutate(strat.id, (cur) => {
          calls.push(`${k}@v${cur.version}`);
          return { change: { state: marked(cur, k) }, audit: { actor: k, action: "add" }, result: k };
        });
      await add(a, "fromA1", []);
      await add(b, "fromB", []); // b read version 2 and wrote version 3: a's view (version 2) is now out of date
      const calls: string[] = [];
      const out = await add(a, "fromA2", calls);
      expect(calls).toEqual(["fromA2@v2", "fromA2@v3"]); // tried on a's view, refused by the database, redone on the latest
      expect(out.strat.version).toBe(4);
      expect([...(await b.get(strat.id))!.state.deputyIds].sort()).toEqual(["fromA1", "fromA2", "fromB"]);
      // 10 writers on each instance at once: all 20 kept.
      await Promise.all(Array.from({ length: 20 }, (_, k) => add(k % 2 ? a : b, `w${k}`, [])));
      const after = await a.get(strat.id);
      expect(after!.version).toBe(24);
      expect(after!.state.deputyIds).toHaveLength(23);
      expect((await a.auditTrail(strat.id)).map((e) => e.version)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    });

    it("two instances: a redelivered activity is applied once; a refusal made on an out-of-date view is decided again", async () => {
      const a = createStratRepository(db, () => new Date());
      const b = createStratRepository(db, () => new Date());
      const { strat } = await a.open(newStrat(), audit);
      await b.get(strat.id);
      const key = `activity-${randomUUID()}`;
      const bump = (repo: StratRepository) =>
        repo.mutate(strat.id, (cur) => ({ change: { state: bumped(cur) }, audit, result: "applied" }), { dedupeKey: key });
      const [x, y] = await Promise.all([bump(a), bump(b)]);
      expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
      expect((await a.get(strat.id))!.state.seq).toBe(1);
      // b opens the door; a still has the view where it was shut, and must not refuse on it.
      const c = createStratRepository(db, () => new Date());
      await c.get(strat.id);
      await b.mutate(strat.id, (cur) => ({ change: { state: marked(cur, "open") }, audit, result: null }));
      const out = await c.mutate(strat.id, (cur) => {
        if (!cur.state.deputyIds.includes("open")) throw new AppError("forbidden", "shut", "door");
        return { change: { state: marked(cur, "walkedIn") }, audit, result: "in" };
      });
      expect(out.result).toBe("in");
      const door = (await a.get(strat.id))!.state;
      expect([door.seq, door.deputyIds]).toEqual([1, ["open", "walkedIn"]]);
    });

    it("follow-up jobs are written with the change in the same statement; a repeated dedupe key keeps the last", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      const tag = randomUUID();
      const runAt = new Date("2026-12-01T09:00:00Z");
      await repo.mutate(strat.id, (cur) => ({
        change: { state: bumped(cur) }, audit, result: null,
        jobs: [
          { kind: "reminder.action", dedupeKey: `${tag}-1`, runAt, payload: { stratId: strat.id, actionId: "n1" } },
          { kind: "reminder.action", dedupeKey: `${tag}-1`, runAt, payload: { stratId: strat.id, actionId: "n2" } },
          { kind: "reminder.action", dedupeKey: `${tag}-2`, runAt, payload: { stratId: strat.id, actionId: "n3" } },
        ],
      }));
      const jobs = await db.query<{ dedupe_key: string; payload: { actionId: string }; run_at: Date; state: string }>(
        "SELECT dedupe_key, payload, run_at, state FROM background_jobs WHERE dedupe_key LIKE $1 ORDER BY dedupe_key", [`${tag}%`]);
      expect(jobs.map((j) => [j.dedupe_key, j.payload.actionId, new Date(j.run_at).toISOString(), j.state])).toEqual([
        [`${tag}-1`, "n2", runAt.toISOString(), "pending"], [`${tag}-2`, "n3", runAt.toISOString(), "pending"],
      ]);
      // A change that is not applied (a redelivery) writes no job.
      const key = `k-${tag}`;
      const withJob = (n: number) => repo.mutate(strat.id, (cur) => ({
        change: { state: { ...cur.state } }, audit, result: null,
        jobs: [{ kind: "reminder.action", dedupeKey: `${tag}-3`, runAt, payload: { stratId: strat.id, actionId: `n${n}` } }],
      }), { dedupeKey: key });
      await withJob(4);
      await db.query("DELETE FROM background_jobs WHERE dedupe_key = $1", [`${tag}-3`]);
      expect((await withJob(5)).duplicate).toBe(true);
      expect(await db.query("SELECT 1 FROM background_jobs WHERE dedupe_key = $1", [`${tag}-3`])).toHaveLength(0);
      // A job whose payload does not match its kind's schema is refused before anything is written.
      const before = (await repo.get(strat.id))!.version;
      await expect(repo.mutate(strat.id, (cur) => ({
        change: { state: { ...cur.state } }, audit, result: null,
        jobs: [{ kind: "reminder.action", dedupeKey: `${tag}-4`, runAt, payload: JSON.parse(JSON.stringify({ stratId: strat.id })) }],
      }))).rejects.toThrow(/reminder\.action.*actionId/);
      expect((await repo.get(strat.id))!.version).toBe(before);
    });

    it("changes arriving while one is written are then written together: in order, each on the state the one before left", async () => {
      const counted = countingDb(db);
      const local = createStratRepository(counted, () => new Date());
      const { strat } = await local.open(newStrat(), audit);
      const seenKey = `k-${randomUUID()}`;
      await local.mutate(strat.id, (cur) => ({ change: { state: { ...cur.state, deputyIds: [] } }, audit, result: null }), { dedupeKey: seenKey });
      counted.statements.length = 0;
      const append = (k: number, opts: { dedupeKey?: string } = {}) =>
        local.mutate(strat.id, (cur) => {
          if (k === 4) throw new AppError("invalid_input", "not this one", "k");
          return { change: { state: marked(cur, String(k)) }, audit: { actor: `a${k}`, action: "append" }, result: k };
        }, opts);
      const dupKey = `d-${randomUUID()}`;
      const settled = await Promise.allSettled([
        append(0), append(1), append(2, { dedupeKey: dupKey }), append(3, { dedupeKey: dupKey }), append(4), append(5), append(6), append(7),
      ]);
      expect(settled.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
      const value = (i: number) => (settled[i] as PromiseFulfilledResult<Awaited<ReturnType<StratRepository["mutate"]>>>).value;
      expect(value(3).duplicate).toBe(true); // the same activity twice in one batch counts once
      expect((settled[4] as PromiseRejectedResult).reason).toMatchObject({ code: "invalid_input" });
      // Each caller sees the strat as its own change left it.
      expect([0, 1, 2, 5, 6, 7].map((i) => value(i).strat.version)).toEqual([3, 4, 5, 6, 7, 8]);
      expect(value(5).strat.state.deputyIds).toEqual(["0", "1", "2", "5"]);
      const after = (await createStratRepository(db, () => new Date()).get(strat.id))!;
      expect(after.version).toBe(8);
      expect(after.state.deputyIds).toEqual(["0", "1", "2", "5", "6", "7"]);
      expect((await local.auditTrail(strat.id)).map((e) => `${e.version}:${e.actor}`).slice(2)).toEqual(["3:a0", "4:a1", "5:a2", "6:a5", "7:a6", "8:a7"]);
      // Six changes saved with at most two statements (the first may go alone, those that waited go together).
      const writes = counted.statements.filter((t) => t.startsWith("WITH upd")).length;
      expect(writes).toBeGreaterThanOrEqual(1);
      expect(writes).toBeLessThanOrEqual(2);
      // A key the database has already seen sends the batch back to one by one: applied once, nothing lost.
      const again = await Promise.all([append(8), append(9, { dedupeKey: seenKey }), append(10)]);
      expect(again.map((o) => o.duplicate)).toEqual([false, true, false]);
      expect((await local.get(strat.id))!.state.deputyIds).toEqual(["0", "1", "2", "5", "6", "7", "8", "10"]);
    });

    it("a prepared statement carries any value unchanged: quotes, backslashes, unicode, SQL, JSON", async () => {
      const echo = { name: "test_echo", types: ["text", "jsonb", "timestamptz", "integer", "boolean"], text: "SELECT $1::text AS t, $2::jsonb AS j, $3::timestamptz AS at, $4::integer AS n, $5::boolean AS b" };
      const at = new Date("2026-12-24T16:59:00.123Z");
      const tricky = ["it's", "a\\b", "\\'; DROP TABLE strats; --", "E'x'", "$1 $$ $q$", "ünïcødé 🚸 — “quotes”", "", "line\nbreak\ttab"];
      for (const t of tricky) {
        const [row] = await db.prepared<{ t: string; j: { t: string }; at: Date; n: number; b: boolean }>(echo, [t, JSON.stringify({ t }), at, 42, false]);
        expect(row).toEqual({ t, j: { t }, at, n: 42, b: false });
      }
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary" }).filter((t) => !t.includes("\0")), async (t) => {
          const [row] = await db.prepared<{ t: string }>(echo, [t, "{}", at, 0, true]);
          expect(row!.t).toBe(t);
        }),
        { numRuns: 200 },
      );
      expect(await db.query<{ n: number }>("SELECT count(*)::int AS n FROM strats")).toHaveLength(1); // still there
    });

    it("an unknown or malformed id is simply not found", async () => {
      expect(await repo.get(randomUUID())).toBeNull();
      expect(await repo.get("not-a-uuid'; drop table strats;--")).toBeNull();
    });
  });
}

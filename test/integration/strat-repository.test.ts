import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/domain/errors.js";
import type { NewStrat } from "../../src/domain/strat/strat.js";
import { migrate, readMigrations } from "../../src/infra/store/migrate.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import type { StratRepository } from "../../src/ports/store.js";
import { testStores } from "../support/databases.js";

const newStrat = (over: Partial<NewStrat> = {}): NewStrat => ({
  caseRef: "LCS-123456",
  profileId: "bromley-2023",
  referral: { receivedAt: "2026-11-23T10:00:00Z" },
  dueAt: new Date("2026-11-26T17:00:00Z"),
  dueRule: "T-STD",
  targetAt: new Date("2026-11-24T10:00:00Z"),
  applied: [{ rule: "T-STD", due: "2026-11-26T17:00:00.000Z" }],
  chairId: "aad-chair",
  chairName: "Chair",
  conversationId: "conv-1",
  requestId: randomUUID(),
  ...over,
});
const audit = { actor: "aad-chair", action: "test" };

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
      const results = await Promise.allSettled([
        repo.update(strat.id, strat.version, { state: { plan: "writer A" } }, { actor: "a", action: "plan" }),
        repo.update(strat.id, strat.version, { state: { plan: "writer B" } }, { actor: "b", action: "plan" }),
      ]);
      const ok = results.filter((r) => r.status === "fulfilled");
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(AppError);
      expect((failed[0]!.reason as AppError).code).toBe("conflict");
      const after = await repo.get(strat.id);
      expect(after!.version).toBe(2);
      const winner = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<StratRepository["update"]>>>).value;
      expect(after!.state).toEqual(winner.state);
      // one audit entry per saved change, none for the refused one
      expect((await repo.auditTrail(strat.id)).map((a) => a.action)).toEqual(["test", "plan"]);
    });

    it("a stale version is refused after an accepted change", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      await repo.update(strat.id, 1, { state: { x: 1 } }, audit);
      await expect(repo.update(strat.id, 1, { state: { x: 2 } }, audit)).rejects.toMatchObject({ code: "conflict" });
      await expect(repo.update(randomUUID(), 1, { state: {} }, audit)).rejects.toMatchObject({ code: "not_found" });
    });

    it("lists open strats by due time and by conversation; closed ones drop out", async () => {
      const conv = `conv-${randomUUID()}`;
      const late = await repo.open(newStrat({ conversationId: conv, dueAt: new Date("2030-01-02T17:00:00Z") }), audit);
      const early = await repo.open(newStrat({ conversationId: conv, dueAt: new Date("2030-01-01T17:00:00Z") }), audit);
      expect((await repo.listByConversation(conv)).map((s) => s.id)).toEqual([early.strat.id, late.strat.id]);
      await repo.update(late.strat.id, 1, { status: "closed", closedAt: new Date() }, audit);
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
            change: { state: { ...cur.state, [`answer${k}`]: k } },
            audit: { actor: `invitee-${k}`, action: "respond" },
            result: k,
          })),
        ),
      );
      const after = await repo.get(strat.id);
      expect(after!.version).toBe(21);
      expect(Object.keys(after!.state).sort()).toEqual(Array.from({ length: 20 }, (_, k) => `answer${k}`).sort());
      expect((await repo.auditTrail(strat.id)).filter((a) => a.action === "respond")).toHaveLength(20);
    });

    it("mutate with a dedupe key applies a redelivered request once; a stale expected version is refused", async () => {
      const { strat } = await repo.open(newStrat(), audit);
      const key = `activity-${randomUUID()}`;
      const apply = () =>
        repo.mutate(strat.id, (cur) => ({ change: { state: { n: ((cur.state.n as number) ?? 0) + 1 } }, audit, result: "applied" }), { dedupeKey: key });
      const [a, b] = await Promise.all([apply(), apply()]);
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      expect((await repo.get(strat.id))!.state).toEqual({ n: 1 });
      await expect(
        repo.mutate(strat.id, () => ({ change: { state: {} }, audit, result: null }), { expectedVersion: 1 }),
      ).rejects.toMatchObject({ code: "conflict" });
      expect((await repo.get(strat.id))!.state).toEqual({ n: 1 });
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

    it("an unknown or malformed id is simply not found", async () => {
      expect(await repo.get(randomUUID())).toBeNull();
      expect(await repo.get("not-a-uuid'; drop table strats;--")).toBeNull();
    });
  });
}

/**
 * Issue 13 point 4: the tamper-evident audit trail on a real store (PGlite, and PostgreSQL with DATABASE_URL).
 * Every entry is chained to the one before it per strat; signed checkpoints cover every strat's latest hash;
 * `audit verify` names the first bad entry after an SQL edit or delete (done as a superuser would, with the
 * append-only trigger disabled); with the trigger on, UPDATE/DELETE are refused.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReferral } from "../../src/domain/protocol/referral.js";
import { initialState } from "../../src/domain/strat/state.js";
import type { NewStrat, Strat } from "../../src/domain/strat/strat.js";
import { auditSigningKey, verifyAudit, writeCheckpoint } from "../../src/infra/store/audit-log.js";
import { createLogger } from "../../src/infra/log/logger.js";
import { auditCheckpointHandler, scheduleAuditCheckpoints } from "../../src/infra/queue/audit-checkpoint.js";
import { createJobQueue } from "../../src/infra/queue/job-store.js";
import { createJobWorker } from "../../src/infra/queue/worker.js";
import { testClock } from "../support/app-context.js";
import { openDatabase } from "../../src/infra/store/open-database.js";
import { createStratRepository } from "../../src/infra/store/strat-repository.js";
import type { Database, StratRepository } from "../../src/ports/store.js";
import { testStores } from "../support/databases.js";

const newStrat = (): NewStrat => ({
  caseRef: "LCS-123456", profileId: "bromley-2023",
  referral: parseReferral({ receivedAt: "2026-11-23T10:00:00Z", concerns: ["standard"], children: [{ ref: "C1", dob: "2020-01-01" }] }),
  dueAt: new Date("2026-11-26T17:00:00Z"), dueRule: "T-STD", targetAt: null, applied: [{ rule: "T-STD", due: "2026-11-26T17:00:00.000Z" }],
  chairId: "aad-chair", chairName: "Chair", conversationId: "conv-1", requestId: randomUUID(), state: initialState(),
});
const bump = (n: number) => (cur: Strat) => ({
  change: { state: { ...cur.state, seq: cur.state.seq + 1 } }, audit: { actor: "aad-chair", action: `test.step${n}`, detail: { n, at: new Date(0), note: "é" } }, result: n,
});

/** A strat opened and changed `steps` times through the repository. */
async function flow(repo: StratRepository, steps = 3): Promise<Strat> {
  const { strat } = await repo.open(newStrat(), { actor: "aad-chair", action: "strat.opened" });
  for (let i = 1; i <= steps; i++) await repo.mutate(strat.id, bump(i));
  return strat;
}

/** What a superuser can do behind the app's back: switch the append-only trigger off, run `sql`, switch it on. */
async function asSuperuser(db: Database, sql: string, params: unknown[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
    await tx.query(sql, params);
    await tx.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
  });
}

for (const store of testStores()) {
  describe(`tamper-evident audit on ${store.name} (issue 13 point 4)`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let repo: StratRepository;
    beforeAll(async () => {
      db = await store.open();
      repo = createStratRepository(db, () => new Date());
    });
    afterAll(async () => db?.drop());
    const key = () => auditSigningKey(db, undefined);
    const entriesOf = (id: string) => db.query<{ id: string; action: string }>("SELECT id::text AS id, action FROM audit_log WHERE strat_id = $1 ORDER BY audit_log.id", [id]);

    it("every chain verifies after a strat flow, with a signed checkpoint", async () => {
      const s = await flow(repo);
      expect(await verifyAudit(db, { key: await key(), ref: s.ref })).toMatchObject({ ok: true, chains: 1, entries: 4 });
      const cp = await writeCheckpoint(db, await key(), new Date());
      expect(cp.chains).toBeGreaterThanOrEqual(1);
      expect(cp.root).toMatch(/^[0-9a-f]{64}$/);
      const all = await verifyAudit(db, { key: await key() });
      expect(all.ok).toBe(true);
      expect(all.message).toMatch(/^\d+ chains, \d+ entries, \d+ checkpoints verified$/);
    });

    it("the trigger refuses UPDATE and DELETE of audit rows (and of checkpoints)", async () => {
      const s = await flow(repo, 1);
      const [first] = await entriesOf(s.id);
      await expect(db.query("UPDATE audit_log SET actor = 'someone' WHERE id = $1", [first!.id])).rejects.toThrow(/append-only/);
      await expect(db.query("DELETE FROM audit_log WHERE id = $1", [first!.id])).rejects.toThrow(/append-only/);
      await writeCheckpoint(db, await key(), new Date());
      await expect(db.query("DELETE FROM audit_checkpoints")).rejects.toThrow(/append-only/);
      expect((await verifyAudit(db, { key: await key(), ref: s.ref })).ok).toBe(true);
    });

    it("an SQL UPDATE of one audit row makes verify fail naming that entry", async () => {
      const s = await flow(repo);
      const rows = await entriesOf(s.id);
      await asSuperuser(db, "UPDATE audit_log SET detail = jsonb_set(detail, '{n}', '7') WHERE id = $1", [rows[2]!.id]);
      const r = await verifyAudit(db, { key: await key(), ref: s.ref });
      expect(r.ok).toBe(false);
      expect(r.message).toContain(s.ref);
      expect(r.message).toContain(`entry ${rows[2]!.id} (test.step2`);
      expect(r.message).toMatch(/changed after it was written/);
      expect((await verifyAudit(db, { key: await key() })).ok).toBe(false);
    });

    it("an SQL DELETE of an audit row (in the middle or the last) makes verify fail naming the entry", async () => {
      const s = await flow(repo);
      const rows = await entriesOf(s.id);
      await asSuperuser(db, "DELETE FROM audit_log WHERE id = $1", [rows[1]!.id]);
      const r = await verifyAudit(db, { key: await key(), ref: s.ref });
      expect(r).toMatchObject({ ok: false });
      expect(r.message).toContain(`${s.ref}: entry ${rows[2]!.id} (test.step2`);
      const t = await flow(repo);
      const tail = (await entriesOf(t.id)).at(-1)!;
      await asSuperuser(db, "DELETE FROM audit_log WHERE id = $1", [tail.id]);
      expect((await verifyAudit(db, { key: await key(), ref: t.ref })).message).toMatch(/missing at the end/);
    });

    it("a checkpoint whose root was changed fails its signature; a tail deleted after a checkpoint is named", async () => {
      const s = await flow(repo, 2);
      const cp = await writeCheckpoint(db, await key(), new Date());
      const setRoot = (root: string) => db.transaction(async (tx) => {
        await tx.query("ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only");
        await tx.query("UPDATE audit_checkpoints SET root = $2 WHERE id = $1", [cp.id, root]);
        await tx.query("ALTER TABLE audit_checkpoints ENABLE TRIGGER audit_checkpoints_append_only");
      });
      await setRoot("0".repeat(64));
      const r = await verifyAudit(db, { key: await key(), ref: s.ref });
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(new RegExp(`checkpoint ${cp.id} .*signature`));
      await setRoot(cp.root);
      expect((await verifyAudit(db, { key: await key(), ref: s.ref })).ok).toBe(true);
      // A tail removed after the checkpoint: the strat's version says so, and so does the checkpoint's leaf.
      const tail = (await entriesOf(s.id)).at(-1)!;
      await asSuperuser(db, "DELETE FROM audit_log WHERE id = $1", [tail.id]);
      await db.query("UPDATE strats SET version = version - 1 WHERE id = $1", [s.id]);
      expect((await verifyAudit(db, { key: await key(), ref: s.ref })).message).toBe(
        `checkpoint ${cp.id} (${cp.at.toISOString()}) covers entry ${tail.id} of ${s.ref}, which is missing or changed since`);
    });

    it("20 parallel changes to one strat (and 10 more from a second repository, as another instance) leave one valid chain", async () => {
      const { strat } = await repo.open(newStrat(), { actor: "aad-chair", action: "strat.opened" });
      const other = createStratRepository(db, () => new Date());
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => repo.mutate(strat.id, bump(i + 1))),
        ...Array.from({ length: 10 }, (_, i) => other.mutate(strat.id, bump(100 + i))),
      ]);
      const r = await verifyAudit(db, { key: await key(), ref: strat.ref });
      expect(r).toMatchObject({ ok: true, chains: 1, entries: 31 });
    });

    it("a daily job signs a checkpoint, logs its root, signature and counts at info (no case data), and schedules the next", async () => {
      const s = await flow(repo, 1);
      const clock = testClock("2026-12-01T02:00:00Z");
      const lines: string[] = [];
      const log = createLogger("info", { write: (l: string) => { lines.push(l); } });
      expect(await scheduleAuditCheckpoints(db, clock.now())).toBe(true);
      expect(await scheduleAuditCheckpoints(db, clock.now())).toBe(false); // a restart, or a second instance
      const w = createJobWorker({ db, clock, log: createLogger("silent"), handlers: { "audit.checkpoint": auditCheckpointHandler(db, clock, log, key) } });
      expect(await w.runOnce()).toBe(1);
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "audit checkpoint signed")!;
      expect(logged).toMatchObject({ level: "info", root: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String), chains: expect.any(Number), entries: expect.any(Number) });
      expect(lines.join("")).not.toMatch(/LCS-123456|2020-01-01|C1/);
      const [row] = await db.query<{ root: string }>("SELECT root FROM audit_checkpoints WHERE id = $1::bigint", [logged.checkpoint]);
      expect(row!.root).toBe(logged.root);
      const next = await createJobQueue(db, clock.now).pending("audit.checkpoint");
      expect(next.map((j) => j.runAt.toISOString())).toEqual(["2026-12-02T02:00:00.000Z"]);
      expect((await verifyAudit(db, { key: await key(), ref: s.ref })).ok).toBe(true);
    });

    it("an unknown reference is a clear message", async () => {
      expect(await verifyAudit(db, { key: await key(), ref: "SD-1999-0001" })).toMatchObject({ ok: false, message: "No strategy discussion SD-1999-0001." });
    });
  });
}

describe("operator CLI: npm run -s audit -- verify / checkpoint", () => {
  it("verifies, checkpoints, and after an SQL edit exits 1 naming the strat and the entry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strat-audit-cli-"));
    const run = async (...args: string[]) => {
      const r = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/audit.ts", ...args], {
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: "", LOG_LEVEL: "silent" },
      }).catch((e: { stdout: string; stderr: string; code: number }) => e);
      return { out: r.stdout, err: r.stderr, code: "code" in r ? r.code : 0 };
    };
    try {
      let db = await openDatabase({ dataDir: dir });
      const s = await flow(createStratRepository(db, () => new Date()));
      await db.close();
      expect(await run("checkpoint")).toMatchObject({ code: 0, out: expect.stringMatching(/^checkpoint 1: 1 chains, 4 entries, root [0-9a-f]{64}\n$/) });
      expect(await run("verify")).toMatchObject({ code: 0, out: "1 chains, 4 entries, 1 checkpoints verified\n" });
      db = await openDatabase({ dataDir: dir });
      const [row] = await db.query<{ id: string }>("SELECT id::text AS id FROM audit_log WHERE strat_id = $1 AND action = 'test.step1'", [s.id]);
      await asSuperuser(db, "UPDATE audit_log SET actor = 'someone' WHERE id = $1", [row!.id]);
      await db.close();
      const bad = await run("verify", s.ref);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(new RegExp(`^${s.ref}: entry ${row!.id} \\(test\\.step1 at \\S+\\) was changed after it was written`));
      expect(await run("verify", "nonsense")).toMatchObject({ code: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("migration 006 hashes the audit rows written before it", () => {
  it("seals older rows in id order per strat, so the chain verifies, and only once", async () => {
    const { openPglite } = await import("../../src/infra/store/pglite.js");
    const { migrate, readMigrations } = await import("../../src/infra/store/migrate.js");
    const db = await openPglite("memory://");
    try {
      const all = readMigrations();
      await migrate(db, all.filter((m) => m.version < 6));
      const id = randomUUID();
      await db.query(
        `INSERT INTO strats (id, ref, case_ref, profile_id, status, version, referral, state, due_at, due_rule, deadline, chair_id, request_id)
         VALUES ($1, 'SD-2026-0001', 'LCS-1', 'bromley-2023', 'open', 3, '{}', $2, now(), 'T-STD', '[]', 'c', 'r1')`,
        [id, JSON.stringify(initialState())]);
      for (const v of [1, 2, 3]) await db.query("INSERT INTO audit_log (strat_id, actor, action, version, detail) VALUES ($1, 'c', $2, $3, $4)", [id, `old${v}`, v, JSON.stringify({ v })]);
      expect(await migrate(db, all)).toContain(6);
      const rows = await db.query<{ prev_hash: string | null; hash: string | null }>("SELECT prev_hash, hash FROM audit_log ORDER BY audit_log.id");
      expect(rows.every((r) => r.hash && r.prev_hash)).toBe(true);
      expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
      const key = await auditSigningKey(db, undefined);
      expect(await verifyAudit(db, { key })).toMatchObject({ ok: true, chains: 1, entries: 3 });
      // Sealed once: the trigger refuses a second change to a sealed row.
      await expect(db.query("UPDATE audit_log SET hash = $1", ["0".repeat(64)])).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });
});

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/infra/log/logger.js";
import { claimJobs, createJobQueue, enqueueJob, retryJobLater } from "../../src/infra/queue/job-store.js";
import { pruneActivitiesHandler, scheduleHousekeeping } from "../../src/infra/queue/maintenance.js";
import { backoffDelay, createJobWorker, type JobHandlers } from "../../src/infra/queue/worker.js";
import { openPglite } from "../../src/infra/store/pglite.js";
import { openPostgres } from "../../src/infra/store/postgres.js";
import { migrate, readMigrations } from "../../src/infra/store/migrate.js";
import { openDatabase } from "../../src/infra/store/open-database.js";
import type { JobRequest } from "../../src/ports/jobs.js";
import type { Database } from "../../src/ports/store.js";
import { testStores } from "../support/databases.js";
import { manualClock } from "../support/graph.js";

/**
 * The one durable queue (issue 10 point 2) on each store: several instances run each job once, a lost
 * lease fences the late worker out, back-off grows with jitter, dead letters and their retry, a payload
 * off its schema, ordering keys, and the processed-activities prune job (point 6).
 */
const log = createLogger("silent");
const T0 = "2026-03-02T08:00:00Z";
const reminder = (stratId: string, actionId: string, over: Partial<JobRequest> = {}): JobRequest =>
  ({ kind: "reminder.action", payload: { stratId, actionId }, runAt: new Date(T0), stratId, ...over }) as JobRequest;
const state = async (db: Database, id: string) =>
  (await db.query<{ state: string; attempts: number; last_error: string | null; run_at: Date; result: unknown }>(
    "SELECT state, attempts, last_error, run_at, result FROM background_jobs WHERE id = $1", [id]))[0]!;

for (const store of testStores()) {
  describe(`one durable queue (${store.name})`, () => {
    let db: Awaited<ReturnType<typeof store.open>>;
    let clock: ReturnType<typeof manualClock>;
    beforeAll(async () => {
      db = await store.open();
    });
    beforeEach(async () => {
      clock = manualClock(T0);
      await db.exec("TRUNCATE background_jobs, processed_activities");
    });
    afterAll(async () => {
      await db?.drop();
    });

    it("two instances, 500 due jobs: exactly 500 runs, each job once", async () => {
      // On PostgreSQL the second instance has its own pool on the same database, as a second app would.
      const other: Database = db.url ? await openPostgres(db.url) : db;
      try {
        const strat = randomUUID();
        const queue = createJobQueue(db, clock.now);
        const jobs = Array.from({ length: 500 }, (_, i) => reminder(strat, `a${i}`, { dedupeKey: `load:${i}` }));
        expect(await queue.enqueue(jobs)).toHaveLength(500);
        const runs: { worker: string; id: string }[] = [];
        const handlersFor = (worker: string): JobHandlers => ({
          "reminder.action": {
            async run(job) {
              runs.push({ worker, id: job.id });
              await new Promise((r) => setImmediate(r));
            },
          },
        });
        const a = createJobWorker({ db, clock, log, handlers: handlersFor("a"), workerId: "a", batch: 8 });
        const b = createJobWorker({ db: other, clock, log, handlers: handlersFor("b"), workerId: "b", batch: 8 });
        await Promise.all([a.drain(200), b.drain(200)]);
        expect(runs).toHaveLength(500);
        expect(new Set(runs.map((r) => r.id)).size).toBe(500);
        expect(runs.filter((r) => r.worker === "a").length).toBeGreaterThan(0);
        expect(runs.filter((r) => r.worker === "b").length).toBeGreaterThan(0);
        const done = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM background_jobs WHERE state = 'done' AND attempts = 1");
        expect(done[0]!.n).toBe(500);
      } finally {
        if (other !== db) await other.close();
      }
    }, 120_000);

    it("a lease that ran out: another worker takes the job, and the first worker's complete (or retry) is a no-op", async () => {
      const id = (await enqueueJob(db, reminder(randomUUID(), "x"), clock.now()))!;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const late: boolean[] = [];
      const slow = createJobWorker({
        db, clock, log, workerId: "slow", leaseMs: 1000,
        handlers: {
          "reminder.action": {
            async run(_job, r) {
              entered();
              await gate;
              late.push(await retryJobLater(db, r.held, clock.now(), "late retry"));
              late.push(await r.complete(db, { by: "slow" }));
            },
          },
        },
      });
      const fast = createJobWorker({
        db, clock, log, workerId: "fast",
        handlers: { "reminder.action": { run: async (_job, r) => void (await r.complete(db, { by: "fast" })) } },
      });
      const slowRound = slow.runOnce();
      await inside;
      expect(await fast.runOnce()).toBe(0); // the lease holds
      clock.advance(1001);
      expect(await fast.runOnce()).toBe(1); // taken over
      release();
      await slowRound;
      expect(late).toEqual([false, false]);
      const s = await state(db, id);
      expect(s.state).toBe("done");
      expect(s.attempts).toBe(2);
      expect(s.result).toEqual({ by: "fast" });
    });

    it("back-off grows with each attempt and is jittered", async () => {
      const base = { baseDelayMs: 1000, maxDelayMs: 60_000 };
      // equal jitter: attempt n waits between d/2 and d, d = base · 2^(n-1) up to the cap
      expect([1, 2, 3, 4].map((n) => [backoffDelay(n, base, () => 0), backoffDelay(n, base, () => 1)])).toEqual([[500, 1000], [1000, 2000], [2000, 4000], [4000, 8000]]);
      expect(backoffDelay(20, base, () => 1)).toBe(60_000);

      const strat = randomUUID();
      const ids = (await createJobQueue(db, clock.now).enqueue(Array.from({ length: 20 }, (_, i) => reminder(strat, `b${i}`))));
      const w = createJobWorker({
        db, clock, log, baseDelayMs: 1000, batch: 20,
        handlers: { "reminder.action": { run: async () => { throw new Error("boom"); } } },
      });
      const waits: number[][] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const t = clock.now().getTime();
        expect(await w.runOnce()).toBe(20);
        waits.push(await Promise.all(ids.map(async (id) => new Date((await state(db, id)).run_at).getTime() - t)));
        clock.advance(10_000);
      }
      for (const [n, ws] of waits.entries()) {
        const d = 1000 * 2 ** n;
        for (const x of ws) {
          expect(x).toBeGreaterThanOrEqual(d / 2);
          expect(x).toBeLessThanOrEqual(d);
        }
        expect(new Set(ws).size).toBeGreaterThan(1); // jittered: the twenty do not come back together
      }
      expect(Math.min(...waits[2]!)).toBeGreaterThanOrEqual(Math.max(...waits[0]!)); // grows
      expect((await state(db, ids[0]!)).last_error).toBe("Error");
    });

    it("dead after its last attempt, shown to the chair in plain words, and retried from dead by an operator", async () => {
      const strat = randomUUID();
      const queue = createJobQueue(db, clock.now);
      const [id] = await queue.enqueue([reminder(strat, "d1", { maxAttempts: 3 })]);
      let fail = true;
      const w = createJobWorker({
        db, clock, log, baseDelayMs: 1000,
        handlers: { "reminder.action": { run: async () => { if (fail) throw new TypeError("x"); } } },
      });
      for (let i = 0; i < 3; i++) {
        expect(await w.runOnce()).toBe(1);
        clock.advance(60_000);
      }
      expect(await w.runOnce()).toBe(0);
      expect(await state(db, id!)).toMatchObject({ state: "dead", attempts: 3, last_error: "TypeError" });
      expect(await queue.deadFor(strat)).toEqual([
        { id, kind: "reminder.action", what: "The reminder of an overdue action", attempts: 3, lastError: "it failed (TypeError); tried 3 times", diedAt: expect.any(Date) },
      ]);
      expect(await queue.deadFor(randomUUID())).toEqual([]);
      expect((await queue.list({ state: "dead" })).map((j) => j.id)).toEqual([id]);

      fail = false;
      expect(await queue.retry(id!, clock.now())).toBe(true);
      expect(await queue.retry(randomUUID(), clock.now())).toBe(false);
      expect(await w.runOnce()).toBe(1);
      expect(await state(db, id!)).toMatchObject({ state: "done", attempts: 1 });
      expect(await queue.deadFor(strat)).toEqual([]);
      expect(await queue.retry(id!, clock.now())).toBe(false); // done stays done
    });

    it("a payload that does not match its kind's schema goes dead with the field named, and the worker goes on", async () => {
      await db.query(
        "INSERT INTO background_jobs (kind, payload, strat_id, run_at) VALUES ('reminder.action', $1, 's-1', $2), ('reminder.action', $3, 's-1', $2)",
        [JSON.stringify({ stratId: "s-1", actionId: 42 }), clock.now(), JSON.stringify({ stratId: "s-1", actionId: "a7" })]);
      const ran: string[] = [];
      const w = createJobWorker({ db, clock, log, handlers: { "reminder.action": { run: async (job) => void ran.push(job.payload.actionId) } } });
      expect(await w.runOnce()).toBe(2);
      expect(ran).toEqual(["a7"]);
      const dead = await db.query<{ last_error: string }>("SELECT last_error FROM background_jobs WHERE state = 'dead'");
      expect(dead.map((d) => d.last_error)).toEqual(["payload of reminder.action does not match its schema: actionId: Invalid input: expected string, received number"]);
      expect((await createJobQueue(db, clock.now).deadFor("s-1"))[0]!.lastError).toMatch(/^the job's data was not valid \(actionId: .*\); it was not retried; tried 1 time$/);
      // refused before it is stored, too
      await expect(enqueueJob(db, JSON.parse(JSON.stringify({ kind: "reminder.due", payload: { stratId: "s" }, runAt: clock.now() })), clock.now()))
        .rejects.toThrow(/reminder\.due.*pct/);
    });

    it("an ordering key: a job does not start while an earlier one with the key is pending or running", async () => {
      const strat = randomUUID();
      const key = `calendar:${strat}`;
      const queue = createJobQueue(db, clock.now);
      await queue.enqueue([
        reminder(strat, "first", { orderingKey: key }), reminder(strat, "second", { orderingKey: key }),
        reminder(strat, "third", { orderingKey: key }), reminder(strat, "free"),
      ]);
      const ran: string[] = [];
      let failFirst = true;
      const w = createJobWorker({
        db, clock, log, baseDelayMs: 1000,
        handlers: {
          "reminder.action": {
            async run(job) {
              ran.push(job.payload.actionId);
              if (job.payload.actionId === "first" && failFirst) {
                failFirst = false;
                throw new Error("once");
              }
            },
          },
        },
      });
      expect(await w.runOnce()).toBe(2); // first and free; second and third wait behind first
      expect(await w.runOnce()).toBe(0); // first is waiting for its retry: still nothing after it
      clock.advance(5_000);
      expect(await w.runOnce()).toBe(1); // first again
      expect(await w.runOnce()).toBe(1); // then second
      expect(await w.runOnce()).toBe(1); // then third
      expect(ran.slice(0, 2).sort()).toEqual(["first", "free"]); // one round, run side by side
      expect(ran.slice(2)).toEqual(["first", "second", "third"]);
      // a dead job does not hold the ones after it
      await queue.enqueue([reminder(strat, "d", { orderingKey: key, maxAttempts: 1 }), reminder(strat, "after", { orderingKey: key })]);
      const failing = createJobWorker({
        db, clock, log, handlers: { "reminder.action": { run: async (job) => { ran.push(job.payload.actionId); if (job.payload.actionId === "d") throw new Error("no"); } } },
      });
      await failing.drain();
      expect(ran.slice(-2)).toEqual(["d", "after"]);
    });

    it("prunes processed activities older than 30 days by a recurring job, scheduled once however often the app starts", async () => {
      const old = new Date(clock.now().getTime() - 31 * 86_400_000);
      const recent = new Date(clock.now().getTime() - 29.5 * 86_400_000);
      await db.query("INSERT INTO processed_activities (activity_id, processed_at) VALUES ('old-1', $1), ('old-2', $1), ('recent', $2)", [old, recent]);
      expect(await scheduleHousekeeping(db, clock.now())).toBe(true);
      expect(await scheduleHousekeeping(db, clock.now())).toBe(false); // a second instance, or a restart
      const w = createJobWorker({ db, clock, log, handlers: { "maintenance.prune-activities": pruneActivitiesHandler(db, clock) } });
      expect(await w.runOnce()).toBe(1);
      expect((await db.query<{ activity_id: string }>("SELECT activity_id FROM processed_activities")).map((r) => r.activity_id)).toEqual(["recent"]);
      const next = await createJobQueue(db, clock.now).pending("maintenance.prune-activities");
      expect(next.map((j) => j.runAt.toISOString())).toEqual([new Date(clock.now().getTime() + 86_400_000).toISOString()]);
      expect(await w.runOnce()).toBe(0);
      clock.advance(86_400_000);
      expect(await w.runOnce()).toBe(1);
      expect((await db.query("SELECT 1 FROM processed_activities")).length).toBe(0); // "recent" is now 30½ days old
    });
  });
}

describe("migration 005 moves the unfinished rows of both old queues into the one queue", () => {
  it("keeps pending reminders and Graph intents (ids, order, keys), leaves finished ones behind, drops the old tables", async () => {
    const db = await openPglite("memory://");
    try {
      const all = readMigrations();
      await migrate(db, all.filter((m) => m.version < 5));
      const t = new Date(T0);
      await db.query(
        `INSERT INTO jobs (kind, dedupe_key, run_at, payload, done_at) VALUES
           ('reminder.due', 'due:s1:50', $1, '{"stratId":"s1","pct":50}', NULL),
           ('reminder.due', 'due:s1:90', $1, '{"stratId":"s1","pct":90}', $1)`, [t]);
      const book = randomUUID();
      const move = randomUUID();
      await db.query(
        `INSERT INTO graph_outbox (id, kind, strat_id, dedupe_key, payload, state, run_at, created_at) VALUES
           ($1, 'book', 's1', 'book:s1:1', '{"stratId":"s1","attempt":1,"organizer":"c@x.org","caseRef":"C","stratRef":"SD","presentingIssues":[],"chairLabel":null,"responseLinks":{}}', 'running', $3, $3),
           ($2, 'move', 's1', 'move:s1:1', '{"stratId":"s1","caseRef":"C","stratRef":"SD","presentingIssues":[],"chairLabel":null,"reason":null}', 'pending', $3, $3),
           ($4, 'deliver', 's1', 'booked:x', '{"event":"response","data":{"stratId":"s1","address":"a@x.org","response":"accepted","at":"2026-03-02T08:00:00.000Z"}}', 'pending', $3, $3),
           ($5, 'resync', NULL, NULL, '{"mailbox":"C@x.org"}', 'pending', $3, $3),
           ($6, 'mail', 's1', 'mail:1', '{}', 'done', $3, $3)`,
        [book, move, t, randomUUID(), randomUUID(), randomUUID()]);
      expect(await migrate(db)).toEqual(all.filter((m) => m.version >= 5).map((m) => m.version));
      const rows = await db.query<{ id: string; kind: string; ordering_key: string | null; singleton_key: string | null; max_attempts: number }>(
        "SELECT id, kind, ordering_key, singleton_key, max_attempts FROM background_jobs ORDER BY seq");
      expect(rows.map((r) => [r.kind, r.ordering_key, r.singleton_key, r.max_attempts])).toEqual([
        ["reminder.due", null, null, 8],
        ["graph.book", "calendar:s1", null, 10],
        ["graph.move", "calendar:s1", null, 10],
        ["calendar.response", null, null, 20],
        ["graph.resync", null, "graph.resync:c@x.org", 10],
      ]);
      expect(rows[1]!.id).toBe(book);
      // every moved row parses under its kind's schema: the worker claims and runs them
      const claimed = await claimJobs(db, { workerId: "w", now: new Date(T0), leaseMs: 1000, limit: 10, kinds: rows.map((r) => r.kind) });
      expect(claimed.map((c) => c.kind).sort()).toEqual(["calendar.response", "graph.book", "graph.resync", "reminder.due"]); // move waits behind book
      const { toJob } = await import("../../src/infra/queue/job-store.js");
      expect(claimed.map((c) => toJob(c).ok)).toEqual([true, true, true, true]);
      const old = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name IN ('jobs', 'graph_outbox')");
      expect(old).toHaveLength(0);
    } finally {
      await db.close();
    }
  });
});

describe("operator CLI: npm run -s jobs -- list / retry", () => {
  it("lists dead jobs with the reason in plain words and puts one back to run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strat-jobs-cli-"));
    const run = async (...args: string[]) => {
      const r = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/jobs.ts", ...args], {
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: "" },
      }).catch((e: { stdout: string; stderr: string; code: number }) => e);
      return { out: r.stdout, err: r.stderr, code: "code" in r ? r.code : 0 };
    };
    try {
      const db = await openDatabase({ dataDir: dir });
      const id = (await enqueueJob(db, reminder("s-cli", "a1", { maxAttempts: 1 }), new Date(T0)))!;
      await db.query("UPDATE background_jobs SET state = 'dead', attempts = 1, last_error = '403 ErrorAccessDenied', done_at = $2 WHERE id = $1", [id, new Date(T0)]);
      await db.close();
      const listed = await run("list", "--state", "dead");
      expect(listed.code).toBe(0);
      expect(listed.out).toContain(id);
      expect(listed.out).toMatch(/dead\s+reminder\.action\s+attempts 1\/1 .* last error: 403 ErrorAccessDenied \(Microsoft 365 refused permission/);
      expect(await run("list", "--state", "lost")).toMatchObject({ code: 2, err: "--state must be one of pending, running, done, dead\n" });
      expect(await run("retry", id)).toMatchObject({ code: 0, out: `job ${id} will run again now\n` });
      expect((await run("list", "--state", "pending")).out).toContain(id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

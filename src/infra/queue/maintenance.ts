import type { Clock } from "../../ports/clock.js";
import type { Database } from "../../ports/store.js";
import { enqueueJob } from "./job-store.js";
import type { JobHandler } from "./worker.js";

/** How long a Teams activity id is remembered to refuse a redelivery (Teams redelivers within minutes). */
export const KEEP_ACTIVITY_DAYS = 30;
const DAY = 86_400_000;
const SINGLETON = "maintenance.prune-activities";

/**
 * Housekeeping in the one queue: `processed_activities` (the redelivery keys written with each strat change)
 * is pruned once a day, keeping `keepDays`. The job re-schedules itself when it completes; start-up
 * schedules it idempotently (at most one unfinished prune job, whatever the number of instances).
 */
export async function scheduleHousekeeping(db: Database, now: Date, keepDays = KEEP_ACTIVITY_DAYS): Promise<boolean> {
  const id = await enqueueJob(db, { kind: "maintenance.prune-activities", payload: { keepDays }, runAt: now, singletonKey: SINGLETON, maxAttempts: 5 }, now);
  return id !== null;
}

export function pruneActivitiesHandler(db: Database, clock: Clock): JobHandler<"maintenance.prune-activities"> {
  return {
    async run(job, r) {
      const t = clock.now();
      await db.transaction(async (tx) => {
        const gone = await tx.query("DELETE FROM processed_activities WHERE processed_at < $1 RETURNING 1", [new Date(t.getTime() - job.payload.keepDays * DAY)]);
        if (!(await r.complete(tx, { pruned: gone.length }))) return;
        // The next round, tomorrow (after this one is done, so the singleton key is free again).
        await enqueueJob(tx, {
          kind: "maintenance.prune-activities", payload: job.payload, runAt: new Date(t.getTime() + DAY), singletonKey: SINGLETON, maxAttempts: 5,
        }, t);
      });
    },
  };
}

const ANALYZE = "maintenance.analyze";

/**
 * PGlite has no autovacuum, so nothing refreshes the planner's statistics of a long-running local store: without them
 * the dashboard's and the list's plans are chosen for the row counts of long ago. ANALYZE the whole store (PGlite only;
 * PostgreSQL's autovacuum does this). Returns whether it ran.
 */
export async function analyzeStore(db: Database): Promise<boolean> {
  if (db.kind !== "pglite") return false;
  await db.exec("ANALYZE");
  return true;
}

/**
 * On PGlite, the daily ANALYZE in the one queue, the first a day after start-up (start-up has just run one, src/main.ts);
 * idempotent (at most one unfinished job). Nothing on PostgreSQL.
 */
export async function scheduleDailyAnalyze(db: Database, now: Date): Promise<boolean> {
  if (db.kind !== "pglite") return false;
  return (await enqueueJob(db, { kind: ANALYZE, payload: {}, runAt: new Date(now.getTime() + DAY), singletonKey: ANALYZE, maxAttempts: 5 }, now)) !== null;
}

export function analyzeHandler(db: Database, clock: Clock): JobHandler<"maintenance.analyze"> {
  return {
    async run(job, r) {
      const ran = await analyzeStore(db); // outside the transaction: it reads every table
      const t = clock.now();
      await db.transaction(async (tx) => {
        if (!(await r.complete(tx, { analyzed: ran }))) return;
        if (ran) await enqueueJob(tx, { kind: ANALYZE, payload: job.payload, runAt: new Date(t.getTime() + DAY), singletonKey: ANALYZE, maxAttempts: 5 }, t);
      });
    },
  };
}

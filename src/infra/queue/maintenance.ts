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

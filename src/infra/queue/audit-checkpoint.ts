import type { KeyObject } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import type { Database } from "../../ports/store.js";
import type { Logger } from "../log/logger.js";
import { writeCheckpoint, type Checkpoint } from "../store/audit-log.js";
import { enqueueJob } from "./job-store.js";
import type { JobHandler } from "./worker.js";

const DAY = 86_400_000;
const SINGLETON = "audit.checkpoint";

/**
 * The daily signed audit checkpoint (issue 13 point 4): the job re-schedules itself a day after each one; start-up
 * schedules it idempotently (at most one unfinished checkpoint job, whatever the number of instances).
 */
export async function scheduleAuditCheckpoints(db: Database, now: Date): Promise<boolean> {
  return (await enqueueJob(db, { kind: "audit.checkpoint", payload: {}, runAt: now, singletonKey: SINGLETON, maxAttempts: 5 }, now)) !== null;
}

/** The operator log of a checkpoint: its root, signature and counts (no case data), at info. */
export function logCheckpoint(log: Logger, c: Checkpoint): void {
  log.info({ checkpoint: c.id, at: c.at.toISOString(), root: c.root, signature: c.signature, publicKey: c.publicKey, chains: c.chains, entries: c.entries }, "audit checkpoint signed");
}

export function auditCheckpointHandler(db: Database, clock: Clock, log: Logger, key: () => Promise<KeyObject>): JobHandler<"audit.checkpoint"> {
  return {
    async run(job, r) {
      const t = clock.now();
      const signing = await key();
      const done = await db.transaction(async (tx) => {
        const c = await writeCheckpoint(tx, signing, t);
        if (!(await r.complete(tx, { checkpoint: c.id }))) return null;
        await enqueueJob(tx, { kind: "audit.checkpoint", payload: job.payload, runAt: new Date(t.getTime() + DAY), singletonKey: SINGLETON, maxAttempts: 5 }, t);
        return c;
      });
      if (done) logCheckpoint(log, done);
    },
  };
}

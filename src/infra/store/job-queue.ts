import type { Database, Job, JobQueue } from "../../ports/store.js";
import { insertJobs } from "./strat-repository.js";

/** Jobs in the database: due ones are claimed with FOR UPDATE SKIP LOCKED; a claim older than 5 minutes is stale. */
export function createJobQueue(db: Database): JobQueue {
  return {
    enqueue: (jobs) => db.transaction((tx) => insertJobs(tx, jobs)),
    async claimDue(now, kinds, worker, limit = 10) {
      const rows = await db.query<{ id: number; kind: string; payload: Record<string, unknown>; attempts: number; run_at: Date }>(
        `UPDATE jobs SET claimed_at = $1, claimed_by = $2, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM jobs
           WHERE done_at IS NULL AND run_at <= $1 AND kind = ANY($3::text[])
             AND (claimed_at IS NULL OR claimed_at < $1::timestamptz - interval '5 minutes')
           ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
         RETURNING id::int AS id, kind, payload, attempts, run_at`,
        [now, worker, [...kinds], limit],
      );
      return rows.map((r): Job => ({ id: r.id, kind: r.kind, payload: r.payload, attempts: r.attempts, runAt: new Date(r.run_at) }));
    },
    async complete(id, now) {
      await db.query("UPDATE jobs SET done_at = $2, last_error = NULL WHERE id = $1", [id, now]);
    },
    async fail(id, now, error, retryAt) {
      await db.query(
        "UPDATE jobs SET last_error = $2, claimed_at = NULL, run_at = COALESCE($3, run_at), done_at = CASE WHEN $3::timestamptz IS NULL THEN $4::timestamptz ELSE NULL END WHERE id = $1",
        [id, error.slice(0, 300), retryAt, now],
      );
    },
    async pending(kind) {
      const rows = await db.query<{ kind: string; run_at: Date; dedupe_key: string | null; payload: Record<string, unknown> }>(
        "SELECT kind, run_at, dedupe_key, payload FROM jobs WHERE done_at IS NULL AND ($1::text IS NULL OR kind = $1) ORDER BY run_at, id",
        [kind ?? null],
      );
      return rows.map((r) => ({ kind: r.kind, runAt: new Date(r.run_at), dedupeKey: r.dedupe_key, payload: r.payload }));
    },
  };
}

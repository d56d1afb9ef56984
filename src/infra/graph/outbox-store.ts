import { randomUUID } from "node:crypto";
import type { Database, Sql } from "../../ports/store.js";

/**
 * The Graph outbox (issue 6 point 6): every Graph write, and every follow-up (a notification to re-read,
 * a callback to the strat use cases), is a row first. Workers claim rows atomically (`FOR UPDATE SKIP
 * LOCKED` + a lease), so several instances can run; a crashed worker's lease runs out and another
 * claims the row again. Calendar writes of one strat run in the order they were requested.
 */
export type OutboxKind = "book" | "move" | "cancel" | "mail" | "channel-post" | "upload" | "sync-event" | "resync" | "subscribe" | "deliver";

export interface OutboxJob {
  id: string;
  kind: OutboxKind;
  stratId: string | null;
  payload: Record<string, any>;
  attempts: number;
  createdAt: Date;
}

interface Row { id: string; kind: OutboxKind; strat_id: string | null; payload: Record<string, any>; attempts: number; created_at: Date }
const toJob = (r: Row): OutboxJob => ({ id: r.id, kind: r.kind, stratId: r.strat_id, payload: r.payload, attempts: r.attempts, createdAt: new Date(r.created_at) });

/** Kinds that change one strat's meeting: they never run concurrently or out of order for that strat. */
const ORDERED = "('book', 'move', 'cancel')";

export async function enqueue(
  sql: Sql,
  j: { kind: OutboxKind; stratId?: string | null; dedupeKey?: string | null; payload: Record<string, unknown>; runAt: Date; now: Date },
): Promise<{ id: string; created: boolean }> {
  const id = randomUUID();
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO graph_outbox (id, kind, strat_id, dedupe_key, payload, run_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [id, j.kind, j.stratId ?? null, j.dedupeKey ?? null, JSON.stringify(j.payload), j.runAt, j.now],
  );
  if (rows[0]) return { id: rows[0].id, created: true };
  const again = await sql.query<{ id: string }>("SELECT id FROM graph_outbox WHERE dedupe_key = $1", [j.dedupeKey]);
  return { id: again[0]!.id, created: false };
}

/** Enqueues unless a pending/running job of this kind already has payload[field] = value. */
export async function enqueueUnlessPending(
  sql: Sql,
  j: { kind: OutboxKind; field: string; value: string; payload: Record<string, unknown>; runAt: Date; now: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO graph_outbox (id, kind, payload, run_at, created_at)
     SELECT $1, $2, $3, $4, $5
     WHERE NOT EXISTS (SELECT 1 FROM graph_outbox WHERE kind = $2 AND state IN ('pending', 'running') AND payload->>$6 = $7)
     RETURNING id`,
    [randomUUID(), j.kind, JSON.stringify(j.payload), j.runAt, j.now, j.field, j.value],
  );
  return rows.length > 0;
}

export async function claim(db: Database, workerId: string, now: Date, leaseMs: number, limit: number): Promise<OutboxJob[]> {
  const rows = await db.query<Row>(
    `UPDATE graph_outbox o SET state = 'running', claimed_by = $1, lease_until = $2, attempts = o.attempts + 1
     WHERE o.id IN (
       SELECT c.id FROM graph_outbox c
       WHERE ((c.state = 'pending' AND c.run_at <= $3) OR (c.state = 'running' AND c.lease_until < $3))
         AND NOT (c.kind IN ${ORDERED} AND EXISTS (
           SELECT 1 FROM graph_outbox p
           WHERE p.strat_id = c.strat_id AND p.kind IN ${ORDERED} AND p.state IN ('pending', 'running')
             AND p.seq < c.seq))
       ORDER BY c.run_at, c.seq
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING o.id, o.kind, o.strat_id, o.payload, o.attempts, o.created_at`,
    [workerId, new Date(now.getTime() + leaseMs), now, limit],
  );
  return rows.map(toJob);
}

/** Marks done if this worker still holds the job (fencing: a lost lease makes this a no-op → false). */
export async function complete(sql: Sql, job: OutboxJob, workerId: string, now: Date, result: unknown = null): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE graph_outbox SET state = 'done', done_at = $3, result = $4, lease_until = NULL
     WHERE id = $1 AND claimed_by = $2 AND state = 'running' AND attempts = $5 RETURNING id`,
    [job.id, workerId, now, result === null ? null : JSON.stringify(result), job.attempts],
  );
  return rows.length > 0;
}

export async function retryLater(sql: Sql, job: OutboxJob, workerId: string, runAt: Date, error: string): Promise<void> {
  await sql.query(
    `UPDATE graph_outbox SET state = 'pending', run_at = $3, last_error = $4, lease_until = NULL
     WHERE id = $1 AND claimed_by = $2 AND state = 'running' AND attempts = $5`,
    [job.id, workerId, runAt, error.slice(0, 200), job.attempts],
  );
}

export async function failPermanently(sql: Sql, job: OutboxJob, workerId: string, now: Date, error: string): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE graph_outbox SET state = 'failed', done_at = $3, last_error = $4, lease_until = NULL
     WHERE id = $1 AND claimed_by = $2 AND state = 'running' AND attempts = $5 RETURNING id`,
    [job.id, workerId, now, error.slice(0, 200), job.attempts],
  );
  return rows.length > 0;
}

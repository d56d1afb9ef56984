import type { Database, Sql } from "../../ports/store.js";
import {
  isJobKind, parseJobPayload, type DeadLetter, type Job, type JobKind, type JobQueue, type JobRequest, type JobRow, type JobState,
} from "../../ports/jobs.js";

/**
 * The one durable queue's table (`background_jobs`, migration 005): enqueue, claim with a lease and a
 * fencing token, complete, retry later, dead-letter. Every function takes the `Sql` it runs on, so a
 * handler can complete its job in the same transaction as the work it records.
 *
 * Fencing: every claim bumps `token`; complete/retry/dead only act on a running row with the token the
 * claim returned. A worker whose lease ran out and was taken over finds its token stale: its write is a
 * no-op (returns false), so the job's outcome is recorded once, by the worker that holds it.
 */

/** A request as the infrastructure may make it: a singleton key allows at most one unfinished job per key. */
export type QueueRequest = JobRequest & { singletonKey?: string };

/** Throws if the payload does not match its kind's schema (a programming error, caught before it is stored). */
export function checkJobRequest(j: JobRequest): void {
  if (!isJobKind(j.kind)) throw new Error(`unknown job kind: ${String(j.kind)}`);
  const r = parseJobPayload(j.kind, j.payload);
  if (!r.ok) throw new Error(r.error);
}

const COLUMNS = "kind, payload, dedupe_key, singleton_key, ordering_key, strat_id, run_at, max_attempts, created_at";

/**
 * Writes one job; returns its id (the existing job's id for a repeated dedupe key, null when a singleton
 * key already has an unfinished job). `replace`: a repeated dedupe key not yet done takes the new run
 * time and payload and starts its attempts again.
 */
export async function enqueueJob(sql: Sql, j: QueueRequest, now: Date, onDuplicate: "keep" | "replace" = "keep"): Promise<string | null> {
  checkJobRequest(j);
  const params = [j.kind, JSON.stringify(j.payload), j.dedupeKey ?? null, j.singletonKey ?? null, j.orderingKey ?? null,
    j.stratId ?? null, j.runAt, j.maxAttempts ?? 10, now];
  if (onDuplicate === "replace" && j.dedupeKey && !j.singletonKey) {
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO background_jobs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (dedupe_key) DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, state = 'pending',
         attempts = 0, lease_until = NULL, last_error = NULL, done_at = NULL
       WHERE background_jobs.state <> 'done' RETURNING id`, params);
    if (rows[0]) return rows[0].id;
  } else {
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO background_jobs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`, params);
    if (rows[0]) return rows[0].id;
  }
  if (!j.dedupeKey) return null;
  const again = await sql.query<{ id: string }>("SELECT id FROM background_jobs WHERE dedupe_key = $1", [j.dedupeKey]);
  return again[0]?.id ?? null;
}

/**
 * The jobs written by a strat change, as the JSON array the strat repository's one-statement write
 * inserts (`INSERT … SELECT FROM jsonb_to_recordset(…)`, see JOBS_FROM_JSON): one row per dedupe key
 * (the last request wins, as one INSERT … ON CONFLICT may touch a row only once).
 */
export function jobsAsJson(jobs: readonly JobRequest[]): string {
  const rows = new Map<string, unknown>();
  let n = 0;
  for (const j of jobs) {
    checkJobRequest(j);
    rows.set(j.dedupeKey ?? `#${n++}`, {
      kind: j.kind, payload: j.payload, dedupe_key: j.dedupeKey ?? null, ordering_key: j.orderingKey ?? null,
      strat_id: j.stratId ?? null, run_at: j.runAt, max_attempts: j.maxAttempts ?? 10,
    });
  }
  return JSON.stringify([...rows.values()]);
}

/**
 * SQL that inserts the jobs of `$param` (from jobsAsJson) for each row of `fromTable` (e.g. the CTE that
 * updated the strat: no row, no jobs). A repeated dedupe key not yet done takes the new time and payload.
 */
export const jobsFromJson = (param: string, fromTable: string, now: string) => `
    INSERT INTO background_jobs (kind, payload, dedupe_key, ordering_key, strat_id, run_at, max_attempts, created_at)
    SELECT j.kind, j.payload, j.dedupe_key, j.ordering_key, j.strat_id, j.run_at, j.max_attempts, ${now}
    FROM ${fromTable}, jsonb_to_recordset(COALESCE(${param}::jsonb, '[]'::jsonb))
      AS j(kind text, payload jsonb, dedupe_key text, ordering_key text, strat_id text, run_at timestamptz, max_attempts integer)
    ON CONFLICT (dedupe_key) DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, state = 'pending',
      attempts = 0, lease_until = NULL, last_error = NULL, done_at = NULL
    WHERE background_jobs.state <> 'done' RETURNING 1`;

/** A claimed row before its payload is parsed. */
export interface ClaimedRow {
  id: string; kind: string; payload: unknown; attempts: number; max_attempts: number; token: string | number;
  run_at: Date; strat_id: string | null; created_at: Date;
}

/**
 * Claims up to `limit` due jobs of these kinds for `workerId` until `now + leaseMs`: pending ones whose
 * time has come and running ones whose lease ran out (a crashed worker). A job with an ordering key waits
 * while an earlier job with that key is unfinished. `FOR UPDATE SKIP LOCKED`: instances never claim the
 * same row.
 */
export async function claimJobs(db: Sql, o: { workerId: string; now: Date; leaseMs: number; limit: number; kinds: readonly string[] }): Promise<ClaimedRow[]> {
  return db.query<ClaimedRow>(
    `UPDATE background_jobs j SET state = 'running', claimed_by = $1, lease_until = $2, attempts = j.attempts + 1, token = j.token + 1
     WHERE j.id IN (
       SELECT c.id FROM background_jobs c
       WHERE ((c.state = 'pending' AND c.run_at <= $3) OR (c.state = 'running' AND c.lease_until < $3))
         AND c.kind = ANY($5::text[])
         AND (c.ordering_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM background_jobs p
           WHERE p.ordering_key = c.ordering_key AND p.state IN ('pending', 'running') AND p.seq < c.seq))
       ORDER BY c.run_at, c.seq
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.token, j.run_at, j.strat_id, j.created_at`,
    [o.workerId, new Date(o.now.getTime() + o.leaseMs), o.now, o.limit, [...o.kinds]],
  );
}

/** The claimed row as a typed job, or the reason it cannot be one (unknown kind, payload off its schema). */
export function toJob(r: ClaimedRow): { ok: true; job: Job } | { ok: false; error: string } {
  if (!isJobKind(r.kind)) return { ok: false, error: `unknown job kind ${r.kind}` };
  const p = parseJobPayload(r.kind, r.payload);
  if (!p.ok) return p;
  const job = {
    id: r.id, kind: r.kind, payload: p.payload, attempts: r.attempts, maxAttempts: r.max_attempts, token: Number(r.token),
    runAt: new Date(r.run_at), stratId: r.strat_id, createdAt: new Date(r.created_at),
  } as Job; // kind and payload were parsed together above
  return { ok: true, job };
}

/** What fences a write: the job and the token its claim returned. */
export interface Held { id: string; token: number }

/**
 * Ends a claim: `set` ($3, $4 are its values) applies only while this worker still holds the job (same
 * token, still running). Fencing: a worker whose lease was taken over writes nothing → false.
 */
async function endClaim(sql: Sql, h: Held, set: string, v3: unknown, v4: unknown): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE background_jobs SET ${set}, lease_until = NULL WHERE id = $1 AND token = $2 AND state = 'running' RETURNING id`,
    [h.id, h.token, v3, v4],
  );
  return rows.length > 0;
}

/**
 * The record's first distribution (T-REC; src/app/distribute-record.ts) is complete when its record.distribute job and
 * every record mail of version 1 are done: then the strat's read model (strat_summary, issue 15 point 3) gets the last
 * mail's time as record_distributed_at, in the statement that records that completion (`done`: the job just ended).
 */
const RECORD_DISTRIBUTED = `dist AS (
    UPDATE strat_summary m SET record_distributed_at = d.at
    FROM (SELECT done.strat_id, GREATEST(
        (SELECT max(o.done_at) FROM background_jobs o WHERE o.strat_id = done.strat_id AND o.id <> done.id AND o.dedupe_key LIKE 'mail:record:' || done.strat_id || ':v1:%'),
        CASE WHEN done.dedupe_key LIKE 'mail:record:%' THEN $3::timestamptz END) AS at
      FROM done
      WHERE done.strat_id IS NOT NULL
        AND (done.dedupe_key LIKE 'mail:record:' || done.strat_id || ':v1:%' OR done.dedupe_key = 'distribute:' || done.strat_id || ':1')
        AND EXISTS (SELECT 1 FROM background_jobs o WHERE o.strat_id = done.strat_id AND o.dedupe_key = 'distribute:' || done.strat_id || ':1')
        AND NOT EXISTS (SELECT 1 FROM background_jobs o WHERE o.strat_id = done.strat_id AND o.id <> done.id AND o.state <> 'done'
          AND (o.dedupe_key LIKE 'mail:record:' || done.strat_id || ':v1:%' OR o.dedupe_key = 'distribute:' || done.strat_id || ':1'))) AS d
    WHERE m.strat_id = d.strat_id::uuid AND m.record_distributed_at IS NULL AND d.at IS NOT NULL RETURNING 1)`;

/** Done (fenced); a record distribution it completes is written to the read model in the same statement. */
export async function completeJob(sql: Sql, h: Held, now: Date, result: unknown = null): Promise<boolean> {
  const rows = await sql.query(
    `WITH done AS (
       UPDATE background_jobs SET state = 'done', done_at = $3, result = $4, last_error = NULL, lease_until = NULL
       WHERE id = $1 AND token = $2 AND state = 'running' RETURNING id, strat_id, dedupe_key),
     ${RECORD_DISTRIBUTED}
     SELECT id FROM done`,
    [h.id, h.token, now, result === null ? null : JSON.stringify(result)],
  );
  return rows.length > 0;
}

/**
 * The same completion, checked again after the job's own transaction committed (the worker calls it for a strat's
 * record.distribute and graph.mail jobs). completeJob decides in one statement, on that statement's snapshot: when a
 * strat's last two record mails finish at once, each in its own transaction, each sees the other still running and
 * neither writes record_distributed_at. Whoever commits last runs this after its commit and sees both done.
 * Idempotent (only a row still without it is written). Returns whether it wrote.
 */
export async function settleRecordDistribution(sql: Sql, stratId: string): Promise<boolean> {
  const rows = await sql.query(
    `WITH jobs AS (
       SELECT state, done_at, dedupe_key LIKE 'mail:record:' || $1 || ':v1:%' AS mail FROM background_jobs
       WHERE strat_id = $1 AND (dedupe_key LIKE 'mail:record:' || $1 || ':v1:%' OR dedupe_key = 'distribute:' || $1 || ':1'))
     UPDATE strat_summary m SET record_distributed_at = (SELECT max(done_at) FROM jobs WHERE mail)
     WHERE m.strat_id = $1::uuid AND m.record_distributed_at IS NULL
       AND EXISTS (SELECT 1 FROM jobs WHERE NOT mail) AND NOT EXISTS (SELECT 1 FROM jobs WHERE state <> 'done')
       AND (SELECT max(done_at) FROM jobs WHERE mail) IS NOT NULL
     RETURNING 1`,
    [stratId],
  );
  return rows.length > 0;
}

/** Back to pending, to run at `runAt` (fenced). */
export const retryJobLater = (sql: Sql, h: Held, runAt: Date, error: string) =>
  endClaim(sql, h, "state = 'pending', run_at = $3, last_error = $4", runAt, error.slice(0, 300));

/** Dead letter: not retried again until an operator says so (fenced). */
export const markJobDead = (sql: Sql, h: Held, now: Date, error: string) =>
  endClaim(sql, h, "state = 'dead', done_at = $3, last_error = $4", now, error.slice(0, 300));

interface ListRow {
  id: string; kind: string; state: JobState; strat_id: string | null; dedupe_key: string | null; ordering_key: string | null;
  run_at: Date; attempts: number; max_attempts: number; last_error: string | null; created_at: Date; done_at: Date | null; payload: unknown;
}
const toRow = (r: ListRow): JobRow => ({
  id: r.id, kind: r.kind, state: r.state, stratId: r.strat_id, dedupeKey: r.dedupe_key, orderingKey: r.ordering_key,
  runAt: new Date(r.run_at), attempts: r.attempts, maxAttempts: r.max_attempts, lastError: r.last_error,
  createdAt: new Date(r.created_at), doneAt: r.done_at ? new Date(r.done_at) : null, payload: r.payload,
});

/** What a job of this kind was for, in a chair's words. */
const WHAT: Record<JobKind, string> = {
  "reminder.due": "The reminder of the due time",
  "reminder.action": "The reminder of an overdue action",
  "reminder.action-owner": "Reminding an action's owner before it is due",
  "reminder.followon": "The reminder of a follow-on deadline",
  "missing.rhi": "The reminder of a return home interview",
  "missing.escalate": "Telling a senior manager that a child is still missing",
  "missing.weekly": "The reminder of the weekly missing-child meeting",
  "record.publish": "Handing over the verified record",
  "record.distribute": "Sending the record to every recipient by email",
  "record.channel-refresh": "Showing the record's distribution on its channel card",
  "record.distribution-check": "Checking that the record reached everyone before its deadline",
  "graph.book": "Booking the Teams meeting",
  "graph.move": "Moving the Teams meeting",
  "graph.cancel": "Cancelling the Teams meeting",
  "graph.mail": "Sending an email",
  "graph.channel-post": "Posting in the Teams channel",
  "graph.upload": "Uploading a file to the Teams channel",
  "graph.sync-event": "Reading the meeting's answers from Outlook",
  "graph.resync": "Re-reading the calendar's answers",
  "graph.subscribe": "Following the calendar for answers",
  "calendar.booked": "Recording the booked meeting on the strategy discussion",
  "calendar.moved": "Recording the moved meeting on the strategy discussion",
  "calendar.cancelled": "Recording the cancelled meeting on the strategy discussion",
  "calendar.response": "Recording an invitee's calendar answer",
  "calendar.failure": "Telling the chair about a failed calendar change",
  "teams.invitation": "Sending an invitation card in Teams",
  "notify.answer": "Telling the chair that an agency declined or is sending a delegate",
  "notify.action": "Telling the chair of an action owner's update",
  "notify.info": "Notifying a notify-only recipient (case and strat reference only)",
  "escalate.inquorate": "Telling the senior manager that the strategy discussion was inquorate",
  "maintenance.prune-activities": "Housekeeping",
  "maintenance.analyze": "Refreshing the local store's planner statistics",
  "audit.checkpoint": "Signing the daily audit checkpoint",
};

/** A stored error (a code, an HTTP status, a schema field) in plain words. */
export function plainError(e: string | null): string {
  if (!e) return "no reason was recorded";
  if (/^payload of /.test(e)) return `the job's data was not valid (${e.replace(/^payload of \S+ does not match its schema: /, "")}); it was not retried`;
  const m = /^(\d{3}|-) (\S+)/.exec(e);
  if (m) {
    const status = m[1] === "-" ? null : Number(m[1]);
    if (status === 429 || status === 503) return `Microsoft 365 was busy and kept refusing (${m[2]})`;
    if (status === 401 || status === 403) return `Microsoft 365 refused permission (${m[2]}): ask IT to check the app's permissions`;
    if (status === 404) return `Microsoft 365 could not find the mailbox or meeting (${m[2]})`;
    if (status !== null && status >= 500) return `Microsoft 365 had an error (${status}, ${m[2]})`;
    if (status === null) return `Microsoft 365 could not be reached (${m[2]})`;
    return `Microsoft 365 refused the request (${status}, ${m[2]})`;
  }
  if (/lease/.test(e)) return "the app stopped while doing it, too many times";
  return `it failed (${e})`;
}

/** The queue as the app and the operator see it (the claim side is the worker's). */
export function createJobQueue(db: Database, now: () => Date): JobQueue {
  return {
    enqueue: (jobs, opts) => db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const j of jobs) {
        const id = await enqueueJob(tx, j, now(), opts?.onDuplicate ?? "keep");
        if (id) ids.push(id);
      }
      return ids;
    }),
    async pending(kind) {
      const rows = await db.query<ListRow>(
        `SELECT * FROM background_jobs WHERE state IN ('pending', 'running') AND ($1::text IS NULL OR kind = $1) ORDER BY run_at, seq`, [kind ?? null]);
      return rows.map(toRow);
    },
    async deadFor(stratId): Promise<DeadLetter[]> {
      const rows = await db.query<ListRow>(
        "SELECT * FROM background_jobs WHERE state = 'dead' AND strat_id = $1 ORDER BY done_at DESC, seq DESC LIMIT 20", [stratId]);
      return rows.map((r) => ({
        id: r.id, kind: r.kind, attempts: r.attempts, diedAt: r.done_at ? new Date(r.done_at) : null,
        what: isJobKind(r.kind) ? WHAT[r.kind] : `A background task (${r.kind})`,
        lastError: `${plainError(r.last_error)}; tried ${r.attempts} ${r.attempts === 1 ? "time" : "times"}`,
      }));
    },
    async ofStrat(stratId, kind, keyPrefix = "") {
      const rows = await db.query<ListRow>(
        "SELECT * FROM background_jobs WHERE strat_id = $1 AND kind = $2 AND starts_with(coalesce(dedupe_key, ''), $3) ORDER BY created_at, seq", [stratId, kind, keyPrefix]);
      return rows.map(toRow);
    },
    async list(opts = {}) {
      const rows = await db.query<ListRow>(
        `SELECT * FROM background_jobs WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR kind = $2)
         ORDER BY CASE state WHEN 'done' THEN 1 ELSE 0 END, run_at DESC, seq DESC LIMIT $3`,
        [opts.state ?? null, opts.kind ?? null, opts.limit ?? 100]);
      return rows.map(toRow);
    },
    async retry(id, at) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
      const rows = await db.query(
        `UPDATE background_jobs SET state = 'pending', run_at = $2, attempts = 0, done_at = NULL, lease_until = NULL
         WHERE id = $1 AND state IN ('dead', 'pending') RETURNING id`, [id, at]);
      return rows.length > 0;
    },
  };
}


import { randomUUID } from "node:crypto";
import { AppError } from "../../domain/errors.js";
import { freezeDeep } from "../../domain/freeze-deep.js";
import type { AppliedRule, AuditEntry, NewStrat, Strat, StratChange } from "../../domain/strat/strat.js";
import type { Database, JobRequest, MutateOptions, MutateOutcome, PreparedStatement, Sql, StratMutation, StratRepository } from "../../ports/store.js";

interface Row {
  id: string; ref: string; case_ref: string; profile_id: string; status: Strat["status"]; version: number;
  referral: unknown; state: Record<string, unknown>; due_at: Date; due_rule: string; target_at: Date | null;
  deadline: AppliedRule[]; chair_id: string; chair_name: string | null; conversation_id: string | null;
  created_at: Date; updated_at: Date; closed_at: Date | null;
}

const toStrat = (r: Row): Strat => ({
  id: r.id, ref: r.ref, caseRef: r.case_ref, profileId: r.profile_id, status: r.status, version: r.version,
  referral: r.referral, state: r.state ?? {}, dueAt: new Date(r.due_at), dueRule: r.due_rule,
  targetAt: r.target_at ? new Date(r.target_at) : null, applied: r.deadline, chairId: r.chair_id,
  chairName: r.chair_name, conversationId: r.conversation_id, createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at), closedAt: r.closed_at ? new Date(r.closed_at) : null,
});

const COLS = `id, ref, case_ref, profile_id, status, version, referral, state, due_at, due_rule, target_at, deadline,
  chair_id, chair_name, conversation_id, created_at, updated_at, closed_at`;

export async function insertJobs(tx: Sql, jobs: readonly JobRequest[]): Promise<void> {
  for (const j of jobs) {
    await tx.query(
      `INSERT INTO jobs (kind, dedupe_key, run_at, payload) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dedupe_key) DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, done_at = NULL, claimed_at = NULL, attempts = 0
       WHERE jobs.done_at IS NULL`,
      [j.kind, j.dedupeKey, j.runAt, JSON.stringify(j.payload)],
    );
  }
}

async function writeAudit(tx: Sql, stratId: string, version: number, a: AuditEntry): Promise<void> {
  await tx.query("INSERT INTO audit_log (strat_id, actor, action, version, detail) VALUES ($1, $2, $3, $4, $5)", [
    stratId, a.actor, a.action, version, JSON.stringify(a.detail ?? {}),
  ]);
}

/**
 * The change, the processed-activity key, the audit entry and the follow-up jobs in one statement, applied
 * only if the strat is still at the version the change was computed on ($11) and the request's key ($7)
 * is new. Under the row lock that always holds unless the key was taken; without it, a row that moved on
 * comes back empty and nothing at all is written.
 */
const WRITE: PreparedStatement = {
  name: "strat_write",
  types: ["uuid", "jsonb", "text", "boolean", "timestamptz", "timestamptz", "text", "text", "text", "jsonb", "integer", "jsonb"],
  text: `WITH upd AS (
    UPDATE strats SET state = COALESCE($2::jsonb, state), status = COALESCE($3, status),
      closed_at = CASE WHEN $4::boolean THEN $5::timestamptz ELSE closed_at END, version = version + 1, updated_at = $6
    WHERE id = $1 AND version = $11
      AND ($7::text IS NULL OR NOT EXISTS (SELECT 1 FROM processed_activities WHERE activity_id = $7::text))
    RETURNING version, updated_at, status, closed_at),
  ded AS (
    INSERT INTO processed_activities (activity_id) SELECT $7::text FROM upd WHERE $7::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING 1),
  aud AS (
    INSERT INTO audit_log (strat_id, actor, action, version, detail) SELECT $1, $8, $9, upd.version, $10::jsonb FROM upd RETURNING 1),
  job AS (
    INSERT INTO jobs (kind, dedupe_key, run_at, payload)
    SELECT j.kind, j.dedupe_key, j.run_at, j.payload
    FROM upd, jsonb_to_recordset(COALESCE($12::jsonb, '[]'::jsonb)) AS j(kind text, dedupe_key text, run_at timestamptz, payload jsonb)
    ON CONFLICT (dedupe_key) DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload, done_at = NULL, claimed_at = NULL, attempts = 0
    WHERE jobs.done_at IS NULL RETURNING 1)
  SELECT upd.* FROM upd`,
};

const LOCKED_READ: PreparedStatement = {
  name: "strat_locked_read",
  types: ["uuid", "text"],
  text: `SELECT ${COLS}, EXISTS (SELECT 1 FROM processed_activities WHERE activity_id = $2) AS seen FROM strats WHERE id = $1 FOR UPDATE`,
};
const READ: PreparedStatement = { name: "strat_read", types: ["uuid"], text: `SELECT ${COLS} FROM strats WHERE id = $1` };

/** One row per dedupe key (the last request wins), as one INSERT … ON CONFLICT may touch a row only once. */
const uniqueJobs = (jobs: readonly JobRequest[]) =>
  [...new Map(jobs.map((j) => [j.dedupeKey, { kind: j.kind, dedupe_key: j.dedupeKey, run_at: j.runAt, payload: j.payload }])).values()];

/** How many strats' latest versions a process keeps to skip the read before a change. */
const RECENT_MAX = 1000;

export function createStratRepository(db: Database, now: () => Date): StratRepository {
  /**
   * The latest version of each recently changed or read strat this process has seen. Only a starting
   * point for `mutate`: its write is conditional on that version, so a view another instance has made
   * out of date costs a second attempt under the row lock, never a lost update. Frozen, so nobody can
   * change a strat in memory behind the database's back.
   */
  const recent = new Map<string, Strat>();
  const remember = (s: Strat): Strat => {
    const had = recent.get(s.id);
    if (had && had.version > s.version) return s;
    freezeDeep(s.state);
    recent.delete(s.id);
    recent.set(s.id, s);
    if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value!);
    return s;
  };
  const one = async (sql: string, params: unknown[]) => {
    const rows = await db.query<Row>(sql, params);
    return rows[0] ? remember(toStrat(rows[0])) : null;
  };
  async function mutateNow<R>(id: string, fn: StratMutation<R>, opts: MutateOptions): Promise<MutateOutcome<R>> {
    const key = opts.dedupeKey ? opts.dedupeKey.slice(0, 200) : null;
    // Fast path: the version this process saw last, and one conditional statement that writes the
    // change, the processed-activity key, the audit entry and any follow-up jobs only if the strat is
    // still at that version and the key is new (one round trip, no explicit transaction). Another
    // instance's change, a redelivery or a refusal computed on a view that may be old all fall through
    // to the locked path below, which decides on the row as it is now.
    const seen = recent.get(id);
    if (seen) {
      const out = await attempt(seen, false).catch(() => null);
      if (out) return out;
    }
    return db.transaction(async (tx) => {
      const rows = await tx.prepared<Row & { seen: boolean }>(LOCKED_READ, [id, key]);
      if (!rows[0]) throw new AppError("not_found", "That strategy discussion does not exist.", "stratId");
      const current = remember(toStrat(rows[0]));
      if (rows[0].seen) return { strat: current, result: null, duplicate: true };
      // Under the row lock the write cannot miss: no row back means the key was taken by a redelivery.
      return (await attempt(current, true, tx)) ?? { strat: current, result: null, duplicate: true };
    });

    /** Applies fn to `current` and writes it if the row is still at current.version; null if it was not. */
    async function attempt(current: Strat, locked: boolean, tx: Sql = db) {
      let stale = opts.expectedVersion !== undefined && opts.expectedVersion !== current.version;
      if (stale && opts.staleIf && opts.expectedVersion! < current.version) {
        const later = await tx.query<{ actor: string }>(
          "SELECT actor FROM audit_log WHERE strat_id = $1 AND version > $2 AND version <= $3", [id, opts.expectedVersion, current.version]);
        stale = opts.staleIf(later.map((r) => r.actor), current);
      }
      if (stale) {
        throw new AppError(
          "conflict",
          `This card is out of date: the strategy discussion changed since (now version ${current.version}, the card showed ${opts.expectedVersion}). Nothing was saved; here is the latest.`,
          "version",
        );
      }
      const { change, audit, result, jobs } = fn(current);
      const u = (await tx.prepared<{ version: number; updated_at: Date; status: Strat["status"]; closed_at: Date | null }>(WRITE, [
        id, change.state === undefined ? null : JSON.stringify(change.state), change.status ?? null, change.closedAt !== undefined,
        change.closedAt ?? null, now(), key, audit.actor, audit.action, JSON.stringify(audit.detail ?? {}), current.version,
        jobs?.length ? JSON.stringify(uniqueJobs(jobs)) : null,
      ]))[0];
      if (!u) {
        if (locked) return null;
        throw new Error("moved on"); // not an error for anyone: the locked path takes over
      }
      const strat = remember({
        ...current,
        state: change.state ?? current.state,
        status: u.status,
        version: u.version,
        updatedAt: new Date(u.updated_at),
        closedAt: u.closed_at ? new Date(u.closed_at) : null,
      });
      return { strat, result, duplicate: false };
    }
  }

  /** Per-strat turns within this process: each change starts when the previous one on that strat has ended. */
  const turns = new Map<string, Promise<unknown>>();
  function queued<T>(id: string, run: () => Promise<T>): Promise<T> {
    const prev = turns.get(id);
    const next = prev ? prev.then(run, run) : run();
    const tail = next.then(() => undefined, () => undefined);
    turns.set(id, tail);
    void tail.then(() => { if (turns.get(id) === tail) turns.delete(id); });
    return next;
  }

  return {
    async open(input: NewStrat, audit: AuditEntry, jobs) {
      return db.transaction(async (tx) => {
        const existing = await tx.query<Row>(`SELECT ${COLS} FROM strats WHERE request_id = $1`, [input.requestId]);
        if (existing[0]) return { strat: remember(toStrat(existing[0])), created: false };
        const at = now();
        const [{ n }] = (await tx.query<{ n: number }>("SELECT nextval('strat_number_seq')::int AS n")) as [{ n: number }];
        const ref = `SD-${at.getUTCFullYear()}-${String(n).padStart(4, "0")}`;
        const rows = await tx.query<Row>(
          `INSERT INTO strats (id, ref, case_ref, profile_id, status, version, referral, state, due_at, due_rule, target_at,
             deadline, chair_id, chair_name, conversation_id, request_id, created_at, updated_at)
           VALUES ($1,$2,$3,$4,'open',1,$5,$15::jsonb,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14)
           ON CONFLICT (request_id) DO NOTHING
           RETURNING ${COLS}`,
          [randomUUID(), ref, input.caseRef, input.profileId, JSON.stringify(input.referral), input.dueAt, input.dueRule,
            input.targetAt, JSON.stringify(input.applied), input.chairId, input.chairName, input.conversationId,
            input.requestId, at, JSON.stringify(input.state ?? {})],
        );
        if (!rows[0]) {
          // A concurrent submission with the same request id won the race: return its strat.
          const again = await tx.query<Row>(`SELECT ${COLS} FROM strats WHERE request_id = $1`, [input.requestId]);
          return { strat: toStrat(again[0]!), created: false };
        }
        const strat = toStrat(rows[0]);
        await writeAudit(tx, strat.id, strat.version, audit);
        if (jobs) await insertJobs(tx, jobs(strat));
        return { strat: remember(strat), created: true };
      });
    },
    async get(id) {
      if (!isUuid(id)) return null;
      const rows = await db.prepared<Row>(READ, [id]);
      return rows[0] ? remember(toStrat(rows[0])) : null;
    },
    findByRef: (ref) => one(`SELECT ${COLS} FROM strats WHERE upper(ref) = upper($1)`, [ref]),
    async listOpen(limit = 200) {
      const rows = await db.query<Row>(`SELECT ${COLS} FROM strats WHERE status = 'open' ORDER BY due_at, ref LIMIT $1`, [limit]);
      return rows.map(toStrat);
    },
    async listByConversation(conversationId, status = "open") {
      const rows = await db.query<Row>(
        `SELECT ${COLS} FROM strats WHERE conversation_id = $1 AND status = $2 ORDER BY due_at, ref`, [conversationId, status]);
      return rows.map(toStrat);
    },
    async update(id, expectedVersion, change: StratChange, audit) {
      return db.transaction(async (tx) => {
        const rows = await tx.query<Row>(
          `UPDATE strats SET
             state = COALESCE($3::jsonb, state),
             status = COALESCE($4, status),
             closed_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE closed_at END,
             version = version + 1,
             updated_at = $7
           WHERE id = $1 AND version = $2
           RETURNING ${COLS}`,
          [id, expectedVersion, change.state === undefined ? null : JSON.stringify(change.state), change.status ?? null,
            change.closedAt !== undefined, change.closedAt ?? null, now()],
        );
        if (!rows[0]) {
          const cur = await tx.query<{ version: number }>("SELECT version FROM strats WHERE id = $1", [id]);
          if (!cur[0]) throw new AppError("not_found", "That strategy discussion does not exist.", "stratId");
          throw new AppError(
            "conflict",
            `Someone else changed this strategy discussion first (now at version ${cur[0].version}, you had ${expectedVersion}). Nothing was saved: look at the latest version and try again.`,
            "version",
          );
        }
        const strat = toStrat(rows[0]);
        await writeAudit(tx, id, strat.version, audit);
        return remember(strat);
      });
    },
    mutate(id, fn, opts = {}) {
      if (!isUuid(id)) return Promise.reject(new AppError("not_found", "That strategy discussion does not exist.", "stratId"));
      // Changes to one strat from this process take turns here, so they do not collide in the database
      // (where all but one would have to be redone under the row lock); other strats are not held up.
      return queued(id, () => mutateNow(id, fn, opts));
    },
    async auditTrail(id) {
      const rows = await db.query<{ actor: string; action: string; detail: Record<string, unknown>; at: Date; version: number | null }>(
        "SELECT actor, action, detail, at, version FROM audit_log WHERE strat_id = $1 ORDER BY id", [id]);
      return rows.map((r) => ({ ...r, at: new Date(r.at) }));
    },
  };
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

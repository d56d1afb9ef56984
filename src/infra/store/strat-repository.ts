import { randomUUID } from "node:crypto";
import { chainHashes, GENESIS } from "../../domain/audit/chain.js";
import { AppError } from "../../domain/errors.js";
import { freezeDeep } from "../../domain/freeze-deep.js";
import { dayNumberOf, isoDateOf } from "../../domain/time/index.js";
import { parseReferral, referralInput } from "../../domain/protocol/referral.js";
import { parseStratState } from "../../domain/strat/state.js";
import type { AppliedRule, AuditEntry, NewStrat, Strat, StratChange } from "../../domain/strat/strat.js";
import { ACTION_COLUMNS, DISSENT_COLUMNS, SUMMARY_COLUMNS, summarize, summaryRows, type StratSummary } from "../../domain/strat/summary.js";
import { enqueueJob, jobsAsJson, jobsFromJson } from "../queue/job-store.js";
import type { Database, DissentAge, HeldDayCounts, HeldDayQuery, ItemCounts, ItemScope, JobRequest, MutateOptions, SummaryCountQuery, SummaryCounts, SummaryFilter, SummaryQuery, MutateOutcome, PreparedStatement, Sql, StratMutation, StratRepository } from "../../ports/store.js";
import { ITEM_EVENT_KINDS, type ItemEventKind, type ItemEventQuery } from "../../ports/store.js";

interface Row {
  id: string; ref: string; case_ref: string; profile_id: string; status: Strat["status"]; version: number;
  referral: unknown; state: unknown; due_at: Date; due_rule: string; target_at: Date | null;
  deadline: AppliedRule[]; chair_id: string; chair_name: string | null; conversation_id: string | null;
  created_at: Date; updated_at: Date; closed_at: Date | null;
}

/**
 * A row as the typed aggregate: the referral and the state are parsed here, once (the boundary), and
 * frozen. `known` is the latest version this process already holds of the same strat: its parsed
 * referral (never changed after opening) and, at the same version, its parsed state are reused, so a
 * card action that reads the strat it has just written does not parse it again.
 */
const toStrat = (r: Row, known?: Strat): Strat => ({
  id: r.id, ref: r.ref, caseRef: r.case_ref, profileId: r.profile_id, status: r.status, version: r.version,
  referral: known ? known.referral : freezeDeep(parseReferral(r.referral)),
  state: known && known.version === r.version ? known.state : parseStratState(r.state),
  dueAt: new Date(r.due_at), dueRule: r.due_rule,
  targetAt: r.target_at ? new Date(r.target_at) : null, applied: r.deadline, chairId: r.chair_id,
  chairName: r.chair_name, conversationId: r.conversation_id, createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at), closedAt: r.closed_at ? new Date(r.closed_at) : null,
});

const COLS = `id, ref, case_ref, profile_id, status, version, referral, state, due_at, due_rule, target_at, deadline,
  chair_id, chair_name, conversation_id, created_at, updated_at, closed_at`;

/**
 * Audit entries as stored, chained (issue 13 point 4): entry n of `audits` gets version base + n, time `at`, and
 * hash = SHA-256(previous hash ‖ canonical JSON), starting from `prevHash` (the strat's latest entry's hash). The
 * detail is hashed as it is stored (JSON), so verify, reading it back, computes the same.
 */
function chained(stratId: string, baseVersion: number, at: Date, prevHash: string, audits: readonly AuditEntry[]) {
  const rows = audits.map((a, k) => ({
    n: k + 1, actor: a.actor, action: a.action, detail: JSON.parse(JSON.stringify(a.detail ?? {})) as Record<string, unknown>,
  }));
  const hashes = chainHashes(prevHash, rows.map((r) => ({ stratId, version: baseVersion + r.n, at, actor: r.actor, action: r.action, detail: r.detail })));
  return rows.map((r, k) => ({ ...r, prev_hash: k ? hashes[k - 1]! : prevHash, hash: hashes[k]! }));
}

async function writeFirstAudit(tx: Sql, stratId: string, version: number, at: Date, a: AuditEntry): Promise<string> {
  const [row] = chained(stratId, version - 1, at, GENESIS, [a]);
  await tx.query("INSERT INTO audit_log (strat_id, actor, action, version, detail, at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
    stratId, row!.actor, row!.action, version, JSON.stringify(row!.detail), at, row!.prev_hash, row!.hash,
  ]);
  return row!.hash;
}

/** Upserts rows of a per-item read-model table from a JSON array, keyed by (strat_id, `key`). */
const upsertItems = (table: string, cols: readonly string[], key: string, rows: string, from: string) => `INSERT INTO ${table} (${cols.join(", ")})
    SELECT ${cols.map((c) => `r.${c}`).join(", ")} FROM ${from}, jsonb_populate_recordset(NULL::${table}, ${rows}) AS r
    ON CONFLICT (strat_id, ${key}) DO UPDATE SET ${cols.filter((c) => c !== "strat_id" && c !== key).map((c) => `${c} = EXCLUDED.${c}`).join(", ")}
    RETURNING 1`;
/** Deletes the strat's rows of a per-item table whose key is not in the JSON array (rows an upsert in the same statement does not touch). */
const deleteGoneItems = (table: string, key: string, id: string, rows: string, from: string) => `DELETE FROM ${table}
    WHERE strat_id = ${id} AND EXISTS (SELECT 1 FROM ${from})
      AND ${key} NOT IN (SELECT e->>'${key}' FROM jsonb_array_elements(${rows}) AS e) RETURNING 1`;

/**
 * The strat's read-model rows (issue 15 point 7; summary.ts summaryRows) from `param` (SummaryRows as JSON): its
 * strat_summary row, and its action and dissent rows (migration 012), inserted or replaced, for each row of `from` (a
 * CTE), as CTEs of the statement that writes the change, so the read model is never behind the strat.
 * record_distributed_at is the queue's to write (job-store.ts completeJob: when the distribution completes), never reset here.
 */
const upsertSummary = (param: string, from: string) => {
  const j = `(${param}::jsonb)`;
  const id = `(${j}->'summary'->>'strat_id')::uuid`;
  return `sum AS (INSERT INTO strat_summary (${SUMMARY_COLUMNS.join(", ")})
    SELECT ${SUMMARY_COLUMNS.map((c) => `s.${c}`).join(", ")} FROM ${from}, jsonb_populate_record(NULL::strat_summary, ${j}->'summary') AS s
    ON CONFLICT (strat_id) DO UPDATE SET ${SUMMARY_COLUMNS.filter((c) => c !== "strat_id" && c !== "record_distributed_at").map((c) => `${c} = EXCLUDED.${c}`).join(", ")}
    RETURNING 1),
  act AS (${upsertItems("strat_action_summary", ACTION_COLUMNS, "action_id", `${j}->'actions'`, from)}),
  act_gone AS (${deleteGoneItems("strat_action_summary", "action_id", id, `${j}->'actions'`, from)}),
  dis AS (${upsertItems("strat_dissent_summary", DISSENT_COLUMNS, "dissent_id", `${j}->'dissents'`, from)}),
  dis_gone AS (${deleteGoneItems("strat_dissent_summary", "dissent_id", id, `${j}->'dissents'`, from)})`;
};

/**
 * One or more changes to a strat in one statement: the new state, the processed-activity keys ($7, a JSON
 * array, stamped with $6 so a prune job can forget them), one audit entry per change ($10: n = 1…$8, chained: prev_hash, hash) and
 * the follow-up jobs ($11, rows of the one queue's background_jobs) and the read-model row ($12, summary.ts), applied only if the strat is still at
 * the version the changes were computed on ($9) and none of the keys was seen before.
 * Under the row lock that always holds unless a key was taken; without it, a row that moved on comes back
 * empty and nothing at all is written.
 */
const WRITE: PreparedStatement = {
  name: "strat_write",
  types: ["uuid", "jsonb", "text", "boolean", "timestamptz", "timestamptz", "jsonb", "integer", "integer", "jsonb", "jsonb", "jsonb"],
  text: `WITH upd AS (
    UPDATE strats SET state = COALESCE($2::jsonb, state), status = COALESCE($3, status),
      closed_at = CASE WHEN $4::boolean THEN $5::timestamptz ELSE closed_at END, version = version + $8::integer, updated_at = $6
    WHERE id = $1 AND version = $9::integer
      AND NOT EXISTS (SELECT 1 FROM processed_activities WHERE activity_id IN (SELECT jsonb_array_elements_text($7::jsonb)))
    RETURNING version, updated_at, status, closed_at),
  ded AS (
    INSERT INTO processed_activities (activity_id, processed_at) SELECT k, $6 FROM upd, jsonb_array_elements_text($7::jsonb) AS k ON CONFLICT DO NOTHING RETURNING 1),
  aud AS (
    INSERT INTO audit_log (strat_id, actor, action, version, detail, at, prev_hash, hash)
    SELECT $1, a.actor, a.action, $9::integer + a.n, a.detail, $6, a.prev_hash, a.hash
    FROM upd, jsonb_to_recordset($10::jsonb) AS a(n integer, actor text, action text, detail jsonb, prev_hash text, hash text)
    ORDER BY a.n RETURNING 1),
  job AS (${jobsFromJson("$11", "upd", "$6::timestamptz")}),
  ${upsertSummary("$12", "upd")}
  SELECT upd.* FROM upd`,
};

/** A change computed by a mutation, with the request's dedupe key. */
interface Step { change: StratChange; audit: AuditEntry; jobs?: JobRequest[]; key: string | null }
interface Written { version: number; updated_at: Date; status: Strat["status"]; closed_at: Date | null }

const keyOf = (opts: MutateOptions) => (opts.dedupeKey ? opts.dedupeKey.slice(0, 200) : null);

/** The strat after a step (its version one up), before the database has said when. */
function applyStep(cur: Strat, change: StratChange): Strat {
  return {
    ...cur,
    state: change.state ?? cur.state,
    status: change.status ?? cur.status,
    closedAt: change.closedAt !== undefined ? change.closedAt : cur.closedAt,
    version: cur.version + 1,
  };
}

const LOCKED_READ: PreparedStatement = {
  name: "strat_locked_read",
  types: ["uuid", "text"],
  text: `SELECT ${COLS}, EXISTS (SELECT 1 FROM processed_activities WHERE activity_id = $2) AS seen FROM strats WHERE id = $1 FOR UPDATE`,
};
/** The hash of a strat's latest audit entry, read under its row lock (the chain's head: issue 13 point 4). */
const HEAD_READ: PreparedStatement = {
  name: "audit_head_read",
  types: ["uuid"],
  text: "SELECT hash FROM audit_log WHERE strat_id = $1 ORDER BY id DESC LIMIT 1",
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
  /**
   * The hash of each strat's latest audit entry, at the version it was written with (a write is conditional on
   * that version, so a head that is out of date only sends the change to the locked path, which reads it again).
   */
  const heads = new Map<string, { version: number; hash: string }>();
  const setHead = (id: string, version: number, hash: string) => {
    heads.delete(id);
    heads.set(id, { version, hash });
    if (heads.size > RECENT_MAX) heads.delete(heads.keys().next().value!);
  };
  const headOf = (s: Strat) => { const h = heads.get(s.id); return h && h.version === s.version ? h.hash : null; };
  const fromRow = (r: Row): Strat => toStrat(r, recent.get(r.id));
  const first = (rows: Row[]) => (rows[0] ? remember(fromRow(rows[0])) : null);
  const byRequest = async (tx: Sql, requestId: string) => first(await tx.query<Row>(`SELECT ${COLS} FROM strats WHERE request_id = $1`, [requestId]));
  const nextRef = async (tx: Sql, at: Date) => {
    const [{ n }] = (await tx.query<{ n: number }>("SELECT nextval('strat_number_seq')::int AS n")) as [{ n: number }];
    return `SD-${at.getUTCFullYear()}-${String(n).padStart(4, "0")}`;
  };
  /** Inserts one strat with its audit entry and jobs; null if its request id is already taken (a concurrent submission). */
  async function insert(tx: Sql, input: NewStrat, ref: string, at: Date, audit: AuditEntry, jobs?: (s: Strat) => JobRequest[]): Promise<Strat | null> {
    const id = randomUUID();
    const opened: Strat = {
      ...input, id, ref, status: "open", version: 1, createdAt: at, updatedAt: at, closedAt: null,
    };
    const rows = await tx.query<Row>(
      `WITH ins AS (
       INSERT INTO strats (id, ref, case_ref, profile_id, status, version, referral, state, due_at, due_rule, target_at,
         deadline, chair_id, chair_name, conversation_id, request_id, created_at, updated_at)
       VALUES ($1,$2,$3,$4,'open',1,$5,$15::jsonb,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14)
       ON CONFLICT (request_id) DO NOTHING
       RETURNING ${COLS}),
       ${upsertSummary("$16", "ins")}
       SELECT * FROM ins`,
      [id, ref, input.caseRef, input.profileId, JSON.stringify(referralInput(input.referral)), input.dueAt, input.dueRule,
        input.targetAt, JSON.stringify(input.applied), input.chairId, input.chairName, input.conversationId,
        input.requestId, at, JSON.stringify(input.state), JSON.stringify(summaryRows(opened))],
    );
    if (!rows[0]) return null;
    const strat = fromRow(rows[0]);
    setHead(strat.id, strat.version, await writeFirstAudit(tx, strat.id, strat.version, at, audit));
    for (const j of jobs?.(strat) ?? []) await enqueueJob(tx, j, at, "replace");
    return remember(strat);
  }
  /** Writes steps computed on `base` (whose latest audit hash is `prevHash`) in one statement; null if nothing was written. */
  async function write(tx: Sql, base: Strat, prevHash: string, steps: readonly Step[]): Promise<Written | null> {
    const last = steps.reduce<{ state?: unknown; status?: Strat["status"]; closed?: { at: Date | null } }>(
      (acc, st) => ({
        state: st.change.state ?? acc.state,
        status: st.change.status ?? acc.status,
        closed: st.change.closedAt !== undefined ? { at: st.change.closedAt } : acc.closed,
      }),
      {},
    );
    const jobs = steps.flatMap((st) => st.jobs ?? []);
    const at = now();
    const audits = chained(base.id, base.version, at, prevHash, steps.map((st) => st.audit));
    const after = { ...steps.reduce((cur, st) => applyStep(cur, st.change), base), updatedAt: at };
    const rows = await tx.prepared<Written>(WRITE, [
      base.id, last.state === undefined ? null : JSON.stringify(last.state), last.status ?? null, last.closed !== undefined,
      last.closed?.at ?? null, at, JSON.stringify(steps.flatMap((st) => (st.key ? [st.key] : []))), steps.length, base.version,
      JSON.stringify(audits), jobs.length ? jobsAsJson(jobs) : null, JSON.stringify(summaryRows(after)),
    ]);
    if (rows[0]) setHead(base.id, rows[0].version, audits.at(-1)!.hash);
    return rows[0] ?? null;
  }

  const written = (s: Strat, u: Written): Strat =>
    ({ ...s, status: u.status, version: u.version, updatedAt: new Date(u.updated_at), closedAt: u.closed_at ? new Date(u.closed_at) : null });

  async function mutateNow<R>(id: string, fn: StratMutation<R>, opts: MutateOptions): Promise<MutateOutcome<R>> {
    const key = keyOf(opts);
    // Fast path: the version this process saw last, and one conditional statement that writes the
    // change, the processed-activity key, the audit entry and any follow-up jobs only if the strat is
    // still at that version and the key is new (one round trip, no explicit transaction). Another
    // instance's change, a redelivery or a refusal computed on a view that may be old all fall through
    // to the locked path below, which decides on the row as it is now.
    const seen = recent.get(id);
    const seenHead = seen && headOf(seen);
    if (seen && seenHead) {
      const out = await attempt(seen, seenHead).catch(() => null); // a refusal here is decided again below
      if (out) return out;
    }
    return db.transaction(async (tx) => {
      const rows = await tx.prepared<Row & { seen: boolean }>(LOCKED_READ, [id, key]);
      if (!rows[0]) throw new AppError("not_found", "That strategy discussion does not exist.", "stratId");
      const current = remember(fromRow(rows[0]));
      if (rows[0].seen) return { strat: current, result: null, duplicate: true };
      const head = (await tx.prepared<{ hash: string | null }>(HEAD_READ, [id]))[0]?.hash ?? GENESIS;
      // Under the row lock the write cannot miss: no row back means the key was taken by a redelivery.
      return (await attempt(current, head, tx)) ?? { strat: current, result: null, duplicate: true };
    });

    /** Applies fn to `current` and writes it if the row is still at current.version; null if it was not. */
    async function attempt(current: Strat, prevHash: string, tx: Sql = db) {
      let stale = opts.expectedVersion !== undefined && opts.expectedVersion !== current.version;
      if (stale && opts.staleIf && opts.expectedVersion! < current.version) {
        const later = await tx.query<{ actor: string }>(
          "SELECT actor FROM audit_log WHERE strat_id = $1 AND version > $2 AND version <= $3", [id, opts.expectedVersion, current.version]);
        stale = opts.staleIf(later.map((r) => r.actor), current);
      }
      if (stale) {
        throw new AppError(
          "conflict",
          // Words for the chair (issue 11 point 7): the versions are for the logs and the audit trail, not the card.
          `This card is out of date: ${current.ref} was changed after this card was shown. Nothing was saved; here is the latest.`,
          "version",
        );
      }
      const { change, audit, result, jobs } = fn(current);
      const u = await write(tx, current, prevHash, [{ change, audit, jobs, key }]);
      if (!u) return null;
      return { strat: remember(written(applyStep(current, change), u)), result, duplicate: false };
    }
  }

  /**
   * Changes to one strat from this process take turns: the first runs at once; whatever arrives while it
   * runs waits, and is then written together with the others that waited — in order, each computed on the
   * state the one before it left, one statement for all (an invitation round's answers arrive together).
   * A change carrying a card's version goes on its own, as does anything when the write together fails.
   */
  interface Waiting { fn: StratMutation<unknown>; opts: MutateOptions; resolve(v: MutateOutcome<unknown>): void; reject(e: unknown): void }
  const queues = new Map<string, Waiting[]>();

  function enqueue(id: string, w: Waiting): void {
    const q = queues.get(id);
    if (q) {
      q.push(w);
      return;
    }
    queues.set(id, [w]);
    void drain(id);
  }

  async function drain(id: string): Promise<void> {
    for (let q = queues.get(id)!; q.length; q = queues.get(id)!) {
      const batch = q.splice(0, q.length);
      for (let i = 0; i < batch.length; ) {
        let j = i;
        while (j < batch.length && batch[j]!.opts.expectedVersion === undefined) j++;
        const run = j - i >= 2 ? batch.slice(i, j) : [batch[i]!];
        if (run.length < 2 || !(await together(id, run).catch(() => false))) {
          for (const w of run) await mutateNow(id, w.fn, w.opts).then(w.resolve, w.reject);
        }
        i += run.length;
      }
    }
    queues.delete(id);
  }

  /** Computes each waiting change on the state the one before left and writes them all; false if not written. */
  async function together(id: string, run: readonly Waiting[]): Promise<boolean> {
    const base = recent.get(id);
    const baseHead = base && headOf(base);
    if (!base || !baseHead) return false;
    const steps: Step[] = [];
    const keys = new Set<string>();
    const outcomes: ((final: Written) => void)[] = [];
    let cur = base;
    for (const w of run) {
      const key = keyOf(w.opts);
      const before = cur;
      if (key && keys.has(key)) {
        outcomes.push((u) => w.resolve({ strat: before === base ? base : { ...before, updatedAt: new Date(u.updated_at) }, result: null, duplicate: true }));
        continue;
      }
      let out: ReturnType<StratMutation<unknown>>;
      try {
        out = w.fn(cur);
      } catch (e) {
        outcomes.push(() => w.reject(e)); // decided on the state as it then was, once the write proves it current
        continue;
      }
      steps.push({ change: out.change, audit: out.audit, jobs: out.jobs, key });
      if (key) keys.add(key);
      const after = applyStep(cur, out.change);
      outcomes.push((u) => w.resolve({ strat: { ...after, updatedAt: new Date(u.updated_at) }, result: out.result, duplicate: false }));
      cur = after;
    }
    if (!steps.length) return false;
    const u = await write(db, base, baseHead, steps).catch(() => null);
    if (!u) return false;
    remember(written(cur, u));
    for (const o of outcomes) o(u);
    return true;
  }

  return {
    async open(input: NewStrat, audit: AuditEntry, jobs, within) {
      return db.transaction(async (tx) => {
        const existing = await byRequest(tx, input.requestId);
        if (existing) return { strat: existing, created: false };
        const at = now();
        const strat = await insert(tx, input, await nextRef(tx, at), at, audit, jobs);
        if (strat) await within?.(tx, strat);
        // null: a concurrent submission with the same request id won the race: return its strat.
        return strat ? { strat, created: true } : { strat: (await byRequest(tx, input.requestId))!, created: false };
      });
    },
    async openLinked(inputs: readonly NewStrat[], audit: AuditEntry, jobs, within) {
      return db.transaction(async (tx) => {
        const existing = await Promise.all(inputs.map((i) => byRequest(tx, i.requestId)));
        if (existing.every((s) => s)) return { strats: existing as Strat[], created: false };
        const at = now();
        const refs: string[] = [];
        for (let i = 0; i < inputs.length; i++) refs.push(await nextRef(tx, at));
        const strats: Strat[] = [];
        for (const [i, input] of inputs.entries()) {
          // I-C2C: each strat lists its siblings' refs, known only here (the refs come from the sequence).
          const linked = refs.filter((_, j) => j !== i);
          const strat = await insert(tx, { ...input, state: { ...input.state, linked } }, refs[i]!, at, audit, jobs);
          // A concurrent submission opened (some of) them: roll back all of ours (both or none).
          if (!strat) throw new AppError("conflict", "These strategy discussions are being opened by another submission of the same form. Nothing was saved twice; type `status` to see them.", "requestId");
          await within?.(tx, strat);
          strats.push(strat);
        }
        return { strats, created: true };
      });
    },
    async get(id) {
      if (!isUuid(id)) return null;
      return first(await db.prepared<Row>(READ, [id]));
    },
    findByRef: async (ref) => first(await db.query<Row>(`SELECT ${COLS} FROM strats WHERE upper(ref) = upper($1)`, [ref])),
    async listByCase(caseRef) {
      const rows = await db.query<Row>(`SELECT ${COLS} FROM strats WHERE case_ref = $1 ORDER BY created_at DESC, ref DESC LIMIT 50`, [caseRef]);
      return rows.map((r) => remember(fromRow(r)));
    },
    async listOpen(limit = 200) {
      const rows = await db.query<Row>(`SELECT ${COLS} FROM strats WHERE status = 'open' ORDER BY due_at, ref LIMIT $1`, [limit]);
      return rows.map((r) => remember(fromRow(r)));
    },
    async listByConversation(conversationId, status = "open") {
      const rows = await db.query<Row>(
        `SELECT ${COLS} FROM strats WHERE conversation_id = $1 AND status = $2 ORDER BY due_at, ref`, [conversationId, status]);
      return rows.map((r) => remember(fromRow(r)));
    },
    async listWithOpenActions(chairIds, ownerTeamsIds = []) {
      const rows = await db.query<Row>(
        `SELECT ${COLS} FROM strats WHERE status <> 'cancelled' AND state->'actions' @> '[{"status":"open"}]'::jsonb
           AND (chair_id IN (SELECT jsonb_array_elements_text($1::jsonb))
             OR EXISTS (SELECT 1 FROM jsonb_array_elements_text($2::jsonb) AS o(id)
                        WHERE state->'actions' @> jsonb_build_array(jsonb_build_object('status', 'open', 'ownerTeamsUserId', o.id))))
           ORDER BY due_at, ref`,
        [JSON.stringify(chairIds), JSON.stringify(ownerTeamsIds)]);
      return rows.map((r) => remember(fromRow(r)));
    },
    async listChairedWithDecisions(chairIds, since, limit = 200) {
      const rows = await db.query<Row>(
        `SELECT ${COLS} FROM strats WHERE status <> 'cancelled' AND jsonb_typeof(state->'decisions') = 'object'
           AND chair_id IN (SELECT jsonb_array_elements_text($1::jsonb)) AND updated_at >= $2
         ORDER BY updated_at DESC LIMIT $3`,
        [JSON.stringify(chairIds), since, limit]);
      return rows.map((r) => remember(fromRow(r)));
    },
    async listByMeetingStart(from, to, limit = 5000) {
      // Instants are stored as toISOString() text, so text order is time order.
      const rows = await db.query<Row>(
        `SELECT ${COLS} FROM strats WHERE status <> 'cancelled'
           AND state->'meeting'->>'start' >= $1 AND state->'meeting'->>'start' < $2
         ORDER BY state->'meeting'->>'start', ref LIMIT $3`,
        [from.toISOString(), to.toISOString(), limit]);
      return rows.map((r) => remember(fromRow(r)));
    },
    mutate<R>(id: string, fn: StratMutation<R>, opts: MutateOptions = {}): Promise<MutateOutcome<R>> {
      if (!isUuid(id)) return Promise.reject(new AppError("not_found", "That strategy discussion does not exist.", "stratId"));
      return new Promise<MutateOutcome<R>>((resolve, reject) =>
        enqueue(id, { fn, opts, resolve: resolve as (v: MutateOutcome<unknown>) => void, reject }));
    },
    async auditTrail(id) {
      const rows = await db.query<{ id: string; actor: string; action: string; detail: Record<string, unknown>; at: Date; version: number | null; prev_hash: string | null; hash: string | null }>(
        "SELECT id::text AS id, actor, action, detail, at, version, prev_hash, hash FROM audit_log WHERE strat_id = $1 ORDER BY audit_log.id", [id]);
      return rows.map(({ prev_hash, ...r }) => ({ ...r, at: new Date(r.at), prevHash: prev_hash }));
    },
    listSummaries: (q) => listSummaries(db, q),
    countSummaries: (q) => countSummaries(db, q),
    heldDayFigures: (q) => heldDayFigures(db, q),
    overdueActionsByAgency: (where, at) => itemCounts(db, overdueActionsSql(where, at)),
    openDissentBy: (where, at, by) => itemCounts(db, openDissentSql(where, at, by)),
    async itemEventDays(where, q) {
      const { text, params: ps } = itemEventSql(where, q);
      const rows = await db.query<{ day: string; kind: ItemEventKind; n: unknown }>(text, ps);
      return rows.map((r) => ({ day: r.day, kind: r.kind, n: Number(r.n) })).filter((r) => r.n !== 0);
    },
    async listTeams(where) {
      const { list, p } = params();
      const rows = await db.query<{ team: string }>(
        `SELECT DISTINCT team FROM strat_summary ${whereSql(["team IS NOT NULL", ...summaryWhere(where, p)])} ORDER BY team LIMIT 500`, list);
      return rows.map((r) => r.team);
    },
  };
}

/** The sort keys of the list (each backed by an index on (key, strat_id), migration 011). */
const SORT_KEY = { due: "due_at", opened: "opened_at" } as const;

/** A read-model row as the API shows it: instants as ISO text, whichever store answered. */
const summaryOut = (r: Record<string, unknown>): StratSummary =>
  Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, r[c] instanceof Date ? (r[c] as Date).toISOString() : r[c]])) as unknown as StratSummary;

type Param = (v: unknown) => string;
const DAY_MS = 86_400_000;
/** The dissent age bands as raised_at bounds (days before `at`). */
function dissentAgeSql(age: DissentAge, at: Date, p: Param): string {
  // Each bound a parameter only where it is used (an unused one has no type to infer).
  const daysBefore = (n: number) => `${p(new Date(at.getTime() - n * DAY_MS))}::timestamptz`;
  if (age === "0-6") return `d.raised_at > ${daysBefore(7)}`;
  return age === "7-27" ? `d.raised_at <= ${daysBefore(7)} AND d.raised_at > ${daysBefore(28)}` : `d.raised_at <= ${daysBefore(28)}`;
}

/**
 * The read model's filters as SQL conditions on strat_summary (one place: the list's filters are the dashboard's figures,
 * so a number's drill lists exactly the strats it counted). `p` adds a parameter and returns its placeholder.
 */
export function summaryWhere(f: SummaryFilter, p: Param): string[] {
  const where: string[] = [];
  const bool = (v: boolean | undefined, sql: string) => { if (v !== undefined) where.push(v ? `(${sql})` : `NOT (${sql})`); };
  if (f.status) where.push(`status = ${p(f.status)}`);
  if (f.profile) where.push(`profile_id = ${p(f.profile)}`);
  if (f.team) where.push(`team = ${p(f.team)}`);
  if (f.chair) where.push(`chair_id = ${p(f.chair)}`);
  if (f.chairIn) where.push(`chair_id = ANY(${p([...f.chairIn])}::text[])`);
  if (f.caseRefPrefix) where.push(`upper(case_ref) LIKE ${p(f.caseRefPrefix.toUpperCase().replace(/[\\%_]/g, "\\$&") + "%")}`);
  if (f.overdueAt) {
    const at = p(f.overdueAt);
    // T-STD: not held by the due (still open); R-ACT: an open action past its date (the earliest, against the clock now).
    where.push(`((status = 'open' AND held_at IS NULL AND due_at < ${at}) OR next_action_due_at < ${at})`);
  }
  if (f.held) {
    where.push(`held_at <= ${p(f.held.by)}::timestamptz`, "status <> 'cancelled'");
    if (f.held.from) where.push(`held_at >= ${p(f.held.from)}::timestamptz`);
    if (f.held.to) where.push(`held_at < ${p(f.held.to)}::timestamptz`);
  }
  bool(f.late, "late");
  bool(f.shortNotice, "short_notice");
  if (f.quorate !== undefined) where.push(`quorate = ${p(f.quorate)}::boolean`);
  if (f.concern) where.push(`${p(f.concern)}::text = ANY(concerns)`);
  if (f.targetMet !== undefined) where.push("target_at IS NOT NULL", `(held_at <= target_at) = ${p(f.targetMet)}::boolean`);
  if (f.distributedOnTime) {
    // T-REC: complete by the record's due; late: complete after it, or not complete and the due has passed.
    where.push("record_due_at IS NOT NULL", f.distributedOnTime.onTime ? "record_distributed_at <= record_due_at"
      : `(record_distributed_at > record_due_at OR (record_distributed_at IS NULL AND record_due_at < ${p(f.distributedOnTime.at)}::timestamptz))`);
  }
  if (f.overdueActions) {
    const { at, agency, past } = f.overdueActions;
    const by = agency ? ` AND a.agency = ${p(agency)}::text` : "";
    const t = `${p(at)}::timestamptz`;
    // Now: not done (the open partial indexes); a past instant: not done before it (migration 016).
    const open = past ? `(NOT a.done OR a.done_at >= ${t})` : "NOT a.done";
    where.push(`EXISTS (SELECT 1 FROM strat_action_summary a WHERE a.strat_id = strat_summary.strat_id AND ${open} AND a.due_at < ${t}${by})`);
  }
  if (f.openDissent) {
    const { at, stage, age, past } = f.openDissent;
    const more = `${stage ? ` AND d.stage = ${p(stage)}::text` : ""}${age ? ` AND ${dissentAgeSql(age, at, p)}` : ""}`;
    const open = past ? `d.raised_at < ${p(at)}::timestamptz AND (d.open OR d.closed_at >= ${p(at)}::timestamptz)` : "d.open";
    where.push(`EXISTS (SELECT 1 FROM strat_dissent_summary d WHERE d.strat_id = strat_summary.strat_id AND ${open}${more})`);
  }
  return where;
}
const whereSql = (where: readonly string[]) => (where.length ? `WHERE ${where.join(" AND ")}` : "");
const params = () => {
  const list: unknown[] = [];
  return { list, p: (v: unknown) => `$${list.push(v)}` };
};

/** The statement of one list page (exported for the benchmark's EXPLAIN ANALYZE: bench/tab-list.bench.ts). */
export function summaryListSql(q: SummaryQuery): { text: string; params: unknown[] } {
  const { list, p } = params();
  const where = summaryWhere(q, p);
  const key = SORT_KEY[q.sort];
  if (q.after) where.push(`(${key}, strat_id) > (${p(q.after.key)}::timestamptz, ${p(q.after.id)}::uuid)`);
  // R-ACT: a row's overdue actions are counted at `at` from its action rows (the stored count is as at its last change).
  const overdue = `(SELECT count(*)::int FROM strat_action_summary a WHERE a.strat_id = strat_summary.strat_id AND NOT a.done AND a.due_at < ${p(q.at)}::timestamptz) AS overdue_actions`;
  const columns = SUMMARY_COLUMNS.map((c) => (c === "overdue_actions" ? overdue : c));
  // A dashboard drill (meetings held in a period) selects a bounded set: filter it first, then sort (OFFSET 0 keeps the
  // planner from walking the sort key's index: at 10⁶ strats it skipped 957,661 rows to find 51 late meetings, 3.2 s).
  const from = q.held ? `(SELECT * FROM strat_summary ${whereSql(where)} OFFSET 0) AS strat_summary` : `strat_summary ${whereSql(where)}`;
  const text = `SELECT ${columns.join(", ")} FROM ${from}
     ORDER BY ${key}, strat_id LIMIT ${p(q.limit)}`;
  return { text, params: list };
}

/** The dashboard's counts (exported for the benchmark): one statement, each figure a FILTER of the same conditions as the list. */
export function summaryCountSql(q: SummaryCountQuery): { text: string; params: unknown[] } {
  const { list, p } = params();
  const where = summaryWhere(q.where, p);
  const names = Object.keys(q.figures);
  const counts = names.map((n, i) => {
    const cond = summaryWhere(q.figures[n]!, p);
    return `count(*) FILTER (WHERE ${cond.length ? cond.join(" AND ") : "true"}) AS f${i}`;
  });
  const group = q.by === undefined ? "0" : q.by === "concern" ? "c.concern" : `width_bucket(held_at, ${p(q.by.heldBefore)}::timestamptz[])`;
  const from = q.by === "concern" ? "strat_summary, unnest(concerns) AS c(concern)" : "strat_summary";
  const text = `SELECT ${group} AS grp, ${counts.join(", ")} FROM ${from} ${whereSql(where)} GROUP BY 1 ORDER BY 1`;
  return { text, params: list };
}

async function countSummaries(db: Database, q: SummaryCountQuery): Promise<SummaryCounts[]> {
  const { text, params: ps } = summaryCountSql(q);
  const names = Object.keys(q.figures);
  const rows = await db.query<Record<string, unknown>>(text, ps);
  return rows.map((r) => ({
    group: typeof r.grp === "string" ? r.grp : Number(r.grp),
    counts: Object.fromEntries(names.map((n, i) => [n, Number(r[`f${i}`])])),
  }));
}

const nextDay = (iso: string, plus = 1) => {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return isoDateOf(dayNumberOf(y, m, d) + plus);
};
const HELD_COUNTS = ["held", "late", "short_notice", "target_met", "target_missed", "quorate", "inquorate", "dist_on_time", "dist_late"] as const;

/**
 * The held figures of whole London days (exported for the benchmark): the days before today from strat_day_figures
 * (migration 013); today's meetings that have started, and records not distributed whose due has passed, from
 * strat_summary (what the aggregate cannot keep: they change with the clock). The same definitions as summaryWhere's.
 */
export function heldDaySql(q: HeldDayQuery): { text: string; params: unknown[] } {
  const { list, p } = params();
  const yesterday = nextDay(q.today, -1);
  const aggTo = q.toDay < yesterday ? q.toDay : yesterday; // inclusive
  const liveFrom = q.fromDay > q.today ? q.fromDay : q.today;
  const team = q.team === undefined ? "" : ` AND team = ${p(q.team)}::text`;
  const by = q.by;
  const weeks = by && by !== "concern" ? by.weekStarts : null;
  const aggGroup = by === "concern" ? "concern" : weeks ? `width_bucket(day, ${p([...weeks])}::date[])` : "0";
  const rawGroup = by === "concern" ? "c.concern" : weeks ? `width_bucket(held_at, ${p(weeks.map(q.dayStart))}::timestamptz[])` : "0";
  const rawFrom = by === "concern" ? "strat_summary, unnest(concerns) AS c(concern)" : "strat_summary";
  const now = `${p(q.now)}::timestamptz`;
  const between = (from: string, to: string) => `held_at >= ${p(q.dayStart(from))}::timestamptz AND held_at < ${p(q.dayStart(to))}::timestamptz`;
  const parts: string[] = [];
  if (aggTo >= q.fromDay) {
    parts.push(`SELECT ${aggGroup} AS grp, held, late, short_notice, target_met, target_missed, quorate, inquorate, dist_on_time,
        dist_after_due AS dist_late
      FROM strat_day_figures WHERE day >= ${p(q.fromDay)}::date AND day <= ${p(aggTo)}::date AND concern ${by === "concern" ? "<> ''" : "= ''"}${team}`);
    // Records not yet distributed whose due has passed: late (T-REC), counted when read.
    parts.push(`SELECT ${rawGroup}, 0, 0, 0, 0, 0, 0, 0, 0, 1 FROM ${rawFrom}
      WHERE ${between(q.fromDay, nextDay(aggTo))} AND held_at IS NOT NULL AND record_due_at IS NOT NULL AND record_distributed_at IS NULL
        AND record_due_at < ${now} AND status <> 'cancelled'${team}`);
  }
  if (liveFrom <= q.toDay) {
    parts.push(`SELECT ${rawGroup}, 1, late::int, short_notice::int, (target_at IS NOT NULL AND held_at <= target_at)::int,
        (target_at IS NOT NULL AND held_at > target_at)::int, (quorate IS TRUE)::int, (quorate IS FALSE)::int,
        (record_due_at IS NOT NULL AND record_distributed_at <= record_due_at)::int,
        (record_due_at IS NOT NULL AND (record_distributed_at > record_due_at OR (record_distributed_at IS NULL AND record_due_at < ${now})))::int
      FROM ${rawFrom} WHERE ${between(liveFrom, nextDay(q.toDay))} AND held_at <= ${now} AND status <> 'cancelled'${team}`);
  }
  if (!parts.length) return { text: "SELECT NULL AS grp WHERE false", params: list };
  const text = `SELECT grp, ${HELD_COUNTS.map((c) => `sum(${c}) AS ${c}`).join(", ")}
    FROM (${parts.join("\n    UNION ALL ")}) AS t (grp, ${HELD_COUNTS.join(", ")}) GROUP BY grp ORDER BY grp`;
  return { text, params: list };
}

async function heldDayFigures(db: Database, q: HeldDayQuery): Promise<HeldDayCounts[]> {
  const { text, params: ps } = heldDaySql(q);
  const rows = await db.query<Record<string, unknown>>(text, ps);
  const n = (r: Record<string, unknown>, c: (typeof HELD_COUNTS)[number]) => Number(r[c] ?? 0);
  return rows.map((r) => ({
    group: typeof r.grp === "string" ? r.grp : Number(r.grp),
    held: n(r, "held"), late: n(r, "late"), shortNotice: n(r, "short_notice"), targetMet: n(r, "target_met"), targetMissed: n(r, "target_missed"),
    quorate: n(r, "quorate"), inquorate: n(r, "inquorate"), distributedOnTime: n(r, "dist_on_time"), distributedLate: n(r, "dist_late"),
  }));
}


/** The items' scope as SQL on an item table's own columns (the strat's chair and team, summary.ts summaryRows). */
const itemScope = (where: ItemScope, alias: string, p: Param) =>
  `${where.team !== undefined ? ` AND ${alias}.team = ${p(where.team)}::text` : ""}${where.chairIn ? ` AND ${alias}.chair_id = ANY(${p([...where.chairIn])}::text[])` : ""}`;
/** The same scope on strat_open_items (migration 014), whose team is '' for none. */
const openItemsOf = (kind: string, where: ItemScope, p: Param) => `SELECT key, sum(items) AS items, sum(strats) AS strats FROM strat_open_items
    WHERE kind = ${p(kind)}::text${itemScope(where, "strat_open_items", p)} GROUP BY key`;

/**
 * R-ACT: open actions past their date at `at` (now: never a stored count, which would go stale), by agency: the actions not
 * done (strat_open_items, migration 014) less those not yet due at `at`, read from the action rows; a strat counts when one
 * of its actions of that agency is past its date.
 */
export function overdueActionsSql(where: ItemScope, at: Date): { text: string; params: unknown[] } {
  const { list, p } = params();
  const now = `${p(at)}::timestamptz`;
  const text = `WITH total AS (${openItemsOf("action", where, p)}),
    later AS (SELECT a.agency AS key, a.strat_id, count(*) AS n FROM strat_action_summary a
      WHERE NOT a.done AND a.due_at >= ${now}${itemScope(where, "a", p)} GROUP BY 1, 2),
    later_by AS (SELECT key, sum(n) AS items, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM strat_action_summary b
        WHERE b.strat_id = later.strat_id AND b.agency = later.key AND NOT b.done AND b.due_at < ${now})) AS strats
      FROM later GROUP BY key)
    SELECT t.key, t.items - COALESCE(l.items, 0) AS items, t.strats - COALESCE(l.strats, 0) AS strats
    FROM total t LEFT JOIN later_by l ON l.key = t.key WHERE t.items - COALESCE(l.items, 0) > 0 ORDER BY 1`;
  return { text, params: list };
}

/**
 * Open dissent (migration 014's counts) by its current stage, or by age at `at`: 0-6 and 7-27 days read from the dissent
 * rows of the last 28 days, 28-plus the rest (a strat counts in 28-plus when one of its open dissents is that old).
 */
function openDissentSql(where: ItemScope, at: Date, by: "stage" | "age"): { text: string; params: unknown[] } {
  const { list, p } = params();
  if (by === "stage") {
    return { text: `SELECT key, items, strats FROM (${openItemsOf("dissent", where, p)}) AS t WHERE items > 0 ORDER BY 1`, params: list };
  }
  const daysBefore = (n: number) => `${p(new Date(at.getTime() - n * DAY_MS))}::timestamptz`;
  const d28 = daysBefore(28);
  const text = `WITH total AS (${openItemsOf("dissent-any", where, p)}),
    recent AS (SELECT d.strat_id, CASE WHEN d.raised_at > ${daysBefore(7)} THEN '0-6' ELSE '7-27' END AS key FROM strat_dissent_summary d
      WHERE d.open AND d.raised_at > ${d28}${itemScope(where, "d", p)}),
    bands AS (SELECT key, count(*) AS items, count(DISTINCT strat_id) AS strats FROM recent GROUP BY key),
    old AS (SELECT t.items - (SELECT count(*) FROM recent) AS items,
      t.strats - (SELECT count(DISTINCT r.strat_id) FROM recent r WHERE NOT EXISTS (SELECT 1 FROM strat_dissent_summary o
        WHERE o.strat_id = r.strat_id AND o.open AND o.raised_at <= ${d28})) AS strats FROM total t)
    SELECT key, items, strats FROM bands UNION ALL SELECT '28-plus', items, strats FROM old WHERE items > 0 ORDER BY 1`;
  return { text, params: list };
}

/**
 * The items' interval events on London days (ItemEventDay, migration 016): whole days before `today` from strat_open_items'
 * day kinds, today's up to `now` from the item rows (those not ended through the open partial indexes, those ended today
 * through the done_at / closed_at indexes: an item that began today and has ended, ended today too). An event at `now`
 * itself is past: the counts now (not done, open) already reflect it.
 */
function itemEventSql(where: ItemScope, q: ItemEventQuery): { text: string; params: unknown[] } {
  const { list, p } = params();
  const today = `${p(q.today)}::text`;
  const ts = `${p(q.todayStart)}::timestamptz`;
  const now = `${p(q.now)}::timestamptz`;
  const live = (kind: ItemEventKind, table: string, alias: string, cond: string) =>
    `SELECT ${today}, ${p(kind)}::text, count(*) FROM ${table} ${alias} WHERE ${cond}${itemScope(where, alias, p)}`;
  const text = `SELECT key AS day, kind, sum(items) AS n FROM strat_open_items
      WHERE kind = ANY(${p([...ITEM_EVENT_KINDS])}::text[]) AND key >= ${p(q.fromDay)}::text AND key < ${today}${itemScope(where, "strat_open_items", p)}
      GROUP BY key, kind
    UNION ALL ${live("action-due-day", "strat_action_summary", "a", `NOT a.done AND a.due_at >= ${ts} AND a.due_at <= ${now}`)}
    UNION ALL ${live("action-due-day", "strat_action_summary", "a", `a.done AND a.done_at >= ${ts} AND a.due_at >= ${ts} AND a.due_at <= ${now} AND a.done_at > a.due_at`)}
    UNION ALL ${live("action-done-day", "strat_action_summary", "a", `a.done AND a.done_at >= ${ts} AND a.done_at <= ${now} AND a.done_at > a.due_at`)}
    UNION ALL ${live("dissent-raised-day", "strat_dissent_summary", "d", `d.open AND d.raised_at >= ${ts} AND d.raised_at <= ${now}`)}
    UNION ALL ${live("dissent-raised-day", "strat_dissent_summary", "d", `NOT d.open AND d.closed_at >= ${ts} AND d.raised_at >= ${ts} AND d.raised_at <= ${now} AND d.closed_at > d.raised_at`)}
    UNION ALL ${live("dissent-closed-day", "strat_dissent_summary", "d", `NOT d.open AND d.closed_at >= ${ts} AND d.closed_at <= ${now} AND d.closed_at > d.raised_at`)}`;
  return { text, params: list };
}

async function itemCounts(db: Database, q: { text: string; params: unknown[] }): Promise<ItemCounts[]> {
  const rows = await db.query<{ key: string; items: unknown; strats: unknown }>(q.text, q.params);
  return rows.map((r) => ({ key: r.key, items: Number(r.items), strats: Number(r.strats) }));
}

async function listSummaries(db: Database, q: SummaryQuery): Promise<StratSummary[]> {
  const { text, params } = summaryListSql(q);
  return (await db.query<Record<string, unknown>>(text, params)).map(summaryOut);
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Issue 15 point 7: strats written before the read model (migration 011) get their summary row, `batch` at a time
 * (a migration cannot run summary.ts). Run at start; a strat already summarised is left as it is. How many were added.
 */
export async function backfillStratSummaries(db: Database, batch = 500): Promise<number> {
  let added = 0;
  for (;;) {
    const rows = await db.query<Row>(
      `SELECT ${COLS} FROM strats s WHERE NOT EXISTS (SELECT 1 FROM strat_summary m WHERE m.strat_id = s.id) ORDER BY id LIMIT $1`, [batch]);
    if (!rows.length) return added;
    const summaries: StratSummary[] = rows.map((r) => summarize(toStrat(r)));
    await db.query(
      `INSERT INTO strat_summary (${SUMMARY_COLUMNS.join(", ")})
       SELECT ${SUMMARY_COLUMNS.join(", ")} FROM jsonb_populate_recordset(NULL::strat_summary, $1::jsonb) ON CONFLICT (strat_id) DO NOTHING`,
      [JSON.stringify(summaries)]);
    added += rows.length;
    if (rows.length < batch) return added;
  }
}

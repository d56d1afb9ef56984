import { randomUUID } from "node:crypto";
import { entryHash, GENESIS } from "../../domain/audit/chain.js";
import { AppError } from "../../domain/errors.js";
import type { EpisodeAudit, MissingEpisode, NewEpisode } from "../../domain/missing/episode.js";
import type { RiskVersion, SignOffOutcome } from "../../domain/missing/risk-versions.js";
import type { RagBand } from "../../domain/protocol/index.js";
import type { JobRequest } from "../../ports/jobs.js";
import type { EpisodeMutation, MissingEpisodeRepository } from "../../ports/missing-episodes.js";
import type { Database, Sql } from "../../ports/store.js";
import { enqueueJob } from "../queue/job-store.js";

interface Row {
  id: string; case_ref: string; child_ref: string; profile_id: string; reported_at: Date; reported_by: string;
  looked_after: boolean; on_plan: boolean; particular_concerns: boolean; returned_at: Date | null; returned_where: string | null;
  returned_by: string | null; rhi: { due: string; heldAt: string | null; outcome: string | null; by: string | null } | null;
  parents_told: { at: string; by: string } | null; version: number; created_at: Date; updated_at: Date; strat_ids: string[] | null;
}

const COLS = `e.id::text AS id, case_ref, child_ref, profile_id, reported_at, reported_by, looked_after, on_plan, particular_concerns,
  returned_at, returned_where, returned_by, rhi, parents_told, version, created_at, updated_at,
  (SELECT array_agg(l.strat_id::text ORDER BY l.seq) FROM missing_episode_strats l WHERE l.episode_id = e.id) AS strat_ids`;

const date = (v: string | Date) => new Date(v);
const toEpisode = (r: Row): MissingEpisode => ({
  id: r.id, caseRef: r.case_ref, childRef: r.child_ref, profileId: r.profile_id, reportedAt: date(r.reported_at), reportedBy: r.reported_by,
  lookedAfter: r.looked_after, onPlan: r.on_plan, particularConcerns: r.particular_concerns,
  returned: r.returned_at ? { at: date(r.returned_at), where: r.returned_where ?? "", by: r.returned_by ?? "" } : null,
  rhi: r.rhi ? { due: date(r.rhi.due), heldAt: r.rhi.heldAt ? date(r.rhi.heldAt) : null, outcome: r.rhi.outcome, by: r.rhi.by } : null,
  parentsTold: r.parents_told ? { at: date(r.parents_told.at), by: r.parents_told.by } : null,
  stratIds: r.strat_ids ?? [], version: r.version, createdAt: date(r.created_at), updatedAt: date(r.updated_at),
});

interface RiskRow {
  episode_id: string; version: number; answers: Record<string, number>; score: number; band: RagBand; changed: string[];
  scored_by: string; scored_at: Date; sign_off: { by: string; byName: string; at: string; outcome: SignOffOutcome; comments: string } | null;
}
const RISK_COLS = "episode_id::text AS episode_id, version, answers, score, band, changed, scored_by, scored_at, sign_off";
const toRisk = (r: RiskRow): RiskVersion => ({
  episodeId: r.episode_id, version: r.version, answers: r.answers, score: r.score, band: r.band, changed: r.changed,
  by: r.scored_by, at: date(r.scored_at), signOff: r.sign_off ? { ...r.sign_off, at: date(r.sign_off.at) } : null,
});

/** Appends one entry to the episode's hash chain (as audit_log's per strat: src/domain/audit/chain.ts). */
async function appendAudit(tx: Sql, episodeId: string, version: number, at: Date, actor: string, a: EpisodeAudit): Promise<void> {
  const [head] = await tx.query<{ hash: string }>("SELECT hash FROM missing_episode_audit WHERE episode_id = $1 ORDER BY id DESC LIMIT 1", [episodeId]);
  const prev = head?.hash ?? GENESIS;
  const detail = JSON.parse(JSON.stringify(a.detail)) as Record<string, unknown>;
  const hash = entryHash(prev, { stratId: episodeId, version, at, actor, action: a.action, detail });
  await tx.query(
    "INSERT INTO missing_episode_audit (episode_id, version, at, actor, action, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    [episodeId, version, at, actor, a.action, JSON.stringify(detail), prev, hash]);
}

/** One more version of the episode with its audit entry (a risk-tool scoring or sign-off). */
async function bumpWithAudit(tx: Sql, e: MissingEpisode, at: Date, actor: string, a: EpisodeAudit): Promise<void> {
  await tx.query("UPDATE missing_episodes SET version = version + 1, updated_at = $2 WHERE id = $1", [e.id, at]);
  await appendAudit(tx, e.id, e.version + 1, at, actor, a);
}

export function createMissingEpisodeRepository(db: Database, now: () => Date): MissingEpisodeRepository {
  const one = async (sql: Sql, where: string, params: unknown[], lock = false) => {
    const rows = await sql.query<Row>(`SELECT ${COLS} FROM missing_episodes e WHERE ${where}${lock ? " FOR UPDATE" : ""}`, params);
    return rows[0] ? toEpisode(rows[0]) : null;
  };
  const link = async (tx: Sql, e: MissingEpisode, stratId: string, actor: string, at: Date) => {
    const added = await tx.query("INSERT INTO missing_episode_strats (episode_id, strat_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1",
      [e.id, stratId, at]);
    if (!added.length) return false;
    await tx.query("UPDATE missing_episodes SET version = version + 1, updated_at = $2 WHERE id = $1", [e.id, at]);
    await appendAudit(tx, e.id, e.version + 1, at, actor, { action: "missing.strat-linked", detail: { stratId } });
    return true;
  };
  /** Opens the case + child's episode, or finds the open one, and links the strat: inside the caller's transaction. */
  /** The case + child's open episode, row-locked (one open episode per case + child, the partial unique index: a concurrent opener waits here, then links). */
  const lockedOpen = async (tx: Sql, caseRef: string, childRef: string) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`missing:${caseRef}:${childRef}`]);
    return one(tx, "case_ref = $1 AND child_ref = $2 AND returned_at IS NULL", [caseRef, childRef], true);
  };
  const linkWithin = async (tx: Sql, input: NewEpisode, stratId: string | null, actor: string, jobsWhenOpened?: (e: MissingEpisode) => JobRequest[]) => {
    const at = now();
    let e = await lockedOpen(tx, input.caseRef, input.childRef);
    const created = !e;
    if (!e) {
      const id = randomUUID();
      await tx.query(
        `INSERT INTO missing_episodes (id, case_ref, child_ref, profile_id, reported_at, reported_by, looked_after, on_plan, particular_concerns, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
        [id, input.caseRef, input.childRef, input.profileId, input.reportedAt, input.reportedBy, input.lookedAfter, input.onPlan, input.particularConcerns, at]);
      await appendAudit(tx, id, 1, at, actor, { action: "missing.reported", detail: { reportedAt: input.reportedAt.toISOString(), lookedAfter: input.lookedAfter, onPlan: input.onPlan, particularConcerns: input.particularConcerns } });
      e = (await one(tx, "id = $1", [id]))!;
    }
    if (stratId && (await link(tx, e, stratId, actor, at))) e = (await one(tx, "id = $1", [e.id]))!;
    if (created) for (const j of jobsWhenOpened?.(e) ?? []) await enqueueJob(tx, j, at);
    return { episode: e, created };
  };
  return {
    openOrLink(input, stratId, actor, jobsWhenOpened) {
      return db.transaction((tx) => linkWithin(tx, input, stratId, actor, jobsWhenOpened));
    },
    linkWithin,
    async linkOpenWithin(tx, caseRef, childRef, stratId, actor) {
      const e = await lockedOpen(tx, caseRef, childRef);
      if (!e || !(await link(tx, e, stratId, actor, now()))) return e;
      return one(tx, "id = $1", [e.id]);
    },
    get: (id) => one(db, "id = $1::uuid", [id]),
    async listOpen(limit = 500) {
      const rows = await db.query<Row>(`SELECT ${COLS} FROM missing_episodes e WHERE returned_at IS NULL ORDER BY reported_at, id LIMIT $1`, [limit]);
      return rows.map(toEpisode);
    },
    async listForFigures(since, limit = 5000, chairIn) {
      // A viewer who is not a head of service sees the episodes of the strats they may see (issue 15 point 2).
      const scope = chairIn ? ` AND EXISTS (SELECT 1 FROM missing_episode_strats l JOIN strats st ON st.id = l.strat_id
           WHERE l.episode_id = e.id AND st.chair_id = ANY($3::text[]))` : "";
      // The meeting start of each linked strat, from its state (T-MWK); one query, no strat loaded.
      const rows = await db.query<Row & { meetings: string[] | null; escalations: string[] | null }>(
        `SELECT ${COLS}, (SELECT array_agg(st.state->'meeting'->>'start') FROM missing_episode_strats l JOIN strats st ON st.id = l.strat_id
           WHERE l.episode_id = e.id AND st.state->'meeting'->>'start' IS NOT NULL) AS meetings,
           (SELECT array_agg((a.detail->>'key') || ' ' || (a.detail->>'at')) FROM missing_episode_audit a
           WHERE a.episode_id = e.id AND a.action = 'missing.escalated' AND a.detail->>'how' IS NOT NULL) AS escalations
         FROM missing_episodes e WHERE (returned_at IS NULL OR returned_at >= $1)${scope} ORDER BY reported_at, id LIMIT $2`,
        chairIn ? [since, limit, [...chairIn]] : [since, limit]);
      return rows.map((r) => ({
        episode: toEpisode(r),
        meetings: (r.meetings ?? []).map((m) => new Date(m)),
        // Each sent escalation as "<step key> <ISO time>" (the episode's audit entries: src/app/missing-duties.ts).
        escalationsSent: (r.escalations ?? []).map((x) => { const [key, at] = x.split(" ") as [string, string]; return { key, at: new Date(at) }; }),
      }));
    },
    async ofStrat(stratId) {
      const rows = await db.query<Row>(
        `SELECT ${COLS} FROM missing_episodes e JOIN missing_episode_strats s ON s.episode_id = e.id WHERE s.strat_id = $1::uuid ORDER BY e.reported_at, e.id`, [stratId]);
      return rows.map(toEpisode);
    },
    mutate(id, actor, fn, opts = {}) {
      return db.transaction(async (tx) => {
        const cur = await one(tx, "id = $1::uuid", [id], true);
        if (!cur) throw new AppError("not_found", "That missing episode does not exist.", "episodeId");
        if (opts.expectedVersion !== undefined && opts.expectedVersion !== cur.version) {
          throw new AppError("conflict", "This card is out of date: the missing episode was changed after it was shown. Nothing was saved; here is the latest.", "version");
        }
        const { episode: e, audit, jobs } = fn(cur);
        const at = now();
        await tx.query(
          `UPDATE missing_episodes SET returned_at = $2, returned_where = $3, returned_by = $4, rhi = $5::jsonb, parents_told = $6::jsonb,
             version = version + 1, updated_at = $7 WHERE id = $1`,
          [id, e.returned?.at ?? null, e.returned?.where ?? null, e.returned?.by ?? null, e.rhi ? JSON.stringify(e.rhi) : null,
            e.parentsTold ? JSON.stringify(e.parentsTold) : null, at]);
        await appendAudit(tx, id, cur.version + 1, at, actor, audit);
        for (const j of jobs ?? []) await enqueueJob(tx, j, at, "replace");
        return (await one(tx, "id = $1::uuid", [id]))!;
      });
    },
    async riskVersions(episodeId) {
      const rows = await db.query<RiskRow>(`SELECT ${RISK_COLS} FROM missing_risk_versions WHERE episode_id = $1::uuid ORDER BY version`, [episodeId]);
      return rows.map(toRisk);
    },
    addRiskVersion(episodeId, actor, fn, opts = {}) {
      return db.transaction(async (tx) => {
        const e = await one(tx, "id = $1::uuid", [episodeId], true);
        if (!e) throw new AppError("not_found", "That missing episode does not exist.", "episodeId");
        const key = opts.pressKey ?? null;
        const [seen] = key ? await tx.query<RiskRow>(`SELECT ${RISK_COLS} FROM missing_risk_versions WHERE episode_id = $1 AND press_key = $2`, [e.id, key]) : [];
        if (seen) return { version: toRisk(seen), duplicate: true };
        const [last] = await tx.query<RiskRow>(`SELECT ${RISK_COLS} FROM missing_risk_versions WHERE episode_id = $1 ORDER BY version DESC LIMIT 1`, [e.id]);
        const v = fn(e, last ? toRisk(last) : null);
        await tx.query(
          `INSERT INTO missing_risk_versions (episode_id, version, answers, score, band, changed, scored_by, scored_at, press_key)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6::jsonb, $7, $8, $9)`,
          [e.id, v.version, JSON.stringify(v.answers), v.score, v.band, JSON.stringify(v.changed), v.by, v.at, key]);
        await bumpWithAudit(tx, e, now(), actor, { action: "missing.risk-scored", detail: { riskVersion: v.version, score: v.score, band: v.band, changed: v.changed.length } });
        return { version: v, duplicate: false };
      });
    },
    signOffRisk(episodeId, actor, fn) {
      return db.transaction(async (tx) => {
        const e = await one(tx, "id = $1::uuid", [episodeId], true);
        if (!e) throw new AppError("not_found", "That missing episode does not exist.", "episodeId");
        const [last] = await tx.query<RiskRow>(`SELECT ${RISK_COLS} FROM missing_risk_versions WHERE episode_id = $1 ORDER BY version DESC LIMIT 1`, [e.id]);
        if (!last) throw new AppError("invalid_input", "Score the risk assessment before signing it off; nothing was saved.", "signOff");
        const v = fn(toRisk(last));
        await tx.query("UPDATE missing_risk_versions SET sign_off = $3::jsonb WHERE episode_id = $1 AND version = $2", [e.id, v.version, JSON.stringify(v.signOff)]);
        // The comments stay on the version: the audit entry says which version, the outcome and when.
        await bumpWithAudit(tx, e, now(), actor, { action: "missing.risk-signed-off", detail: { riskVersion: v.version, outcome: v.signOff?.outcome ?? null } });
        return v;
      });
    },
    async auditTrail(id) {
      const rows = await db.query<{ at: Date; actor: string; action: string; version: number; detail: Record<string, unknown> }>(
        "SELECT at, actor, action, version, detail FROM missing_episode_audit WHERE episode_id = $1::uuid ORDER BY id", [id]);
      return rows.map((r) => ({ ...r, at: new Date(r.at) }));
    },
  };
}

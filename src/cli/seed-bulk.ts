/**
 * The bulk seed (issue 15: `npm run seed -- --bulk N`): a few hundred template strats played through the use cases
 * (seed-store.ts, every state), then replicated to N strats by writing the rows the repository writes for a strat —
 * the strats row (its JSON referral, state and applied rules) and its read-model rows, computed by `summaryRows`
 * (src/domain/strat/summary.ts), never by hand-written SQL — in batched multi-row INSERTs, one statement a batch.
 *
 * Each copy is varied deterministically by the seed: a new id, a unique reference from strat_number_seq, a seeded case
 * reference (LCS-S + 5 digits: past 99,999 copies a case has several strats), a chair of 40 fictional duty chairs, a
 * team of 12 (or none), and every time in the strat (row, referral, state) moved by the same whole number of days back,
 * up to three years. The template's record distribution (strat_summary.record_distributed_at, written by the queue when
 * the seed's job worker sent its mail: seed-distribute.ts) is the copy's, moved by the same days, so the copies keep the
 * templates' mix of records distributed on time and late (T-REC). Not copied: the template's audit entries and jobs (the
 * list and the dashboard read neither; `npm run audit` reports a copy as having no audit entries) — README "A store to look at".
 */
import type { Actor } from "../app/context.js";
import type { ProfileRegistry } from "../domain/protocol/index.js";
import { referralInput } from "../domain/protocol/referral.js";
import type { Strat } from "../domain/strat/strat.js";
import { ACTION_COLUMNS, DISSENT_COLUMNS, SUMMARY_COLUMNS, summaryRows } from "../domain/strat/summary.js";
import { createStratRepository } from "../infra/store/strat-repository.js";
import type { Database } from "../ports/store.js";
import { prng, SEED_FICTIONAL_NAMES, seedStore, type SeedOptions } from "./seed-store.js";

/** How many templates are played through the use cases (fewer if N is smaller). */
export const BULK_TEMPLATES = 300;
/** Strats a batch (one INSERT statement). */
const BATCH = 1000;
/** Batches written at once on PostgreSQL (each on its own pooled connection). */
const POSTGRES_BATCHES_IN_FLIGHT = 3;
const DAY = 86_400_000;
/** Copies go back up to three years. */
const SPREAD_DAYS = 3 * 365;

/** The copies' chairs (fictional duty chairs; ids seed-chair-N like the use-case seed's) and teams. */
export const BULK_CHAIRS: readonly Actor[] = Array.from({ length: 40 }, (_, k) => ({ id: `seed-chair-${k + 1}`, name: `Duty Chair ${k + 1}` }));
export const BULK_TEAMS: readonly string[] = Array.from({ length: 12 }, (_, k) => `19:seed-team-${k + 1}@thread.tacv2`);
export const BULK_FICTIONAL_NAMES: readonly string[] = [...new Set([...SEED_FICTIONAL_NAMES, ...BULK_CHAIRS.map((c) => c.name!)])];

export interface BulkOptions extends Omit<SeedOptions, "mode"> {
  /** How many strats to play through the use cases as templates (default BULK_TEMPLATES). */
  templates?: number;
}
export interface BulkSummary { strats: number; templates: number; copies: number; templateMs: number; copyMs: number; rowsPerSecond: number }

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Every instant in `v` (a Date, or an ISO date-time string) moved by `ms`; dates without a time (DOBs) and everything else as they are. */
export function shiftTimes<T>(v: T, ms: number): T {
  const walk = (x: unknown): unknown => {
    if (x instanceof Date) return new Date(x.getTime() + ms);
    if (typeof x === "string") return ISO.test(x) ? new Date(Date.parse(x) + ms).toISOString() : x;
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return walk(v) as T;
}

/** A version-4-shaped UUID from the seeded generator (the same seed, the same ids). */
function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(random() * 4)]!;
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The strats row as the repository writes it (strat-repository.ts insert, then each change's UPDATE). */
const stratRow = (s: Strat) => ({
  id: s.id, ref: s.ref, case_ref: s.caseRef, profile_id: s.profileId, status: s.status, version: s.version, referral: referralInput(s.referral),
  state: s.state, due_at: s.dueAt, due_rule: s.dueRule, target_at: s.targetAt, deadline: s.applied, chair_id: s.chairId, chair_name: s.chairName,
  conversation_id: s.conversationId, request_id: null, created_at: s.createdAt, updated_at: s.updatedAt, closed_at: s.closedAt,
});
const STRAT_COLUMNS = [
  "id", "ref", "case_ref", "profile_id", "status", "version", "referral", "state", "due_at", "due_rule", "target_at", "deadline", "chair_id",
  "chair_name", "conversation_id", "request_id", "created_at", "updated_at", "closed_at",
] as const satisfies readonly (keyof ReturnType<typeof stratRow>)[];

const insertFrom = (table: string, cols: readonly string[], param: string) =>
  `${table.replace(/\W/g, "_")} AS (INSERT INTO ${table} (${cols.join(", ")}) SELECT ${cols.join(", ")} FROM jsonb_populate_recordset(NULL::${table}, ${param}::jsonb) RETURNING 1)`;
/** One batch of strats and their read-model rows in one statement (all or nothing; the foreign keys hold at its end). */
const BATCH_SQL = `WITH ${insertFrom("strats", STRAT_COLUMNS, "$1")}, ${insertFrom("strat_summary", SUMMARY_COLUMNS, "$2")},
  ${insertFrom("strat_action_summary", ACTION_COLUMNS, "$3")}, ${insertFrom("strat_dissent_summary", DISSENT_COLUMNS, "$4")}
  SELECT 1`;

/** Copy `k` of a template: new identity, chair, team and case, every instant moved back by whole days. */
function copyOf(t: Strat, random: () => number, ref: (at: Date) => string, caseNumber: number): Strat {
  const moved = shiftTimes(t, -Math.floor(random() * SPREAD_DAYS) * DAY);
  const chair = BULK_CHAIRS[Math.floor(random() * BULK_CHAIRS.length)]!;
  const teamPick = Math.floor(random() * (BULK_TEAMS.length + 3));
  return {
    ...moved, id: seededUuid(random), ref: ref(moved.createdAt), caseRef: `LCS-S${String(caseNumber).padStart(5, "0")}`,
    chairId: chair.id, chairName: chair.name ?? null, conversationId: BULK_TEAMS[teamPick] ?? null,
  };
}

/** The templates' record distribution times (the queue wrote them as their mail went out), by strat id. */
async function distributionsOf(db: Database, templates: readonly Strat[]): Promise<Map<string, Date>> {
  const rows = await db.query<{ strat_id: string; at: Date | string }>(
    "SELECT strat_id, record_distributed_at AS at FROM strat_summary WHERE record_distributed_at IS NOT NULL AND strat_id = ANY($1::uuid[])", [templates.map((t) => t.id)]);
  return new Map(rows.map((r) => [String(r.strat_id), new Date(r.at)]));
}

/**
 * Seeds `opts.strats` strats: min(N, BULK_TEMPLATES) through the use cases (seedStore: it refuses a non-empty store
 * without --force), the rest as copies of them. Prints nothing; the CLI prints `bulkSummaryLine`.
 */
export async function bulkSeedStore(db: Database, profiles: ProfileRegistry, opts: BulkOptions): Promise<BulkSummary> {
  const templatesWanted = Math.min(opts.strats, opts.templates ?? BULK_TEMPLATES);
  const played = await seedStore(db, profiles, { strats: templatesWanted, seed: opts.seed, force: opts.force, now: opts.now, mail: opts.mail });
  const t0 = performance.now();
  const repo = createStratRepository(db, () => new Date());
  const ids = await db.query<{ id: string }>(
    `SELECT id FROM strats WHERE case_ref ~ '^LCS-S[0-9]{5}$' ORDER BY case_ref DESC, id LIMIT $1`, [templatesWanted]);
  const templates = (await Promise.all(ids.map((r) => repo.get(r.id)))).filter((s): s is Strat => s !== null);
  const distributedAt = await distributionsOf(db, templates);
  const copies = opts.strats - templates.length;
  const random = prng(opts.seed ^ 0x5eed);
  const [seq] = await db.query<{ first: string | number }>("SELECT nextval('strat_number_seq') AS first");
  let number = Number(seq!.first);
  if (copies > 0) await db.query("SELECT setval('strat_number_seq', $1::bigint)", [number + copies - 1]);
  const ref = (at: Date) => `SD-${at.getUTCFullYear()}-${String(number++).padStart(4, "0")}`;
  const inFlight: Promise<unknown>[] = [];
  const depth = db.kind === "postgres" ? POSTGRES_BATCHES_IN_FLIGHT : 1;
  for (let done = 0; done < copies; done += BATCH) {
    const pairs = Array.from({ length: Math.min(BATCH, copies - done) }, (_, k) => {
      const template = templates[(done + k) % templates.length]!;
      return { template, copy: copyOf(template, random, ref, 1 + ((done + k + templates.length) % 99_999)) };
    });
    const batch = pairs.map((p) => p.copy);
    const rows = pairs.map(({ template, copy }) => {
      const r = summaryRows(copy);
      const at = distributedAt.get(template.id);
      return at ? { ...r, summary: { ...r.summary, record_distributed_at: shiftTimes(at, copy.createdAt.getTime() - template.createdAt.getTime()).toISOString() } } : r;
    });
    const params = [
      JSON.stringify(batch.map(stratRow)), JSON.stringify(rows.map((r) => r.summary)),
      JSON.stringify(rows.flatMap((r) => r.actions)), JSON.stringify(rows.flatMap((r) => r.dissents)),
    ];
    // Batches in the database while the next is built: PGlite runs one at a time in its own thread, PostgreSQL several
    // on the pool's connections (each a process of its own). A failed batch fails the seed when its turn is awaited.
    if (inFlight.length >= depth) await inFlight.shift();
    const sent = db.query(BATCH_SQL, params);
    sent.catch(() => undefined);
    inFlight.push(sent);
  }
  for (const sent of inFlight) await sent;
  // The planner's statistics for the tables just filled (PostgreSQL's autovacuum would take its time; PGlite has none).
  await db.query("ANALYZE");
  const copyMs = performance.now() - t0;
  return {
    strats: templates.length + copies, templates: templates.length, copies, templateMs: played.ms, copyMs,
    rowsPerSecond: copyMs > 0 ? Math.round(copies / (copyMs / 1000)) : 0,
  };
}

/** The one-line summary the CLI prints. */
export function bulkSummaryLine(s: BulkSummary): string {
  return `seeded ${s.strats} strats: ${s.templates} templates through the use cases in ${(s.templateMs / 1000).toFixed(1)} s, ` +
    `${s.copies} copies in ${(s.copyMs / 1000).toFixed(1)} s (${s.rowsPerSecond} strats/s, each with its read-model rows)`;
}

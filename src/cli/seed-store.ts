/**
 * A seeded store to look at (issue 13 point 7): N strats across the three profiles and every state, made through the
 * use cases (src/app) with a clock set to each strat's own time, so the rows, audit chain and jobs are the ones the app
 * writes. Deterministic for a seed. Never a name or a real date of birth: case references LCS-S00001…, child references
 * C1…, DOBs on the 1st of a month, chairs and invitees fictional role mailboxes on `.invalid` (undeliverable anywhere).
 *
 * Issue 15 will add a bulk path (`--bulk`: the same rows written directly, for 10⁵–10⁶ strats); `seedStore` is the
 * use-case path and `SeedOptions.mode` is where that choice goes.
 */
import { randomUUID } from "node:crypto";
import pino from "pino";
import type { Actor, AppContext } from "../app/context.js";
import { progressAction } from "../app/action-progress.js";
import { openStrat } from "../app/open-strat.js";
import {
  addStratAction, addStratInvitee, amendClosedStrat, closeStrat, progressStratDissent, recordStratAttendance, recordStratDecisions,
  recordStratDissent, setStratMeeting, setStratPlan, setStratRecordFields,
} from "../app/strat-commands.js";
import { icpcAtStrat, recordRules, type ProfileRegistry } from "../domain/protocol/index.js";
import { missingRecordFields, type DecisionsInput, type RecordFieldRule } from "../domain/strat/state.js";
import type { Strat } from "../domain/strat/strat.js";
import { createConversationRefRepository } from "../infra/store/conversation-ref-repository.js";
import { createStratRepository } from "../infra/store/strat-repository.js";
import type { Database } from "../ports/store.js";
import { seedDistributor, type SeedDistributor, type SeedMailSettings } from "./seed-distribute.js";

/** The states a seeded strat is played to (one each); out of hours and missing are flags across them. */
export const SEED_STATES = ["open", "booked", "held", "closed", "amended", "overdue", "dissent-open", "dissent-resolved"] as const;
export type SeedState = (typeof SEED_STATES)[number];
/** A block of ten: ~20 % open unscheduled, ~20 % closed and distributed, ~10 % each of the rest. */
const DECK: readonly SeedState[] = ["open", "open", "booked", "held", "closed", "closed", "amended", "overdue", "dissent-open", "dissent-resolved"];
export const SEED_PROFILES = ["bromley-2023", "bedford", "bristol-2024"] as const;

/** What marks a seeded strat: its case reference LCS-S + 5 digits. Anything else in the store is someone's work (refused without --force). */
const caseRefOf = (n: number) => `LCS-S${String(n).padStart(5, "0")}`;

export interface SeedOptions {
  strats: number;
  seed: number;
  force: boolean;
  /** Issue 15: "bulk" will write the same rows directly; only "use-cases" exists today. */
  mode?: "use-cases";
  /** The real now: the referral times spread over the 12 weeks before it. */
  now?: Date;
  /** The record mail's sender and links (the CLI passes the app's ORGANIZER_MAILBOX, PUBLIC_URL, RESPONSE_LINK_SECRET). */
  mail?: SeedMailSettings;
}
export interface SeedSummary {
  strats: number; byState: Record<SeedState, number>; outOfHours: number; missing: number; ms: number;
  /** T-REC: closed strats whose record's first version reached every recipient by its due, and after it. */
  distributed: { onTime: number; late: number };
}

export class SeedRefused extends Error {}

/** mulberry32: a small deterministic generator (the same seed, the same store). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fictional people: role mailboxes only. */
export const SEED_CHAIRS: readonly Actor[] = [1, 2, 3].map((n) => ({ id: `seed-chair-${n}`, name: `Duty Chair ${n}` }));
const AGENCIES = [
  { agency: "Police", quorumRole: "police", address: "police.mash@police.seed.invalid" },
  { agency: "Health", quorumRole: "health", address: "safeguarding.health@nhs.seed.invalid" },
  { agency: "Children's Social Care", quorumRole: "csc", address: "social.worker@council.seed.invalid" },
  { agency: "Education", quorumRole: null, address: "dsl@school.seed.invalid" },
] as const;
export const SEED_FICTIONAL_NAMES: readonly string[] = [...SEED_CHAIRS.map((c) => c.name!), ...AGENCIES.map((a) => `${a.agency} representative`), "Social worker", "Police officer", "Health visitor", "Designated safeguarding lead"];

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The share of closed strats whose record mail goes out after its due (T-REC): a realistic few. */
const RECORDS_LATE = 0.15;

/** The decisions (R-DEC); the ICPC decision as the profile allows it at the strat (T-ICPC). */
const decisions = (dissent: boolean, icpcDecided: boolean): DecisionsInput => ({
  s47: "initiate", enquiry: "joint", singleAgencyReason: null, criminalInvestigation: "Police to investigate", medical: "Child protection medical arranged",
  abeInterview: "Consider ABE", childSeenAlone: "Within two working days", interpreter: null, otherChildren: "Siblings considered", sharedWithFamily: "partly",
  withheldReason: null, legal: null, icpc: icpcDecided ? "yes" : "manager-decides", lado: "not-applicable", followUpStrat: null, noS47Outcome: null,
  riskAnalysis: dissent ? "Agencies differ on the level of risk; see the dissent." : "Risk of significant harm; safety plan agreed.",
  contributions: [{ agency: "Police", summary: "Previous call-outs to the address" }, { agency: "Education", summary: "Concern raised by the school" }],
});

/** A settable clock: each strat's steps run at their own time. */
function seedClock() {
  let now = new Date();
  return { now: () => new Date(now), set: (d: Date) => (now = new Date(d)) };
}

function seedContext(db: Database, profiles: ProfileRegistry, clock: { now(): Date }): AppContext {
  return {
    strats: createStratRepository(db, () => clock.now()), conversations: createConversationRefRepository(db), profiles, clock,
    log: pino({ level: "silent" }), defaultProfile: "bromley-2023", seniorManager: "Head of Service (seeded)",
  };
}

/** The strats already in the store: seeded (case reference LCS-S…) and not. */
export async function storeCounts(db: Database): Promise<{ seeded: number; others: number }> {
  const [r] = await db.query<{ seeded: string | number; others: string | number }>(
    `SELECT count(*) FILTER (WHERE case_ref ~ '^LCS-S[0-9]{5}$') AS seeded, count(*) FILTER (WHERE case_ref !~ '^LCS-S[0-9]{5}$') AS others FROM strats`);
  return { seeded: Number(r?.seeded ?? 0), others: Number(r?.others ?? 0) };
}

/** The next free seeded case number (a second `--force` run adds after the first). */
async function nextCaseNumber(db: Database): Promise<number> {
  const [r] = await db.query<{ n: string | number | null }>(`SELECT max(substring(case_ref from 6)::int) AS n FROM strats WHERE case_ref ~ '^LCS-S[0-9]{5}$'`);
  return Number(r?.n ?? 0) + 1;
}

/** Fisher–Yates with the seeded generator. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Plan {
  n: number; state: SeedState; profileId: string; chair: Actor; at: Date; outOfHours: boolean; missing: boolean; children: number;
  /** When the record's mail goes out: minutes after the close, or (about one record in six) hours after its T-REC due. */
  recordAfter: { late: boolean; ms: number };
}

/** The plan for strat `i` of a block of ten: a shuffled DECK, one out-of-hours and one missing-child strat a block. */
function plans(count: number, first: number, random: () => number, now: Date): Plan[] {
  const out: Plan[] = [];
  for (let block = 0; block * 10 < count; block++) {
    const deck = shuffle(DECK, random);
    const ooh = Math.floor(random() * 10);
    const missing = Math.floor(random() * 10);
    for (let j = 0; j < 10 && block * 10 + j < count; j++) {
      const i = block * 10 + j;
      const state = deck[j]!;
      // Referral times over the last 12 weeks (83 days + the hour set below); a booked meeting is still ahead, so its referral is recent.
      const ageDays = state === "booked" ? 0.2 + random() * 1.5 : state === "open" ? random() * 83 : 7 + random() * 76;
      const at = new Date(now.getTime() - ageDays * DAY);
      if (j === ooh) at.setUTCHours(22, Math.floor(random() * 60));
      else at.setUTCHours(8 + Math.floor(random() * 8), Math.floor(random() * 60));
      if (at.getTime() > now.getTime()) at.setTime(now.getTime() - HOUR);
      out.push({
        n: first + i, state, profileId: SEED_PROFILES[i % SEED_PROFILES.length]!, chair: SEED_CHAIRS[Math.floor(random() * SEED_CHAIRS.length)]!,
        at, outOfHours: j === ooh, missing: j === missing, children: 1 + Math.floor(random() * 3),
        recordAfter: random() < RECORDS_LATE ? { late: true, ms: (1 + random() * 30) * HOUR } : { late: false, ms: (2 + random() * 20) * 60_000 },
      });
    }
  }
  return out;
}

/** The referral: child references C1…, DOBs the 1st of a month (obviously synthetic), no names, no referrer. */
function referral(p: Plan, random: () => number) {
  const children = Array.from({ length: p.children }, (_, k) => ({
    ref: `C${k + 1}`, dob: `${2010 + Math.floor(random() * 14)}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-01`,
  }));
  return {
    receivedAt: p.at.toISOString(), concerns: p.missing ? ["missing"] : [random() < 0.3 ? "serious-harm" : "standard"], children,
    ...(p.missing ? { missing: { reportedAt: new Date(p.at.getTime() - 2 * HOUR).toISOString(), particularConcerns: true } } : {}),
  };
}

/** R-REC: what the chair would enter in every field the strat's profile requires to close (reason and mode as a chair writes them). */
const PREFERRED: Readonly<Record<string, string>> = { reason: "Concern reported by a professional; threshold for a strategy discussion met.", mode: "teams" };
function filler(f: RecordFieldRule, day: string): string {
  if (PREFERRED[f.id]) return PREFERRED[f.id]!;
  if (f.kind === "choice") return f.options?.[0]?.value ?? "";
  if (f.kind === "yesno") return "no";
  if (f.kind === "date") return day;
  return "Recorded at the meeting (seeded).";
}

/** Fills each section of the record that has a field still missing to close, one save per section as the record card does. */
async function fillRecordFields(ctx: AppContext, chair: Actor, s: Strat): Promise<void> {
  const rules = recordRules(ctx.profiles.get(s.profileId), s.referral);
  const day = ctx.clock.now().toISOString().slice(0, 10);
  const sections = new Set(["reason", "mode", ...missingRecordFields(s.state, rules).map((f) => f.section)]);
  for (const section of sections) {
    const fields = rules.fields.filter((f) => f.section === section && (f.requiredToClose || PREFERRED[f.id]));
    if (fields.length) await setStratRecordFields(ctx, chair, s.id, section, Object.fromEntries(fields.map((f) => [f.id, filler(f, day)])));
  }
}

/**
 * The record's first version goes out as the app sends it (seed-distribute.ts), at the plan's time: minutes after the
 * close, or hours after the record's due (T-REC) for a late one — never after the real now. The clock is left there.
 */
async function distributeRecord(clock: ReturnType<typeof seedClock>, mail: SeedDistributor, s: Strat, p: Plan, now: Date): Promise<void> {
  const from = p.recordAfter.late && s.state.closure?.recordDue ? new Date(s.state.closure.recordDue) : clock.now();
  await mail.distribute(new Date(Math.min(from.getTime() + p.recordAfter.ms, now.getTime() - HOUR)));
}

/** One strat played to its state through the use cases, the clock moving with it. */
async function playOne(ctx: AppContext, clock: ReturnType<typeof seedClock>, mail: SeedDistributor, p: Plan, random: () => number, now: Date): Promise<Strat> {
  clock.set(p.at);
  const opened = await openStrat(ctx, p.chair, { caseRef: caseRefOf(p.n), profileId: p.profileId, referral: referral(p, random), requestId: `seed-${randomUUID()}`, conversationId: null });
  const id = opened.strat.id;
  if (p.state === "open") return opened.strat;
  const at = (ms: number) => new Date(p.at.getTime() + ms);
  clock.set(at(10 * 60_000));
  const invitees = [];
  for (const a of AGENCIES) {
    const r = await addStratInvitee(ctx, p.chair, id, {
      address: a.address, name: `${a.agency} representative`, agency: a.agency, role: "Safeguarding lead",
      quorumRole: a.quorumRole, quorumReason: a.quorumRole && `Seeded: the ${a.agency.toLowerCase()} role for the quorum`,
    });
    invitees.push(r.result!);
  }
  // Booked: the meeting is ahead of the real now; otherwise a few hours after the referral.
  const start = p.state === "booked" ? new Date(Math.max(now.getTime(), p.at.getTime()) + DAY) : at(3 * HOUR);
  const late = start.getTime() > opened.strat.dueAt.getTime() ? "Seeded: the earliest time every agency could attend" : null;
  await setStratMeeting(ctx, p.chair, id, { start, end: new Date(start.getTime() + HOUR), lateRationale: late });
  if (p.state === "booked") return (await ctx.strats.get(id))!;
  clock.set(new Date(start.getTime() + HOUR + 5 * 60_000));
  await recordStratAttendance(ctx, p.chair, id, { attendedInviteeIds: invitees.map((i) => i.id), inquorateReason: null });
  const dissent = p.state === "dissent-open" || p.state === "dissent-resolved";
  await recordStratDecisions(ctx, p.chair, id, decisions(dissent, icpcAtStrat(ctx.profiles.get(p.profileId)).decided));
  if (p.state === "held") return (await ctx.strats.get(id))!;
  await setStratPlan(ctx, p.chair, id, "The child stays with a safe adult agreed at the meeting until the assessment.");
  await fillRecordFields(ctx, p.chair, (await ctx.strats.get(id))!);
  const overdue = p.state === "overdue";
  const byWhen = overdue ? new Date(Math.min(now.getTime() - DAY, clock.now().getTime() + 2 * DAY)) : new Date(clock.now().getTime() + 3 * DAY);
  const action = (await addStratAction(ctx, p.chair, id, {
    ownerName: "Social worker", agency: "Children's Social Care", what: "Visit the child and see them alone", byWhen, purpose: "Assess immediate safety",
  })).result!;
  if (dissent) {
    const d = (await recordStratDissent(ctx, p.chair, id, { agency: "Police", decision: "joint enquiry", reason: "Police consider a single-agency enquiry enough" })).result!;
    if (p.state === "dissent-open") return (await ctx.strats.get(id))!;
    await progressStratDissent(ctx, p.chair, id, d.id, { outcome: "Resolved at the meeting after discussion", escalate: false });
  }
  if (!overdue) await progressAction(ctx, p.chair, id, action.id, { status: "done", text: "Seen alone at school", via: "teams" });
  const closed = (await closeStrat(ctx, p.chair, id)).strat;
  await distributeRecord(clock, mail, closed, p, now);
  if (p.state !== "amended") return (await ctx.strats.get(id))!;
  clock.set(new Date(clock.now().getTime() + 2 * HOUR));
  await amendClosedStrat(ctx, p.chair, id, { section: "plan", text: "The safe adult's address was confirmed.", why: "The address was missing from the plan" });
  await mail.distribute(new Date(clock.now().getTime() + 10 * 60_000)); // the amendment, version 2, to everyone again
  return (await ctx.strats.get(id))!;
}

/**
 * Seeds `opts.strats` strats into `db`. Refuses (SeedRefused, nothing written) when the store holds strats that are
 * not seeded, or is already seeded, unless `force`. Each closed record is distributed as the app distributes it
 * (seed-distribute.ts, T-REC); the other jobs the use cases write (reminders, record publication, the deadline checks)
 * are left queued: `npm start` runs them (README "A store to look at").
 */
export async function seedStore(db: Database, profiles: ProfileRegistry, opts: SeedOptions): Promise<SeedSummary> {
  const t0 = performance.now();
  if (!opts.force) {
    const { seeded, others } = await storeCounts(db);
    if (others > 0) throw new SeedRefused(`the store already holds ${others} strat(s) that were not seeded: nothing was written (--force adds to it anyway)`);
    if (seeded > 0) throw new SeedRefused(`the store is already seeded (${seeded} strats): nothing was written (--force adds more)`);
  }
  const now = opts.now ?? new Date();
  const random = prng(opts.seed);
  const clock = seedClock();
  const ctx = seedContext(db, profiles, clock);
  const byState = Object.fromEntries(SEED_STATES.map((s) => [s, 0])) as Record<SeedState, number>;
  const all = plans(opts.strats, await nextCaseNumber(db), random, now);
  const mail = await seedDistributor(db, ctx, clock, opts.mail);
  const ids: string[] = [];
  try {
    for (const p of all) {
      ids.push((await playOne(ctx, clock, mail, p, random, now)).id);
      byState[p.state]++;
    }
  } finally {
    await mail.stop();
  }
  return {
    strats: all.length, byState, outOfHours: all.filter((p) => p.outOfHours).length, missing: all.filter((p) => p.missing).length,
    distributed: await distributedCounts(db, ids), ms: performance.now() - t0,
  };
}

/** T-REC as the dashboard counts it: the read model's distribution time against the record's due, for these strats. */
async function distributedCounts(db: Database, ids: readonly string[]): Promise<SeedSummary["distributed"]> {
  const [r] = await db.query<{ on_time: string | number; late: string | number }>(
    `SELECT count(*) FILTER (WHERE record_distributed_at <= record_due_at) AS on_time, count(*) FILTER (WHERE record_distributed_at > record_due_at) AS late
     FROM strat_summary WHERE strat_id = ANY($1::uuid[])`, [ids]);
  return { onTime: Number(r?.on_time ?? 0), late: Number(r?.late ?? 0) };
}

/** The one-line summary the CLI prints. */
export function summaryLine(s: SeedSummary): string {
  const states = SEED_STATES.map((k) => `${k} ${s.byState[k]}`).join(", ");
  const rate = s.ms > 0 ? (s.strats / (s.ms / 1000)).toFixed(1) : "∞";
  return `seeded ${s.strats} strats (${states}; out of hours ${s.outOfHours}, missing child ${s.missing}; ` +
    `records distributed ${s.distributed.onTime} on time, ${s.distributed.late} late) in ${(s.ms / 1000).toFixed(1)} s (${rate} strats/s)`;
}

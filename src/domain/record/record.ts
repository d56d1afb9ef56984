/**
 * The strat's record (DOMAIN.md §5, rule ids R-*): pure assembly from the stored strat, the one shape every
 * rendering reads (the chair's preview card, the JSON export, the actions CSV, the archival PDF, and later the
 * channel card and the distributed mail). References only: a child appears by reference, never by name or date
 * of birth. The record carries its SHA-256 content hash over the canonical JSON (sorted keys) of everything else,
 * so any copy (the PDF's embedded JSON, an export) can be checked against another.
 *
 * Versioned: `recordSchemaVersion` here and the `$id` of docs/record.schema.json (generated from ZStratRecord by
 * `npm run -s record -- schema`, checked by test/unit/record/record-schema.test.ts) change together.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { RECORD_SECTION_TITLES, type RecordField } from "../protocol/profile-schema.js";
import type { ProfileBase } from "../protocol/profile.js";
import type { RiskVersion } from "../missing/risk-versions.js";
import type { Strat } from "../strat/strat.js";
import { DISSENT_STAGES, NO_S47_OUTCOMES, RESPONSE_KINDS, S47 } from "../strat/state.js";

/** How the discussion was held (R-REC mode), as the record says it. */
export const MEETING_MODES = ["teams", "in-person", "separate-calls", "not-recorded"] as const;

export const RECORD_SCHEMA_VERSION = "1.1.0"; // 1.1.0: missingRiskByChild (issue 14, M-RAG)
/** The record PDF's one file name, in the mail, the channel's Files folder and every download: references only, never a name. */
export const recordPdfFileName = (r: { stratRef: string; version: number }): string => `${r.stratRef}-record-v${r.version}.pdf`;
export const RECORD_SCHEMA_ID = `urn:strat:record:${RECORD_SCHEMA_VERSION}`;

const ZInstant = z.iso.datetime({ offset: true });
const ZText = z.string();
const ZMaybe = z.string().nullable();
const ZQuorumRole = z.enum(["police", "health", "csc"]);
const ZStatus = z.enum(["open", "done"]);

/** R-*: who was invited, per agency, and how they answered (response, delegate, written report, reason). */
export const ZRecordInvitee = z.strictObject({
  id: ZText, name: ZText, agency: ZText, role: ZMaybe, address: ZMaybe, quorumRole: ZQuorumRole.nullable(),
  action: z.enum(["invite", "notify"]), source: z.enum(["recommended", "chair"]), rule: ZMaybe,
  removed: z.strictObject({ at: ZInstant, reason: ZText }).nullable(),
  response: z.strictObject({
    kind: z.enum(RESPONSE_KINDS), at: ZInstant, reason: ZMaybe,
    delegate: z.strictObject({ name: ZText, role: ZText }).nullable(), report: ZMaybe,
  }).nullable(),
});

/** R-ACT: who (person and agency), what, by when, purpose; its status and every update. */
export const ZRecordAction = z.strictObject({
  id: ZText, owner: ZText, agency: ZText, what: ZText, byWhen: ZInstant, purpose: ZText, status: ZStatus,
  updates: z.array(z.strictObject({ at: ZInstant, text: ZText, status: ZStatus })),
});

/** R-DIS: the agency, the decision disputed, the reason and each escalation stage. */
export const ZRecordDissent = z.strictObject({
  id: ZText, agency: ZText, decision: ZText, reason: ZText, at: ZInstant,
  stages: z.array(z.strictObject({ stage: z.enum(DISSENT_STAGES), at: ZInstant, outcome: ZMaybe })),
});

export const ZStratRecord = z.strictObject({
  recordSchemaVersion: z.literal(RECORD_SCHEMA_VERSION),
  stratRef: ZText,
  caseRef: ZText,
  profile: z.strictObject({ id: ZText, title: ZText }),
  /** 1 for the verified record, +1 per amendment (R-*: changes after sign-off are new versions). */
  version: z.number().int().min(1),
  status: z.enum(["open", "closed", "cancelled"]),
  /** Reason for the strat: the concerns, when the referral came, and by when the strat was due (T-*). */
  reason: z.strictObject({ concerns: z.array(ZText), receivedAt: ZInstant, due: ZInstant, dueRule: ZText }),
  /** The children by reference only (never a name or date of birth). */
  children: z.array(z.strictObject({ ref: ZText, lookedAfter: z.boolean(), cpPlan: z.boolean() })),
  unborn: z.boolean(),
  /** Mode (R-REC): as the chair recorded it (`record` → mode); else Teams when a join link was made; else not recorded. */
  meeting: z.strictObject({ start: ZInstant, end: ZInstant, mode: z.enum(MEETING_MODES), lateRationale: ZMaybe }).nullable(),
  invited: z.array(ZRecordInvitee),
  /** Attended per agency, with the reason for non-attendance. */
  attended: z.array(z.strictObject({ agency: ZText, quorumRole: ZQuorumRole.nullable(), attended: z.boolean(), nonAttendanceReason: ZMaybe })),
  quorum: z.strictObject({ quorate: z.boolean(), missingRoles: z.array(ZQuorumRole), inquorateReason: ZMaybe, escalatedTo: ZMaybe }).nullable(),
  contributions: z.array(z.strictObject({ agency: ZText, summary: ZText })),
  riskAnalysis: ZMaybe,
  decisions: z.strictObject({
    s47: z.enum(S47), enquiry: z.enum(["joint", "single"]).nullable(), singleAgencyReason: ZMaybe, criminalInvestigation: ZMaybe,
    medical: ZMaybe, abeInterview: ZMaybe, childSeenAlone: ZMaybe, interpreter: ZMaybe, otherChildren: ZMaybe,
    sharedWithFamily: z.enum(["yes", "partly", "withheld"]), withheldReason: ZMaybe, legal: ZMaybe,
    icpc: z.enum(["yes", "no", "manager-decides"]).nullable(), lado: z.enum(["yes", "no", "not-applicable"]).nullable(),
    followUpStrat: ZMaybe, noS47Outcome: z.enum(NO_S47_OUTCOMES).nullable(), recordedAt: ZInstant,
  }).nullable(),
  /** R-ISP: the interim safety plan. */
  interimSafetyPlan: z.strictObject({ text: ZText, at: ZInstant }).nullable(),
  actions: z.array(ZRecordAction),
  dissent: z.array(ZRecordDissent),
  missingRisk: z.strictObject({ score: z.number(), band: ZText, outcome: ZText, comments: ZMaybe, at: ZInstant }).nullable(),
  /**
   * M-RAG (issue 14): per child of the strat's missing episodes, the risk tool's versions as of this record version:
   * how many were scored, and the latest signed off by the team manager (its score, band, outcome, by whom, when).
   */
  missingRiskByChild: z.array(z.strictObject({
    childRef: ZText, versions: z.number().int().min(0),
    signedOff: z.strictObject({ version: z.number().int().min(1), score: z.number(), band: ZText, outcome: ZText, by: ZText, at: ZInstant }).nullable(),
  })),
  /** The chair's verification (close). */
  verifiedAt: ZInstant.nullable(),
  /** T-REC / T-OOH: by when the record must reach everyone invited, as computed at close. */
  recordDue: z.strictObject({ at: ZInstant, rule: ZText }).nullable(),
  /** Amendments as versions (version 2 onwards): who, when, why, what. */
  amendments: z.array(z.strictObject({ version: z.number().int().min(2), at: ZInstant, by: ZText, why: ZText, section: ZText, text: ZText })),
  /**
   * The profile's own record fields (R-REC: reason, mode, the child, the family, further information, outcomes,
   * Bedford's prompts, Bristol's complex checklist), in the profile's order, as recorded with `record`: the chair's
   * words, a choice as its title, yes/no as "yes"/"no". Fields not recorded are left out.
   */
  profileFields: z.array(z.strictObject({ id: ZText, label: ZText, section: ZText, sectionTitle: ZText, value: ZText, recordedAt: ZInstant })),
  /** SHA-256 (hex) of the canonical JSON of the record without this field. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StratRecord = z.infer<typeof ZStratRecord>;
export type RecordProfileField = StratRecord["profileFields"][number];

/** What the record needs of a profile: its name and its own record fields (R-REC). */
export type RecordProfile = Pick<ProfileBase, "id" | "title"> & { readonly record?: readonly RecordField[] };

/** JSON with object keys sorted at every level (arrays keep their order): the form the content hash is taken of. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

/** The SHA-256 content hash of a record (over everything but the hash itself). */
export function recordContentHash(record: Omit<StratRecord, "contentHash"> | StratRecord): string {
  const { contentHash: _omit, ...rest } = record as StratRecord;
  return createHash("sha256").update(canonicalJson(rest), "utf8").digest("hex");
}

/** The record's JSON export: canonical (sorted keys), the same bytes the PDF embeds. */
export const recordJson = (record: StratRecord): string => canonicalJson(record);

/** The risk tool's versions of one child's missing episode (M-RAG), oldest first: what the record's risk section reads. */
export interface ChildRisk { childRef: string; versions: readonly RiskVersion[] }

/**
 * Assembles the record of a strat (pure; R-* per DOMAIN.md §5). Never reads a child's name or date of birth.
 * `risks`: the risk versions of the strat's missing episodes, per child (M-RAG).
 */
export function assembleRecord(strat: Strat, profile: RecordProfile, risks: readonly ChildRisk[] = []): StratRecord {
  const s = strat.state;
  const d = s.decisions;
  const body: Omit<StratRecord, "contentHash"> = {
    recordSchemaVersion: RECORD_SCHEMA_VERSION,
    stratRef: strat.ref,
    caseRef: strat.caseRef,
    profile: { id: profile.id, title: profile.title },
    version: 1 + s.amendments.length,
    status: strat.status,
    reason: { concerns: [...strat.referral.concerns], receivedAt: strat.referral.receivedAt.toISOString(), due: strat.dueAt.toISOString(), dueRule: strat.dueRule },
    children: strat.referral.children.map((c) => ({ ref: c.ref, lookedAfter: c.lookedAfter, cpPlan: c.cpPlan })),
    unborn: strat.referral.unborn,
    meeting: s.meeting && { start: s.meeting.start, end: s.meeting.end, mode: meetingMode(s), lateRationale: s.meeting.lateRationale },
    invited: s.invitees.map((i) => ({
      id: i.id, name: i.name, agency: i.agency, role: i.role, address: i.address, quorumRole: i.quorumRole, action: i.action, source: i.source, rule: i.rule,
      removed: i.removed && { at: i.removed.at, reason: i.removed.reason },
      response: i.response && { kind: i.response.kind, at: i.response.at, reason: i.response.reason, delegate: i.response.delegate, report: i.response.report },
    })),
    attended: (s.attendance?.entries ?? []).map((e) => ({ agency: e.agency, quorumRole: e.quorumRole, attended: e.attended, nonAttendanceReason: e.nonAttendanceReason })),
    quorum: s.attendance && {
      quorate: s.attendance.quorate, missingRoles: [...s.attendance.missingRoles], inquorateReason: s.attendance.inquorateReason, escalatedTo: s.attendance.escalation?.to ?? null,
    },
    contributions: (d?.contributions ?? []).map((c) => ({ agency: c.agency, summary: c.summary })),
    riskAnalysis: d?.riskAnalysis ?? null,
    decisions: d && {
      s47: d.s47, enquiry: d.enquiry, singleAgencyReason: d.singleAgencyReason, criminalInvestigation: d.criminalInvestigation, medical: d.medical,
      abeInterview: d.abeInterview, childSeenAlone: d.childSeenAlone, interpreter: d.interpreter, otherChildren: d.otherChildren,
      sharedWithFamily: d.sharedWithFamily, withheldReason: d.withheldReason, legal: d.legal, icpc: d.icpc, lado: d.lado,
      followUpStrat: d.followUpStrat, noS47Outcome: d.noS47Outcome, recordedAt: d.recordedAt,
    },
    interimSafetyPlan: s.plan && { text: s.plan.text, at: s.plan.at },
    actions: actionsAsOf(s, versionTime(s)),
    dissent: s.dissents.map((x) => ({
      id: x.id, agency: x.agency, decision: x.decision, reason: x.reason, at: x.at, stages: x.stages.map((st) => ({ stage: st.stage, at: st.at, outcome: st.outcome })),
    })),
    missingRisk: s.missingRisk && { score: s.missingRisk.score, band: s.missingRisk.band, outcome: s.missingRisk.outcome, comments: s.missingRisk.comments, at: s.missingRisk.at },
    missingRiskByChild: risksAsOf(risks, versionTime(s)),
    verifiedAt: s.closure?.verifiedAt ?? null,
    recordDue: s.closure?.recordDue && s.closure.recordRule ? { at: s.closure.recordDue, rule: s.closure.recordRule } : null,
    amendments: s.amendments.map((m, i) => ({ version: i + 2, at: m.at, by: m.by, why: m.why, section: m.section, text: m.text })),
    profileFields: profileFields(s, profile.record ?? []),
  };
  return ZStratRecord.parse({ ...body, contentHash: recordContentHash(body) });
}


/**
 * Point 6: the instant a version was fixed — the chair's verification (version 1) or its amendment (version k) — or
 * null before verification. An action stays open until done (R-ACT), also after close: its later updates belong to
 * the next version, so a verified version renders the same bytes whenever it is rendered (its hash never changes).
 */
/** M-RAG as of a record version: versions scored, and sign-offs given, by then (so a verified version never changes). */
function risksAsOf(risks: readonly ChildRisk[], asOf: number | null): StratRecord["missingRiskByChild"] {
  const by = (at: Date) => asOf === null || at.getTime() <= asOf;
  return risks.map((r) => {
    const scored = r.versions.filter((v) => by(v.at));
    const signed = scored.filter((v) => v.signOff && by(v.signOff.at)).at(-1);
    return {
      childRef: r.childRef, versions: scored.length,
      signedOff: signed?.signOff ? {
        version: signed.version, score: signed.score, band: signed.band, outcome: signed.signOff.outcome, by: signed.signOff.byName, at: signed.signOff.at.toISOString(),
      } : null,
    };
  });
}

function versionTime(s: Strat["state"]): number | null {
  const at = s.amendments.at(-1)?.at ?? s.closure?.verifiedAt ?? null;
  return at === null ? null : new Date(at).getTime();
}

function actionsAsOf(s: Strat["state"], asOf: number | null): StratRecord["actions"] {
  return s.actions
    .filter((a) => asOf === null || new Date(a.createdAt).getTime() <= asOf)
    .map((a) => {
      const updates = asOf === null ? a.updates : a.updates.filter((u) => new Date(u.at).getTime() <= asOf);
      const status = asOf === null ? a.status : (updates.at(-1)?.status ?? "open");
      return { id: a.id, owner: a.owner.name, agency: a.owner.agency, what: a.what, byWhen: a.byWhen, purpose: a.purpose, status, updates: updates.map((u) => ({ at: u.at, text: u.text, status: u.status })) };
    });
}

function meetingMode(s: Strat["state"]): (typeof MEETING_MODES)[number] {
  const recorded = s.recordFields["mode"]?.value;
  const known = MEETING_MODES.find((m) => m === recorded && m !== "not-recorded");
  return known ?? (s.meeting?.joinUrl ? "teams" : "not-recorded");
}

/** The profile's record fields as recorded, in the profile's order (choice → its title). */
function profileFields(s: Strat["state"], fields: readonly RecordField[]): RecordProfileField[] {
  return fields.flatMap((f) => {
    const saved = s.recordFields[f.id];
    if (!saved || !saved.value.trim()) return [];
    const value = f.kind === "choice" ? (f.options?.find((o) => o.value === saved.value)?.title ?? saved.value) : saved.value.trim();
    return [{ id: f.id, label: f.label, section: f.section, sectionTitle: RECORD_SECTION_TITLES[f.section], value, recordedAt: saved.at }];
  });
}

/**
 * The zod schema of a protocol profile file (src/domain/protocol/profiles/*.json, or a local
 * authority's own directory given to loadProfiles({ extraDir })). DOMAIN.md §2–§4, §6.
 *
 * A profile is data: convening timescales per concern (T-*), the local target (T-TGT), follow-on
 * deadlines (T-REC, T-OOH, T-ICPC, T-SEE, T-S47, T-RHI, T-MWK, T-MHOS, T-MDCS), quorum roles (Q-1),
 * chair seniority, age rules, a directory of agencies/mailboxes (with reading hours) and invitee
 * rules (I-*). A profile may `extends` another (an add-on such as bromley-missing-2020) and may list
 * `addOns` whose rules are merged in (bromley-2023 merges bromley-missing-2020).
 */
import { z } from "zod";
import { CONCERNS } from "./referral.js";

export const QUORUM_ROLES = ["police", "health", "csc"] as const;
export type QuorumRole = (typeof QUORUM_ROLES)[number];

const ZRuleT = z.string().regex(/^T-[A-Z0-9]+$/, { error: "must be a timescale rule id like T-STD" });
const ZRuleI = z.string().regex(/^I-[A-Z0-9-]+$/, { error: "must be an invitee rule id like I-POL" });
const ZText = z.string().min(1, { error: "must not be empty" });

export const ZTimeOp = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("sameDay") }),
  z.strictObject({ kind: z.literal("workingDays"), n: z.int().min(1).max(400) }),
  z.strictObject({ kind: z.literal("hours"), h: z.number().positive().max(100_000) }),
  z.strictObject({ kind: z.literal("workingHours"), h: z.number().positive().max(100_000) }),
  z.strictObject({ kind: z.literal("firstWorkingDay") }),
  z.strictObject({ kind: z.literal("nextWorkingStart") }),
]);

export const CASE_FLAGS = ["missingConcerns", "lookedAfter", "cpPlan"] as const;

/** The event a convening rule counts from (DOMAIN.md §2: receivedAt unless the rule names another). */
export const ZConveningTrigger = z.enum(["receivedAt", "missing.reportedAt"]);
export type ConveningTrigger = z.infer<typeof ZConveningTrigger>;

const ZBranch = z.strictObject({
  when: z.array(z.enum(CASE_FLAGS)).min(1),
  trigger: ZConveningTrigger,
  op: ZTimeOp,
  basis: ZText,
});

export const ZTiming = z.discriminatedUnion("kind", [
  ...ZTimeOp.options,
  z.strictObject({ kind: z.literal("standard") }),
  z.strictObject({
    kind: z.literal("conditional"),
    branches: z.array(ZBranch).min(1),
    otherwise: z.discriminatedUnion("kind", [...ZTimeOp.options, z.strictObject({ kind: z.literal("standard") })]),
    /** What a plain `otherwise` operation counts from (T-MIS bromley: missing.reportedAt + 72 h). "standard" is always T-STD from receivedAt. */
    otherwiseTrigger: ZConveningTrigger.default("receivedAt"),
    /** Why, for the chair: appended to the basis of a plain `otherwise` operation. */
    otherwiseReason: ZText.optional(),
  }),
]);

export const ZConveningRule = z.strictObject({
  rule: ZRuleT,
  concern: z.enum(CONCERNS),
  timing: ZTiming,
  note: ZText.optional(),
  source: ZText,
});

export const FOLLOW_ON_TRIGGERS = ["meetingEnd", "decision", "strat", "receivedAt", "return", "missingReported", "lastStrat"] as const;

export const ZFollowOnStep = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]*$/),
  label: ZText,
  op: ZTimeOp,
  when: z.enum(["always", "lookedAfter", "outOfHoursMeeting"]).default("always"),
  /** Who it goes to, when the rule names someone (a directory key; T-OOH bristol: First Response, 6.1). */
  to: ZText.optional(),
});

export const ZFollowOnRule = z.strictObject({
  rule: ZRuleT,
  trigger: z.enum(FOLLOW_ON_TRIGGERS),
  steps: z.array(ZFollowOnStep),
  note: ZText.optional(),
  source: ZText,
});

export const ZDirectoryEntry = z.strictObject({
  name: ZText,
  agency: ZText,
  role: ZText,
  address: z.email().nullable(),
  generic: z.boolean(),
  readingHours: ZText.nullable(),
  /** A phone line when the contact is a call, not a mailbox (I-HOSP-OOH: the hospital switchboard, bromley-2023 §1c). */
  phone: ZText.nullable().default(null),
  services: z.array(ZText).default([]),
  boroughs: z.array(ZText).default([]),
});

export const INVITEE_CONDITIONS = [
  "always",
  "inHours",
  "outOfHours",
  "inHospital",
  "inPatient",
  "notInHospital",
  "medicalImplications",
  "underFive",
  "schoolAged",
  "lookedAfter",
  "unborn",
  "unbornMaternalMentalHealth",
  "parentalMentalHealth",
  "camhsInvolved",
  "substanceMisuse",
  "missing",
  "missingLookedAfter",
] as const;
export type InviteeCondition = (typeof INVITEE_CONDITIONS)[number];

/** When a directory rule applies by the meeting's time, beside its condition (DOMAIN.md §4: out of hours at the meeting instant). */
export const HOURS = ["any", "inHours", "outOfHours"] as const;

const ZEntryRef = z.strictObject({ key: ZText, cc: z.boolean().default(false), action: z.enum(["invite", "notify"]).default("invite") });

export const ZInviteeRule = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("directory"),
    rule: ZRuleI,
    when: z.enum(INVITEE_CONDITIONS),
    /** Also only at this time of the meeting (I-HOSP in working hours, I-HOSP-OOH out of hours); "any" by default. */
    hours: z.enum(HOURS).default("any"),
    entries: z.array(ZEntryRef).min(1),
    reason: ZText,
    quorumRole: z.enum(QUORUM_ROLES).nullable(),
  }),
  z.strictObject({
    kind: z.literal("school-nursing"),
    rule: ZRuleI,
    homeBorough: ZText.nullable(),
    home: ZText,
    outOfBorough: z.array(ZText),
    reason: ZText,
  }),
  z.strictObject({ kind: z.literal("education"), rule: ZRuleI, fallback: ZText, reason: ZText }),
  z.strictObject({ kind: z.literal("known-professionals"), rule: ZRuleI, reason: ZText }),
  z.strictObject({ kind: z.literal("referrer"), rule: ZRuleI, reason: ZText }),
]);

/** The sections of the record the `record` command shows, one card each (DOMAIN.md §5, R-REC). */
export const RECORD_SECTIONS = ["reason", "mode", "risk", "child", "family", "further", "outcomes", "bedford-prompts", "complex-checklist", "missing"] as const;
export type RecordSection = (typeof RECORD_SECTIONS)[number];

/** Each section as a chair says it. */
export const RECORD_SECTION_TITLES: Readonly<Record<RecordSection, string>> = {
  reason: "Reason for the strategy discussion",
  mode: "How the discussion is held",
  risk: "Analysis of risk",
  child: "The child: interviews, wishes and feelings, identity",
  family: "What is shared with the child and family",
  further: "Further information and searches",
  outcomes: "Contingency and outcomes",
  "bedford-prompts": "Risk assessment prompts (Bedford)",
  "complex-checklist": "Complex and extra-familial harm checklist (Bristol)",
  missing: "Missing from home or care",
};

/** When a record field applies: always, complex concerns, the missing concern, no section 47, or a strat not held all together (R-REC). */
export const RECORD_CONDITIONS = ["always", "complex", "missing", "noS47", "notAllTogether"] as const;
export const RECORD_KINDS = ["text", "choice", "yesno", "date"] as const;

/** A field of the record a protocol names (R-REC): what the chair is asked, in which section, and whether close needs it. */
export const ZRecordField = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, { error: "must be a camelCase field id" }),
    label: ZText,
    section: z.enum(RECORD_SECTIONS),
    kind: z.enum(RECORD_KINDS),
    options: z.array(z.strictObject({ value: z.string().regex(/^[a-z0-9-]+$/), title: ZText })).min(2).optional(),
    requiredToClose: z.boolean().default(false),
    when: z.enum(RECORD_CONDITIONS).default("always"),
    help: ZText.optional(),
    rule: z.string().regex(/^R-[A-Z0-9-]+$/, { error: "must be a record rule id like R-REC" }),
    source: ZText,
  })
  .refine((f) => (f.kind === "choice") === (f.options !== undefined), { error: "a choice field needs options (and only a choice field has them)", path: ["options"] });
export type RecordField = z.infer<typeof ZRecordField>;

export const ZProfileFile = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "must be lower-case letters, digits and dashes" }),
  title: ZText,
  source: ZText,
  status: z.enum(["current", "add-on", "superseded"]),
  selectable: z.boolean(),
  extends: z.string().optional(),
  addOns: z.array(z.string()).default([]),
  readings: z.array(ZText).default([]),
  convening: z.array(ZConveningRule).optional(),
  target: z.strictObject({ rule: z.literal("T-TGT"), op: ZTimeOp, source: ZText }).nullable().optional(),
  followOn: z.array(ZFollowOnRule).optional(),
  /** T-REC: who else gets the record besides the invitees (e.g. bristol-2024 5.4); address null = not known yet ("no address"). */
  distribution: z.array(z.strictObject({ label: ZText, address: z.email().nullable(), source: ZText })).optional(),
  quorum: z
    .strictObject({
      rule: z.literal("Q-1"),
      roles: z.array(z.enum(QUORUM_ROLES)).min(1),
      countsAs: z.partialRecord(z.enum(QUORUM_ROLES), ZText).default({}),
      oneAttendeePerAgency: z.boolean().default(false),
      source: ZText,
    })
    .optional(),
  chair: z
    .strictObject({
      default: ZText,
      byConcern: z.partialRecord(z.enum(CONCERNS), ZText).default({}),
      /**
       * A follow-on rule triggered by the missing report (T-MHOS) whose first step has passed when the strat opens
       * raises the chair to `chair`; `reason` is what the chair reads (words, not rule ids).
       */
      escalations: z.array(z.strictObject({ rule: ZRuleT, chair: ZText, reason: ZText, source: ZText })).default([]),
      notes: z.array(ZText).default([]),
    })
    .optional(),
  ages: z
    .strictObject({
      underFive: z.strictObject({ maxYearsExclusive: z.int().min(1).max(18) }),
      schoolAged: z.strictObject({ minYears: z.int().min(0).max(18), maxYearsExclusive: z.int().min(1).max(26), reading: ZText }),
    })
    .optional(),
  directory: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), ZDirectoryEntry).optional(),
  invitees: z.array(ZInviteeRule).optional(),
  missingRiskTool: z.boolean().optional(),
  /** The record's fields this protocol asks (R-REC); a profile that extends another adds to (or replaces by id) its fields. */
  record: z.array(ZRecordField).optional(),
});

export type ProfileFile = z.infer<typeof ZProfileFile>;
export type TimeOpData = z.infer<typeof ZTimeOp>;
export type Timing = z.infer<typeof ZTiming>;
export type ConveningRule = z.infer<typeof ZConveningRule>;
export type FollowOnRule = z.infer<typeof ZFollowOnRule>;
export type DirectoryEntry = z.infer<typeof ZDirectoryEntry>;
export type InviteeRule = z.infer<typeof ZInviteeRule>;

/**
 * One zod schema per card verb: what `Action.Execute`'s `data` (the card's own ids with the inputs merged
 * in; Action.Submit's `value` likewise) must hold. Card inputs arrive as strings, or not at all when left
 * empty. A wrong or missing field is reported by name (`parseCardData`) and the handler answers with the
 * same card and nothing saved. Case content never travels in a card's data: ids and version only.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { ACTION_TERMS, NO_S47_OUTCOMES, S47 } from "../../src/domain/strat/state.js";

/** An input left empty: absent or "" (a card omits empty inputs, or sends them as ""). */
const text = z.string({ error: "must be text" }).trim().optional().default("");
const required = (what: string) => z.string({ error: `is required: ${what}` }).trim().min(1, { error: `is required: ${what}` });
const optionalOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.union([z.literal(""), z.enum(values)], { error: `must be one of ${values.join(", ")}` }).optional().default("");

/** The ids every strat card carries: which strat, and the version it showed (optimistic concurrency). */
const stratCard = {
  stratId: required("the strategy discussion this card is about"),
  version: z.union([z.literal(""), z.coerce.number().int().positive()], { error: "must be a version number" }).optional()
    .transform((v) => (v === "" ? undefined : v)),
};

/**
 * After a card was refused as out of date (issue 11 point 3) the chair chooses: keep the latest saved
 * ("latest": nothing is saved) or replace it with their own entries ("mine"). A plain save carries no choice.
 */
const staleChoice = { choice: optionalOf(["latest", "mine"] as const) };

/** The chair chose to keep what is saved now (after a stale refusal): nothing is saved, whatever the form holds. */
export const keepsLatest = (data: Record<string, unknown>): boolean => z.object(staleChoice).safeParse(data).data?.choice === "latest";

/**
 * The dedupe key of one press of one card: the verb, and the card's data as pressed (its strat, the version
 * it showed, its inputs). Teams may deliver the same Action.Execute twice, and a double press sends the same
 * data: the second changes nothing and is answered with the first one's result (issue 11 point 4). Only a
 * digest is kept (case content never leaves the card).
 */
export function pressKey(verb: string, data: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
  return `press:${verb}:${createHash("sha256").update(canonical).digest("base64url")}`;
}

/** `openStrat`: the new-strat card's inputs (children in rows child1…child3); the referral itself is validated by the protocol engine. */
export const ZOpenStratData = z.object({
  requestId: z.string().default(""),
  caseRef: z.string().default(""),
  profile: z.string().default(""),
  concerns: z.string().default(""),
  receivedDate: z.string().default(""),
  receivedTime: z.string().default(""),
  household: z.string().default(""),
  missingDate: z.string().default(""),
  missingTime: z.string().default(""),
  missingConcerns: z.string().default("false"),
  referrerName: z.string().default(""),
  referrerEmail: z.string().default(""),
  knownName: z.string().default(""),
  knownEmail: z.string().default(""),
  knownService: z.string().default(""),
  /** I-C2C: "yes" opens one strat per child (roles in child1Role…, a chair per strat). */
  childOnChild: z.enum(["", "no", "yes"], { error: "must be yes or no" }).default(""),
  harmedChair: z.string().trim().max(100).default(""),
  harmerChair: z.string().trim().max(100).default(""),
}).catchall(z.unknown());
export const ZInviteeAddData = z.object({
  ...stratCard,
  addEmail: z.string({ error: "is required: the invitee's email address" }).trim()
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "must be an email address" }),
  addName: required("a name or team"),
  addAgency: required("the agency"),
  /** the quorum role a chair-added invitee fills ("none" or empty: none); its reason is checked by addInvitee. */
  addQuorumRole: optionalOf(["none", "police", "health"] as const).transform((r) => (r === "none" || r === "" ? null : r)),
  addQuorumReason: text,
});

export const ZInviteeRemoveData = z.object({ ...stratCard, removeId: required("the invitee to remove"), removeReason: text });

export const ZInviteesSendData = z.object({ ...stratCard });

export const ZRespondData = z.object({
  stratId: required("the strategy discussion"),
  inviteeId: required("the invitation"),
  kind: z.enum(["accepted", "declined", "delegate", "report"], { error: "must be one of accepted, declined, delegate, report" }),
  reason: text,
  delegateName: text,
  delegateRole: text,
  report: text,
});

export const ZInvitationViewData = z.object({ stratId: required("the strategy discussion"), inviteeId: required("the invitation") });

export const ZScheduleData = z.object({
  ...stratCard,
  ...staleChoice,
  slot: text,
  date: text,
  time: text,
  minutes: z.union([z.literal(""), z.coerce.number({ error: "must be a number of minutes" }).int({ error: "must be whole minutes" })
    .min(15, { error: "must be 15 to 240" }).max(240, { error: "must be 15 to 240" })]).optional()
    .transform((v) => (v === "" || v === undefined ? 60 : v)),
  lateRationale: text,
}).superRefine((d, ctx) => {
  if (d.slot && d.slot !== "other") {
    if (Number.isNaN(Date.parse(d.slot))) ctx.addIssue({ code: "custom", path: ["slot"], message: "is not one of the proposed times" });
    return;
  }
  if (!d.date) ctx.addIssue({ code: "custom", path: ["date"], message: "is required: the date (or choose a proposed time)" });
  else if (!d.time) ctx.addIssue({ code: "custom", path: ["time"], message: "is required: the start time" });
});

export const ZAttendanceData = z.object({
  ...stratCard,
  ...staleChoice,
  attended: text.transform((v) => v.split(",").map((x) => x.trim()).filter(Boolean)),
  inquorateReason: text,
});

const DECISION_TEXT = ["criminalInvestigation", "medical", "abeInterview", "childSeenAlone", "interpreter", "otherChildren", "legal", "riskAnalysis", "singleAgencyReason", "withheldReason"] as const;

export const ZDecideData = z.object({
  ...stratCard,
  ...staleChoice,
  s47: z.enum(S47, { error: "is required: the section 47 decision" }),
  sharedWithFamily: z.enum(["yes", "partly", "withheld"], { error: "is required: what is shared with the family" }),
  enquiry: optionalOf(["joint", "single"] as const),
  icpc: optionalOf(["yes", "no", "manager-decides"] as const),
  lado: optionalOf(["yes", "no", "not-applicable"] as const),
  noS47Outcome: optionalOf(NO_S47_OUTCOMES),
  followUpStrat: z.union([z.literal(""), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date" })], { error: "must be a date" }).optional().default(""),
  followUpStratTime: z.union([z.literal(""), z.string().regex(/^\d{2}:\d{2}(:\d{2})?$/, { error: "must be a time" })], { error: "must be a time" }).optional().default(""),
  /** A follow-up written as free text before the date input (older strats), carried by the card so re-recording keeps it. */
  followUpText: text,
  contributions: text,
  ...Object.fromEntries(DECISION_TEXT.map((k) => [k, text])) as Record<(typeof DECISION_TEXT)[number], typeof text>,
}).refine((d) => d.followUpStrat !== "" || d.followUpStratTime === "", { path: ["followUpStrat"], error: "is needed with the follow-up time" });
export { DECISION_TEXT };

export const ZPlanData = z.object({ ...stratCard, ...staleChoice, plan: text });

/** `recordSection`: open a section of the record's fields (R-REC), or the index of sections when none is named. */
export const ZRecordSectionData = z.object({ stratId: required("the strategy discussion this card is about"), section: text });

/** `recordFields`: save one section; the field values (checked against the profile by the domain) are the other inputs. */
export const ZRecordFieldsData = z.object({ ...stratCard, ...staleChoice, section: required("the section of the record") })
  .catchall(z.unknown());

export const ZActionAddData = z.object({
  ...stratCard,
  requestId: text,
  /** An invitee as the owner, or a typed name and agency (R-ACT: the domain names what is missing). */
  ownerInviteeId: text,
  ownerName: text,
  agency: text,
  what: required("what is to be done"),
  byDate: required("the date it is due by"),
  byTime: required("the time it is due by"),
  purpose: required("the purpose"),
  term: optionalOf(ACTION_TERMS),
});

export const ZActionProgressData = z.object({ ...stratCard, actionId: required("the action"), update: text });
/** An action's update or Done on the owner's response link page: one update box per action (`update-<actionId>`). */
export const ZLinkActionData = z.object({ stratId: required("the strategy discussion"), inviteeId: required("the invitee"), actionId: required("the action") })
  .catchall(z.unknown());

export const ZDissentAddData = z.object({
  ...stratCard, requestId: text, agency: text, decision: required("the decision disagreed with"), reason: required("the reason"),
});

export const ZDissentProgressData = z.object({ ...stratCard, dissentId: required("the disagreement to answer"), outcome: text });

export const ZCloseData = z.object({ ...stratCard });

/** section, text and why are checked by the domain (amendRecord), which names the field in the chair's words. */
export const ZAmendData = z.object({ ...stratCard, section: text, text, why: text });

/** The M-RAG card: its item answers (numbers as strings, empty = not answered) are read against the tool's items. */
export const ZMissingScoreData = z.object({ ...stratCard, managerComments: text, episodeId: text }).catchall(z.unknown());

/** The missing-episode card (issue 14 points 1, 5): which episode and the version it showed; the inputs are read by the domain. */
const episodeCard = {
  stratId: required("the strategy discussion this card is about"),
  episodeId: required("the missing episode"),
  version: stratCard.version,
};
export const ZMissingReturnData = z.object({ ...episodeCard, returnedDate: text, returnedTime: text, returnedWhere: text, returnedBy: text });
export const ZMissingInterviewData = z.object({ ...episodeCard, rhiDate: text, rhiTime: text, rhiOutcome: text, rhiBy: text });
/** M-RAG per episode (issue 14 point 2): the team manager's sign-off (the outcome is checked by the domain, naming the field). */
export const ZMissingSignOffData = z.object({ ...episodeCard, riskVersion: stratCard.version, signOffOutcome: text, signOffComments: text });
export const ZMissingConveneData = z.object({ ...episodeCard });
export const ZMissingParentsData = z.object({ ...episodeCard, parentsToldDate: text, parentsToldTime: text, parentsToldBy: text });

/** What a chair calls a card input that can be wrong in a way other than "is required" (its message says how). */
const INPUT_WORDS: Readonly<Record<string, string>> = {
  addEmail: "The email", version: "The card", kind: "The answer", slot: "The proposed time", minutes: "The length", date: "The date", time: "The start time",
  enquiry: "Joint or single enquiry", icpc: "Initial child protection conference", lado: "LADO", noS47Outcome: "The outcome without section 47",
  followUpStrat: "The follow-up date", followUpStratTime: "The follow-up time", s47: "The section 47 decision", sharedWithFamily: "What is shared with the family",
  plan: "The plan", section: "The section", text: "The amendment", why: "Why", managerComments: "The manager's comments", update: "The update",
  outcome: "The outcome", reason: "The reason", removeReason: "The reason", inquorateReason: "The reason", lateRationale: "The rationale",
  delegateName: "The delegate's name", delegateRole: "The delegate's role", report: "The written report", attended: "Who attended",
};

/** A zod message for `field` in a chair's words: "is required: the agency" → "The agency is required" (issue 11 point 7). */
function inWords(field: string, message: string): string {
  const req = /^is required(?:: (.+))?$/.exec(message);
  const what = req?.[1] ?? INPUT_WORDS[field] ?? "A field of this card";
  const cap = what[0]!.toUpperCase() + what.slice(1);
  return req ? `${cap} is required` : `${INPUT_WORDS[field] ?? cap} ${message}`;
}

/** A card's data, parsed; or the first wrong field, named. */
export type CardData<T> = { ok: true; data: T } | { ok: false; field: string; message: string };

export function parseCardData<S extends z.ZodType>(schema: S, data: unknown): CardData<z.output<S>> {
  const r = schema.safeParse(data ?? {});
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "data";
  const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
  const what = missing && !/^is required/.test(issue.message) ? "is required" : issue.message;
  return { ok: false, field, message: `${inWords(field, what)}. Nothing was saved.` };
}

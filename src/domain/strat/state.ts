/**
 * The strat's evolving state (stored as JSON beside the strat row, parsed with zod when read back):
 * invitees and their answers, the meeting, attendance and quorum, decisions, the interim safety plan,
 * actions, dissent, and closure. Pure transitions: each takes the state and returns a new one or throws
 * AppError with the field to fix. Rule ids: Q-1 (quorum), R-* (record, DOMAIN.md §5), I-* (invitees).
 */
import { z } from "zod";
import { freezeDeep } from "../freeze-deep.js";
import { AppError } from "../errors.js";
import { SENIOR_MANAGER_NOT_CONFIGURED } from "./senior-manager.js";

export const QUORUM = ["police", "health", "csc"] as const;
const ZQuorumRole = z.enum(QUORUM);
const ZInstant = z.string().datetime({ offset: true });

export const RESPONSE_KINDS = ["accepted", "declined", "tentative", "delegate", "report", "none"] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];
export const RESPONSE_CHANNELS = ["teams", "link", "calendar"] as const;

export const ZResponse = z.object({
  kind: z.enum(RESPONSE_KINDS),
  at: ZInstant,
  via: z.enum(RESPONSE_CHANNELS),
  /** Who answered: an AAD object id / Teams user id, or the mailbox the link was issued to. */
  by: z.string(),
  reason: z.string().nullable().default(null),
  delegate: z.object({ name: z.string(), role: z.string() }).nullable().default(null),
  report: z.string().nullable().default(null),
});
export type InviteeResponse = z.infer<typeof ZResponse>;

export const ZInvitee = z.object({
  id: z.string(),
  address: z.string().nullable(),
  name: z.string(),
  agency: z.string(),
  role: z.string().nullable().default(null),
  rule: z.string().nullable().default(null),
  rules: z.array(z.string()).default([]),
  /** Why, for the chair: may name the child refs and the school (I-EDU, I-HV…). */
  reason: z.string(),
  /** Why, for the invitee outside the council (issue 11 point 12); null on invitees stored before it: see outsideReason. */
  publicReason: z.string().nullable().default(null),
  quorumRole: ZQuorumRole.nullable().default(null),
  /** Why the chair gave an invitee they added a quorum role; null for recommendations (their rule is the why). */
  quorumReason: z.string().nullable().default(null),
  action: z.enum(["invite", "notify"]).default("invite"),
  cc: z.boolean().default(false),
  generic: z.boolean().default(false),
  /** When a generic mailbox is read (from the profile's directory), for finding a time. */
  readingHours: z.string().nullable().default(null),
  /** A phone line instead of a mailbox (I-HOSP-OOH: the hospital switchboard); never sent mail. */
  phone: z.string().nullable().default(null),
  source: z.enum(["recommended", "chair"]),
  /** A Teams user (from an @mention) who may answer this invitation in Teams. */
  teamsUserId: z.string().nullable().default(null),
  removed: z.object({ at: ZInstant, by: z.string(), reason: z.string() }).nullable().default(null),
  response: ZResponse.nullable().default(null),
  /** Every answer this invitee gave before `response`, oldest first (issue 11: a changed answer keeps its content). */
  earlierResponses: z.array(ZResponse).default([]),
  /**
   * A notify-only invitee (action "notify"): when the notification (case and strat reference only) was handed
   * to the mail queue (`sent`), or found unsendable (`sent: false`: no mail configured, or no mailbox).
   */
  notified: z.object({ at: ZInstant, sent: z.boolean() }).nullable().default(null),
});
export type Invitee = z.infer<typeof ZInvitee>;

/**
 * The reason an invitee outside the council reads (its invitation card, its response page): never a child
 * reference or a school name (issue 11 point 12). An invitee stored before reasons had two sides gets a
 * plain sentence rather than the chair's reason, which may name them.
 */
export const outsideReason = (i: Invitee): string => i.publicReason ?? "Recommended by the local protocol";

export const ZAttendanceEntry = z.object({
  agency: z.string(),
  quorumRole: ZQuorumRole.nullable(),
  inviteeIds: z.array(z.string()).default([]),
  attended: z.boolean(),
  /** Required when an invited quorum agency did not attend. */
  nonAttendanceReason: z.string().nullable().default(null),
});
export const ZAttendance = z.object({
  recordedAt: ZInstant,
  by: z.string(),
  entries: z.array(ZAttendanceEntry),
  quorate: z.boolean(),
  missingRoles: z.array(ZQuorumRole),
  inquorateReason: z.string().nullable(),
  /** who is to be told and when it was decided; `sentAt`/`via` once the app has told them (escalate.inquorate). */
  escalation: z.object({
    to: z.string(), at: ZInstant,
    sentAt: ZInstant.nullable().default(null),
    via: z.enum(["mail", "teams"]).nullable().default(null),
    /** Why the app could not tell them (the chair must): set instead of `sentAt`. */
    notSent: z.string().nullable().default(null),
  }).nullable(),
});
export type Attendance = z.infer<typeof ZAttendance>;

export const S47 = ["initiate", "continue", "no"] as const;
/** R-REC: no-s47 outcomes include support through other agencies and Youth Justice (bristol-2024 §7); the first four stay valid for stored strats. */
export const NO_S47_OUTCOMES = ["s17-assessment", "early-help", "continue-plan", "no-further-action", "other-agencies", "youth-justice"] as const;
export const ZDecisions = z.object({
  s47: z.enum(S47),
  enquiry: z.enum(["joint", "single"]).nullable(),
  singleAgencyReason: z.string().nullable(),
  criminalInvestigation: z.string().nullable(),
  medical: z.string().nullable(),
  abeInterview: z.string().nullable(),
  childSeenAlone: z.string().nullable(),
  interpreter: z.string().nullable(),
  otherChildren: z.string().nullable(),
  sharedWithFamily: z.enum(["yes", "partly", "withheld"]),
  withheldReason: z.string().nullable(),
  legal: z.string().nullable(),
  icpc: z.enum(["yes", "no", "manager-decides"]).nullable(),
  lado: z.enum(["yes", "no", "not-applicable"]).nullable(),
  followUpStrat: z.string().nullable(),
  noS47Outcome: z.enum(NO_S47_OUTCOMES).nullable(),
  riskAnalysis: z.string().nullable(),
  contributions: z.array(z.object({ agency: z.string(), summary: z.string() })).default([]),
  recordedAt: ZInstant,
  by: z.string(),
});
export type Decisions = z.infer<typeof ZDecisions>;

export const ACTION_TERMS = ["immediate", "longer-term"] as const;
export type ActionTerm = (typeof ACTION_TERMS)[number];
export const ZAction = z.object({
  id: z.string(),
  owner: z.object({ name: z.string(), agency: z.string() }),
  /** The invitee who owns it (bristol-2024 4.8: actions owned by agencies), null when the chair typed a name. */
  ownerInviteeId: z.string().nullable().default(null),
  /** That invitee's Teams user id, when they are a Teams user: they may update it in Teams. */
  ownerTeamsUserId: z.string().nullable().default(null),
  what: z.string(),
  byWhen: ZInstant,
  purpose: z.string(),
  status: z.enum(["open", "done"]),
  /** Immediate or longer-term (R-ACT, bristol-2024 5.2); actions stored before it are immediate. */
  term: z.enum(ACTION_TERMS).default("immediate"),
  createdAt: ZInstant,
  createdBy: z.string(),
  /** Each update: who (the invitee id, Teams id or chair's id) and how it came (Teams card or the owner's link). */
  updates: z.array(z.object({
    at: ZInstant, by: z.string(), text: z.string(), status: z.enum(["open", "done"]), via: z.enum(["teams", "link"]).default("teams"),
  })).default([]),
});
export type Action = z.infer<typeof ZAction>;
export type ActionUpdateVia = Action["updates"][number]["via"];

export const DISSENT_STAGES = ["chair", "senior-managers"] as const;
export const ZDissent = z.object({
  id: z.string(),
  agency: z.string(),
  by: z.string(),
  byName: z.string().nullable(),
  decision: z.string(),
  reason: z.string(),
  at: ZInstant,
  stages: z.array(z.object({
    stage: z.enum(DISSENT_STAGES), at: ZInstant, outcome: z.string().nullable(), by: z.string().nullable(),
    /** When the outcome was recorded (the dashboard's open-dissent trend); null while open and on stages stored before it. */
    outcomeAt: ZInstant.nullable().default(null),
  })),
  acknowledged: z.object({ at: ZInstant, by: z.string() }).nullable(),
});
export type Dissent = z.infer<typeof ZDissent>;

export const ZStratState = z.object({
  invitees: z.array(ZInvitee).default([]),
  /** Instant the invitee list was based on (out-of-hours routing follows the meeting instant). */
  inviteesAt: ZInstant.nullable().default(null),
  meeting: z
    .object({
      start: ZInstant, end: ZInstant, joinUrl: z.string().nullable(), lateRationale: z.string().nullable(),
      /** When this time was set (booked or moved): less than 2 hours before the start is short notice, counted (figures.ts). */
      convenedAt: ZInstant.nullable().default(null),
    })
    .nullable()
    .default(null),
  attendance: ZAttendance.nullable().default(null),
  decisions: ZDecisions.nullable().default(null),
  plan: z.object({ text: z.string(), at: ZInstant, by: z.string() }).nullable().default(null),
  actions: z.array(ZAction).default([]),
  dissents: z.array(ZDissent).default([]),
  deputyIds: z.array(z.string()).default([]),
  /** I-C2C: the refs of the sibling strats opened with this one (one per child where a child is alleged to have harmed another). */
  linked: z.array(z.string()).default([]),
  /**
   * The chair's required seniority as computed when the strat opened (T-CX by profile; T-MHOS bromley-2023 Appendix 5:
   * missing more than 7 days → Head of Service). Null on strats stored before it was recorded.
   */
  chairSeniority: z
    .object({ required: z.string(), reasons: z.array(z.string()), rules: z.array(z.string()), at: ZInstant })
    .nullable()
    .default(null),
  /** When the chair last sent the invitations (Teams cards and response links), and how many went. */
  invitationsSent: z.object({ at: ZInstant, by: z.string(), teams: z.number().int(), mailboxes: z.number().int() }).nullable().default(null),
  /** The chair verified the record; by when it must reach everyone invited (T-REC, T-OOH), as computed at close. */
  closure: z.object({ verifiedAt: ZInstant, by: z.string(), recordDue: ZInstant.optional(), recordRule: z.string().optional() }).nullable().default(null),
  /** M-RAG, for missing children: the answers, the score and band, and the manager's comments. */
  missingRisk: z
    .object({ answers: z.record(z.string(), z.number()), score: z.number(), band: z.string(), outcome: z.string(), comments: z.string().nullable(), at: ZInstant, by: z.string() })
    .nullable()
    .default(null),
  /** After the chair verifies the record it is immutable: changes are addenda, each a new version with who and why. */
  /** R-REC: the record's fields the profile names beyond the decisions (reason, mode, …), by field id: value, when, by whom. */
  recordFields: z.record(z.string(), z.object({ value: z.string(), at: ZInstant, by: z.string() })).default({}),
  amendments: z.array(z.object({ at: ZInstant, by: z.string(), why: z.string(), section: z.string(), text: z.string().default("") })).default([]),
  seq: z.number().int().default(0),
});
export type StratState = z.infer<typeof ZStratState>;

/**
 * The typed state of a strat from its stored JSON (the repository calls this once per version it reads):
 * parsed in full and frozen, so nobody changes a strat in memory behind the store's back.
 */
export function parseStratState(raw: unknown): StratState {
  return freezeDeep(ZStratState.parse(raw ?? {}));
}

/** The state a new strat starts with (the team's configured deputy chairs). */
export type ChairSeniority = NonNullable<StratState["chairSeniority"]>;

export function initialState(input: { deputyIds?: readonly string[]; chairSeniority?: ChairSeniority | null } = {}): StratState {
  return ZStratState.parse({ deputyIds: [...(input.deputyIds ?? [])], chairSeniority: input.chairSeniority ?? null });
}

const bad = (field: string, message: string) => new AppError("invalid_input", message, field);
const nextId = (s: StratState, prefix: string): [string, StratState] => [`${prefix}${s.seq + 1}`, { ...s, seq: s.seq + 1 }];
const nonEmpty = (v: string | null | undefined) => v !== null && v !== undefined && v.trim() !== "";

/** A recommendation from the protocol engine, as stored (I-*: rule id and reason kept for the chair). */
export interface Recommendation {
  address: string | null; name: string; agency: string; role: string | null; rule: string; rules: string[]; reason: string; publicReason: string;
  quorumRole: "police" | "health" | "csc" | null; action: "invite" | "notify"; cc: boolean; generic: boolean; readingHours?: string | null; phone?: string | null;
}

/**
 * Replaces the recommended part of the list with a fresh recommendation (e.g. once the meeting time
 * is known, I-POL-OOH), keeping the chair's own additions, removals and every answer already given.
 */
export function applyRecommendations(s: StratState, recs: readonly Recommendation[], at: Date): StratState {
  let state = s;
  const byAddress = new Map(s.invitees.filter((i) => i.address).map((i) => [i.address!.toLowerCase(), i]));
  const kept = s.invitees.filter((i) => i.source === "chair" || i.removed || i.response);
  const out: Invitee[] = [...kept];
  for (const r of recs) {
    const key = r.address?.toLowerCase();
    const existing = key ? byAddress.get(key) : s.invitees.find((i) => !i.address && i.rule === r.rule && i.name === r.name);
    if (existing && out.includes(existing)) continue;
    let id = existing?.id;
    if (!id) [id, state] = nextId(state, "i");
    out.push(ZInvitee.parse({ ...r, address: key ?? null, id, source: "recommended", response: existing?.response ?? null, earlierResponses: existing?.earlierResponses ?? [] }));
  }
  return { ...state, invitees: out, inviteesAt: at.toISOString() };
}

/** An invitee the chair adds; a quorum role needs the chair's reason. */
export interface AddInviteeInput {
  address: string | null; name: string; agency: string; role?: string | null;
  quorumRole?: Invitee["quorumRole"]; quorumReason?: string | null; teamsUserId?: string | null;
}

/**
 * The chair adds an invitee. It fills a quorum role only when the chair gives it one, with a reason
 * (DOMAIN.md §4, Q-1: quorum is by the role of the invitation, not the organisation).
 */
export function addInvitee(s: StratState, input: AddInviteeInput): [Invitee, StratState] {
  const address = input.address?.trim().toLowerCase() ?? null;
  const quorumRole = input.quorumRole ?? null;
  if (quorumRole && !nonEmpty(input.quorumReason)) {
    throw bad("quorumReason", `Reason for the quorum role: say why ${input.name.trim() || "this invitee"} counts as ${quorumRole} for the quorum.`);
  }
  if (address && s.invitees.some((i) => i.address === address && !i.removed)) throw bad("address", `${address} is already invited.`);
  const [id, state] = nextId(s, "i");
  const inv = ZInvitee.parse({
    id, address, name: input.name, agency: input.agency, role: input.role ?? null, rule: null, rules: [],
    reason: "Added by the chair", publicReason: "Added by the chair", quorumRole, quorumReason: quorumRole ? input.quorumReason!.trim() : null,
    source: "chair", teamsUserId: input.teamsUserId ?? null,
  });
  const revived = state.invitees.filter((i) => !(address && i.address === address && i.removed));
  return [inv, { ...state, invitees: [...revived, inv] }];
}

/** Removing a police or health invitee needs a reason (Q-1: they are the quorum). */
export function removeInvitee(s: StratState, inviteeId: string, by: string, reason: string | null, at: Date): StratState {
  const inv = s.invitees.find((i) => i.id === inviteeId && !i.removed);
  if (!inv) throw bad("invitee", `No current invitee ${inviteeId}.`);
  if (inv.quorumRole && inv.quorumRole !== "csc" && !nonEmpty(reason)) {
    throw bad("reason", `${inv.agency} fills the ${inv.quorumRole} quorum role: give a reason to remove it, e.g. "remove ${inviteeId} because …".`);
  }
  return {
    ...s,
    invitees: s.invitees.map((i) => (i.id === inviteeId ? { ...i, removed: { at: at.toISOString(), by, reason: reason?.trim() || "removed by the chair" } } : i)),
  };
}

/** Who the chair's "send invitations" reaches: Teams users (a card each) and mailboxes (a response link each). */
export function invitationRecipients(s: StratState): { teams: Invitee[]; mailboxes: Invitee[]; noAddress: Invitee[] } {
  const current = s.invitees.filter((i) => !i.removed);
  return {
    teams: current.filter((i) => i.teamsUserId && i.action === "invite"),
    mailboxes: current.filter((i) => i.address && i.action === "invite"),
    noAddress: current.filter((i) => !i.address && !i.teamsUserId),
  };
}

/** The chair sent the invitations (I-*): when, by whom, and how many. */
export function invitationsSent(s: StratState, by: string, at: Date): StratState {
  const r = invitationRecipients(s);
  return { ...s, invitationsSent: { at: at.toISOString(), by, teams: r.teams.length, mailboxes: r.mailboxes.length } };
}

/**
 * One answer per invitee, whichever way it came; the latest wins (quorum, status). Every answer is kept:
 * the one it replaces, or an older one arriving late, goes to `earlierResponses` (oldest first), so a written
 * report, a decline reason or a delegate's details stay readable after the agency changes its answer.
 * The very same answer delivered again changes nothing; a calendar `none` is no answer and is never kept.
 */
export function recordResponse(s: StratState, inviteeId: string, response: InviteeResponse): StratState {
  const inv = s.invitees.find((i) => i.id === inviteeId);
  if (!inv || inv.removed) throw new AppError("forbidden", "This invitation is no longer open.", "invitation");
  if (response.kind === "declined" && !nonEmpty(response.reason)) throw bad("reason", "Give a reason for declining.");
  if (response.kind === "delegate" && (!nonEmpty(response.delegate?.name) || !nonEmpty(response.delegate?.role))) {
    throw bad("delegate", "Give the delegate's name and role.");
  }
  if (response.kind === "report" && !nonEmpty(response.report)) throw bad("report", "Paste the written report or a link to it.");
  const prev = inv.response;
  const earlier = inv.earlierResponses ?? [];
  if ([prev, ...earlier].some((r) => r && sameAnswer(r, response))) return s; // delivered again
  // A calendar "none" never overwrites a real answer: none means no answer yet, not declined.
  if (response.kind === "none" && prev) return s;
  const put = (next: Partial<Invitee>) => ({ ...s, invitees: s.invitees.map((i) => (i.id === inviteeId ? { ...i, ...next } : i)) });
  if (prev && Date.parse(prev.at) > Date.parse(response.at)) {
    // an older answer arriving late does not win, but it was given: kept among the earlier ones
    return put({ earlierResponses: [...earlier, response].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)) });
  }
  return put({ response, earlierResponses: prev && prev.kind !== "none" ? [...earlier, prev] : earlier });
}

export const sameAnswer = (a: InviteeResponse, b: InviteeResponse): boolean =>
  a.kind === b.kind && a.at === b.at && a.via === b.via && a.by === b.by && a.reason === b.reason && a.report === b.report
  && a.delegate?.name === b.delegate?.name && a.delegate?.role === b.delegate?.role;

/**
 * One attendee per agency unless the chair agrees (bristol-2024 4.7): another current invitee of the same
 * agency who has accepted or is sending a delegate, if any.
 */
export function otherAttendeeOfAgency(s: StratState, inviteeId: string): Invitee | undefined {
  const inv = s.invitees.find((i) => i.id === inviteeId);
  return inv
    ? s.invitees.find((i) => i.id !== inviteeId && !i.removed && i.agency === inv.agency && !!i.response && ["accepted", "delegate"].includes(i.response.kind))
    : undefined;
}

export interface AttendanceInput {
  entries: { agency: string; quorumRole: Invitee["quorumRole"]; inviteeIds: string[]; attended: boolean; nonAttendanceReason: string | null }[];
  quorum: { quorate: boolean; missing: ("police" | "health" | "csc")[] };
  inquorateReason: string | null;
  seniorManager: string | null;
}

/** inquorate → the reason for non-attendance is required and an escalation is recorded. */
export function recordAttendance(s: StratState, input: AttendanceInput, by: string, at: Date): StratState {
  if (!input.quorum.quorate) {
    if (!nonEmpty(input.inquorateReason)) {
      throw bad("inquorateReason", `Inquorate: ${input.quorum.missing.join(" and ")} did not attend. Record the reason for non-attendance; the senior manager should be told.`);
    }
  }
  return {
    ...s,
    attendance: {
      recordedAt: at.toISOString(),
      by,
      entries: input.entries.map((e) => ZAttendanceEntry.parse(e)),
      quorate: input.quorum.quorate,
      missingRoles: input.quorum.missing,
      inquorateReason: input.quorum.quorate ? null : input.inquorateReason!.trim(),
      escalation: input.quorum.quorate ? null : { to: input.seniorManager ?? SENIOR_MANAGER_NOT_CONFIGURED, at: at.toISOString(), sentAt: null, via: null, notSent: null },
    },
  };
}

/** the app told the senior manager of the inquorate attendance recorded at `recordedAt` (a later recording is its own escalation). */
export function escalationSent(s: StratState, recordedAt: string, via: "mail" | "teams", at: Date): StratState {
  const att = s.attendance;
  if (!att?.escalation || att.recordedAt !== recordedAt || att.escalation.sentAt) return s;
  return { ...s, attendance: { ...att, escalation: { ...att.escalation, sentAt: at.toISOString(), via, notSent: null } } };
}

/** the app could not tell the senior manager (`why`, in words for the chair): the chair must. */
export function escalationNotSent(s: StratState, recordedAt: string, why: string): StratState {
  const att = s.attendance;
  if (!att?.escalation || att.recordedAt !== recordedAt || att.escalation.sentAt) return s;
  return { ...s, attendance: { ...att, escalation: { ...att.escalation, notSent: why } } };
}

/** A notify-only invitee was notified (`sent`) or could not be (no mail configured): recorded once. */
export function inviteeNotified(s: StratState, inviteeId: string, sent: boolean, at: Date): StratState {
  return {
    ...s,
    invitees: s.invitees.map((i) => (i.id === inviteeId && !i.notified ? { ...i, notified: { at: at.toISOString(), sent } } : i)),
  };
}

export type DecisionsInput = Omit<Decisions, "recordedAt" | "by">;

/** What the profile lets a strat decide (T-ICPC: bristol-2024 2.5, an ICPC is not decided at the strat). */
export interface DecisionRules {
  icpcAtStrat: boolean;
}

/**
 * R-*: single enquiry needs its reason; withheld information needs its reason; no s47 needs an outcome.
 * T-ICPC: where the profile does not decide an ICPC at the strat, only "the manager decides after s47" is accepted.
 */
export function recordDecisions(s: StratState, d: DecisionsInput, by: string, at: Date, rules: DecisionRules = { icpcAtStrat: true }): StratState {
  if (!rules.icpcAtStrat && (d.icpc === "yes" || d.icpc === "no")) {
    throw bad("icpc", "Initial child protection conference: this protocol does not decide it at the strategy discussion; the manager decides after the section 47 enquiry. Choose “Manager decides after s47”.");
  }
  if (d.s47 !== "no" && !d.enquiry) throw bad("enquiry", "Say whether the enquiry is joint or single-agency.");
  if (d.enquiry === "single" && !nonEmpty(d.singleAgencyReason)) throw bad("singleAgencyReason", "Record why the enquiry is single-agency.");
  if (d.sharedWithFamily === "withheld" && !nonEmpty(d.withheldReason)) throw bad("withheldReason", "Record why information is withheld from the family.");
  if (d.s47 === "no" && !d.noS47Outcome) throw bad("noS47Outcome", "With no section 47 enquiry, choose the outcome (s17 assessment, early help, continue plan, no further action, support through other agencies, Youth Justice).");
  return { ...s, decisions: ZDecisions.parse({ ...d, recordedAt: at.toISOString(), by }) };
}

/** R-ISP: every strat ends with an interim safety plan. */
export function setPlan(s: StratState, text: string, by: string, at: Date): StratState {
  if (!nonEmpty(text) || text.trim().length < 10) throw bad("plan", "Write the interim safety plan (at least a sentence).");
  return { ...s, plan: { text: text.trim(), at: at.toISOString(), by } };
}

/**
 * R-ACT: who (person and agency), what, by when and purpose — all four required. The owner is one of the strat's
 * invitees (`ownerInviteeId`: their name and agency, and their Teams id if any) or a name and agency typed by the chair.
 */
export function addAction(
  s: StratState,
  input: { ownerName: string; agency: string; what: string; byWhen: Date; purpose: string; ownerInviteeId?: string | null; term?: ActionTerm },
  by: string,
  at: Date,
): [Action, StratState] {
  const owner = input.ownerInviteeId ? s.invitees.find((i) => i.id === input.ownerInviteeId && !i.removed) : null;
  if (input.ownerInviteeId && !owner) throw bad("ownerInviteeId", "The owner chosen is not (or no longer) invited to this strat: choose another or type a name and agency.");
  if (owner) input = { ...input, ownerName: owner.name, agency: owner.agency };
  const missing = (["ownerName", "agency", "what", "purpose"] as const).filter((k) => !nonEmpty(input[k]));
  if (missing.length) throw bad(missing[0]!, `An action needs who (person and agency), what, by when and purpose: ${missing.join(", ")} missing.`);
  if (Number.isNaN(input.byWhen.getTime())) throw bad("byWhen", "Give a date and time for 'by when'.");
  const [id, state] = nextId(s, "a");
  const action = ZAction.parse({
    id, owner: { name: input.ownerName.trim(), agency: input.agency.trim() }, ownerInviteeId: owner?.id ?? null, ownerTeamsUserId: owner?.teamsUserId ?? null,
    what: input.what.trim(), byWhen: input.byWhen.toISOString(),
    purpose: input.purpose.trim(), status: "open", term: input.term ?? "immediate", createdAt: at.toISOString(), createdBy: by, updates: [],
  });
  return [action, { ...state, actions: [...state.actions, action] }];
}

/** Who is updating an action: the chair (or a deputy), or someone known by their Teams ids and/or the invitee they are. */
export interface ActionUpdater { chair: boolean; teamsIds: readonly string[]; inviteeId: string | null }

/** bristol-2024 4.8: the action's owner (their invitee, or their Teams user) or the chair may update it; nobody else. */
export function mayUpdateAction(a: Action, who: ActionUpdater): boolean {
  return who.chair || (a.ownerInviteeId !== null && a.ownerInviteeId === who.inviteeId) ||
    (a.ownerTeamsUserId !== null && who.teamsIds.includes(a.ownerTeamsUserId));
}

/** R-ACT: an update (text required) or done; a done action takes no more (an action is open until done, once). */
export function updateAction(
  s: StratState, actionId: string, status: "open" | "done", text: string, by: string, at: Date, via: ActionUpdateVia = "teams",
): StratState {
  const a = s.actions.find((x) => x.id === actionId);
  if (!a) throw bad("action", `No action ${actionId}.`);
  if (a.status === "done") throw bad("action", `Action ${actionId} is already done.`);
  if (status === "open" && !nonEmpty(text)) throw bad("update", "Update: the box is empty. Write what has been done so far.");
  const update = { at: at.toISOString(), by, text: text.trim() || "done", status, via };
  return { ...s, actions: s.actions.map((x) => (x.id === actionId ? { ...x, status, updates: [...x.updates, update] } : x)) };
}

/** R-ACT: the chair moves an open action's by-when to a later instant (not in the past); its reminders follow (the caller's jobs). */
export function moveActionDue(s: StratState, actionId: string, byWhen: Date, now: Date): StratState {
  const a = s.actions.find((x) => x.id === actionId);
  if (!a) throw bad("action", `No action ${actionId}.`);
  if (a.status === "done") throw bad("action", `Action ${actionId} is already done.`);
  if (Number.isNaN(byWhen.getTime())) throw bad("byWhen", "By when: give a date and time.");
  if (byWhen.getTime() <= now.getTime()) throw bad("byWhen", "By when: that time is in the past. Give a later date and time. Nothing was saved.");
  return { ...s, actions: s.actions.map((x) => (x.id === actionId ? { ...x, byWhen: byWhen.toISOString() } : x)) };
}

/** R-DIS: an attending agency disputes a named decision with a reason; escalation starts with the chair. */
export function recordDissent(
  s: StratState,
  input: { agency: string; decision: string; reason: string; by: string; byName: string | null },
  at: Date,
): [Dissent, StratState] {
  if (!nonEmpty(input.decision)) throw bad("decision", "Name the decision you disagree with.");
  if (!nonEmpty(input.reason)) throw bad("reason", "Give the reason for the disagreement.");
  if (!nonEmpty(input.agency)) throw bad("agency", "Say which agency disagrees.");
  const [id, state] = nextId(s, "d");
  const d = ZDissent.parse({
    id, agency: input.agency.trim(), by: input.by, byName: input.byName, decision: input.decision.trim(), reason: input.reason.trim(),
    at: at.toISOString(), stages: [{ stage: "chair", at: at.toISOString(), outcome: null, by: null, outcomeAt: null }], acknowledged: null,
  });
  return [d, { ...state, dissents: [...state.dissents, d] }];
}

/** The chair answers the current stage; unresolved → escalate to senior managers (bromley/bedford/bristol §8). */
export function progressDissent(
  s: StratState,
  dissentId: string,
  step: { outcome: string; escalate: boolean },
  by: string,
  at: Date,
): StratState {
  const d = s.dissents.find((x) => x.id === dissentId);
  if (!d) throw bad("dissent", `No dissent ${dissentId}.`);
  if (!nonEmpty(step.outcome)) throw bad("outcome", "Record the outcome of this stage.");
  const stages = d.stages.map((st, i) => (i === d.stages.length - 1 ? { ...st, outcome: step.outcome.trim(), by, outcomeAt: at.toISOString() } : st));
  const current = d.stages[d.stages.length - 1]!;
  if (step.escalate && current.stage === "senior-managers") throw bad("escalate", "Already with senior managers; record their outcome.");
  const next = step.escalate ? [...stages, { stage: "senior-managers" as const, at: at.toISOString(), outcome: null, by: null, outcomeAt: null }] : stages;
  return {
    ...s,
    dissents: s.dissents.map((x) => (x.id === dissentId ? { ...x, stages: next, acknowledged: x.acknowledged ?? { at: at.toISOString(), by } } : x)),
  };
}

export type Meeting = NonNullable<StratState["meeting"]>;

/**
 * The chair sets the meeting (held or to be booked). After the due time it needs the rationale
 * (Bristol 3.2; DOMAIN.md T-*); it must end after it starts. A join link already known is kept when
 * the time is unchanged (the calendar sends the new one when it moves).
 */
export function setMeeting(
  s: StratState, m: { start: Date; end: Date; lateRationale: string | null }, due: { at: Date; rule: string }, now: Date | null = null,
): StratState {
  if (Number.isNaN(m.start.getTime())) throw bad("start", "Choose a proposed time, or a date and a start time.");
  if (m.end.getTime() <= m.start.getTime()) throw bad("end", "The meeting must end after it starts.");
  if (m.start.getTime() > due.at.getTime() && !nonEmpty(m.lateRationale)) {
    throw bad("lateRationale", `That is after the due time (${due.rule}): record the rationale for holding it late.`);
  }
  const start = m.start.toISOString();
  const end = m.end.toISOString();
  const joinUrl = s.meeting && s.meeting.start === start && s.meeting.end === end ? s.meeting.joinUrl : null;
  // The same start again (e.g. only the rationale changed) keeps when it was convened.
  const convenedAt = s.meeting && s.meeting.start === start ? s.meeting.convenedAt : (now?.toISOString() ?? null);
  return { ...s, meeting: { start, end, joinUrl, lateRationale: m.lateRationale?.trim() || null, convenedAt } };
}

/**
 * The calendar's answer is about an older time than the strat now has: the chair set a new time while the booking
 * (or an earlier move) was in flight. The strat's time is the chair's and stays; the move already queued with it
 * brings the calendar there.
 */
export function isStaleCalendarEcho(s: StratState, e: { start: Date; end: Date }): boolean {
  return s.meeting !== null && (s.meeting.start !== e.start.toISOString() || s.meeting.end !== e.end.toISOString());
}

/**
 * The calendar booked the meeting: the Teams join link (null if none was made), and its time as booked unless the
 * chair has set a newer one since the booking was asked for (isStaleCalendarEcho): then the chair's time stays and
 * the link, which the queued move keeps, is taken.
 */
export function meetingBooked(s: StratState, e: { start: Date; end: Date; joinUrl: string | null }): StratState {
  if (s.meeting && isStaleCalendarEcho(s, e)) return { ...s, meeting: { ...s.meeting, joinUrl: e.joinUrl } };
  return {
    ...s,
    meeting: {
      start: e.start.toISOString(), end: e.end.toISOString(), joinUrl: e.joinUrl, lateRationale: s.meeting?.lateRationale ?? null,
      convenedAt: s.meeting?.convenedAt ?? null,
    },
  };
}

/** The meeting moved in the calendar (e.g. the organiser moved it in Outlook): the new time, the same link. */
export function meetingMoved(s: StratState, e: { start: Date; end: Date }, now: Date | null = null): StratState {
  const start = e.start.toISOString();
  // A move to a new start is convened anew (when the calendar told us); the echo of our own move keeps it.
  const convenedAt = s.meeting && s.meeting.start === start ? s.meeting.convenedAt : (now?.toISOString() ?? s.meeting?.convenedAt ?? null);
  return {
    ...s,
    meeting: { start, end: e.end.toISOString(), joinUrl: s.meeting?.joinUrl ?? null, lateRationale: s.meeting?.lateRationale ?? null, convenedAt },
  };
}

/** The meeting was cancelled in the calendar: no meeting (the chair schedules again). */
export function meetingCancelled(s: StratState): StratState {
  return s.meeting === null ? s : { ...s, meeting: null };
}

/** M-RAG: the engine's score of the missing-child risk tool, kept with the answers and the manager's comments. */
export function recordMissingRisk(
  s: StratState,
  input: { answers: Record<string, number>; score: number; band: string; outcome: string; comments: string | null },
  by: string,
  at: Date,
): StratState {
  return {
    ...s,
    missingRisk: { answers: { ...input.answers }, score: input.score, band: input.band, outcome: input.outcome, comments: input.comments?.trim() || null, at: at.toISOString(), by },
  };
}

/**
 * The chair verifies the record (close): from now on it changes only by amendment. Refused while the checklist
 * is not empty. `record`: by when the record must reach everyone invited (T-REC), kept so every card can say it.
 */
export function verifyRecord(
  s: StratState, due: Date, by: string, at: Date, record?: { due: Date; rule: string }, rules: RecordRules = NO_RECORD_RULES,
): StratState {
  const missing = closeChecklist(s, due, rules);
  if (missing.length) throw bad("close", `Not ready to close:\n- ${missing.join("\n- ")}`);
  const closure = { verifiedAt: at.toISOString(), by };
  return { ...s, closure: record ? { ...closure, recordDue: record.due.toISOString(), recordRule: record.rule } : closure };
}

/** What stops a close (issue 5 point 8), in words a chair can act on. Empty = ready to close. */
export function closeChecklist(s: StratState, due: Date, record: RecordRules = NO_RECORD_RULES): string[] {
  const missing: string[] = [];
  if (!s.attendance) missing.push("Attendance is not recorded (type attendance).");
  else if (!s.attendance.quorate && (!nonEmpty(s.attendance.inquorateReason) || !s.attendance.escalation)) {
    missing.push("Inquorate without a recorded reason for non-attendance.");
  }
  if (!s.decisions) missing.push("The section 47 decision is not recorded (type decide).");
  // R-RISK: the analysis of risk is required to close in every profile.
  else if (!nonEmpty(s.decisions.riskAnalysis)) missing.push("The analysis of risk is not recorded (type decide).");
  if (!s.plan) missing.push("The interim safety plan is not recorded (type plan).");
  for (const f of missingRecordFields(s, record)) missing.push(`${f.label} is not recorded (type record).`);
  for (const a of s.actions) {
    if (![a.owner.name, a.owner.agency, a.what, a.byWhen, a.purpose].every(nonEmpty)) missing.push(`Action ${a.id} lacks who, what, by when or purpose.`);
  }
  for (const d of s.dissents) if (!d.acknowledged) missing.push(`Dissent ${d.id} from ${d.agency} is not acknowledged by the chair.`);
  if (s.meeting && Date.parse(s.meeting.start) > due.getTime() && !nonEmpty(s.meeting.lateRationale)) {
    missing.push("The meeting was held after the due time: record the rationale (type schedule).");
  }
  return missing;
}

/** A record field as the profile defines it (R-REC; profile-schema.ts RecordField satisfies it). */
export interface RecordFieldRule {
  readonly id: string;
  readonly label: string;
  readonly section: string;
  readonly kind: "text" | "choice" | "yesno" | "date";
  readonly options?: readonly { value: string; title: string }[];
  readonly requiredToClose: boolean;
  readonly when: "always" | "complex" | "missing" | "noS47" | "notAllTogether";
  readonly help?: string;
}
/** The record fields a strat's profile asks, and whether its concerns are complex or missing (a `when: complex` / `when: missing` field applies). */
export interface RecordRules {
  readonly fields: readonly RecordFieldRule[];
  readonly complex: boolean;
  readonly missing: boolean;
}
export const NO_RECORD_RULES: RecordRules = { fields: [], complex: false, missing: false };

/** Whether the strat is offered a field at all: complex-only and missing-only fields only for those concerns (R-REC). */
export const recordFieldOffered = (f: RecordFieldRule, rules: RecordRules): boolean =>
  (f.when !== "complex" || rules.complex) && (f.when !== "missing" || rules.missing);

/** Mode values held all together (R-REC: separate calls need the rationale, bristol-2024 3.1). */
const ALL_TOGETHER = ["teams", "in-person"];

/** Whether a field applies to this strat, given the record values (saved, or as entered) and the decisions. */
export function recordFieldApplies(f: RecordFieldRule, rules: RecordRules, s: StratState, values: Readonly<Record<string, string>>): boolean {
  switch (f.when) {
    case "always": return true;
    case "complex": return rules.complex;
    case "missing": return rules.missing;
    case "noS47": return s.decisions?.s47 === "no";
    case "notAllTogether": return nonEmpty(values.mode) && !ALL_TOGETHER.includes(values.mode!);
  }
}

const savedValues = (s: StratState): Record<string, string> => Object.fromEntries(Object.entries(s.recordFields).map(([k, v]) => [k, v.value]));

/** R-REC: the fields the profile requires to close that apply to this strat and are empty. */
export function missingRecordFields(s: StratState, rules: RecordRules): RecordFieldRule[] {
  const values = savedValues(s);
  return rules.fields.filter((f) => f.requiredToClose && recordFieldApplies(f, rules, s, values) && !nonEmpty(values[f.id]));
}

const YES_NO = ["yes", "no"];
const MAX_RECORD_TEXT = 4000;

/**
 * R-REC: the chair saves one section of the record. Each value is checked against the profile's definition (unknown
 * field, a choice not offered, a bad date, too long) and a field the profile requires to close that applies is required
 * here too; the first problem is thrown naming the field, and nothing is saved. An empty value clears the field.
 */
export function setRecordFields(
  s: StratState, rules: RecordRules, section: string, input: Readonly<Record<string, string>>, by: string, at: Date,
): StratState {
  const fields = rules.fields.filter((f) => f.section === section && recordFieldOffered(f, rules));
  if (!fields.length) throw bad("section", "Choose a section of the record this protocol asks.");
  const unknown = Object.keys(input).find((k) => !fields.some((f) => f.id === k));
  if (unknown) throw bad(unknown, "This field is not in this section of the record.");
  const entered = Object.fromEntries(fields.map((f) => [f.id, (input[f.id] ?? "").trim()]));
  const values = { ...savedValues(s), ...entered };
  for (const f of fields) {
    const v = entered[f.id]!;
    if (!v) {
      if (f.requiredToClose && recordFieldApplies(f, rules, s, values)) throw bad(f.id, `${f.label}: this protocol requires it; fill it in.`);
      continue;
    }
    const allowed = f.kind === "choice" ? (f.options ?? []).map((o) => o.value) : f.kind === "yesno" ? YES_NO : null;
    if (allowed && !allowed.includes(v)) throw bad(f.id, `${f.label}: choose one of the options.`);
    if (f.kind === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw bad(f.id, `${f.label}: give a date.`);
    if (v.length > MAX_RECORD_TEXT) throw bad(f.id, `${f.label}: at most ${MAX_RECORD_TEXT} characters.`);
  }
  const kept = Object.fromEntries(Object.entries(s.recordFields).filter(([k]) => !(k in entered)));
  const set = Object.fromEntries(fields.filter((f) => entered[f.id]).map((f) => [f.id, { value: entered[f.id]!, at: at.toISOString(), by }]));
  return { ...s, recordFields: { ...kept, ...set } };
}

export const AMENDABLE_SECTIONS = ["attendance", "decisions", "plan", "actions", "dissent", "other"] as const;

/** An addendum to a verified record: the original stays as it was; the amendment says what changes and why. */
export function amendRecord(s: StratState, input: { section: string; text: string; why: string }, by: string, at: Date): StratState {
  if (!s.closure) throw bad("status", "Only a verified (closed) record is amended; an open strat is changed directly.");
  if (!(AMENDABLE_SECTIONS as readonly string[]).includes(input.section)) throw bad("section", "Choose the part of the record the amendment is about.");
  if (!nonEmpty(input.text)) throw bad("text", "Write what changes.");
  if (!nonEmpty(input.why)) throw bad("why", "Say why the verified record is amended.");
  return { ...s, amendments: [...s.amendments, { at: at.toISOString(), by, why: input.why.trim(), section: input.section, text: input.text.trim() }] };
}

/**
 * The record in words, section by section (DOMAIN.md §5, R-*): the one reading of a StratRecord that every human
 * rendering shows (the PDF, the chair's preview card, later the channel card), so they never disagree. Times are
 * London times; a section with nothing recorded says so rather than disappearing.
 */
import { isSignOffOutcome, SIGN_OFF_OUTCOMES } from "../missing/risk-versions.js";
import { showLondon } from "../time/london.js";
import { followUpStratAt } from "../strat/follow-ons.js";

/** The follow-up strat as set at the meeting: its London date and time, or the text recorded before the date input. */
const followUpWords = (stored: string | null): string => {
  const at = followUpStratAt(stored);
  return at ? showLondon(at) : stored || "none";
};
import type { StratRecord } from "./record.js";

export interface RecordSection {
  /** Stable id (card element ids, counts in the short card). */
  id: string;
  title: string;
  /** Paragraphs. */
  lines: string[];
  /** List entries (attendance, actions…): one per invitee, action, dissent… */
  items: string[];
}

const MODE_WORDS: Record<NonNullable<StratRecord["meeting"]>["mode"], string> = {
  teams: "in Teams", "in-person": "in person", "separate-calls": "by separate calls with each agency", "not-recorded": "how it was held is not recorded",
};

const yesNo = (b: boolean) => (b ? "yes" : "no");
const or = (v: string | null, none = "not recorded") => v?.trim() || none;

const S47_WORDS: Record<NonNullable<StratRecord["decisions"]>["s47"], string> = {
  initiate: "initiate a section 47 enquiry", continue: "continue the section 47 enquiry", no: "no section 47 enquiry",
};
const RESPONSE_WORDS: Record<NonNullable<StratRecord["invited"][number]["response"]>["kind"], string> = {
  accepted: "accepted", declined: "declined", tentative: "tentative", delegate: "sending a delegate", report: "sending a written report", none: "no answer",
};

function invitee(i: StratRecord["invited"][number]): string {
  const who = `${i.name}, ${i.agency}${i.role ? ` (${i.role})` : ""}${i.quorumRole ? `, quorum: ${i.quorumRole}` : ""}`;
  if (i.removed) return `${who}: removed ${showLondon(i.removed.at)}, ${i.removed.reason}`;
  const r = i.response;
  if (!r) return `${who}: ${i.action === "notify" ? "notified" : "no answer"}`;
  const extra = [
    r.reason && `reason: ${r.reason}`, r.delegate && `delegate: ${r.delegate.name} (${r.delegate.role})`, r.report && `report: ${r.report}`,
  ].filter(Boolean).join("; ");
  return `${who}: ${RESPONSE_WORDS[r.kind]}${extra ? ` (${extra})` : ""}`;
}

function decisionLines(d: NonNullable<StratRecord["decisions"]>): string[] {
  const enquiry = d.enquiry === "single" ? `single-agency (why: ${or(d.singleAgencyReason)})` : d.enquiry ?? "not applicable";
  const shared = d.sharedWithFamily === "withheld" ? `withheld (why: ${or(d.withheldReason)})` : d.sharedWithFamily;
  return [
    `Section 47: ${S47_WORDS[d.s47]}; enquiry: ${enquiry}.`,
    ...(d.noS47Outcome ? [`Outcome without section 47: ${d.noS47Outcome.replace(/-/g, " ")}.`] : []),
    `Criminal investigation: ${or(d.criminalInvestigation)}.`, `Medical assessment: ${or(d.medical)}.`, `ABE interview: ${or(d.abeInterview)}.`,
    `Child seen alone: ${or(d.childSeenAlone)}.`, `Interpreter: ${or(d.interpreter)}.`, `Other children: ${or(d.otherChildren)}.`,
    `Shared with the family: ${shared}.`, `Legal advice or action: ${or(d.legal)}.`,
    `Initial child protection conference: ${d.icpc ? d.icpc.replace(/-/g, " ") : "not decided here"}.`, `LADO: ${d.lado?.replace(/-/g, " ") ?? "not recorded"}.`,
    `Follow-up strategy discussion: ${followUpWords(d.followUpStrat)}.`, `Recorded ${showLondon(d.recordedAt)}.`,
  ];
}

/** An action in one line: id, who (agency), what, by when, purpose, status and its latest update. */
export function actionLine(a: StratRecord["actions"][number]): string {
  const last = a.updates.at(-1);
  return `${a.id}: ${a.owner} (${a.agency}) will ${a.what}; by ${showLondon(a.byWhen)}; purpose: ${a.purpose}; ${a.status}` +
    (last ? `; last update ${showLondon(last.at)}: ${last.text}` : "");
}

/** The record's sections, in the order of the protocol's record (R-*). */
export function recordSections(r: StratRecord): RecordSection[] {
  const q = r.quorum;
  const sections: RecordSection[] = [
    {
      id: "summary", title: "Summary", items: [],
      lines: [
        `Case ${r.caseRef}, strategy discussion ${r.stratRef}, protocol ${r.profile.title}. Record version ${r.version}.`,
        `Reason: ${r.reason.concerns.map((c) => c.replace(/-/g, " ")).join(", ")}. Referral received ${showLondon(r.reason.receivedAt)}; due ${showLondon(r.reason.due)} (${r.reason.dueRule}).`,
        r.meeting
          ? `Meeting ${showLondon(r.meeting.start)} to ${showLondon(r.meeting.end)}, ${MODE_WORDS[r.meeting.mode]}` +
            (r.meeting.lateRationale ? `; held late because: ${r.meeting.lateRationale}.` : ".")
          : "No meeting recorded.",
        r.verifiedAt ? `Verified by the chair ${showLondon(r.verifiedAt)}.` : "Not yet verified by the chair.",
        r.recordDue ? `Record to reach everyone invited by ${showLondon(r.recordDue.at)} (${r.recordDue.rule}).` : "Record deadline set at verification.",
      ],
    },
    {
      id: "children", title: "Children (references)", lines: r.unborn ? ["Includes an unborn baby."] : [],
      items: r.children.map((c) => `${c.ref}${c.lookedAfter ? ", looked after" : ""}${c.cpPlan ? ", on a child protection plan" : ""}`),
    },
    { id: "invited", title: "Invited", lines: r.invited.length ? [] : ["Nobody invited."], items: r.invited.map(invitee) },
    {
      id: "attendance", title: "Attendance and quorum",
      lines: q
        ? [`Quorate: ${yesNo(q.quorate)}.` + (q.quorate ? "" : ` Missing: ${q.missingRoles.join(", ")}. Reason: ${or(q.inquorateReason)}. Escalated to ${or(q.escalatedTo)}.`)]
        : ["Attendance not recorded."],
      items: r.attended.map((a) => `${a.agency}${a.quorumRole ? ` (${a.quorumRole})` : ""}: ${a.attended ? "attended" : `did not attend, ${or(a.nonAttendanceReason, "no reason given")}`}`),
    },
    { id: "contributions", title: "Agency contributions", lines: r.contributions.length ? [] : ["None recorded."], items: r.contributions.map((c) => `${c.agency}: ${c.summary}`) },
    { id: "risk", title: "Analysis of risk", lines: [or(r.riskAnalysis)], items: [] },
    { id: "decisions", title: "Decisions", lines: r.decisions ? decisionLines(r.decisions) : ["Not recorded."], items: [] },
    { id: "plan", title: "Interim safety plan", lines: [r.interimSafetyPlan ? r.interimSafetyPlan.text : "Not recorded."], items: [] },
    { id: "actions", title: "Actions", lines: r.actions.length ? [] : ["No actions."], items: r.actions.map(actionLine) },
    {
      id: "dissent", title: "Dissent", lines: r.dissent.length ? [] : ["None."],
      items: r.dissent.map((d) => `${d.agency} disputes "${d.decision}": ${d.reason}. ` +
        d.stages.map((st) => `${st.stage === "chair" ? "Chair" : "Senior managers"} from ${showLondon(st.at)}: ${or(st.outcome, "open")}`).join("; ")),
    },
  ];
  if (r.missingRiskByChild.length) {
    // M-RAG: the episode's risk versions per child (the team manager's sign-off), not a strat-level score.
    sections.push({
      id: "missing", title: "Missing child risk assessment", lines: [],
      items: r.missingRiskByChild.map((c) => {
        const of = `${c.versions} version${c.versions === 1 ? "" : "s"}`;
        const v = c.signedOff;
        if (!v) return `Child ${c.childRef}: ${c.versions ? `none of ${of} signed off yet` : "not scored"}.`;
        return `Child ${c.childRef}: version ${v.version} of ${c.versions} signed off by ${v.by} on ${showLondon(v.at)}: score ${v.score}, ${v.band}; outcome: ${isSignOffOutcome(v.outcome) ? SIGN_OFF_OUTCOMES[v.outcome] : v.outcome}.`;
      }),
    });
  }
  // The profile's own record fields (R-REC), one section per part of the protocol's record, in the profile's order.
  const bySection = new Map<string, StratRecord["profileFields"]>();
  for (const f of r.profileFields) bySection.set(f.section, [...(bySection.get(f.section) ?? []), f]);
  for (const [section, fields] of bySection) {
    sections.push({ id: `profile-${section}`, title: fields[0]!.sectionTitle, lines: [], items: fields.map((f) => `${f.label}: ${f.value}`) });
  }
  sections.push({
    id: "amendments", title: "Amendments (versions)", lines: r.amendments.length ? [] : ["None: this is the verified record."],
    items: r.amendments.map((a) => `Version ${a.version}, ${showLondon(a.at)}, ${a.section}: ${a.text} (why: ${a.why})`),
  });
  return sections;
}

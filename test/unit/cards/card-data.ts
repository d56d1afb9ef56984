import type { CardName } from "../../../bot/cards/render-card.js";

/**
 * Representative data for each card template (bot/cards/*.json), by hand: what the bot's views hand the
 * renderer for a strat part-way through (one item in each list, an error or notice where the card has one).
 */
const head = { stratId: "8f0c2c4e-0000-4000-8000-000000000001", ref: "SD-2026-0042", caseRef: "LCS-204411", version: "7" };

export const CARD_DATA: Record<CardName, Record<string, unknown>> = {
  help: { commands: [{ name: "new", summary: "Open a strategy discussion", example: "new", status: "" }, { name: "close", summary: "Verify and close", example: "close SD-2026-0042", status: "chair only" }] },
  status: {
    count: 1,
    strats: [{ ref: head.ref, caseRef: head.caseRef, concerns: "Significant harm (standard)", due: "Thu 26 Nov 2026, 17:00", dueRule: "T-STD", countdown: "due in 2 d 6 h", color: "Default", linked: " · linked SD-2026-0043" }],
  },
  "record-index": {
    ...head, notice: "Reason for the strategy discussion: saved.", profileTitle: "Bedford Borough practice guide for strategy meetings",
    sections: [
      { id: "reason", title: "Reason for the strategy discussion", marker: "Done", color: "Good" },
      { id: "mode", title: "How the discussion is held", marker: "Missing (required to close): How the discussion is held", color: "Attention" },
    ],
  },
  "record-section": {
    ...head, section: "mode", sectionTitle: "How the discussion is held", formError: "Please correct the field marked below. Nothing was saved.",
    fields: [
      { id: "mode", kind: "choice", label: "How the discussion is held (required to close)", value: "separate-calls", help: "", error: "",
        options: [{ title: "Teams meeting", value: "teams" }, { title: "Separate calls with each agency", value: "separate-calls" }] },
      { id: "modeRationale", kind: "text", label: "Why not all together", value: "", options: [], help: "", error: "Why not all together: this protocol requires it; fill it in." },
      { id: "inPersonConsidered", kind: "yesno", label: "Was meeting in person considered?", value: "no", help: "For complex concerns", error: "",
        options: [{ title: "Yes", value: "yes" }, { title: "No", value: "no" }] },
      { id: "followUpBy", kind: "date", label: "Date", value: "2026-11-30", options: [], help: "", error: "" },
    ],
  },
  "pick-strat": {
    command: "invitees", count: "2", example: "invitees SD-2026-0042", more: "",
    strats: [{ title: "SD-2026-0042 · case LCS-204411", due: "Thu 26 Nov 2026, 17:00", text: "invitees SD-2026-0042" }, { title: "SD-2026-0043 · case LCS-204412", due: "Fri 27 Nov 2026, 17:00", text: "invitees SD-2026-0043" }],
  },
  "record-preview": {
    ref: head.ref, caseRef: head.caseRef, state: "Not yet verified: check it before you verify the record and close.", note: "", hash: "ab".repeat(32),
    sections: [{ id: "record-actions", title: "Actions", heading: "Actions (1)", open: true, lines: [], items: ["a1: PC Lee (Police) will visit the school; by Fri 27 Nov 2026, 12:00"] }],
  },
  "record-channel": {
    marker: `record-post-${head.ref}-v1`, title: `Verified record · ${head.ref} · case ${head.caseRef}`, state: "Verified Mon 23 Nov 2026, 13:00 · version 1", change: "", note: "",
    distribution: "Sent to 11 of 12; 1 failed (Police); complete at 14:05", pdf: "SD-2026-0042-record-v1.pdf", hash: "ab".repeat(32),
    sections: [{ heading: "Actions (1)", lines: [], items: ["a1: PC Lee (Police) will visit the school; by Fri 27 Nov 2026, 12:00"] }],
  },
  mine: {
    count: 1,
    actions: [{ id: "a1", ref: head.ref, stratId: head.stratId, who: "PC Lee (Police)", what: "Visit the school", by: "Fri 27 Nov 2026, 12:00", state: "open", color: "Default", latest: "Called the DSL (PC Lee, via their link)" }],
    followOnCount: 1,
    followOnNote: "Follow-on deadlines of the strategy discussions you chair (a closed one's until 7 days past due).",
    followOns: [{ ref: head.ref, caseRef: "LCS-204411", what: "Referral to the Quality Improvement Service", by: "Tue 24 Nov 2026, 10:30", rule: "initial child protection conference", state: "OVERDUE", color: "Attention" }],
  },
  "new-strat": {
    requestId: "5b8f3c1e-2f0a-4c1e-9d3b-7a1e2f3c4d5e", caseRef: "LCS-204411", profile: "bromley-2023", concerns: "standard", household: "", receivedDate: "2026-11-23",
    receivedTime: "10:00", missingDate: "", missingTime: "", missingConcerns: "false", referrerName: "", referrerEmail: "", knownName: "", knownEmail: "", knownService: "",
    childOnChild: "yes", harmedChair: "Alex Worker", harmerChair: "Bo Worker",
    reference: { rule: "use the case system's reference (letters, digits, - or /, up to 20), never a name or date of birth", regex: "^(?:[A-Za-z0-9/-]{1,20})$", maxLength: 20 },
    formError: "Check the fields marked below. Nothing was saved.",
    errors: { caseRef: "Case reference: letters, digits and dashes only.", concerns: "", missing: "", professionals: "", profile: "", receivedAt: "", childRoles: "", harmedChair: "", harmerChair: "" },
    profiles: [{ title: "Bromley (2023)", value: "bromley-2023" }, { title: "Bedford", value: "bedford" }],
    concernChoices: [{ title: "Significant harm (standard)", value: "standard" }, { title: "Missing child", value: "missing" }],
    children: [{ n: 1, ref: "C1", dob: "2019-05-02", flags: "", school: "", schoolBorough: "", schoolDsl: "", role: "harmed", error: "" }],
  },
  "strat-opened": {
    ...head, profile: "bromley-2023", concerns: "Significant harm (standard)", children: "C1 (6)", receivedAt: "Mon 23 Nov 2026, 10:00", due: "Thu 26 Nov 2026, 17:00",
    dueRule: "T-STD", dueWords: "standard timescale", target: "Tue 24 Nov 2026, 10:00 (local target)", countdown: "due in 3 d 6 h", chair: "Sam Chair", chairSeniority: "CSC Head of Service (the child has been missing for more than 7 days)", note: "", linked: "SD-2026-0043",
    applied: [{ rule: "T-STD", words: "standard timescale", due: "Thu 26 Nov 2026, 17:00", winner: "✓" }, { rule: "T-TGT", words: "local target", due: "Tue 24 Nov 2026, 10:00", winner: "" }],
    rules: "T-STD, T-TGT",
  },
  "strat-status": {
    ...head, linked: "SD-2026-0043", state: "open", due: "Thu 26 Nov 2026, 17:00", dueRule: "standard timescale", rules: "T-STD, T-TGT, Q-1", countdown: "due in 2 d", target: "Tue 24 Nov 2026, 10:00", meeting: "Tue 24 Nov 2026, 10:00",
    quorum: "not yet: no acceptance from health", chairSeniority: "Head of Service (Complex or organised abuse, fabricated or induced illness)",
    agencies: [{ agency: "Police Single Front Door", answers: "accepted · via link" }],
    actions: [{ id: "a1", who: "PC Lee (Police)", what: "Visit the school", by: "Fri 27 Nov 2026, 12:00", status: "open", color: "Default", latest: "Called the DSL" }],
    dissents: [{ id: "d1", agency: "Police", decision: "Single-agency medical", stage: "chair" }],
    counted: ["Short notice: counted (the meeting was set 1 h 15 min before it starts; allowed, but it must not become routine)."],
    missing: ["The interim safety plan is not recorded (type plan)."],
    failed: [{ what: "Booking the Teams meeting", why: "Microsoft 365 refused permission (ErrorAccessDenied); tried 1 time", at: "Mon 23 Nov 2026, 10:31", id: "0a1b2c3d" }],
  },
  invitees: {
    ...head, profile: "bromley-2023", at: "Mon 23 Nov 2026, 10:30", notice: "Added i5.", noticeColor: "Good",
    errors: { add: "", quorumReason: "", remove: "Police fills the police quorum role: give a reason." },
    form: { addEmail: "", addName: "", addAgency: "", addQuorumRole: "none", addQuorumReason: "", removeId: "i1", removeReason: "" },
    invitees: [{ id: "i1", name: "Police Single Front Door", agency: "Metropolitan Police", address: "police@met.example", rule: "I-POL", reason: "Police must attend (Q-1)", quorum: "police", answer: "accepted · via link", earlier: "declined (No cover today) · via link · Mon 23 Nov 2026, 10:40", link: "https://strat.example/respond/abc.def" }],
    removed: [{ id: "i4", name: "School nurse", agency: "Health", why: "Not involved" }],
    current: [{ id: "i1", name: "Police Single Front Door", agency: "Metropolitan Police" }],
  },
  invitation: {
    stratId: head.stratId, inviteeId: "i1", inviteeName: "Police Single Front Door", agency: "Metropolitan Police", caseRef: head.caseRef, ref: head.ref,
    issues: "Significant harm (standard)", when: "to be arranged", due: "Thu 26 Nov 2026, 17:00 (standard timescale)", why: "Police must attend: they make the quorum",
    rules: "I-POL, T-STD", join: "[Join the Teams meeting](https://teams.example/l/meetup-join/abc)", answered: "", earlier: "sending a written report: \"CAIT log attached\" · via link · Mon 23 Nov 2026, 10:40", error: "Give a reason for declining. Nothing was saved.", open: true,
  },
  attendance: {
    ...head, notice: "Pre-filled from the answers.", formError: "", quorumNote: "As ticked, the meeting is inquorate: no health.", quorumColor: "Attention",
    invitees: [{ id: "i1", label: "Metropolitan Police — Police Single Front Door (police)" }, { id: "i2", label: "Bromley Healthcare — BHC (health)" }],
    attended: "i1", inquorateReason: "", seniorManager: "Head of Service", errors: { inquorateReason: "Inquorate: health did not attend." },
  },
  decisions: {
    ...head, formError: "", icpcLabel: "Initial child protection conference",
    icpcInstead: "Not decided at the strategy discussion (not the forum): the manager decides after the section 47 enquiry (bristol-2024 2.5)",
    icpcChoices: [{ title: "Manager decides after s47", value: "manager-decides" }],
    errors: { enquiry: "", singleAgencyReason: "Record why the enquiry is single-agency.", withheldReason: "", icpc: "Initial child protection conference: choose “Manager decides after s47”.", noS47Outcome: "" },
    v: {
      s47: "initiate", enquiry: "single", singleAgencyReason: "", criminalInvestigation: "", medical: "", abeInterview: "", childSeenAlone: "", interpreter: "",
      otherChildren: "", sharedWithFamily: "yes", withheldReason: "", legal: "", icpc: "manager-decides", lado: "not-applicable", followUpStrat: "", followUpStratTime: "", followUpText: "in two weeks", noS47Outcome: "", riskAnalysis: "",
      contributions: "Police: known to police",
    },
  },
  plan: { ...head, plan: "Child to stay with maternal grandmother.", saved: "Interim safety plan saved.", error: "" },
  action: {
    ...head, requestId: "6c1e2f3a-0000-4000-8000-000000000002", formError: "Give the date and time it is due by. Nothing was saved.",
    v: { ownerName: "PC Lee", agency: "Police", what: "Visit the school", byDate: "2026-11-27", byTime: "12:00", purpose: "Speak to the DSL", term: "immediate" },
  },
  "action-owner": {
    ...head, id: "a1", who: "PC Lee (Police)", what: "Visit the school", by: "Fri 27 Nov 2026, 12:00", term: "Immediate", purpose: "Speak to the DSL", status: "open", note: "Action a1 added.",
    noteColor: "Good", open: true, updates: [{ at: "Wed 25 Nov 2026, 09:00", text: "Called the school" }],
  },
  dissent: {
    ...head, requestId: "7d1e2f3a-0000-4000-8000-000000000003", formError: "", isChair: true, v: { agency: "", decision: "", reason: "", dissentId: "d1", outcome: "Discussed, not agreed" },
    dissents: [{ id: "d1", agency: "Police", decision: "Single-agency medical", reason: "Want a joint medical", stages: [{ stage: "Chair", at: "Tue 24 Nov 2026, 11:05", outcome: "Discussed, not agreed" }] }],
    openDissents: [{ id: "d1", agency: "Police" }],
  },
  close: {
    ...head, closed: true, headline: "SD-2026-0042 is closed: the record is verified.", headlineColor: "Good", missing: [], recordNote: "The record is due to everyone invited by Wed 25 Nov 2026, 11:00. This app is sending it by email to each invitee with a mailbox (type status SD-2026-0042 to see who has it); send it yourself to anyone without one. (Protocol rule T-REC.)",
    amendError: "", amendments: [{ at: "Wed 25 Nov 2026, 09:00", section: "plan", text: "Placed with aunt", why: "Change of circumstances" }],
  },
  schedule: {
    ...head, due: "Thu 26 Nov 2026, 17:00", dueRule: "T-STD", slotNote: "The earliest slot that suits everyone is Tue 24 Nov, 10:00.", formError: "", books: true,
    slots: [{ title: "Tue 24 Nov, 10:00", value: "2026-11-24T10:00:00.000Z" }],
    v: { slot: "2026-11-24T10:00:00.000Z", date: "2026-11-24", time: "10:00", minutes: 60, lateRationale: "" }, errors: { lateRationale: "" },
  },
  "missing-episode": {
    stratId: head.stratId, ref: head.ref, caseRef: head.caseRef, childRef: "C1", episodeId: "0b6f7f4e-0000-4000-8000-000000000009", episodeVersion: "3",
    days: "Missing for 3 days", daysColor: "Attention", notice: "The return was saved.", error: "", canReturn: false, canInterview: true,
    facts: [{ title: "Reported missing", value: "Fri 20 Nov 2026, 17:30 by Sam Chair" }, { title: "Return home interview", value: "due by Mon 30 Nov 2026, 09:00 (T-RHI)" }],
    form: { returnedDate: "", returnedTime: "", returnedWhere: "", returnedBy: "", rhiDate: "2026-11-28", rhiTime: "10:00", rhiOutcome: "", rhiBy: "", parentsToldDate: "", parentsToldTime: "", parentsToldBy: "" },
  },
  "missing-risk": {
    ...head, error: "", notice: "Scored and saved as version 3.", comments: "", episodeId: "0b6f7f4e-0000-4000-8000-000000000009", riskVersion: "3",
    episode: {
      episodeId: "0b6f7f4e-0000-4000-8000-000000000009", childRef: "C1", riskVersion: "3",
      versionLine: "version 3 of 3 · changed: 4 items · by Sam Chair",
      history: [{ text: "Version 2: score 12 (GREEN) · Sat 21 Nov 2026, 10:00 by Sam Chair · changed: 2 items" }, { text: "Version 1: score 9 (BLUE) · Fri 20 Nov 2026, 18:00 by Sam Chair · changed: 3 items" }],
      signedOff: "", canSignOff: true,
      sendTo: "On sign-off it is sent to the Missing/Gang Coordinator (Atlas Team): missing-gang-coordinator@bromley.invalid.",
      outcomes: [{ value: "convene", title: "Convene Missing/Gang Child Protection Strategy Meeting (Red or Amber RAG rating)" }, { value: "unsubstantiated", title: "Concerns unsubstantiated" }],
      signOffOutcome: "", signOffComments: "",
      convene: "Amber or Red: convene a missing child protection strategy meeting by Mon 23 Nov 2026, 17:00 (T-MIS).",
    },
    sections: [{
      title: "Vulnerability", toggles: [{ id: "vulnerability.1", text: "Under 12", weight: "3", value: "3" }],
      choices: [{ id: "risk-factors.1", text: "Previous episodes", value: "2" }],
    }],
    result: { score: 35, band: "AMBER", color: "Warning", outcome: "Convene a strategy meeting", at: "Mon 23 Nov 2026, 10:30", sections: [{ title: "Vulnerability", score: "3" }] },
  },
};

/** Words the cards use for a strat's parts (typed state in, strings out): one place for every view. */
import { concernLabels } from "../../src/domain/protocol/concern-labels.js";
import type { Referral } from "../../src/domain/protocol/referral.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { Invitee, InviteeResponse } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";

export { CONCERN_LABELS } from "../../src/domain/protocol/concern-labels.js";

export const concernsOf = (referral: Referral): string => concernLabels(referral).join("; ");

export { ruleWords } from "../../src/domain/protocol/rule-words.js";

const ANSWER_WORDS: Record<string, string> = {
  accepted: "accepted", declined: "declined", tentative: "tentative", delegate: "sending a delegate", report: "sending a written report", none: "no answer yet",
};

export function describeAnswer(i: Invitee): string {
  const r = i.response;
  if (!r || r.kind === "none") return "";
  return describeResponse(r);
}

const clip = (t: string, max: number) => (t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t);

/** One answer in words, with what came with it: the decline reason, the delegate, the written report (clipped at `maxReport`). */
export function describeResponse(r: InviteeResponse, maxReport = 600): string {
  const extra = r.kind === "declined" ? ` (${r.reason})`
    : r.kind === "delegate" ? ` (${r.delegate?.name}, ${r.delegate?.role})`
    : r.kind === "report" && r.report ? `: "${clip(r.report, maxReport)}"` : "";
  return `${ANSWER_WORDS[r.kind]}${extra} · via ${r.via} · ${showLondon(r.at)}`;
}

/**
 * The answers an invitee gave before its current one (issue 11: a changed answer keeps its content), newest
 * first, at most `max` of them in full and a count of the rest; "" when there are none.
 */
export function describeEarlierAnswers(i: Invitee, opts: { max?: number; maxReport?: number } = {}): string {
  const earlier = [...(i.earlierResponses ?? [])].reverse();
  if (!earlier.length) return "";
  const max = opts.max ?? 5;
  const shown = earlier.slice(0, max).map((r) => describeResponse(r, opts.maxReport ?? 600));
  const more = earlier.length > max ? `; and ${earlier.length - max} older` : "";
  return `${shown.join("; ")}${more}`;
}

/** What the chair is told when an agency declines or sends a delegate (issue 11 point 8); other answers → "". */
export function answerNoticeText(s: Strat, i: Invitee, r: InviteeResponse): string {
  const who = `${s.ref} (case ${s.caseRef}): ${i.agency} (${i.name})`;
  const what = r.kind === "declined" ? `declined: ${r.reason ?? "no reason given"}.`
    : r.kind === "delegate" ? `is sending a delegate: ${r.delegate?.name}, ${r.delegate?.role}.` : `${ANSWER_WORDS[r.kind]}.`;
  const quorum = r.kind === "declined" && i.quorumRole && i.quorumRole !== "csc" ? ` They make the quorum (${i.quorumRole}): without them the meeting is inquorate.` : "";
  return `${who} ${what}${quorum} Type status ${s.ref} to see every answer.`;
}

/**
 * One invitee on the attendance card: agency, name, the quorum role the invitation fills (Q-1: by the invitation,
 * not the organisation; a delegate fills it in their place), and what their answer said (apologies, delegate, report).
 */
export function attendeeLabel(i: Invitee): string {
  const r = i.response;
  const answer = r?.kind === "declined" ? `apologies: ${r.reason ?? "no reason given"}`
    : r?.kind === "delegate" ? `delegate: ${r.delegate?.name} (${r.delegate?.role})`
    : r?.kind === "report" ? "sent a written report" : r && r.kind !== "none" ? ANSWER_WORDS[r.kind] : "no answer";
  const fills = !i.quorumRole ? " · no quorum role"
    : r?.kind === "delegate" ? ` · their delegate fills ${i.quorumRole} for the quorum` : ` · fills ${i.quorumRole} for the quorum`;
  return `${i.agency} — ${i.name}${fills} · ${answer}`;
}

/**
 * How the chair reaches an invitee with no mailbox but a phone line (I-HOSP-OOH: the hospital switchboard, asking for
 * the paediatrician on duty): never sent mail, so the chair calls.
 */
export const phoneWords = (i: Pick<Invitee, "phone">): string => (i.phone ? `phone: ${i.phone} (a call, no mailbox: this app cannot phone them)` : "");

/** The ids every card of a strat carries (never case content): which strat, and the version it showed. */
export const stratHeader = (s: Strat) => ({ stratId: s.id, version: String(s.version), ref: s.ref, caseRef: s.caseRef, profile: s.profileId });

/** The chair's required seniority as recorded when the strat opened (T-CX, T-MHOS), with why, in words. */
export function chairSeniorityWords(st: { chairSeniority: { required: string; reasons: string[] } | null }): string {
  const c = st.chairSeniority;
  if (!c) return "not recorded (opened before seniority was recorded)";
  return c.reasons.length ? `${c.required} (${c.reasons.join("; ")})` : c.required;
}

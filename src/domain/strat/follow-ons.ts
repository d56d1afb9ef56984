/**
 * Follow-on deadlines of a strat (issue 13 point 5; DOMAIN.md §3 rows T-ICPC, T-S47, T-SEE): what must
 * happen after the strat, by when, and who owns it — computed from the recorded decisions, the meeting,
 * the referral and the profile. Pure: the app writes one durable reminder per deadline from this list.
 *
 * Readings:
 * - T-ICPC applies when the strat decided an ICPC (icpc = "yes"); its trigger is the decision's recording
 *   instant (bromley-2023 §2: QI referral within 24 h and conference within 15 working days of the decision;
 *   bedford: conference within 15 working days). bristol-2024 2.5: not decided at the strat (no steps).
 * - T-S47 (trigger receivedAt) and T-SEE (trigger: the strat, i.e. the meeting start, else the decision)
 *   apply when the strat initiated a section 47 enquiry (s47 = "initiate").
 * - A follow-up strat date set at the meeting (decisions.followUpStrat, when it reads as a date-time) is a
 *   deadline of its own (FOLLOW-UP), owned by the chair; free text stored before the date input stays text.
 */
import { followOnDue } from "../protocol/deadlines.js";
import type { Profile } from "../protocol/load-profiles.js";
import type { StratState } from "./state.js";

export const FOLLOW_UP_RULE = "FOLLOW-UP";

export interface FollowOnDeadline {
  /** DOMAIN.md rule id (or FOLLOW-UP). */
  rule: string;
  /** Stable per strat: rule + step key (the reminder's dedupe key is built from it). */
  key: string;
  /** In words, for the chair. */
  what: string;
  due: Date;
  owner: "chair";
}

/** Which follow-on rules a decision brings in (DOMAIN.md §3). */
function rulesFor(state: StratState): string[] {
  const d = state.decisions;
  if (!d) return [];
  const rules: string[] = [];
  if (d.icpc === "yes") rules.push("T-ICPC");
  if (d.s47 === "initiate") rules.push("T-S47", "T-SEE");
  return rules;
}

/** A follow-up strat date as entered on the decide card (ISO date-time); null for free text. */
export function followUpStratAt(text: string | null): Date | null {
  if (!text) return null;
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return null;
  const at = new Date(t);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The follow-on deadlines that apply to a strat, earliest first. */
export function followOnDeadlines(profile: Profile, strat: { referral: { receivedAt: Date }; state: StratState }): FollowOnDeadline[] {
  const d = strat.state.decisions;
  if (!d) return [];
  const decidedAt = new Date(d.recordedAt);
  const stratAt = strat.state.meeting ? new Date(strat.state.meeting.start) : decidedAt;
  const out: FollowOnDeadline[] = [];
  for (const rule of rulesFor(strat.state)) {
    const trigger = profile.followOn.get(rule)?.trigger;
    const from = trigger === "receivedAt" ? strat.referral.receivedAt : trigger === "strat" ? stratAt : decidedAt;
    for (const s of followOnDue(profile, rule, from).steps) out.push({ rule, key: `${rule}:${s.key}`, what: s.label, due: s.due, owner: "chair" });
  }
  const followUp = followUpStratAt(d.followUpStrat);
  if (followUp) out.push({ rule: FOLLOW_UP_RULE, key: FOLLOW_UP_RULE, what: "Follow-up strategy discussion", due: followUp, owner: "chair" });
  return out.sort((a, b) => a.due.getTime() - b.due.getTime());
}

/** The first follow-on deadline not yet passed at `now` (the tab's "next follow-on"), in plain data; null if none. */
export function nextFollowOn(profile: Profile, strat: { referral: { receivedAt: Date }; state: StratState }, now: Date): { what: string; due: string; rule: string } | null {
  const f = followOnDeadlines(profile, strat).find((x) => x.due.getTime() >= now.getTime());
  return f ? { what: f.what, due: f.due.toISOString(), rule: f.rule } : null;
}

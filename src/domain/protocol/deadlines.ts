/**
 * Deadlines (DOMAIN.md §2–§3): convening rules T-STD … T-AAS and T-MIS, the local target T-TGT, and the
 * follow-on deadlines (T-REC, T-OOH, T-ICPC, T-SEE, T-S47, T-RHI, T-MWK, T-MHOS, T-MDCS) as pure
 * functions of the profile and the instant of the event they hang on.
 *
 * Readings (docs/protocol-readings.md):
 * - Every concern listed applies its own rule; "(standard)" cells are reported under the concern's
 *   own rule id (e.g. T-IA in bristol-2024) with the T-STD computation from receivedAt, so the chair
 *   sees why. `standard` applies only when listed.
 * - T-MIS (bromley): each matching branch applies (particular concerns → hours(24) from
 *   missing.reportedAt; looked after or CP plan of ANY child → firstWorkingDay from
 *   missing.reportedAt); if none matches, hours(72) from missing.reportedAt (bromley-2023 Appendix 5;
 *   the profile's `otherwise` with `otherwiseTrigger`). Every applied branch
 *   is listed (with its `basis`); the earliest wins.
 * - The earliest due wins; on a tie the rule listed first in the profile wins (DOMAIN.md table order:
 *   T-STD, T-SH, T-SAF, T-IA, T-CX, T-AAS, T-MIS).
 */
import { AppError } from "../errors.js";
import { applyOp, describeOp } from "../time/working-time.js";
import type { ProfileBase } from "./profile.js";
import type { ConveningRule, ConveningTrigger, FollowOnRule, TimeOpData, Timing } from "./profile-schema.js";
import { CONCERN_LABELS } from "./concern-labels.js";
import type { Concern, Referral } from "./referral.js";

export interface AppliedRule {
  rule: string;
  due: Date;
  /** How it was computed, for the chair: e.g. "workingDays(3) from receivedAt". */
  basis: string;
}

export interface DeadlineResult {
  due: Date;
  rule: string;
  target: Date | null;
  applied: AppliedRule[];
}

const RULE_ORDER = ["T-STD", "T-SH", "T-SAF", "T-IA", "T-CX", "T-AAS", "T-MIS"];

/** A convening rule compiled at load: rules in evaluation order, basis strings built once. */
export interface CompiledConveningRule {
  readonly rule: string;
  readonly concern: Concern;
  readonly timing: Timing;
  /** Basis of a plain timescale operation from receivedAt (null for "standard" / "conditional"). */
  readonly basis: string | null;
  /** Basis of the `otherwise` of a conditional when it is a plain operation (else null). */
  readonly otherwiseBasis: string | null;
}

/** What the deadline rules read of a profile. */
type Profile = ProfileBase & { readonly compiled: { readonly deadlines: CompiledDeadlines } };

export interface CompiledDeadlines {
  /** Convening rules sorted by DOMAIN table order (stable: ties keep profile order). */
  readonly rules: readonly CompiledConveningRule[];
  /** "(standard) = T-STD … from receivedAt". */
  readonly standardBasis: string;
}

/** Precompute what computeDeadline needs from a profile (called once by loadProfiles). */
export function compileDeadlines(convening: ReadonlyMap<Concern, ConveningRule>, standardOp: TimeOpData): CompiledDeadlines {
  const sorted = [...convening.values()].sort((a, b) => orderOf(a.rule) - orderOf(b.rule));
  const rules = sorted.map((r): CompiledConveningRule => {
    const t = r.timing;
    let basis: string | null = null;
    let otherwiseBasis: string | null = null;
    if (t.kind === "conditional") {
      if (t.otherwise.kind !== "standard") {
        otherwiseBasis = `${describeOp(t.otherwise)} from ${t.otherwiseTrigger}${t.otherwiseReason ? `: ${t.otherwiseReason}` : ""}`;
      }
    } else if (t.kind !== "standard") {
      basis = `${describeOp(t)} from receivedAt`;
    }
    return { rule: r.rule, concern: r.concern, timing: t, basis, otherwiseBasis };
  });
  return { rules, standardBasis: `(standard) = T-STD ${describeOp(standardOp)} from receivedAt` };
}

/** Compute the convening deadline of a referral under a profile (earliest applying rule wins). */
export function computeDeadline(profile: Profile, referral: Referral): DeadlineResult {
  const cal = profile.calendar;
  const received = referral.receivedAt;
  const compiled = profile.compiled.deadlines;
  const concerns = referral.concerns;
  // Same first offending concern as iterating a Set of the concerns (first-occurrence order).
  for (let i = 0; i < concerns.length; i++) {
    const c = concerns[i]!;
    if (!profile.convening.has(c)) {
      throw new AppError("invalid_input", `concerns: profile ${profile.id} has no rule for concern "${c}"`, "concerns");
    }
  }
  const applied: AppliedRule[] = [];
  // T-STD from receivedAt, computed at most once per call (each applied rule gets its own Date).
  let stdMs = Number.NaN;
  const rules = compiled.rules;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k]!;
    if (!concerns.includes(r.concern)) continue;
    const t = r.timing;
    switch (t.kind) {
      case "standard": {
        if (stdMs !== stdMs) stdMs = applyOp(cal, profile.standardOp, received).getTime();
        applied.push({ rule: r.rule, due: new Date(stdMs), basis: compiled.standardBasis });
        break;
      }
      case "conditional": {
        let matched = false;
        for (const b of t.branches) {
          let any = false;
          for (let j = 0; j < b.when.length && !any; j++) any = caseFlag(referral, b.when[j]!);
          if (!any) continue;
          matched = true;
          applied.push({ rule: r.rule, due: applyOp(cal, b.op, triggerInstant(referral, b.trigger)), basis: b.basis });
        }
        if (!matched) {
          if (t.otherwise.kind === "standard") {
            if (stdMs !== stdMs) stdMs = applyOp(cal, profile.standardOp, received).getTime();
            applied.push({ rule: r.rule, due: new Date(stdMs), basis: compiled.standardBasis });
          } else {
            applied.push({ rule: r.rule, due: applyOp(cal, t.otherwise, triggerInstant(referral, t.otherwiseTrigger)), basis: r.otherwiseBasis! });
          }
        }
        break;
      }
      default:
        applied.push({ rule: r.rule, due: applyOp(cal, t, received), basis: r.basis! });
    }
  }
  if (applied.length === 0) throw new AppError("invalid_input", "concerns: no rule applies", "concerns");
  let win = applied[0]!;
  for (let k = 1; k < applied.length; k++) if (applied[k]!.due.getTime() < win.due.getTime()) win = applied[k]!;
  const target = profile.target ? applyOp(cal, profile.target.op, received) : null;
  return { due: win.due, rule: win.rule, target, applied };
}

/** The instant a convening rule counts from; missing.reportedAt is required when a rule names it. */
function triggerInstant(referral: Referral, trigger: ConveningTrigger): Date {
  if (trigger === "receivedAt") return referral.receivedAt;
  const at = referral.missing?.reportedAt;
  if (!at) throw new AppError("invalid_input", "missing: is required when the concerns include \"missing\"", "missing");
  return at;
}

function orderOf(rule: string): number {
  const i = RULE_ORDER.indexOf(rule);
  return i === -1 ? RULE_ORDER.length : i;
}

function caseFlag(r: Referral, flag: "missingConcerns" | "lookedAfter" | "cpPlan"): boolean {
  switch (flag) {
    case "missingConcerns":
      return r.missing?.particularConcerns === true;
    case "lookedAfter":
      for (const c of r.children) if (c.lookedAfter) return true;
      return false;
    case "cpPlan":
      for (const c of r.children) if (c.cpPlan) return true;
      return false;
  }
}

export interface FollowOnStepDue {
  rule: string;
  key: string;
  label: string;
  due: Date;
  basis: string;
}

export interface FollowOnResult {
  rule: string;
  /** False when the profile does not name this rule (e.g. T-RHI in bedford). */
  applies: boolean;
  steps: FollowOnStepDue[];
  note: string | null;
}

export interface FollowOnContext {
  /** Any child looked after (T-MDCS 24 h / 48 h steps). */
  lookedAfter?: boolean;
  /** The strat was held out of hours (T-OOH). */
  outOfHoursMeeting?: boolean;
}

/** Generic follow-on computation: every step of `rule` in the profile from the trigger instant. */
export function followOnDue(profile: Profile, rule: string, trigger: Date, ctx: FollowOnContext = {}): FollowOnResult {
  const r: FollowOnRule | undefined = profile.followOn.get(rule);
  if (!r) return { rule, applies: false, steps: [], note: `${rule} is not part of profile ${profile.id}` };
  const steps: FollowOnStepDue[] = [];
  for (const s of r.steps) {
    if (s.when === "lookedAfter" && !ctx.lookedAfter) continue;
    if (s.when === "outOfHoursMeeting" && !ctx.outOfHoursMeeting) continue;
    steps.push({ rule, key: s.key, label: s.label, due: applyOp(profile.calendar, s.op as TimeOpData, trigger), basis: `${describeOp(s.op)} from ${r.trigger}` });
  }
  return { rule, applies: true, steps, note: r.note ?? null };
}

export interface RecordDueResult {
  due: Date;
  rule: string;
  applied: { rule: string; due: Date; basis: string }[];
}

/**
 * T-REC (and T-OOH in bristol-2024): when the record must reach everyone invited. The meeting is
 * out of hours when it STARTED out of hours (default: meetingStart = meetingEnd); then T-OOH also
 * applies and the earliest wins.
 */
export function recordDue(profile: Profile, meetingEnd: Date, meetingStart: Date = meetingEnd): RecordDueResult {
  const outOfHoursMeeting = profile.calendar.isOutOfHours(meetingStart);
  const applied: RecordDueResult["applied"] = [];
  for (const rule of ["T-REC", "T-OOH"]) {
    for (const s of followOnDue(profile, rule, meetingEnd, { outOfHoursMeeting }).steps) applied.push({ rule, due: s.due, basis: s.basis });
  }
  if (applied.length === 0) throw new AppError("profile_invalid", `${profile.id}: T-REC: no record distribution rule`);
  let win = applied[0]!;
  for (const a of applied) if (a.due.getTime() < win.due.getTime()) win = a;
  return { due: win.due, rule: win.rule, applied };
}

/** T-OOH alone (bristol-2024): before 09:00 on the next working day after the meeting end; null if not in the profile. */
export function outOfHoursRecordDue(profile: Profile, meetingEnd: Date): Date | null {
  return followOnDue(profile, "T-OOH", meetingEnd, { outOfHoursMeeting: true }).steps[0]?.due ?? null;
}

/** Who a follow-on rule's record goes to, when the profile names someone (T-OOH bristol-2024 6.1: First Response); else null. */
export function recordRecipient(profile: Profile, rule: string): { name: string; address: string | null } | null {
  const to = profile.followOn.get(rule)?.steps[0]?.to;
  const e = to === undefined ? undefined : profile.directory.get(to);
  return e ? { name: e.name, address: e.address } : null;
}

/** T-ICPC from the instant of the decision to initiate s47 (bromley: QI referral + conference; bedford: conference; bristol: none). */
export function icpcDue(profile: Profile, decisionAt: Date): FollowOnResult {
  return followOnDue(profile, "T-ICPC", decisionAt);
}

/** T-SEE (bristol-2024): child seen by a social worker, workingDays(2) from the strat. */
export function childSeenDue(profile: Profile, stratAt: Date): Date | null {
  return followOnDue(profile, "T-SEE", stratAt).steps[0]?.due ?? null;
}

/** T-S47: s47 assessment complete, workingDays(45) from the referral received. */
export function s47Due(profile: Profile, receivedAt: Date): Date | null {
  return followOnDue(profile, "T-S47", receivedAt).steps[0]?.due ?? null;
}

/** T-RHI: return home interview within hours(72) of the return. */
export function returnInterviewDue(profile: Profile, returnedAt: Date): Date | null {
  return followOnDue(profile, "T-RHI", returnedAt).steps[0]?.due ?? null;
}

/** T-MWK: reconvene the missing strat hours(168) after the last one, until resolved. */
export function missingReconveneDue(profile: Profile, lastStratAt: Date): Date | null {
  return followOnDue(profile, "T-MWK", lastStratAt).steps[0]?.due ?? null;
}

/** T-MHOS: still missing hours(168) after being reported → chair escalates to CSC Head of Service. */
export function missingHeadOfServiceDue(profile: Profile, reportedAt: Date): Date | null {
  return followOnDue(profile, "T-MHOS", reportedAt).steps[0]?.due ?? null;
}

/** T-MDCS: notifications to the Director (looked after: 24 h, 48 h DCE consideration; all: 72 h DCS). */
export function missingDirectorNotifications(profile: Profile, reportedAt: Date, lookedAfter: boolean): FollowOnStepDue[] {
  return followOnDue(profile, "T-MDCS", reportedAt, { lookedAfter }).steps;
}

/** The chair a strat needs and why (DOMAIN.md §3: T-CX chair by profile, T-MHOS). */
export interface ChairRequirement {
  /** The seniority required, e.g. "Head of Service". */
  chair: string;
  /** Why, in words for the chair, one per raise (empty when the profile's default applies). */
  reasons: string[];
  /** The rule ids behind the reasons (T-CX, T-MHOS). */
  rules: string[];
  /** The profile's standing notes for the chair (e.g. inform the LADO). */
  notes: string[];
}

/**
 * Chair seniority for a referral when the strat opens at `at`: T-CX (bedford complex → Head of Service; bristol
 * complex → Deputy Service Manager or above), then T-MHOS (bromley-2023 Appendix 5: a child missing more than
 * 7 days at `at` → CSC Head of Service). A later requirement replaces an earlier one (profiles list the senior last).
 */
export function chairRequirement(profile: Profile, referral: Referral, at: Date): ChairRequirement {
  const notes: string[] = [...profile.chair.notes];
  const out: ChairRequirement = { chair: profile.chair.default, reasons: [], rules: [], notes };
  const raise = (chair: string, reason: string, rule: string) => {
    out.chair = chair;
    out.reasons.push(reason);
    out.rules.push(rule);
  };
  for (const c of referral.concerns) {
    const rule = profile.convening.get(c);
    const req = profile.chair.byConcern[c];
    if (req) raise(req, CONCERN_LABELS[c], rule?.rule ?? c);
    if (rule?.note) notes.push(rule.note);
  }
  const reportedAt = referral.missing?.reportedAt;
  if (reportedAt && referral.concerns.includes("missing")) {
    for (const e of profile.chair.escalations) {
      const step = followOnDue(profile, e.rule, reportedAt).steps[0];
      if (step && step.due.getTime() <= at.getTime()) raise(e.chair, e.reason, e.rule);
    }
  }
  return out;
}

/**
 * T-ICPC: whether the strat decides an initial child protection conference. bristol-2024 2.5: not the forum
 * (the T-ICPC rule has no steps); `instead` says what happens instead, for the decisions card.
 */
export function icpcAtStrat(profile: Profile): { decided: boolean; instead: string | null } {
  const r = followOnDue(profile, "T-ICPC", new Date(0));
  const decided = !r.applies || r.steps.length > 0;
  return { decided, instead: decided ? null : (r.note ?? "Not decided at the strategy discussion") };
}

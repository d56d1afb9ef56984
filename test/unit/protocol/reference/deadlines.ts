/**
 * REFERENCE COPY (test only) of src/domain/protocol/deadlines.ts before the hot-path compilation
 * (at 7728d12): rules sorted and basis strings built per call. compiled-equivalence.test.ts checks the
 * compiled engine against it.
 *
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
 *   missing.reportedAt); if none matches, the profile's `otherwise` from its `otherwiseTrigger`
 *   (bromley: hours(72) from missing.reportedAt, bromley-2023 Appendix 5). Every applied branch
 *   is listed (with its `basis`); the earliest wins.
 * - The earliest due wins; on a tie the rule listed first in the profile wins (DOMAIN.md table order:
 *   T-STD, T-SH, T-SAF, T-IA, T-CX, T-AAS, T-MIS).
 */
import { AppError } from "../../../../src/domain/errors.js";
import { applyOp, describeOp } from "../../../../src/domain/time/working-time.js";
import type { Profile } from "../../../../src/domain/protocol/load-profiles.js";
import type { FollowOnRule, TimeOpData } from "../../../../src/domain/protocol/profile-schema.js";
import type { Referral } from "../../../../src/domain/protocol/referral.js";

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

/** Compute the convening deadline of a referral under a profile (earliest applying rule wins). */
export function computeDeadline(profile: Profile, referral: Referral): DeadlineResult {
  const cal = profile.calendar;
  const received = referral.receivedAt;
  const std = (): { due: Date; basis: string } => ({
    due: applyOp(cal, profile.standardOp, received),
    basis: `(standard) = T-STD ${describeOp(profile.standardOp)} from receivedAt`,
  });
  const applied: AppliedRule[] = [];
  const rules = [...profile.convening.values()].sort(
    (a, b) => orderOf(a.rule) - orderOf(b.rule),
  );
  const concerns = new Set(referral.concerns);
  for (const c of concerns) {
    if (!profile.convening.has(c)) {
      throw new AppError("invalid_input", `concerns: profile ${profile.id} has no rule for concern "${c}"`, "concerns");
    }
  }
  for (const r of rules) {
    if (!concerns.has(r.concern)) continue;
    const t = r.timing;
    switch (t.kind) {
      case "standard": {
        const s = std();
        applied.push({ rule: r.rule, due: s.due, basis: s.basis });
        break;
      }
      case "conditional": {
        let matched = false;
        for (const b of t.branches) {
          if (!b.when.some((flag) => caseFlag(referral, flag))) continue;
          const trigger = b.trigger === "receivedAt" ? received : referral.missing?.reportedAt;
          if (!trigger) throw new AppError("invalid_input", "missing: is required when the concerns include \"missing\"", "missing");
          matched = true;
          applied.push({ rule: r.rule, due: applyOp(cal, b.op, trigger), basis: b.basis });
        }
        if (!matched) {
          if (t.otherwise.kind === "standard") {
            const s = std();
            applied.push({ rule: r.rule, due: s.due, basis: s.basis });
          } else {
            const from = t.otherwiseTrigger === "receivedAt" ? received : referral.missing?.reportedAt;
            if (!from) throw new AppError("invalid_input", "missing: is required when the concerns include \"missing\"", "missing");
            const why = t.otherwiseReason ? `: ${t.otherwiseReason}` : "";
            applied.push({ rule: r.rule, due: applyOp(cal, t.otherwise, from), basis: `${describeOp(t.otherwise)} from ${t.otherwiseTrigger}${why}` });
          }
        }
        break;
      }
      default:
        applied.push({ rule: r.rule, due: applyOp(cal, t, received), basis: `${describeOp(t)} from receivedAt` });
    }
  }
  if (applied.length === 0) throw new AppError("invalid_input", "concerns: no rule applies", "concerns");
  let win = applied[0]!;
  for (const a of applied) if (a.due.getTime() < win.due.getTime()) win = a;
  const target = profile.target ? applyOp(cal, profile.target.op, received) : null;
  return { due: win.due, rule: win.rule, target, applied };
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
      return r.children.some((c) => c.lookedAfter);
    case "cpPlan":
      return r.children.some((c) => c.cpPlan);
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

// chairRequirement is not part of the compiled hot path: the engine's own (src/domain/protocol/deadlines.ts) is tested directly.

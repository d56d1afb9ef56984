/**
 * What a strat counts towards in the managers' figures (issue 12 point 9), decided from its stored state:
 * - short notice: the meeting was convened less than 2 hours before it starts (DOMAIN.md §3: "allowed but
 *   counted"; bromley-2023 §1: short-notice strats must not become routine);
 * - late: the meeting starts after the strat's due time, with the chair's rationale (bristol-2024 3.2);
 * - inquorate: attendance recorded without police or health (Q-1), with the reason for non-attendance.
 * Pure: no clock, no I/O.
 */
import type { Strat } from "./strat.js";

/** Convened less than this far ahead of the start: short notice. */
export const SHORT_NOTICE_MS = 2 * 3_600_000;

export interface Counted {
  shortNotice: { minutesAhead: number } | null;
  late: { minutesLate: number; rationale: string | null } | null;
  inquorate: { missing: string[]; reason: string | null } | null;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

export function counted(s: Pick<Strat, "dueAt" | "state">): Counted {
  const m = s.state.meeting;
  const start = m ? Date.parse(m.start) : NaN;
  const ahead = m?.convenedAt ? start - Date.parse(m.convenedAt) : NaN;
  const a = s.state.attendance;
  return {
    shortNotice: ahead < SHORT_NOTICE_MS ? { minutesAhead: Math.max(0, minutes(ahead)) } : null,
    late: start > s.dueAt.getTime() ? { minutesLate: minutes(start - s.dueAt.getTime()), rationale: m?.lateRationale ?? null } : null,
    inquorate: a && !a.quorate ? { missing: [...a.missingRoles], reason: a.inquorateReason } : null,
  };
}

export interface CountedStrat { strat: Pick<Strat, "ref" | "caseRef" | "dueAt" | "state">; counted: Counted }

/** The figures for strats whose meetings fall in a period: how many meetings, and the strats behind each count. */
export function tallyCounted(strats: readonly Pick<Strat, "ref" | "caseRef" | "dueAt" | "state">[]) {
  const rows = strats.filter((s) => s.state.meeting).map((s) => ({ s, c: counted(s), start: s.state.meeting!.start }));
  const base = (r: (typeof rows)[number]) => ({ ref: r.s.ref, caseRef: r.s.caseRef, start: r.start });
  const list = <T>(pick: (r: (typeof rows)[number]) => T | null) => {
    const out = rows.flatMap((r) => {
      const v = pick(r);
      return v === null ? [] : [{ ...base(r), ...v }];
    });
    return { count: out.length, strats: out };
  };
  return {
    meetings: rows.length,
    shortNotice: list((r) => r.c.shortNotice),
    late: list((r) => (r.c.late ? { dueAt: r.s.dueAt.toISOString(), ...r.c.late } : null)),
    inquorate: list((r) => r.c.inquorate),
  };
}

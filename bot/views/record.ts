/** The chair's record of the meeting as cards: attendance, decisions (R-*), the interim safety plan (R-ISP). */
import type { AppContext } from "../../src/app/context.js";
import { assessQuorum, attendanceByRole } from "../../src/domain/protocol/index.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { followUpStratAt } from "../../src/domain/strat/follow-ons.js";
import { londonDateTime } from "../../src/domain/time/london.js";
import { icpcAtStrat } from "../../src/domain/protocol/index.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { DECISION_TEXT } from "../actions/card-data.js";
import { attendeeLabel, stratHeader } from "./labels.js";
import { staleCard } from "./stale.js";

export function attendanceCard(
  ctx: AppContext, cards: CardRenderer, s: Strat,
  opts: {
    attended?: string[]; inquorateReason?: string; errors?: Record<string, string>; formError?: string; report?: { addresses: Set<string>; note: string } | null;
    stale?: boolean;
  } = {},
): AdaptiveCard {
  const st = s.state;
  const invitees = st.invitees.filter((i) => !i.removed && i.action === "invite");
  const prefilled = st.attendance
    ? st.attendance.entries.flatMap((e) => e.inviteeIds)
    : opts.report
      ? invitees.filter((i) => i.address && opts.report!.addresses.has(i.address)).map((i) => i.id)
      : invitees.filter((i) => i.response && ["accepted", "delegate", "tentative"].includes(i.response.kind)).map((i) => i.id);
  const attended = opts.attended ?? prefilled;
  // Q-1 as the use case counts it: by the role of each ticked invitation (the chair is CSC and is there).
  const { missing } = assessQuorum(ctx.profiles.get(s.profileId), [...attendanceByRole(invitees, attended), { quorumRole: "csc", attended: true }]);
  const card = cards.render("attendance", {
    ...stratHeader(s),
    invitees: invitees.map((i) => ({
      id: i.id,
      label: attendeeLabel(i),
    })),
    attended: attended.join(","),
    quorumNote: missing.length ? `As ticked, the meeting is inquorate: no ${missing.join(" or ")}. Give the reason below.` : "As ticked, the meeting is quorate.",
    quorumColor: missing.length ? "Attention" : "Good",
    inquorateReason: opts.inquorateReason ?? st.attendance?.inquorateReason ?? "",
    seniorManager: ctx.seniorManager ?? "the senior manager",
    errors: { inquorateReason: "", ...(opts.errors ?? {}) },
    formError: opts.formError ?? "",
    notice: opts.report && !st.attendance ? opts.report.note : "",
  });
  if (!opts.stale) return card;
  const saved = st.attendance && { attended: st.attendance.entries.flatMap((e) => e.inviteeIds).join(","), inquorateReason: st.attendance.inquorateReason ?? "" };
  return staleCard(card, s, { what: "the attendance", verb: "attendance", latest: saved });
}

const ICPC_CHOICES = [
  { title: "Yes", value: "yes" },
  { title: "No", value: "no" },
  { title: "Manager decides after s47", value: "manager-decides" },
] as const;

export function decisionsCard(
  ctx: AppContext, cards: CardRenderer, s: Strat, v: Record<string, string>, opts: { errors?: Record<string, string>; formError?: string; stale?: boolean } = {},
): AdaptiveCard {
  // T-ICPC by profile: bristol-2024 2.5, an ICPC is not decided at the strat (the manager decides after s47).
  const icpc = icpcAtStrat(ctx.profiles.get(s.profileId));
  const card = cards.render("decisions", {
    ...stratHeader(s),
    icpcLabel: icpc.decided ? "Initial child protection conference (within 15 working days)" : "Initial child protection conference",
    icpcInstead: icpc.instead ?? "",
    icpcChoices: icpc.decided ? ICPC_CHOICES : ICPC_CHOICES.filter((c) => c.value === "manager-decides"),
    v: Object.fromEntries(["s47", "enquiry", "sharedWithFamily", "icpc", "lado", "followUpStrat", "followUpStratTime", "followUpText", "noS47Outcome", "contributions", ...DECISION_TEXT].map((k) => [k, v[k] ?? ""])),
    errors: { enquiry: "", singleAgencyReason: "", withheldReason: "", icpc: "", noS47Outcome: "", ...(opts.errors ?? {}) },
    formError: opts.formError ?? "",
  });
  return opts.stale ? staleCard(card, s, { what: "the decisions", verb: "decide", latest: s.state.decisions && decisionsValues(s) }) : card;
}

export function decisionsValues(s: Strat): Record<string, string> {
  const d = s.state.decisions;
  if (!d) return { sharedWithFamily: "yes", icpc: "", lado: "not-applicable" };
  const values: Record<string, string> = Object.fromEntries(
    Object.entries({ ...d, contributions: d.contributions.map((c) => `${c.agency}: ${c.summary}`).join("\n") }).map(([k, x]) => [k, x === null ? "" : String(x)]),
  );
  return { ...values, ...followUpValues(d.followUpStrat) };
}

/** The follow-up strat on the card: an instant as its London date and time; free text stored before the date input, kept as text. */
function followUpValues(stored: string | null): { followUpStrat: string; followUpStratTime: string; followUpText: string } {
  const at = followUpStratAt(stored);
  if (at) {
    const l = londonDateTime(at);
    return { followUpStrat: l.date, followUpStratTime: l.time, followUpText: "" };
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(stored ?? "") ? { followUpStrat: stored!, followUpStratTime: "", followUpText: "" } : { followUpStrat: "", followUpStratTime: "", followUpText: stored ?? "" };
}

export function planCard(cards: CardRenderer, s: Strat, plan: string, opts: { saved?: string; error?: string; stale?: boolean } = {}): AdaptiveCard {
  const card = cards.render("plan", { ...stratHeader(s), plan, saved: opts.saved ?? "", error: opts.error ?? "" });
  return opts.stale ? staleCard(card, s, { what: "the interim safety plan", verb: "plan", latest: s.state.plan && { plan: s.state.plan.text } }) : card;
}

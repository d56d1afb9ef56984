import type { AppContext } from "../../src/app/context.js";
import { closeChecklist, type Attendance } from "../../src/domain/strat/state.js";
import { describeCountdown, type Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { DeadLetter } from "../../src/ports/jobs.js";
import { chairSeniorityWords, describeAnswer, describeEarlierAnswers, ruleWords } from "./labels.js";

/**
 * Q-1: an inquorate strat's senior manager should be told. The app records who, and tells no one yet
 * (issue 11 point 5: a card states only what happened): the chair does it.
 */
export const inquorateNote = (att: Attendance): string =>
  `${att.escalation?.to ?? "The senior manager"} should be told: this app does not send it, so tell them yourself.`;

/**
 * One strat at a glance: due countdown, answers per agency, quorum, actions, dissent, what is left to close,
 * and background work that could not be done (the queue's dead letters: a booking, a mail, a reminder).
 */
export function stratStatusCard(ctx: AppContext, cards: CardRenderer, s: Strat, notice = "", deadLetters: readonly DeadLetter[] = []): AdaptiveCard {
  const st = s.state;
  const now = ctx.clock.now();
  const current = st.invitees.filter((i) => !i.removed && i.action === "invite");
  const byAgency = new Map<string, string[]>();
  for (const i of current) {
    const earlier = describeEarlierAnswers(i, { max: 3, maxReport: 200 });
    byAgency.set(i.agency, [...(byAgency.get(i.agency) ?? []), `${i.name}: ${describeAnswer(i) || "no answer yet"}${earlier ? ` (earlier answers: ${earlier})` : ""}`]);
  }
  const coming = new Set(current.filter((i) => i.response && ["accepted", "delegate", "tentative"].includes(i.response.kind)).map((i) => i.quorumRole));
  const projected = (["police", "health"] as const).filter((r) => !coming.has(r));
  const quorum = st.attendance
    ? st.attendance.quorate ? "quorate (attendance recorded)" : `INQUORATE: no ${st.attendance.missingRoles.join(", ")}. ${inquorateNote(st.attendance)}`
    : projected.length ? `not yet: no acceptance from ${projected.join(" or ")}` : "expected (police and health accepted)";
  const card = cards.render("strat-status", {
    ref: s.ref, caseRef: s.caseRef, linked: st.linked.join(", "), state: s.status === "open" ? "open" : `closed ${showLondon(s.closedAt)}`,
    due: showLondon(s.dueAt), dueRule: ruleWords(s.dueRule), countdown: s.status === "open" ? describeCountdown(s.dueAt, now) : "—",
    target: s.targetAt ? showLondon(s.targetAt) : "none",
    rules: [s.dueRule, ...(s.targetAt ? ["T-TGT"] : []), "Q-1"].join(", "),
    meeting: st.meeting ? `${showLondon(st.meeting.start)}${st.meeting.lateRationale ? " (after the due time: rationale recorded)" : ""}` : "not booked (type schedule)",
    quorum,
    chairSeniority: chairSeniorityWords(st),
    agencies: [...byAgency.entries()].map(([agency, answers]) => ({ agency, answers: answers.join("; ") })),
    actions: st.actions.map((a) => {
      const overdue = a.status === "open" && Date.parse(a.byWhen) < now.getTime();
      return { id: a.id, who: `${a.owner.name} (${a.owner.agency})`, what: a.what, by: showLondon(a.byWhen), status: overdue ? "OVERDUE" : a.status, color: overdue ? "Attention" : "Default" };
    }),
    dissents: st.dissents.map((d) => {
      const last = d.stages[d.stages.length - 1]!;
      return { id: d.id, agency: d.agency, decision: d.decision, stage: `${last.stage}${last.outcome ? `: ${last.outcome}` : " (open)"}` };
    }),
    missing: s.status === "open" ? closeChecklist(st, s.dueAt) : [],
    failed: deadLetters.map((d) => ({ what: d.what, why: d.lastError, id: d.id.slice(0, 8), at: d.diedAt ? showLondon(d.diedAt) : "—" })),
  });
  if (notice) (card.body as unknown[]).splice(1, 0, { type: "TextBlock", text: notice, wrap: true, color: "Good" });
  return card;
}

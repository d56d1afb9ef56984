import { recordRules } from "../../src/domain/protocol/index.js";
import type { AppContext } from "../../src/app/context.js";
import { closeChecklist, type Attendance } from "../../src/domain/strat/state.js";
import { latestUpdateWords } from "./meeting.js";
import { describeCountdown, type Strat } from "../../src/domain/strat/strat.js";
import { counted } from "../../src/domain/strat/figures.js";
import { followOnDeadlines } from "../../src/domain/strat/follow-ons.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { showLondon } from "../../src/domain/time/london.js";
import { seniorManagerRoute } from "../../src/domain/strat/senior-manager.js";
import type { DeadLetter } from "../../src/ports/jobs.js";
import { recordDueNote, recordRecipientOf } from "./meeting.js";
import { chairSeniorityWords, describeAnswer, describeEarlierAnswers, phoneWords, ruleWords } from "./labels.js";

/**
 * Q-1: an inquorate strat's senior manager is told by the app (escalate.inquorate, bot/jobs/duties.ts) when
 * SENIOR_MANAGER is an email address (and mail is configured) or a Teams user id. A card states only what
 * happened (issue 11 point 5): escalated at…, will be sent, or why not and that the chair must tell them.
 */
export function inquorateNote(ctx: AppContext, att: Attendance): string {
  const e = att.escalation;
  const who = e?.to ?? "The senior manager";
  if (e?.sentAt) return `Escalated to ${who} at ${showLondon(new Date(e.sentAt))} (${e.via === "teams" ? "Teams message" : "mail"}).`;
  const route = seniorManagerRoute(e?.to, !!(ctx.scheduler && ctx.organizerMailbox));
  const why = e?.notSent ?? (route.channel === "none" ? route.why : null);
  if (why) return `${who} should be told: this app cannot send it (${why}), so tell them yourself.`;
  return `Escalation to ${who} will be sent by ${route.channel === "teams" ? "Teams message" : "mail"}.`;
}

/**
 * One strat at a glance: due countdown, answers per agency, quorum, actions, dissent, what is left to close,
 * and background work that could not be done (the queue's dead letters: a booking, a mail, a reminder).
 */
export function stratStatusCard(
  ctx: AppContext, cards: CardRenderer, s: Strat, notice = "", deadLetters: readonly DeadLetter[] = [], distribution = "", missing: readonly string[] = [],
): AdaptiveCard {
  const st = s.state;
  const now = ctx.clock.now();
  const current = st.invitees.filter((i) => !i.removed && i.action === "invite");
  const byAgency = new Map<string, string[]>();
  for (const i of current) {
    const earlier = describeEarlierAnswers(i, { max: 3, maxReport: 200 });
    byAgency.set(i.agency, [...(byAgency.get(i.agency) ?? []), `${i.name}${i.phone ? ` (${phoneWords(i)})` : ""}: ${describeAnswer(i) || "no answer yet"}${earlier ? ` (earlier answers: ${earlier})` : ""}`]);
  }
  const coming = new Set(current.filter((i) => i.response && ["accepted", "delegate", "tentative"].includes(i.response.kind)).map((i) => i.quorumRole));
  // Q-1: the roles the strat's profile needs from its invitees (not a fixed list); the chair is children's social care.
  const needed = ctx.profiles.get(s.profileId).quorum.roles.filter((r) => r !== "csc");
  const projected = needed.filter((r) => !coming.has(r));
  const quorum = st.attendance
    ? st.attendance.quorate ? "quorate (attendance recorded)" : `INQUORATE: no ${st.attendance.missingRoles.join(", ")}. ${inquorateNote(ctx, st.attendance)}`
    : projected.length ? `not yet: no acceptance from ${projected.join(" or ")}` : `expected (${needed.join(" and ")} accepted)`;
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
      return { id: a.id, who: `${a.owner.name} (${a.owner.agency})`, what: a.what, by: showLondon(a.byWhen), status: overdue ? "OVERDUE" : a.status, color: overdue ? "Attention" : "Default", latest: a.updates.length ? ` · latest: ${latestUpdateWords(a)}` : "" };
    }),
    dissents: st.dissents.map((d) => {
      const last = d.stages[d.stages.length - 1]!;
      return { id: d.id, agency: d.agency, decision: d.decision, stage: `${last.stage}${last.outcome ? `: ${last.outcome}` : " (open)"}` };
    }),
    counted: countedWords(s),
    missing: s.status === "open" ? closeChecklist(st, s.dueAt, recordRules(ctx.profiles.get(s.profileId), s.referral)) : [],
    failed: deadLetters.map((d) => ({ what: d.what, why: d.lastError, id: d.id.slice(0, 8), at: d.diedAt ? showLondon(d.diedAt) : "—" })),
  });
  const followOns = followOnLines(ctx, s);
  if (followOns.length) (card.body as unknown[]).push({ type: "TextBlock", text: "Follow-on deadlines", weight: "Bolder", wrap: true }, ...followOns.map((text) => ({ type: "TextBlock", text, wrap: true, spacing: "None" })));
  const record = recordDueNote(s, recordRecipientOf(ctx, s));
  if (record) (card.body as unknown[]).splice(1, 0, { type: "TextBlock", text: record, wrap: true });
  // Issue 13 point 3: who the record was sent to, and each failure.
  if (distribution) (card.body as unknown[]).splice(1, 0, { type: "TextBlock", text: distribution, wrap: true, color: /failed|no address/.test(distribution) ? "Attention" : "Good" });
  // Issue 14 point 3: the missing episodes of the strat (days missing, the weekly meeting due).
  if (missing.length) (card.body as unknown[]).splice(1, 0, ...missing.map((text) => ({ type: "TextBlock", text, wrap: true, color: "Warning" })));
  if (notice) (card.body as unknown[]).splice(1, 0, { type: "TextBlock", text: notice, wrap: true, color: "Good" });
  return card;
}

/** Issue 13 point 5: the follow-on deadlines the decisions brought in (what, due, rule in words), earliest first. */
export function followOnLines(ctx: AppContext, s: Strat): string[] {
  if (s.status === "cancelled") return [];
  const now = ctx.clock.now();
  return followOnDeadlines(ctx.profiles.get(s.profileId), s).map((f) =>
    `${f.what} · by ${showLondon(f.due)} (${ruleWords(f.rule)})${f.due.getTime() < now.getTime() ? " · OVERDUE" : ""}`);
}

const duration = (minutes: number) => (minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`);

/** What this strat counts towards in the managers' figures (issue 12 point 9), in words. */
export function countedWords(s: Strat): string[] {
  const c = counted(s);
  return [
    c.shortNotice && `Short notice: counted (the meeting was set ${duration(c.shortNotice.minutesAhead)} before it starts; allowed, but it must not become routine).`,
    c.late && `Held after the due time: counted (${duration(c.late.minutesLate)} late${c.late.rationale ? `; rationale: ${c.late.rationale}` : ""}).`,
    c.inquorate && `Inquorate: counted (no ${c.inquorate.missing.join(" or ")}${c.inquorate.reason ? `; reason: ${c.inquorate.reason}` : ""}).`,
  ].filter((x): x is string => typeof x === "string");
}

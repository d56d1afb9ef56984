/** The invitees list (the chair's) and the invitation (an invitee's): strat → card. */
import type { AppContext } from "../../src/app/context.js";
import { responseLink } from "../../src/app/response-link.js";
import { outsideReason, type Invitee } from "../../src/domain/strat/state.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { markdownLink } from "../../src/domain/text/markdown-link.js";
import { concernsOf, describeAnswer, describeEarlierAnswers, phoneWords, ruleWords, stratHeader } from "./labels.js";

/** A notify-only invitee (I-MISS): told by mail when the invitations go (bot/jobs/duties.ts), and what came of it. */
const notifyWords = (i: Invitee): string =>
  i.notified?.sent ? `notified ${showLondon(new Date(i.notified.at))}`
    : i.notified ? "notify only: not sent: no mail configured"
    : i.address ? "notify only" : "notify only: no mailbox, tell them yourself";

export function inviteesCard(
  ctx: AppContext, cards: CardRenderer, s: Strat,
  opts: { notice?: string; noticeColor?: string; errors?: Record<string, string>; form?: Record<string, string>; showLinks?: boolean } = {},
): AdaptiveCard {
  const st = s.state;
  const current = st.invitees.filter((i) => !i.removed);
  return cards.render("invitees", {
    ...stratHeader(s),
    at: st.inviteesAt ? showLondon(st.inviteesAt) : "now",
    notice: opts.notice ?? "",
    noticeColor: opts.noticeColor ?? "Default",
    invitees: current.map((i) => ({
      id: i.id, name: i.name, agency: i.agency, address: i.address ?? (phoneWords(i) || "no address yet: add one (the local address book has none)"),
      quorum: i.quorumRole ? ` · quorum: ${i.quorumRole}` : i.action === "notify" ? ` · ${notifyWords(i)}` : "",
      rule: i.rules.length ? `rule ${i.rules.join(", ")}` : "added by the chair",
      reason: i.quorumReason ? `${i.reason}; counts as ${i.quorumRole} for the quorum: ${i.quorumReason}` : i.reason, answer: describeAnswer(i),
      earlier: describeEarlierAnswers(i, { max: 3, maxReport: 300 }),
      link: opts.showLinks && i.address && i.action === "invite" ? responseLink(ctx, s, i.id) : "",
    })),
    removed: st.invitees.filter((i) => i.removed).map((i) => ({ id: i.id, name: i.name, agency: i.agency, why: i.removed!.reason })),
    current: current.map((i) => ({ id: i.id, name: i.name, agency: i.agency })),
    errors: { add: "", quorumReason: "", remove: "", ...(opts.errors ?? {}) },
    form: { addEmail: "", addName: "", addAgency: "", addQuorumRole: "none", addQuorumReason: "", removeId: "", removeReason: "", ...(opts.form ?? {}) },
  });
}

/** The invitation (I-WORD): case reference, presenting issues, when, the link — never the child's name. */
export function invitationCard(
  cards: CardRenderer, s: Strat, invitee: Invitee, opts: { error?: string; teamsUserIds?: string[] } = {},
): AdaptiveCard {
  const st = s.state;
  const answered = describeAnswer(invitee);
  const card = cards.render("invitation", {
    stratId: s.id, inviteeId: invitee.id, ref: s.ref, caseRef: s.caseRef, inviteeName: invitee.name, agency: invitee.agency,
    issues: concernsOf(s.referral) || "—",
    when: st.meeting ? `${showLondon(st.meeting.start)} – ${showLondon(st.meeting.end).slice(-5)}` : "to be arranged (you will get the meeting invitation)",
    due: `${showLondon(s.dueAt)} (${ruleWords(s.dueRule)})`,
    // Outside the council: never a child reference or a school name (issue 11 point 12).
    why: outsideReason(invitee),
    rules: [...invitee.rules, s.dueRule].join(", "),
    join: markdownLink("Join the Teams meeting", st.meeting?.joinUrl),
    answered: answered ? `Your answer: ${answered}. You can change it below until the meeting is closed.` : "",
    earlier: describeEarlierAnswers(invitee),
    error: opts.error ?? "",
    open: s.status === "open",
  });
  // User-specific views: the chair and the invitee refresh automatically (at most 60 ids; Teams ignores it elsewhere).
  const ids = (opts.teamsUserIds ?? []).slice(0, 60);
  if (ids.length) (card.refresh as { userIds: string[] }).userIds = ids;
  else delete card.refresh;
  if (s.status !== "open") delete card.actions;
  return card;
}

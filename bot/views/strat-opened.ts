/** The card a chair gets when a strat is opened (or reconvened): due time, the rule that set it, every rule that applied. */
import type { AppContext } from "../../src/app/context.js";
import { describeCountdown, type Strat } from "../../src/domain/strat/strat.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { chairSeniorityWords, concernsOf, ruleWords } from "./labels.js";

export function openedCard(ctx: AppContext, cards: CardRenderer, s: Strat, note = ""): AdaptiveCard {
  const winner = s.applied.reduce((a, b) => (new Date(a.due) <= new Date(b.due) ? a : b), s.applied[0]!);
  return cards.render("strat-opened", {
    ref: s.ref,
    caseRef: s.caseRef,
    profile: s.profileId,
    concerns: concernsOf(s.referral),
    children: s.referral.children.map((c) => c.ref).join(", ") || "unborn",
    receivedAt: showLondon(s.referral.receivedAt),
    due: showLondon(s.dueAt),
    dueRule: s.dueRule,
    dueWords: ruleWords(s.dueRule),
    target: s.targetAt ? showLondon(s.targetAt) : "none",
    countdown: describeCountdown(s.dueAt, ctx.clock.now()),
    chair: s.chairName ?? "you",
    // I-C2C: the sibling strat of a child alleged to have harmed another child
    linked: s.state.linked.join(", "),
    chairSeniority: chairSeniorityWords(s.state),
    applied: s.applied.map((a) => ({ rule: a.rule, words: ruleWords(a.rule), due: showLondon(a.due), winner: a === winner ? " ← earliest, applies" : "" })),
    rules: s.applied.map((a) => a.rule).join(", "),
    note,
  });
}

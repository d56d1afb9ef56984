import { describeCountdown } from "../../src/domain/strat/strat.js";
import { listVisibleOpenStrats } from "../../src/app/list-strats.js";
import type { AppContext } from "../../src/app/context.js";
import type { CardRenderer } from "../cards/render-card.js";
import { showLondon } from "../../src/app/london-time.js";
import type { CommandHandler } from "../turn.js";
import { resolveStrat } from "../strat-turn.js";
import { stratStatusCard } from "./strat-status.js";

/**
 * `status`: the open strats this person may see, soonest due first, with a countdown.
 * `status SD-…` (or `status` in a channel bound to one strat): that strat's answers, quorum, actions, dissent.
 */
export function statusCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    if (/\bSD-\d{4}-\d{4,}\b/i.test(turn.args) || (turn.conversationType !== "personal" && (await ctx.strats.listByConversation(turn.conversationId)).length === 1)) {
      const r = await resolveStrat(ctx, turn, "status");
      if (r) await turn.sendCard(stratStatusCard(ctx, cards, r.strat));
      return;
    }
    const now = ctx.clock.now();
    const strats = await listVisibleOpenStrats(ctx, turn.actor, turn.conversationId);
    await turn.sendCard(
      cards.render("status", {
        count: strats.length,
        strats: strats.map((s) => ({
          ref: s.ref,
          caseRef: s.caseRef,
          concerns: concernsOf(s.referral),
          due: showLondon(s.dueAt),
          dueRule: s.dueRule,
          countdown: describeCountdown(s.dueAt, now),
          color: s.dueAt.getTime() < now.getTime() ? "Attention" : s.dueAt.getTime() - now.getTime() < 4 * 3600_000 ? "Warning" : "Default",
        })),
      }),
    );
  };
}

/** What the chair and invitees read for each concern category (DOMAIN.md §3). */
export const CONCERN_LABELS: Readonly<Record<string, string>> = {
  standard: "Significant harm (standard)",
  "serious-harm": "Serious physical injury or serious neglect",
  "sexual-abuse-forensic": "Penetrative sexual abuse (forensic window)",
  "immediate-action": "An agency took immediate protective action",
  complex: "Complex or organised abuse, fabricated or induced illness",
  "allegation-against-staff": "Allegation against staff (LADO)",
  missing: "Missing child",
};

export function concernsOf(referral: unknown): string {
  const c = (referral as { concerns?: unknown }).concerns;
  return Array.isArray(c) ? c.map((x) => CONCERN_LABELS[String(x)] ?? String(x)).join("; ") : "";
}

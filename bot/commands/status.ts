import { describeCountdown } from "../../src/domain/strat/strat.js";
import { listVisibleOpenStrats } from "../../src/app/list-strats.js";
import type { AppContext } from "../../src/app/context.js";
import type { CardRenderer } from "../cards/render-card.js";
import { showLondon } from "../london-time.js";
import type { CommandHandler } from "../turn.js";

/** `status`: the open strats this person may see, soonest due first, with a countdown. */
export function statusCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
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

export function concernsOf(referral: unknown): string {
  const c = (referral as { concerns?: unknown }).concerns;
  return Array.isArray(c) ? c.join(", ") : "";
}

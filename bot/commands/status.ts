import { describeCountdown } from "../../src/domain/strat/strat.js";
import { listVisibleOpenStrats } from "../../src/app/list-strats.js";
import type { AppContext } from "../../src/app/context.js";
import type { CardRenderer } from "../cards/render-card.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { CommandHandler } from "../turn.js";
import { resolveStrat } from "../strat-turn.js";
import { stratStatusCard } from "../views/strat-status.js";
import { distributionStatus } from "../../src/app/distribute-record.js";
import { episodeFacts } from "../../src/app/missing-duties.js";
import { concernsOf, ruleWords } from "../views/labels.js";

/**
 * `status`: the open strats this person may see, soonest due first, with a countdown.
 * `status SD-…` (or `status` in a channel bound to one strat): that strat's answers, quorum, actions, dissent.
 */
export function statusCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    if (/\bSD-\d{4}-\d{4,}\b/i.test(turn.args) || (turn.conversationType !== "personal" && (await ctx.strats.listByConversation(turn.conversationId)).length === 1)) {
      const r = await resolveStrat(ctx, turn, "status");
      if (r) await turn.sendCard(stratStatusCard(ctx, cards, r.strat, "", (await ctx.jobs?.deadFor(r.strat.id)) ?? [], await distributionStatus(ctx, r.strat), (await episodeFacts(ctx, r.strat)).lines));
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
          linked: s.state.linked.length ? ` · linked ${s.state.linked.join(", ")}` : "",
          due: showLondon(s.dueAt),
          dueRule: ruleWords(s.dueRule),
          countdown: describeCountdown(s.dueAt, now),
          color: s.dueAt.getTime() < now.getTime() ? "Attention" : s.dueAt.getTime() - now.getTime() < 4 * 3600_000 ? "Warning" : "Default",
        })),
      }),
    );
  };
}

import { randomUUID } from "node:crypto";
import type { AppContext } from "../../src/app/context.js";
import { reconveneStrat } from "../../src/app/reconvene.js";
import { isAppError } from "../../src/domain/errors.js";
import type { CardRenderer } from "../cards/render-card.js";
import { resolveStrat } from "../strat-turn.js";
import type { CommandHandler } from "../turn.js";
import { openedCard } from "../views/strat-opened.js";

/** `reconvene [SD-…]`: a follow-up strat for the same case, with its own due time from the engine. */
export function reconveneCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "reconvene");
    if (!r) return;
    try {
      const out = await reconveneStrat(ctx, turn.actor, r.strat.id, {
        requestId: turn.activityId ? `reconvene:${turn.activityId}` : randomUUID(),
        conversationId: turn.conversationId,
      });
      await turn.sendCard(openedCard(ctx, cards, out.strat, `Follow-up to ${out.followUpOf}. Type invitees ${out.strat.ref} to invite.`));
    } catch (e) {
      if (isAppError(e)) await turn.sendText(e.userMessage);
      else throw e;
    }
  };
}

/**
 * `record SD-…` (or `record` where one strat is meant): the whole record as a card, sections collapsible
 * (issue 13 point 1). Before verification only the chair (or a deputy) sees it; once verified, whoever may see the strat.
 */
import type { AppContext } from "../../src/app/context.js";
import { stratRecord } from "../../src/app/strat-record.js";
import type { CardRenderer } from "../cards/render-card.js";
import { resolveStrat } from "../strat-turn.js";
import type { CommandHandler } from "../turn.js";
import { recordPreviewCard } from "../views/record-preview.js";
import { isChair } from "../../src/app/strat-commands.js";

export function previewCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "record");
    if (!r) return;
    if (!r.strat.state.closure && !isChair(r.strat, turn.actor)) {
      await turn.sendText(`The record of ${r.strat.ref} is shown to the chair until it is verified; you will receive it then.`);
      return;
    }
    await turn.sendCard(recordPreviewCard(cards, await stratRecord(ctx, r.strat.ref)));
  };
}

import type { AppContext } from "../../src/app/context.js";
import { assessMissingRisk } from "../../src/app/strat-commands.js";
import { RISK_ITEMS } from "../../src/domain/protocol/index.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { CardRenderer } from "../cards/render-card.js";
import { parseCardData, pressKey, ZMissingScoreData } from "../actions/card-data.js";
import { fieldError, resolveStrat, strategyFor } from "../strat-turn.js";
import { missingCard } from "../views/missing-risk.js";
import type { ActionHandler, CommandHandler } from "../turn.js";

const savedAnswers = (s: Strat): Record<string, string> =>
  Object.fromEntries(Object.entries(s.state.missingRisk?.answers ?? {}).map(([k, v]) => [k, String(v)]));

/** `missing`: the missing-child risk tool (M-RAG) for this strat. */
export function missingCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "missing");
    if (r) await turn.sendCard(missingCard(r.strat, cards, savedAnswers(r.strat)));
  };
}

export function missingScoreAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const answers: Record<string, number> = {};
    const raw: Record<string, string> = {};
    for (const item of RISK_ITEMS) {
      const v = typeof data[item.id] === "string" ? (data[item.id] as string) : "";
      if (v === "") continue;
      raw[item.id] = v;
      answers[item.id] = Number(v);
    }
    const p = parseCardData(ZMissingScoreData, data);
    if (!p.ok) return { card: missingCard(s, cards, raw, { error: p.message }) };
    try {
      const out = await assessMissingRisk(ctx, turn.actor, s.id, answers, p.data.managerComments,
        { expectedVersion: p.data.version, dedupeKey: pressKey("missingScore", data) });
      // A repeated press (Teams redelivers, or a double press) answers with the first one's score (issue 11 point 4).
      const notice = out.duplicate ? "Already scored and saved (the same press arrived twice; nothing changed)." : "Scored and saved.";
      return { card: missingCard(out.strat, cards, raw, { notice }) };
    } catch (e) {
      return { card: missingCard((await ctx.strats.get(s.id)) ?? s, cards, raw, { error: fieldError(e, []).formError }) };
    }
  };
}

import type { Actor, AppContext } from "../../src/app/context.js";
import {
  linkStratToEpisodes, recordEpisodeInterview, recordEpisodeParentsTold, recordEpisodeReturn,
} from "../../src/app/missing-episode.js";
import { assessMissingRisk } from "../../src/app/strat-commands.js";
import { AppError } from "../../src/domain/errors.js";
import type { MissingEpisode } from "../../src/domain/missing/episode.js";
import { RISK_ITEMS } from "../../src/domain/protocol/index.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { londonToInstant } from "../../src/domain/time/london.js";
import type { ZodType } from "zod";
import type { CardRenderer } from "../cards/render-card.js";
import {
  parseCardData, pressKey, ZMissingInterviewData, ZMissingParentsData, ZMissingReturnData, ZMissingScoreData,
} from "../actions/card-data.js";
import { fieldError, formOf, resolveStrat, strategyFor } from "../strat-turn.js";
import { EPISODE_INPUTS, missingEpisodeCard } from "../views/missing-episode.js";
import { missingCard } from "../views/missing-risk.js";
import type { ActionHandler, CommandHandler } from "../turn.js";

const savedAnswers = (s: Strat): Record<string, string> =>
  Object.fromEntries(Object.entries(s.state.missingRisk?.answers ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * `missing` (or `missing episode`): the missing-child risk tool (M-RAG) for this strat, then the missing episode of
 * each child (issue 14 point 1): opened from the referral's `missing` block (T-MIS: reportedAt) if none is open for
 * the case and child, or the open one, linked to this strat.
 */
export function missingCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "missing");
    if (!r) return;
    await turn.sendCard(missingCard(r.strat, cards, savedAnswers(r.strat)));
    const episodes = await linkStratToEpisodes(ctx, turn.actor, r.strat);
    const now = ctx.clock.now();
    for (const e of episodes) await turn.sendCard(missingEpisodeCard(r.strat, e, now, cards));
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

/** A date and a time typed on the card, as an instant (London time); null when either is empty or not a date. */
const typedInstant = (date: string, time: string) => (date && time ? londonToInstant(date, time) : null);

/**
 * One press on the missing-episode card: parse, check the episode belongs to this strat, save, and answer with the
 * card as it now is; a refusal answers with the same card, the typed inputs and the message naming the field.
 */
function episodeAction<T extends { version?: number | undefined }>(
  ctx: AppContext, cards: CardRenderer, schema: ZodType<T>, notice: string,
  save: (actor: Actor, episodeId: string, d: T, version: number | undefined) => Promise<MissingEpisode>,
): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const form = formOf(data, EPISODE_INPUTS);
    const episodeId = typeof data.episodeId === "string" ? data.episodeId : "";
    const current = episodeId && ctx.episodes ? await ctx.episodes.get(episodeId).catch(() => null) : null;
    if (!current || !current.stratIds.includes(s.id)) {
      throw new AppError("not_found", "This card's missing episode no longer exists, or is not linked to this strategy discussion.", "episodeId");
    }
    const now = () => ctx.clock.now();
    const p = parseCardData(schema, data);
    if (!p.ok) return { card: missingEpisodeCard(s, current, now(), cards, { error: p.message, form }) };
    try {
      const e = await save(turn.actor, current.id, p.data, p.data.version);
      return { card: missingEpisodeCard(s, e, now(), cards, { notice }) };
    } catch (err) {
      const latest = (await ctx.episodes!.get(current.id)) ?? current;
      return { card: missingEpisodeCard(s, latest, now(), cards, { error: fieldError(err, []).formError, form }) };
    }
  };
}

/** "Record the return" (issue 14 point 5): found/returned at, where, by whom; starts T-RHI. */
export const missingReturnAction = (ctx: AppContext, cards: CardRenderer) =>
  episodeAction(ctx, cards, ZMissingReturnData, "The return was saved. The return home interview is due within 72 hours (T-RHI); the chair is reminded 24 hours before.",
    (actor, id, d, v) => recordEpisodeReturn(ctx, actor, id, { at: typedInstant(d.returnedDate, d.returnedTime), where: d.returnedWhere, by: d.returnedBy }, v));

/** "Return home interview": held at, outcome, by whom; stops its reminder and overdue notice. */
export const missingInterviewAction = (ctx: AppContext, cards: CardRenderer) =>
  episodeAction(ctx, cards, ZMissingInterviewData, "The return home interview was saved.",
    (actor, id, d, v) => recordEpisodeInterview(ctx, actor, id, { heldAt: typedInstant(d.rhiDate, d.rhiTime), outcome: d.rhiOutcome, by: d.rhiBy }, v));

/** "Parents told" (bromley-missing-2020 §9.2, §9.5): when and by whom. */
export const missingParentsAction = (ctx: AppContext, cards: CardRenderer) =>
  episodeAction(ctx, cards, ZMissingParentsData, "Parents told: saved.",
    (actor, id, d, v) => recordEpisodeParentsTold(ctx, actor, id, { at: typedInstant(d.parentsToldDate, d.parentsToldTime), by: d.parentsToldBy }, v));

import type { Actor, AppContext } from "../../src/app/context.js";
import {
  linkStratToEpisodes, recordEpisodeInterview, recordEpisodeParentsTold, recordEpisodeReturn,
} from "../../src/app/missing-episode.js";
import {
  conveneOffer, isManager, missingCoordinator, scoreEpisodeRisk, signOffEpisodeRisk,
} from "../../src/app/missing-risk.js";
import { assessMissingRisk } from "../../src/app/strat-commands.js";
import { AppError } from "../../src/domain/errors.js";
import type { MissingEpisode } from "../../src/domain/missing/episode.js";
import { signOffRefused } from "../../src/domain/missing/risk-versions.js";
import { RISK_ITEMS } from "../../src/domain/protocol/index.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { londonDateTime, londonToInstant } from "../../src/domain/time/london.js";
import type { ZodType } from "zod";
import type { CardRenderer } from "../cards/render-card.js";
import {
  parseCardData, pressKey, ZMissingConveneData, ZMissingInterviewData, ZMissingParentsData, ZMissingReturnData, ZMissingScoreData,
  ZMissingSignOffData,
} from "../actions/card-data.js";
import { fieldError, formOf, resolveStrat, strategyFor } from "../strat-turn.js";
import { newStratForm } from "./new.js";
import { EPISODE_INPUTS, missingEpisodeCard } from "../views/missing-episode.js";
import { missingCard, type EpisodeRisk } from "../views/missing-risk.js";
import type { ActionHandler, CommandHandler, Turn } from "../turn.js";

const savedAnswers = (s: Strat): Record<string, string> =>
  Object.fromEntries(Object.entries(s.state.missingRisk?.answers ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * `missing` (or `missing episode`): the missing-child risk tool (M-RAG) and the missing episode of each child (issue
 * 14 points 1, 2): the episode is opened from the referral's `missing` block (T-MIS: reportedAt) if none is open for
 * the case and child, or the open one is linked to this strat; the risk tool is scored per child per episode. A strat
 * without a `missing` block keeps one risk tool on the strat.
 */
export function missingCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "missing");
    if (!r) return;
    const episodes = await linkStratToEpisodes(ctx, turn.actor, r.strat);
    if (!episodes.length) await turn.sendCard(missingCard(r.strat, cards, savedAnswers(r.strat)));
    const now = ctx.clock.now();
    for (const e of episodes) {
      const risk = await episodeRisk(ctx, r.strat, e);
      await turn.sendCard(missingCard(r.strat, cards, answersOf(risk), { episode: risk }));
      await turn.sendCard(missingEpisodeCard(r.strat, e, now, cards));
    }
  };
}

/** The episode's risk tool as the card shows it: its versions, the coordinator, and for Amber/Red the T-MIS offer. */
async function episodeRisk(ctx: AppContext, s: Strat, e: MissingEpisode): Promise<EpisodeRisk> {
  const versions = await ctx.episodes!.riskVersions(e.id);
  return { episode: e, versions, convene: conveneOffer(ctx, e, s, versions.at(-1) ?? null), coordinator: missingCoordinator(ctx, e.profileId) };
}
const answersOf = (r: EpisodeRisk): Record<string, string> =>
  Object.fromEntries(Object.entries(r.versions.at(-1)?.answers ?? {}).map(([k, v]) => [k, String(v)]));

/** The episode a risk card is about: it must be linked to the card's strat. */
async function linkedEpisode(ctx: AppContext, s: Strat, data: Record<string, unknown>): Promise<MissingEpisode> {
  const id = typeof data.episodeId === "string" ? data.episodeId : "";
  const e = id && ctx.episodes ? await ctx.episodes.get(id).catch(() => null) : null;
  if (!e || !e.stratIds.includes(s.id)) {
    throw new AppError("not_found", "This card's missing episode no longer exists, or is not linked to this strategy discussion.", "episodeId");
  }
  return e;
}

/** The item scores typed on the risk card: the raw strings (shown back) and the numbers (scored by the domain). */
function typedAnswers(data: Record<string, unknown>): { raw: Record<string, string>; answers: Record<string, number> } {
  const raw: Record<string, string> = {};
  for (const item of RISK_ITEMS) {
    const v = typeof data[item.id] === "string" ? (data[item.id] as string) : "";
    if (v !== "") raw[item.id] = v;
  }
  return { raw, answers: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)])) };
}

export function missingScoreAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const { raw, answers } = typedAnswers(data);
    const p = parseCardData(ZMissingScoreData, data);
    if (p.ok && p.data.episodeId) {
      return scoreEpisode(ctx, cards, s, await linkedEpisode(ctx, s, data), turn, raw, answers, pressKey("missingScore", data));
    }
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

/** M-RAG per episode: each press keeps a new version (who, when, the items changed); a bad score names the item. */
async function scoreEpisode(
  ctx: AppContext, cards: CardRenderer, s: Strat, e: MissingEpisode, turn: Turn, raw: Record<string, string>, answers: Record<string, number>,
  key: string,
) {
  try {
    const out = await scoreEpisodeRisk(ctx, turn.actor, e.id, answers, key);
    const risk = await episodeRisk(ctx, s, (await ctx.episodes!.get(e.id)) ?? e);
    const notice = out.duplicate ? `Already scored and saved as version ${out.version.version} (the same press arrived twice; nothing changed).`
      : `Scored and saved as version ${out.version.version}.`;
    return { card: missingCard(s, cards, raw, { episode: risk, notice }) };
  } catch (err) {
    return { card: missingCard(s, cards, raw, { episode: await episodeRisk(ctx, s, e), error: fieldError(err, []).formError }) };
  }
}

/**
 * The team manager's sign-off (M-RAG): comments and one of the form's four outcomes, by a user in MANAGER_IDS (who
 * need not be the strat's chair); anyone else is refused naming the sign-off. Then it is sent to the coordinator.
 */
export function missingSignOffAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const manager = isManager(ctx, turn.actor);
    const s = manager ? await anyStrat(ctx, data) : await strategyFor(ctx, turn, data).catch(() => {
      // Neither a team manager nor in the strat: refused in words, without the card (it shows the child's reference).
      throw signOffRefused();
    });
    const e = await linkedEpisode(ctx, s, data);
    const form = formOf(data, ["signOffOutcome", "signOffComments"]);
    const p = parseCardData(ZMissingSignOffData, data);
    const again = async (opts: { error?: string; notice?: string }) => {
      const risk = await episodeRisk(ctx, s, (await ctx.episodes!.get(e.id)) ?? e);
      return { card: missingCard(s, cards, answersOf(risk), { episode: risk, form, ...opts }) };
    };
    if (!p.ok) return again({ error: p.message });
    try {
      const out = await signOffEpisodeRisk(ctx, turn.actor, e.id, { outcome: p.data.signOffOutcome, comments: p.data.signOffComments }, p.data.riskVersion);
      return again({ notice: out.sentTo ? `Signed off and sent to ${out.sentTo}.` : "Signed off. It was not sent: no Missing/Gang coordinator address is configured." });
    } catch (err) {
      return again({ error: fieldError(err, []).formError });
    }
  };
}

/** The strat of a card pressed by a team manager (not necessarily its chair or an invitee). */
async function anyStrat(ctx: AppContext, data: Record<string, unknown>): Promise<Strat> {
  const id = typeof data.stratId === "string" ? data.stratId : "";
  const s = id ? await ctx.strats.get(id).catch(() => null) : null;
  if (!s) throw new AppError("not_found", "This card's strategy discussion no longer exists.", "stratId");
  return s;
}

/**
 * "Convene a missing child protection strategy meeting" (Amber/Red, T-MIS): the `new` form prefilled with the case,
 * the child, the missing concern and the time the child was reported missing.
 */
export function missingConveneAction(ctx: AppContext, cards: CardRenderer): ActionHandler {
  return async (turn, data) => {
    const s = await strategyFor(ctx, turn, data);
    const p = parseCardData(ZMissingConveneData, data);
    if (!p.ok) throw new AppError("invalid_input", p.message, "episodeId");
    const e = await linkedEpisode(ctx, s, data);
    const child = s.referral.children.find((c) => c.ref === e.childRef);
    const reported = londonDateTime(e.reportedAt);
    const flags = [e.lookedAfter && "lookedAfter", e.onPlan && "cpPlan"].filter(Boolean).join(",");
    return {
      card: newStratForm(ctx, cards, {
        caseRef: e.caseRef, profile: e.profileId, concerns: "missing", child1Ref: e.childRef, child1Dob: child?.dob ?? "", child1Flags: flags,
        missingDate: reported.date, missingTime: reported.time, missingConcerns: String(e.particularConcerns),
      }),
    };
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

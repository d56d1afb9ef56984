/**
 * Issue 14: every card the bot shows about a strat linked to an open missing episode says how long each child has
 * been missing ("Child C1 missing for 3 days"). Added here, once, to each card on its way out (bot/strategy-bot.ts),
 * rather than by each view, and to each card sent in the background (bot/notifier.ts); cards that already say it
 * (status, schedule, the missing episode) are left as they are.
 */
import type { AppContext } from "../../src/app/context.js";
import { describeDaysMissing, type MissingEpisode } from "../../src/domain/missing/episode.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import type { AdaptiveCard } from "../cards/render-card.js";

const REF = /\bSD-\d{4}-\d{4,}\b/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A card about more strats than this (a picker, a list) is not about one discussion: no line. */
const MAX_STRATS = 2;

/** The strats a card is about: the `stratId` its buttons carry, else the references it shows. */
function aboutOf(card: AdaptiveCard): { ids: string[]; refs: string[] } {
  const ids = new Set<string>();
  const refs = new Set<string>();
  const walk = (n: unknown): void => {
    if (typeof n === "string") for (const m of n.match(REF) ?? []) refs.add(m.toUpperCase());
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === "object") {
      for (const [k, v] of Object.entries(n)) {
        if (k === "stratId" && typeof v === "string" && UUID.test(v)) ids.add(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return { ids: [...ids], refs: [...refs] };
}

async function stratsOf(ctx: AppContext, card: AdaptiveCard): Promise<Strat[]> {
  const { ids, refs } = aboutOf(card);
  const wanted = ids.length ? ids : refs;
  if (!wanted.length || wanted.length > MAX_STRATS) return [];
  const found = await Promise.all(wanted.map((x) => (ids.length ? ctx.strats.get(x) : ctx.strats.findByRef(x))));
  return found.filter((s): s is Strat => s !== null);
}

/** The card with a line per child still missing, under its title; the same card when none applies. */
export async function withDaysMissing(ctx: AppContext, card: AdaptiveCard): Promise<AdaptiveCard> {
  const episodes = ctx.episodes;
  if (!episodes || !Array.isArray(card.body)) return card;
  const strats = await stratsOf(ctx, card);
  if (!strats.length) return card;
  const open = new Map<string, MissingEpisode>();
  for (const s of strats) for (const e of await episodes.ofStrat(s.id)) if (!e.returned) open.set(e.id, e);
  const text = JSON.stringify(card);
  const saysItAlready = (e: MissingEpisode) => /missing for/i.test(text) && text.includes(e.childRef);
  const now = ctx.clock.now();
  const lines = [...open.values()].filter((e) => !saysItAlready(e)).map((e) => ({
    type: "TextBlock", text: `Child ${e.childRef} ${describeDaysMissing(e, now)}.`, weight: "Bolder", color: "Attention", wrap: true, spacing: "Small",
  }));
  if (!lines.length) return card;
  const [title, ...rest] = card.body as unknown[];
  return { ...card, body: [title, ...lines, ...rest] };
}

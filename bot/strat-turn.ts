import { listVisibleOpenStrats } from "../src/app/list-strats.js";
import type { AppContext } from "../src/app/context.js";
import { isChair, inviteeOf } from "../src/app/strat-commands.js";
import { AppError, isAppError } from "../src/domain/errors.js";
import type { Strat } from "../src/domain/strat/strat.js";
import { showLondon } from "../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "./cards/render-card.js";
import type { Turn } from "./turn.js";

const REF = /\bSD-\d{4}-\d{4,}\b/i;

/**
 * Which strat a typed command is about: the reference in the text, else the one open strat bound to
 * this conversation, else the one open strat the person chairs; otherwise it asks which one.
 */
export async function resolveStrat(ctx: AppContext, turn: Turn, command: string): Promise<{ strat: Strat; rest: string } | null> {
  const m = REF.exec(turn.args);
  const rest = m ? (turn.args.slice(0, m.index) + turn.args.slice(m.index + m[0].length)).trim() : turn.args.trim();
  if (m) {
    const s = await ctx.strats.findByRef(m[0]);
    if (!s || !(isChair(s, turn.actor) || inviteeOf(s.state, turn.actor) || s.conversationId === turn.conversationId)) {
      await turn.sendText(`No strategy discussion of yours is called ${m[0].toUpperCase()}.`);
      return null;
    }
    return { strat: s, rest };
  }
  const bound = await ctx.strats.listByConversation(turn.conversationId);
  if (turn.conversationType !== "personal" && bound.length === 1) return { strat: bound[0]!, rest };
  const visible = turn.conversationType === "personal" ? (await listVisibleOpenStrats(ctx, turn.actor, null)) : bound;
  if (visible.length === 1) return { strat: visible[0]!, rest };
  if (visible.length === 0) {
    await turn.sendText("There is no open strategy discussion of yours here. Type new to open one.");
    return null;
  }
  await turn.sendCard(pickerCard(turn.cards, rest ? `${command} ${rest}` : command, visible));
  return null;
}

/** The command as typed with a strat's reference after its first word ("action SD-… police: …"). */
const withRef = (typed: string, ref: string) => typed.replace(/^(\S+)/, `$1 ${ref}`);

/** Buttons the Teams host shows on one card (its maxActions is 6; one is kept for a later "more"). */
const PICKER_BUTTONS = 5;

/**
 * Several strats could be meant: a card with one button per strat, soonest due first; a button runs the
 * command with that strat's reference (Action.Execute `pickStrat`), as if the chair had typed it.
 */
function pickerCard(cards: CardRenderer, command: string, strats: readonly Strat[]): AdaptiveCard {
  const shown = strats.slice(0, PICKER_BUTTONS);
  const rest = strats.slice(PICKER_BUTTONS);
  return cards.render("pick-strat", {
    command: command.split(" ")[0]!, count: String(strats.length), example: withRef(command, strats[0]!.ref),
    strats: shown.map((s) => ({ title: `${s.ref} · case ${s.caseRef}`, due: showLondon(s.dueAt), text: withRef(command, s.ref) })),
    more: rest.length ? `Also open: ${rest.map((s) => `${s.ref} (case ${s.caseRef})`).join(", ")}.` : "",
  });
}

/** Loads the strat a card action names, refusing people who are neither its chair nor its invitees. */
export async function strategyFor(ctx: AppContext, turn: Turn, data: Record<string, unknown>): Promise<Strat> {
  const id = typeof data.stratId === "string" ? data.stratId : "";
  const s = id ? await ctx.strats.get(id) : null;
  if (!s || !(isChair(s, turn.actor) || inviteeOf(s.state, turn.actor))) {
    throw new AppError("not_found", "This card is not for you, or its strategy discussion no longer exists.", "stratId");
  }
  return s;
}

/** The card's inputs as typed (for showing the same card back after a refusal): strings, "" when absent. */
export const formOf = (data: Record<string, unknown>, keys: readonly string[]): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, typeof data[k] === "string" ? (data[k] as string) : ""]));

/** An AppError with a field becomes the message beside that field; anything else is rethrown. */
export function fieldError(e: unknown, known: readonly string[]): { errors: Record<string, string>; formError: string } {
  if (!isAppError(e) || e.code === "internal") throw e;
  const f = e.field && known.includes(e.field) ? e.field : null;
  return {
    errors: f ? { [f]: e.userMessage } : {},
    formError: f ? "Please correct the field marked below. Nothing was saved." : `${e.userMessage} Nothing was saved.`,
  };
}


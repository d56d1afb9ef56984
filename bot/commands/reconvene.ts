import { randomUUID } from "node:crypto";
import type { AppContext } from "../../src/app/context.js";
import { reconveneStrat } from "../../src/app/reconvene.js";
import { isAppError } from "../../src/domain/errors.js";
import type { CardRenderer } from "../cards/render-card.js";
import { resolveStrat } from "../strat-turn.js";
import type { CommandHandler } from "../turn.js";
import { openedCard } from "../views/strat-opened.js";
import { londonDateTime, showLondon } from "../../src/domain/time/london.js";
import { scheduleCard } from "./meeting.js";

/**
 * `reconvene [SD-…] [anyway]`: a follow-up strat for the same case, opened now, with its own due time from the
 * engine. A later date ("in 7 days") is not taken: the protocol counts the due time from today, so the chair is
 * told so rather than given a date the bot did not use. While the case still has an open strat, it asks first.
 * When the decisions set a follow-up date and time (issue 13 point 5), the schedule card comes with it proposed.
 */
export function reconveneCommand(ctx: AppContext, cards: CardRenderer): CommandHandler {
  return async (turn) => {
    const r = await resolveStrat(ctx, turn, "reconvene");
    if (!r) return;
    const whileOpen = /\banyway\b/i.test(r.rest);
    const other = r.rest.replace(/\banyway\b/gi, " ").replace(/\s+/g, " ").trim();
    if (other) {
      await turn.sendText(
        `I cannot open a follow-up "${other.slice(0, 40)}": a follow-up strategy discussion is opened now, and its due time comes from the protocol, counted from today. ` +
          `Type reconvene ${r.strat.ref} to open it now, then schedule to book the meeting on the day you want (after the due time you are asked for the rationale).`,
      );
      return;
    }
    try {
      const out = await reconveneStrat(ctx, turn.actor, r.strat.id, {
        requestId: turn.activityId ? `reconvene:${turn.activityId}` : randomUUID(),
        conversationId: turn.conversationId,
        whileOpen,
      });
      const open = out.stillOpen.length ? ` ${out.stillOpen.join(", ")} ${out.stillOpen.length === 1 ? "is" : "are"} still open for this case.` : "";
      const agreed = out.agreedAt ? ` The follow-up was agreed at the meeting for ${showLondon(out.agreedAt)}: it is proposed below as the meeting time.` : "";
      await turn.sendCard(openedCard(ctx, cards, out.strat, `Follow-up to ${out.followUpOf}.${open}${agreed} Type invitees ${out.strat.ref} to invite.`));
      if (out.agreedAt) await turn.sendCard(await scheduleCard(ctx, cards, out.strat, { slot: "other", ...londonDateTime(out.agreedAt) }));
    } catch (e) {
      if (isAppError(e)) await turn.sendText(e.userMessage);
      else throw e;
    }
  };
}

/**
 * Tells `SENIOR_MANAGER` something about a strat (Q-1 inquorate escalation, a late record distribution): by mail from
 * `ORGANIZER_MAILBOX` (exactly once per `key`, through the calendar port's mail job) when the setting is an address, or
 * in their own chat with the bot when it is a Teams id (src/domain/strat/senior-manager.ts decides which).
 * Returns how it went, or null when it could not be sent (a name only, no chat with the bot, no mail configured).
 */
import { seniorManagerRoute } from "../domain/strat/senior-manager.js";
import { escapeHtml } from "../domain/text/escape-html.js";
import type { Notifier } from "../ports/notifier.js";
import type { AppContext } from "./context.js";

export interface SeniorManagerMessage { to: string; key: string; stratId: string; subject: string; lines: readonly string[] }

export async function tellSeniorManager(ctx: AppContext, notifier: Notifier, m: SeniorManagerMessage): Promise<"mail" | "teams" | null> {
  const route = seniorManagerRoute(m.to, !!(ctx.scheduler && ctx.organizerMailbox));
  if (route.channel === "teams") {
    const conversationId = await ctx.conversations.personalConversationOf([m.to]);
    return conversationId && (await notifier.toConversation(conversationId, { text: m.lines.join(" ") })) === "sent" ? "teams" : null;
  }
  if (route.channel === "mail" && ctx.scheduler && ctx.organizerMailbox) {
    await ctx.scheduler.requestMail({
      key: m.key, stratId: m.stratId, from: ctx.organizerMailbox, to: [m.to], subject: m.subject,
      html: m.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(""),
    });
    return "mail";
  }
  return null;
}

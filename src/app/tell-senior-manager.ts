/**
 * Tells a configured role (`SENIOR_MANAGER`; the missing-child escalation roles MISSING_DIRECTOR, MISSING_DCS,
 * MISSING_HEAD_OF_SERVICE, issue 14 point 4) something about a strat (Q-1 inquorate escalation, a late record distribution): by mail from
 * `ORGANIZER_MAILBOX` (exactly once per `key`, through the calendar port's mail job) when the setting is an address, or
 * in their own chat with the bot when it is a Teams id (src/domain/strat/senior-manager.ts decides which).
 * Returns how it went, or null when it could not be sent (a name only, no chat with the bot, no mail configured).
 */
import { seniorManagerRoute } from "../domain/strat/senior-manager.js";
import { escapeHtml } from "../domain/text/escape-html.js";
import type { Notifier } from "../ports/notifier.js";
import type { AppContext } from "./context.js";

export interface SeniorManagerMessage { to: string; key: string; stratId: string | null; subject: string; lines: readonly string[] }
export interface RoleMessage extends SeniorManagerMessage {
  /** The setting `to` came from, named when it cannot be reached (e.g. "MISSING_DCS"). */
  setting: string;
}
export type Told = { how: "mail" | "teams" } | { how: null; why: string };

/** Tells the person a role setting names: how it went, or why not (in words for the chair). */
export async function tellRole(ctx: AppContext, notifier: Notifier, m: RoleMessage): Promise<Told> {
  const route = seniorManagerRoute(m.to, !!(ctx.scheduler && ctx.organizerMailbox), m.setting);
  if (route.channel === "none") return { how: null, why: route.why };
  if (route.channel === "teams") {
    const conversationId = await ctx.conversations.personalConversationOf([m.to]);
    if (!conversationId) return { how: null, why: `${m.setting} has no chat with the bot yet` };
    return (await notifier.toConversation(conversationId, { text: m.lines.join(" ") })) === "sent" ? { how: "teams" } : { how: null, why: "the Teams message was not delivered" };
  }
  const { scheduler, organizerMailbox } = ctx;
  if (!scheduler || !organizerMailbox) return { how: null, why: "no mail is configured" };
  await scheduler.requestMail({
    key: m.key, stratId: m.stratId, from: organizerMailbox, to: [m.to], subject: m.subject,
    html: m.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(""),
  });
  return { how: "mail" };
}

export async function tellSeniorManager(ctx: AppContext, notifier: Notifier, m: SeniorManagerMessage): Promise<"mail" | "teams" | null> {
  return (await tellRole(ctx, notifier, { ...m, setting: "SENIOR_MANAGER" })).how;
}

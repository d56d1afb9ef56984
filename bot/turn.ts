import type { Logger } from "pino";
import type { Actor } from "../src/app/context.js";
import type { AdaptiveCard, CardRenderer } from "./cards/render-card.js";

/**
 * What a command or card action sees of a Teams turn: no botbuilder types past this line, so a move
 * to the Teams SDK / Agents SDK is a change to bot/strategy-bot.ts only (issue 5, SDK boundary).
 */
export interface Turn {
  actor: Actor;
  conversationId: string;
  conversationType: "personal" | "groupChat" | "channel";
  /** Words after the command, as typed. */
  args: string;
  log: Logger;
  requestId: string;
  /** The activity id: Teams redelivers with the same id, so it is the dedupe key of a typed command. */
  activityId: string | null;
  /** Users @mentioned in the message (other than the bot). */
  mentions: { id: string; name: string }[];
  /** The card templates (e.g. for a picker when the command could mean several strats). */
  cards: CardRenderer;
  sendText(markdown: string): Promise<void>;
  sendCard(card: AdaptiveCard): Promise<void>;
}

/** What a card action answers: the refreshed card (replaces the one pressed) or a short message. */
export type ActionResult = { card: AdaptiveCard } | { message: string };

export type CommandHandler = (turn: Turn) => Promise<void>;
export type ActionHandler = (turn: Turn, data: Record<string, unknown>) => Promise<ActionResult>;

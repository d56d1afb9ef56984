import { randomUUID } from "node:crypto";
import {
  ActivityHandler, ActivityTypes, CardFactory, MessageFactory, TurnContext,
  type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type InvokeResponse,
} from "botbuilder";
import type { Logger } from "pino";
import { z } from "zod";
import type { AppContext } from "../src/app/context.js";
import { isAppError } from "../src/domain/errors.js";
import type { AdaptiveCard, CardRenderer } from "./cards/render-card.js";
import { findCommand } from "./commands/catalogue.js";
import { helpCommand, unknownCommandReply } from "./commands/help.js";
import { newCommand, openStratAction } from "./commands/new.js";
import { statusCommand } from "./commands/status.js";
import { previewCommand } from "./commands/record-preview.js";
import {
  inviteeAddAction, inviteeRemoveAction, inviteesCommand, inviteesSendAction, invitationViewAction, respondAction,
} from "./commands/invitees.js";
import {
  missingCommand, missingConveneAction, missingInterviewAction, missingParentsAction, missingReturnAction, missingScoreAction, missingSignOffAction,
} from "./commands/missing.js";
import { reconveneCommand } from "./commands/reconvene.js";
import {
  attendanceAction, attendanceCommand, decideAction, decideCommand, planAction, planCommand, recordCommand, recordFieldsAction, recordSectionAction,
} from "./commands/record.js";
import {
  actionAddAction, actionCommand, amendAction, actionProgressAction, closeAction, closeCommand, dissentAddAction, dissentCommand, dissentProgressAction,
  mineCommand, scheduleAction, scheduleCommand, actionOpenAction,
} from "./commands/meeting.js";
import type { ActionHandler, ActionResult, CommandHandler, Turn } from "./turn.js";
import { withDaysMissing } from "./views/days-missing.js";
import { teamNameOf, teamsChannelOf } from "./notifier.js";
import type { BotHost, TurnMeta } from "../src/infra/http/server.js";

/** Per-turn logger with the HTTP request id, given by the HTTP host (`handle`). */
const TURN_LOG = Symbol("turnLog");
const TURN_REQUEST_ID = Symbol("turnRequestId");

const CARD = "application/vnd.microsoft.card.adaptive";
const MESSAGE = "application/vnd.microsoft.activity.message";
const ERROR = "application/vnd.microsoft.error";

/**
 * What an `adaptiveCard/action` invoke must carry for the bot to read it (Universal Actions): an
 * Action.Execute with a verb and, if any, an object of data. Anything else is the sender's mistake.
 */
const ZCardInvoke = z.object({
  action: z.object({
    type: z.literal("Action.Execute", { error: "must be Action.Execute" }),
    verb: z.string({ error: "must be text" }).min(1, { error: "must be text" }).max(100, { error: "is too long" }),
    data: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
  }, { error: "must be an object" }),
}, { error: "must be an object" });

/** The first thing wrong with an invoke's value, named by its path (`value.action.verb`), or null. */
function invokeProblem(value: unknown): { field: string; notSupported: boolean; why: string } | null {
  const r = ZCardInvoke.safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  const field = ["value", ...issue.path.map(String)].join(".");
  // zod 4 leaves the input out of an issue: read what is at the path to tell "missing" from "wrong type"
  const at = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
  const missing = issue.code === "invalid_type" && at === undefined;
  return { field, notSupported: field === "value.action.type" && !missing, why: missing ? "is missing" : issue.message };
}

/**
 * The Teams bot: typed text → the command table; `adaptiveCard/action` invokes (Action.Execute) and
 * Action.Submit messages → the action table, answered by the same handlers. Every botbuilder type
 * stays in this file; commands and actions see a `Turn`.
 */
export class StrategyBot extends ActivityHandler implements BotHost {
  readonly commands: ReadonlyMap<string, CommandHandler>;
  readonly actions: ReadonlyMap<string, ActionHandler>;

  constructor(private readonly ctx: AppContext, private readonly cards: CardRenderer) {
    super();
    const commands = new Map<string, CommandHandler>([
      ["new", newCommand(ctx, cards)],
      ["status", statusCommand(ctx, cards)],
      ["invitees", inviteesCommand(ctx, cards)],
      ["schedule", scheduleCommand(ctx, cards)],
      ["attendance", attendanceCommand(ctx, cards)],
      ["decide", decideCommand(ctx, cards)],
      ["record", recordCommand(ctx, cards)],
      ["plan", planCommand(ctx, cards)],
      ["action", actionCommand(ctx, cards)],
      ["dissent", dissentCommand(ctx, cards)],
      ["close", closeCommand(ctx, cards)],
      ["preview", previewCommand(ctx, cards)],
      ["mine", mineCommand(ctx, cards)],
      ["missing", missingCommand(ctx, cards)],
      ["reconvene", reconveneCommand(ctx, cards)],
    ]);
    commands.set("help", helpCommand(cards, new Set([...commands.keys(), "help"])));
    this.commands = commands;
    this.actions = new Map<string, ActionHandler>([
      ["openStrat", openStratAction(ctx, cards)],
      ["inviteeAdd", inviteeAddAction(ctx, cards)],
      ["inviteeRemove", inviteeRemoveAction(ctx, cards)],
      ["inviteesSend", inviteesSendAction(ctx, cards)],
      ["respond", respondAction(ctx, cards)],
      ["invitationView", invitationViewAction(ctx, cards)],
      ["schedule", scheduleAction(ctx, cards)],
      ["attendance", attendanceAction(ctx, cards)],
      ["decide", decideAction(ctx, cards)],
      ["recordSection", recordSectionAction(ctx, cards)],
      ["recordFields", recordFieldsAction(ctx, cards)],
      ["plan", planAction(ctx, cards)],
      ["actionAdd", actionAddAction(ctx, cards)],
      ["actionDone", actionProgressAction(ctx, cards, "done")],
      ["actionUpdate", actionProgressAction(ctx, cards, "open")],
      ["actionOpen", actionOpenAction(ctx, cards)],
      ["dissentAdd", dissentAddAction(ctx, cards)],
      ["dissentResolve", dissentProgressAction(ctx, cards, false)],
      ["dissentEscalate", dissentProgressAction(ctx, cards, true)],
      ["close", closeAction(ctx, cards)],
      ["amend", amendAction(ctx, cards)],
      ["missingScore", missingScoreAction(ctx, cards)],
      ["missingSignOff", missingSignOffAction(ctx, cards)],
      ["missingConvene", missingConveneAction(ctx, cards)],
      ["missingReturn", missingReturnAction(ctx, cards)],
      ["missingInterview", missingInterviewAction(ctx, cards)],
      ["missingParents", missingParentsAction(ctx, cards)],
      ["pickStrat", (turn, data) => this.runPicked(turn, data)],
    ]);

    // Any activity from a team carrying the team's name (the bot added to the team, the team renamed, a channel
    // message): the name is kept for the managers' tab (migration 017). It never stops the turn.
    this.onTurn(async (context, next) => {
      await this.rememberTeamName(context);
      return next();
    });

    this.onMessage(async (context, next) => {
      const turn = this.turnOf(context, "");
      const typed: unknown = context.activity.text;
      if (typed !== undefined && typed !== null && typeof typed !== "string") {
        // A broken client, not a person: answered in words, logged once, nothing run.
        turn.log.warn({ field: "text", type: Array.isArray(typed) ? "array" : typeof typed }, "malformed message");
        await turn.sendText("I could not read that message (its text was not text). Nothing was changed. Type `help` to see the commands.");
        return next();
      }
      const value = context.activity.value as Record<string, unknown> | undefined;
      if (value && typeof value === "object" && typeof value.verb === "string" && !context.activity.text) {
        // Action.Submit fallback: same handler as Action.Execute; the answer comes as a new message.
        const result = await this.runAction(turn, value.verb, value);
        if ("card" in result) await turn.sendCard(result.card);
        else await turn.sendText(result.message);
        return next();
      }
      await this.rememberConversation(context);
      const text = (context.activity.recipient?.id ? TurnContext.removeRecipientMention(context.activity) : context.activity.text) ?? "";
      const [word = "", ...rest] = text.trim().split(/\s+/);
      const name = word.toLowerCase();
      const handler = this.commands.get(name);
      const t = { ...turn, args: rest.join(" ") };
      if (handler) {
        turn.log.info({ command: name }, "command");
        await handler(t);
      } else if (findCommand(name)) {
        await turn.sendText(`\`${name}\` is not available yet in this version. Type \`help\` to see what is.`);
      } else {
        await turn.sendText(name ? unknownCommandReply(word) : "Type `help` to see the commands.");
      }
      return next();
    });
  }

  /** One turn from the HTTP host, with its request id and logger (src/infra/http/server.ts `BotHost`). */
  async runTurn(context: TurnContext, meta: TurnMeta): Promise<void> {
    context.turnState.set(TURN_LOG, meta.log);
    context.turnState.set(TURN_REQUEST_ID, meta.requestId);
    await this.run(context);
  }

  /**
   * `adaptiveCard/action` invokes are checked before botbuilder reads them (it answers a missing action with
   * HTTP 501): one the bot cannot read gets statusCode 400 and an `application/vnd.microsoft.error` body, as
   * Microsoft documents for Universal Actions, with the field named; logged once; nothing is run.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const problem = context.activity.name === "adaptiveCard/action" ? invokeProblem(context.activity.value) : null;
    if (!problem) return super.onInvokeActivity(context);
    this.turnOf(context, "").log.warn({ field: problem.field }, "malformed card action");
    const message = problem.notSupported
      ? "This button is not supported: only Action.Execute buttons are (value.action.type). Nothing was changed."
      : `This card's button sent a request the bot cannot read (${problem.field} ${problem.why}). Nothing was changed; type \`help\` for a fresh card.`;
    const body: AdaptiveCardInvokeResponse = { statusCode: 400, type: ERROR, value: { code: problem.notSupported ? "NotSupported" : "BadRequest", message } };
    return { status: 400, body };
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const turn = this.turnOf(context, "");
    const verb = value.action?.verb ?? "";
    const data = (value.action?.data ?? {}) as Record<string, unknown>;
    let result: ActionResult;
    try {
      result = await this.runAction(turn, verb, data);
    } catch (e) {
      // Our fault, not the person's: answer the invoke properly (Teams reads statusCode in the body), log the rest.
      turn.log.error({ verb, err: { type: (e as Error).name, stack: (e as Error).stack?.split("\n").slice(0, 6).join("\n") } }, "card action failed");
      return { statusCode: 500, type: ERROR, value: { code: "InternalError", message: `Something went wrong on our side; nothing was changed. Reference: ${turn.requestId}` } };
    }
    if ("card" in result) return { statusCode: 200, type: CARD, value: await withDaysMissing(this.ctx, result.card) };
    return { statusCode: 200, type: MESSAGE, value: result.message as unknown as Record<string, unknown> };
  }

  /**
   * A button of the "Which strategy discussion?" picker (bot/strat-turn.ts): runs the command it carries, with
   * the strat's reference, as if the person had typed it (issue 11 point 8). Action.Execute, not messageBack,
   * so it works wherever Universal Actions do (Teams, the Agents Playground): the command's first card
   * replaces the picker; anything else it says is sent as usual.
   */
  private async runPicked(turn: Turn, data: Record<string, unknown>): Promise<ActionResult> {
    const typed = typeof data.command === "string" ? data.command.trim().slice(0, 2000) : "";
    const [word = "", ...rest] = typed.split(/\s+/);
    const handler = this.commands.get(word.toLowerCase());
    if (!handler) return { message: "This button is not recognised (it may be from an older version). Type `help`." };
    const said: ({ card: AdaptiveCard } | { text: string })[] = [];
    await handler({ ...turn, args: rest.join(" "), sendText: async (text) => void said.push({ text }), sendCard: async (card) => void said.push({ card }) });
    const first = said.findIndex((x) => "card" in x);
    for (const [i, x] of said.entries()) {
      if (i === first) continue;
      if ("card" in x) await turn.sendCard(x.card);
      else await turn.sendText(x.text);
    }
    if (first >= 0) return { card: (said[first] as { card: AdaptiveCard }).card };
    return { message: said.length ? "Done: see the answer below." : "Done." };
  }

  /** Runs one card action; a person's mistake comes back as a message, never as a crash. */
  private async runAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<ActionResult> {
    const handler = this.actions.get(verb);
    if (!handler) {
      turn.log.warn({ value: verb }, "unknown card action"); // an unknown verb is a caller's text: redacted (issue 11 point 14)
      return { message: "This card's button is not recognised (it may be from an older version). Type `help`." };
    }
    turn.log.info({ verb }, "card action");
    try {
      return await handler(turn, data);
    } catch (e) {
      if (isAppError(e) && e.code !== "internal") return { message: e.userMessage };
      throw e;
    }
  }

  private turnOf(context: TurnContext, args: string): Turn {
    const a = context.activity;
    const log = (context.turnState.get(TURN_LOG) as Logger | undefined) ?? this.ctx.log;
    const requestId = (context.turnState.get(TURN_REQUEST_ID) as string | undefined) ?? randomUUID();
    const type = a.conversation?.conversationType;
    const mentions = (a.entities ?? [])
      .filter((e) => e.type === "mention" && e.mentioned?.id && e.mentioned.id !== a.recipient?.id)
      .map((e) => ({ id: String(e.mentioned.id), name: String(e.mentioned.name ?? "") }));
    return {
      actor: { id: a.from?.aadObjectId ?? a.from?.id ?? "unknown", name: a.from?.name ?? null, altId: a.from?.id },
      activityId: typeof a.id === "string" ? a.id : null,
      mentions,
      conversationId: a.conversation?.id ?? "unknown",
      conversationType: type === "channel" ? "channel" : type === "groupChat" ? "groupChat" : "personal",
      args,
      log,
      requestId,
      cards: this.cards,
      sendText: async (md) => void (await context.sendActivity(MessageFactory.text(md))),
      sendCard: async (card) => void (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await withDaysMissing(this.ctx, card))))),
    };
  }

  /** The name this process last stored for each team: a channel message repeating it costs no query. */
  private readonly teamNamesStored = new Map<string, string>();

  /** channelData.team's name, stored for its id; a missing or empty name changes nothing (bot/notifier.ts teamNameOf). */
  private async rememberTeamName(context: TurnContext): Promise<void> {
    const team = teamNameOf(context.activity.channelData);
    if (!team || !this.ctx.teamNames || this.teamNamesStored.get(team.teamId) === team.name) return;
    try {
      await this.ctx.teamNames.save(team.teamId, team.name);
      if (this.teamNamesStored.size >= 1000) this.teamNamesStored.clear(); // bounded: a council has far fewer teams
      this.teamNamesStored.set(team.teamId, team.name);
    } catch (e) {
      // The store's failure must not cost the person their command; the name comes again on a later activity.
      this.turnOf(context, "").log.warn({ err: { type: (e as Error).name } }, "team name not stored");
    }
  }

  private async rememberConversation(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.type !== ActivityTypes.Message || !a.conversation?.id || a.deliveryMode === "expectReplies") return;
    await this.ctx.conversations.save(a.conversation.id, a.from?.aadObjectId ?? a.from?.id ?? null, { ...TurnContext.getConversationReference(a), teamsChannel: teamsChannelOf(a.channelData) });
  }
}


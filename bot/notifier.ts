import { CardFactory, MessageFactory, type Activity, type ConversationParameters, type CloudAdapter, type ConversationReference } from "botbuilder";
import type { ConnectorClient } from "botframework-connector";
import type { AppContext } from "../src/app/context.js";
import type { ConversationRefRepository } from "../src/ports/store.js";
import type { Notifier, ProactiveMessage, TeamsChannel } from "../src/ports/notifier.js";
import type { AdaptiveCard } from "./cards/render-card.js";
import { withDaysMissing } from "./views/days-missing.js";

type StoredRef = Partial<ConversationReference> & { teamsChannel?: TeamsChannel };

/** The team and channel of a Teams channel message (its channelData), kept with the conversation reference. */
export function teamsChannelOf(channelData: unknown): TeamsChannel | undefined {
  const d = channelData as { team?: { id?: unknown }; channel?: { id?: unknown } } | undefined;
  return typeof d?.team?.id === "string" && typeof d.channel?.id === "string" ? { teamId: d.team.id, channelId: d.channel.id } : undefined;
}

/**
 * The team's id and name of a Teams activity's channelData (`team: { id, name }`), as Teams sends it on a
 * conversationUpdate (the bot added to a team: eventType teamMemberAdded; teamRenamed) and often on channel messages;
 * undefined when either is missing or not text (the repository trims and cuts the name).
 */
export function teamNameOf(channelData: unknown): { teamId: string; name: string } | undefined {
  const team = (channelData as { team?: { id?: unknown; name?: unknown } } | undefined)?.team;
  return typeof team?.id === "string" && team.id && typeof team.name === "string" ? { teamId: team.id, name: team.name } : undefined;
}

/**
 * Proactive messages through stored conversation references (botbuilder stays inside bot/). Every card sent in the
 * background (reminders, escalations, proactive posts) goes through `withDaysMissing`, as the cards of a turn do
 * (bot/strategy-bot.ts): a card about a strat of an open missing episode says how long each child has been missing.
 */
export function createBotNotifier(adapter: CloudAdapter, ctx: AppContext, appId: string | undefined): Notifier {
  const refs: ConversationRefRepository = ctx.conversations;
  const activityOf = async (message: ProactiveMessage) =>
    message.card
      ? MessageFactory.attachment(CardFactory.adaptiveCard(await withDaysMissing(ctx, message.card as AdaptiveCard)), message.text)
      : MessageFactory.text(message.text);
  async function post(conversationId: string, message: ProactiveMessage): Promise<{ activityId: string } | "no-conversation"> {
    const ref = (await refs.get(conversationId)) as StoredRef | null;
    if (!ref) return "no-conversation";
    let activityId = "";
    const activity = await activityOf(message);
    await adapter.continueConversationAsync(appId ?? "", ref, async (context) => {
      activityId = (await context.sendActivity(activity))?.id ?? "";
    });
    return { activityId };
  }
  /** A thread's own conversation reference, so replies can go to it (toConversation(threadId)). */
  const saveThread = (ref: StoredRef, channel: TeamsChannel, threadId: string) =>
    refs.save(threadId, null, { ...ref, activityId: undefined, conversation: { ...ref.conversation, id: threadId }, teamsChannel: channel });
  return {
    async toConversation(conversationId, message) {
      return (await post(conversationId, message)) === "no-conversation" ? "no-conversation" : "sent";
    },
    post,
    async channelOf(conversationId) {
      return ((await refs.get(conversationId)) as StoredRef | null)?.teamsChannel ?? null;
    },
    async newThread(conversationId, message) {
      const ref = (await refs.get(conversationId)) as StoredRef | null;
      const channel = ref?.teamsChannel;
      if (!ref || !channel) return "no-conversation";
      // PLATFORM-FACTS §4b: a new thread is a new conversation in the channel → {id, activityId};
      // §4c: its replies go to `{channelId};messageid={rootActivityId}`.
      let threadId = "";
      let activityId = "";
      const tenantId = ref.conversation?.tenantId;
      // The root post is the card alone, its text the notification's summary: a root with text and a card shows
      // only the text in the Agents Playground's Teams Channel view (it renders one or the other), and Teams shows
      // the card either way.
      const root = message.card ? { ...(await activityOf({ ...message, text: "" })), text: undefined, summary: message.text } : await activityOf(message);
      const params = {
        isGroup: true, tenantId, channelData: { channel: { id: channel.channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) }, activity: root as Activity,
      } as ConversationParameters;
      await adapter.continueConversationAsync(appId ?? "", ref, async (context) => {
        const connector = context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
        const created = await connector.conversations.createConversation(params);
        activityId = created.activityId ?? /;messageid=(.+)$/.exec(created.id)?.[1] ?? "";
        threadId = created.id.includes(";messageid=") ? created.id : `${channel.channelId};messageid=${created.activityId}`;
      });
      await saveThread(ref, channel, threadId);
      return { threadId, activityId };
    },
    async adoptThread(conversationId, rootActivityId) {
      const ref = (await refs.get(conversationId)) as StoredRef | null;
      if (!ref?.teamsChannel) return "no-conversation";
      const threadId = `${ref.teamsChannel.channelId};messageid=${rootActivityId}`; // PLATFORM-FACTS §4c
      await saveThread(ref, ref.teamsChannel, threadId);
      return { threadId };
    },
    async update(conversationId, activityId, message) {
      const ref = (await refs.get(conversationId)) as StoredRef | null;
      if (!ref) return "no-conversation";
      // PUT /v3/conversations/{id}/activities/{activityId}: the card changes in place (no new message, no notification)
      const activity = await activityOf(message);
      await adapter.continueConversationAsync(appId ?? "", ref, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      });
      return "sent";
    },
  };
}

import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from "botbuilder";
import type { ConversationRefRepository } from "../src/ports/store.js";
import type { Notifier } from "../src/ports/notifier.js";

/** Proactive messages through stored conversation references (botbuilder stays inside bot/). */
export function createBotNotifier(adapter: CloudAdapter, refs: ConversationRefRepository, appId: string | undefined): Notifier {
  return {
    async toConversation(conversationId, message) {
      const ref = (await refs.get(conversationId)) as Partial<ConversationReference> | null;
      if (!ref) return "no-conversation";
      await adapter.continueConversationAsync(appId ?? "", ref, async (context) => {
        await context.sendActivity(message.card ? MessageFactory.attachment(CardFactory.adaptiveCard(message.card), message.text) : MessageFactory.text(message.text));
      });
      return "sent";
    },
  };
}

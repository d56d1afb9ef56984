/** Proactive messages to a Teams conversation the bot has seen (stored conversation references). */
export interface Notifier {
  /** "no-conversation" when the bot has no reference for it (it was never installed or spoken to there). */
  toConversation(conversationId: string, message: ProactiveMessage): Promise<"sent" | "no-conversation">;
  /** The Teams channel a stored conversation is in (null: a chat, or one the bot has not seen). */
  channelOf(conversationId: string): Promise<TeamsChannel | null>;
  /** Starts a new thread in that conversation's channel; later replies go to toConversation(threadId). */
  newThread(conversationId: string, message: ProactiveMessage): Promise<{ threadId: string; activityId: string } | "no-conversation">;
  /** The thread whose root is a message the bot posted earlier in that conversation's channel (found again after a crash). */
  adoptThread(conversationId: string, rootActivityId: string): Promise<{ threadId: string } | "no-conversation">;
  /** Like toConversation, with the id of the message posted (to update it later). */
  post(conversationId: string, message: ProactiveMessage): Promise<{ activityId: string } | "no-conversation">;
  /** Replaces a message the bot posted (its activity id) in that conversation, e.g. a card whose status moved on. */
  update(conversationId: string, activityId: string, message: ProactiveMessage): Promise<"sent" | "no-conversation">;
}

export interface ProactiveMessage { text: string; card?: Record<string, unknown> }
export interface TeamsChannel { teamId: string; channelId: string }

/** The hand-over of a verified record to its distribution (channel record, email to every invitee: a later issue). */
export interface RecordPublisher {
  publish(record: { stratId: string; ref: string; caseRef: string; version: number; recordDue: string; recordRule: string }): Promise<void>;
}

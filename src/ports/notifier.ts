/** Proactive messages to a Teams conversation the bot has seen (stored conversation references). */
export interface Notifier {
  /** "no-conversation" when the bot has no reference for it (it was never installed or spoken to there). */
  toConversation(conversationId: string, message: { text: string; card?: Record<string, unknown> }): Promise<"sent" | "no-conversation">;
}

/** The hand-over of a verified record to its distribution (channel record, email to every invitee: a later issue). */
export interface RecordPublisher {
  publish(record: { stratId: string; ref: string; caseRef: string; version: number; recordDue: string; recordRule: string }): Promise<void>;
}

import type { ConversationRefRepository, Database } from "../../ports/store.js";

/** Stored conversation references, for proactive messages (reminders) later. */
export function createConversationRefRepository(db: Database): ConversationRefRepository {
  return {
    async save(conversationId, userId, reference) {
      await db.query(
        `INSERT INTO conversation_refs (conversation_id, user_id, reference, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (conversation_id) DO UPDATE SET user_id = EXCLUDED.user_id, reference = EXCLUDED.reference, updated_at = now()`,
        [conversationId, userId, JSON.stringify(reference)],
      );
    },
    async personalConversationOf(userIds) {
      const rows = await db.query<{ conversation_id: string }>(
        `SELECT conversation_id FROM conversation_refs
         WHERE (user_id = ANY($1::text[]) OR reference->'user'->>'id' = ANY($1::text[]))
           AND reference->'conversation'->>'conversationType' = 'personal'
         ORDER BY updated_at DESC LIMIT 1`,
        [userIds],
      );
      return rows[0]?.conversation_id ?? null;
    },
    async get(conversationId) {
      const rows = await db.query<{ reference: unknown }>("SELECT reference FROM conversation_refs WHERE conversation_id = $1", [conversationId]);
      return rows[0]?.reference ?? null;
    },
  };
}

import type { Database, TeamNameRepository } from "../../ports/store.js";

/** A team name's longest stored form (Teams allows 256 characters). */
export const TEAM_NAME_MAX = 256;
/** A team id's longest form (the tab's team filter takes up to 300 characters). */
const TEAM_ID_MAX = 300;

/**
 * A team name as stored and shown: user text, so control characters become spaces, runs of white space one space,
 * trimmed, at most TEAM_NAME_MAX characters (whole code points). Empty when nothing is left.
 */
export function teamNameText(name: string): string {
  const clean = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ").replace(/\s+/g, " ").trim();
  return [...clean].slice(0, TEAM_NAME_MAX).join("").trim();
}

export function createTeamNameRepository(db: Database): TeamNameRepository {
  return {
    async save(teamId, name) {
      const text = teamNameText(name);
      if (!text || !teamId || teamId.length > TEAM_ID_MAX) return false;
      await db.query(
        `INSERT INTO team_names (team_id, name, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (team_id) DO UPDATE SET name = EXCLUDED.name, updated_at = now() WHERE team_names.name IS DISTINCT FROM EXCLUDED.name`,
        [teamId, text],
      );
      return true;
    },
    async namesOf(ids) {
      if (ids.length === 0) return new Map();
      // A team's own id first; else the team of a channel whose conversation reference names it (any one: a channel
      // belongs to one team).
      const rows = await db.query<{ id: string; name: string }>(
        `SELECT t.id, COALESCE(own.name, via.name) AS name
         FROM unnest($1::text[]) AS t(id)
         LEFT JOIN team_names own ON own.team_id = t.id
         LEFT JOIN LATERAL (
           SELECT n.name FROM conversation_refs c JOIN team_names n ON n.team_id = c.reference->'teamsChannel'->>'teamId'
           WHERE own.team_id IS NULL AND c.reference->'teamsChannel'->>'channelId' = t.id
           ORDER BY c.updated_at DESC LIMIT 1
         ) via ON true
         WHERE COALESCE(own.name, via.name) IS NOT NULL`,
        [[...new Set(ids)]],
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

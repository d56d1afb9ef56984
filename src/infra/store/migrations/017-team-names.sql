-- 017: Teams team names for the managers' tab (issue 15 points 3 and 5: the Team chooser and the list name teams, not
-- their thread ids). Teams sends a team's name in channelData.team on the bot's turns in that team (the bot added to the
-- team, the team renamed, often channel messages); the bot upserts it here (bot/strategy-bot.ts). Only the team's id and
-- its name are kept. A strat's team in the read model is its channel's thread: the General channel's is the team's id,
-- another channel's is found through the conversation reference kept for it (reference.teamsChannel), hence the index.
CREATE TABLE team_names (
  team_id    text PRIMARY KEY,
  name       text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_refs_channel ON conversation_refs ((reference->'teamsChannel'->>'channelId'));

-- 014: the dashboard's open items — actions not done by agency, dissent open by stage — counted per chair and team
-- (issue 15 point 7: at 10⁶ strats "overdue actions by agency" read ~200,000 action rows per request). Kept by the
-- statement triggers on strat_summary (below), so in the statement that writes the strat. The dashboard subtracts what the clock decides
-- (actions not yet due; dissent younger than 28 days), read from the item rows through their partial indexes.
-- The item rows carry the strat's team, as strat_summary does (summary.ts summaryRows).
ALTER TABLE strat_action_summary ADD COLUMN team text;
ALTER TABLE strat_dissent_summary ADD COLUMN team text;
UPDATE strat_action_summary a SET team = s.team FROM strat_summary s WHERE s.strat_id = a.strat_id AND s.team IS NOT NULL;
UPDATE strat_dissent_summary d SET team = s.team FROM strat_summary s WHERE s.strat_id = d.strat_id AND s.team IS NOT NULL;

-- kind 'action': key = the owner's agency, items = actions not done; kind 'dissent': key = the current stage, items = open
-- dissents; kind 'dissent-any': key '', items = open dissents. strats = strats with at least one such item.
CREATE TABLE strat_open_items (
  kind     text NOT NULL,
  key      text NOT NULL,
  chair_id text NOT NULL,
  team     text NOT NULL,  -- '' for a strat with no team
  items    integer NOT NULL,
  strats   integer NOT NULL,
  PRIMARY KEY (kind, key, chair_id, team)
);
-- What strat_open_items holds for each strat (its items per kind and key, its chair and team then), so each statement's
-- change is the difference between the strat's item rows now and this: exact however many triggers of one statement
-- (an upsert is an insert and an update; a removed item a delete) look at the same strat.
CREATE TABLE strat_open_item_keys (
  kind     text NOT NULL,
  key      text NOT NULL,
  strat_id uuid NOT NULL,
  chair_id text NOT NULL,
  team     text NOT NULL,
  n        integer NOT NULL,
  PRIMARY KEY (kind, strat_id, key)
);

CREATE FUNCTION strat_open_items_sync(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH now_ AS (
    SELECT 'action' AS kind, agency AS key, strat_id, min(chair_id) AS chair_id, min(COALESCE(team, '')) AS team, count(*)::int AS n
      FROM strat_action_summary WHERE strat_id = ANY(ids) AND NOT done GROUP BY agency, strat_id
    UNION ALL
    SELECT 'dissent', stage, strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_dissent_summary WHERE strat_id = ANY(ids) AND open GROUP BY stage, strat_id
    UNION ALL
    SELECT 'dissent-any', '', strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_dissent_summary WHERE strat_id = ANY(ids) AND open GROUP BY strat_id
  ), was AS (
    SELECT kind, key, strat_id, chair_id, team, n FROM strat_open_item_keys WHERE strat_id = ANY(ids)
  ), delta AS (
    SELECT kind, key, chair_id, team, sum(n) AS items, sum(s) AS strats FROM (
      SELECT kind, key, chair_id, team, n, 1 AS s FROM now_
      UNION ALL SELECT kind, key, chair_id, team, -n, -1 FROM was) AS x
    GROUP BY kind, key, chair_id, team HAVING sum(n) <> 0 OR sum(s) <> 0
  ), agg AS (
    INSERT INTO strat_open_items AS f (kind, key, chair_id, team, items, strats)
    SELECT kind, key, chair_id, team, items, strats FROM delta ORDER BY kind, key, chair_id, team
    ON CONFLICT (kind, key, chair_id, team) DO UPDATE SET items = f.items + EXCLUDED.items, strats = f.strats + EXCLUDED.strats
    RETURNING 1
  ), gone AS (
    DELETE FROM strat_open_item_keys k WHERE k.strat_id = ANY(ids)
      AND NOT EXISTS (SELECT 1 FROM now_ WHERE now_.kind = k.kind AND now_.key = k.key AND now_.strat_id = k.strat_id)
    RETURNING 1
  )
  INSERT INTO strat_open_item_keys (kind, key, strat_id, chair_id, team, n)
  SELECT kind, key, strat_id, chair_id, team, n FROM now_ ORDER BY kind, strat_id, key
  ON CONFLICT (kind, strat_id, key) DO UPDATE SET chair_id = EXCLUDED.chair_id, team = EXCLUDED.team, n = EXCLUDED.n
$$;

-- Kept from strat_summary's statement triggers (migration 013), after the day figures: every write of a strat's item rows
-- writes its summary row in the same statement (strat-repository.ts upsertSummary, the bulk seed), and an AFTER STATEMENT
-- trigger sees the whole statement's rows. One call per statement, in key order, so two statements never wait on each
-- other's rows in opposite orders (item-table triggers, one per table, deadlocked the bulk seed's concurrent batches).
CREATE OR REPLACE FUNCTION strat_day_figures_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM strat_day_figures_apply('{}'::strat_summary[], (SELECT COALESCE(array_agg(n::strat_summary), '{}') FROM came n));
  PERFORM strat_open_items_sync((SELECT COALESCE(array_agg(n.strat_id ORDER BY n.strat_id), '{}') FROM came n));
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strat_day_figures_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM strat_day_figures_apply((SELECT COALESCE(array_agg(o::strat_summary), '{}') FROM gone o), (SELECT COALESCE(array_agg(n::strat_summary), '{}') FROM came n));
  PERFORM strat_open_items_sync((SELECT COALESCE(array_agg(n.strat_id ORDER BY n.strat_id), '{}') FROM came n));
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strat_day_figures_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM strat_day_figures_apply((SELECT COALESCE(array_agg(o::strat_summary), '{}') FROM gone o), '{}'::strat_summary[]);
  PERFORM strat_open_items_sync((SELECT COALESCE(array_agg(o.strat_id ORDER BY o.strat_id), '{}') FROM gone o));
  RETURN NULL;
END $$;

-- The items already stored.
SELECT strat_open_items_sync(COALESCE((SELECT array_agg(strat_id) FROM strat_summary), '{}'));

-- The clock's part: actions not yet due (the existing strat_action_summary_open index, from now on) and dissent raised in
-- the last 28 days (strat_dissent_summary_open), with the team filter.
CREATE INDEX strat_action_summary_team_open ON strat_action_summary (team, due_at) WHERE NOT done;
CREATE INDEX strat_dissent_summary_team_open ON strat_dissent_summary (team, raised_at) WHERE open;

-- 016: the 12-week trend of the figures counted as at now (issue 15 point 3: "each figure with its trend over the last
-- 12 weeks"): overdue actions (R-ACT) and open dissent (R-DIS) at each week's end. An item's history is one interval:
--   an action is overdue over [due_at, done_at) (never, when done by its due); a dissent is open over [raised_at,
--   closed_at) (an escalation opens the next stage at the instant the chair's outcome is recorded, so there is no gap).
-- So the count at a past instant T is the count now less the intervals that began in [T, now) plus those that ended in it
-- (src/app/item-trend.ts). strat_open_items (migration 014) gains four kinds, keyed by the London day of each begin and
-- end, kept by the same statement triggers; the dashboard reads 12 weeks of day rows, and today's part from the item rows.

-- When an action was marked done and when a dissent's last stage got its outcome (summary.ts actionDoneAt, dissentClosedAt).
ALTER TABLE strat_action_summary ADD COLUMN done_at timestamptz;
ALTER TABLE strat_dissent_summary ADD COLUMN closed_at timestamptz;
UPDATE strat_action_summary x SET done_at = b.t FROM (
  SELECT s.id, a->>'id' AS action_id,
    (SELECT (u.v->>'at')::timestamptz FROM jsonb_array_elements(COALESCE(a->'updates', '[]'::jsonb)) WITH ORDINALITY AS u(v, o)
      WHERE u.v->>'status' = 'done' ORDER BY u.o DESC LIMIT 1) AS t
  FROM strats s, jsonb_array_elements(COALESCE(s.state->'actions', '[]'::jsonb)) AS a WHERE a->>'status' = 'done'
) AS b WHERE x.strat_id = b.id AND x.action_id = b.action_id;
UPDATE strat_dissent_summary x SET closed_at = b.t FROM (
  SELECT s.id, d->>'id' AS dissent_id,
    COALESCE(d->'stages'->-1->>'outcomeAt',
      CASE WHEN jsonb_array_length(d->'stages') = 1 THEN d->'acknowledged'->>'at' END, d->'stages'->-1->>'at')::timestamptz AS t
  FROM strats s, jsonb_array_elements(COALESCE(s.state->'dissents', '[]'::jsonb)) AS d WHERE d->'stages'->-1->>'outcome' IS NOT NULL
) AS b WHERE x.strat_id = b.id AND x.dissent_id = b.dissent_id;

-- The sync reads a statement's strats' ledger rows by strat: the key leads with strat_id (was kind, strat_id, key).
ALTER TABLE strat_open_item_keys DROP CONSTRAINT strat_open_item_keys_pkey;
ALTER TABLE strat_open_item_keys ADD PRIMARY KEY (strat_id, kind, key);

-- Kinds added, key = a London day (YYYY-MM-DD):
--   action-due-day      actions that fall overdue that day (due then; not done by then)
--   action-done-day     actions done that day after their due
--   dissent-raised-day  dissent raised that day (and not closed at the same instant)
--   dissent-closed-day  dissent closed that day
CREATE OR REPLACE FUNCTION strat_open_items_sync(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH now_ AS (
    SELECT 'action' AS kind, agency AS key, strat_id, min(chair_id) AS chair_id, min(COALESCE(team, '')) AS team, count(*)::int AS n
      FROM strat_action_summary WHERE strat_id = ANY(ids) AND NOT done GROUP BY agency, strat_id
    UNION ALL
    SELECT 'dissent', stage, strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_dissent_summary WHERE strat_id = ANY(ids) AND open GROUP BY stage, strat_id
    UNION ALL
    SELECT 'dissent-any', '', strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_dissent_summary WHERE strat_id = ANY(ids) AND open GROUP BY strat_id
    UNION ALL
    SELECT 'action-due-day', to_char(due_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'), strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_action_summary WHERE strat_id = ANY(ids) AND (NOT done OR done_at > due_at) GROUP BY 2, strat_id
    UNION ALL
    SELECT 'action-done-day', to_char(done_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'), strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_action_summary WHERE strat_id = ANY(ids) AND done AND done_at > due_at GROUP BY 2, strat_id
    UNION ALL
    SELECT 'dissent-raised-day', to_char(raised_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'), strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_dissent_summary WHERE strat_id = ANY(ids) AND (open OR closed_at > raised_at) GROUP BY 2, strat_id
    UNION ALL
    SELECT 'dissent-closed-day', to_char(closed_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'), strat_id, min(chair_id), min(COALESCE(team, '')), count(*)::int
      FROM strat_dissent_summary WHERE strat_id = ANY(ids) AND NOT open AND closed_at > raised_at GROUP BY 2, strat_id
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
  SELECT kind, key, strat_id, chair_id, team, n FROM now_ ORDER BY strat_id, kind, key
  ON CONFLICT (strat_id, kind, key) DO UPDATE SET chair_id = EXCLUDED.chair_id, team = EXCLUDED.team, n = EXCLUDED.n
$$;

-- The items already stored, in batches of strats (one call per batch keeps the statement's memory bounded).
DO $$
DECLARE batch uuid[];
BEGIN
  FOR batch IN SELECT array_agg(strat_id ORDER BY strat_id) FROM (
      SELECT strat_id, (row_number() OVER (ORDER BY strat_id) - 1) / 5000 AS b FROM strat_summary) AS t GROUP BY b ORDER BY b
  LOOP
    PERFORM strat_open_items_sync(batch);
  END LOOP;
END $$;

-- Today's part, read from the item rows up to now: actions done (and dissent closed) today, found by when they ended;
-- those not yet ended that began today use the open partial indexes of migration 012.
CREATE INDEX strat_action_summary_done_at ON strat_action_summary (done_at) WHERE done;
CREATE INDEX strat_dissent_summary_closed_at ON strat_dissent_summary (closed_at) WHERE NOT open;

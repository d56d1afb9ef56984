-- 012: the dashboard's per-item read model (issue 15 points 3 and 7). One row per action and per dissent of a strat,
-- computed by src/domain/strat/summary.ts (summaryRows) and written by the repository in the same statement as each
-- strat change (strat-repository.ts WRITE and insert), like strat_summary. Whether an action is overdue is decided
-- at query time (due_at < now and not done, R-ACT): a stored count would go stale as time passes with no write.
CREATE TABLE strat_action_summary (
  strat_id   uuid NOT NULL REFERENCES strats (id),
  action_id  text NOT NULL,
  chair_id   text NOT NULL,
  agency     text NOT NULL,
  due_at     timestamptz NOT NULL,
  done       boolean NOT NULL,
  PRIMARY KEY (strat_id, action_id)
);
-- Overdue actions by agency (all, a head of service) and of some chairs (a chair, a manager): open ones by date.
CREATE INDEX strat_action_summary_open ON strat_action_summary (due_at, agency) WHERE NOT done;
CREATE INDEX strat_action_summary_chair_open ON strat_action_summary (chair_id, due_at) WHERE NOT done;

CREATE TABLE strat_dissent_summary (
  strat_id   uuid NOT NULL REFERENCES strats (id),
  dissent_id text NOT NULL,
  chair_id   text NOT NULL,
  agency     text NOT NULL,
  raised_at  timestamptz NOT NULL,
  -- The current stage (chair, then senior-managers); open while that stage has no outcome.
  stage      text NOT NULL,
  open       boolean NOT NULL,
  PRIMARY KEY (strat_id, dissent_id)
);
CREATE INDEX strat_dissent_summary_open ON strat_dissent_summary (raised_at) WHERE open;
CREATE INDEX strat_dissent_summary_chair_open ON strat_dissent_summary (chair_id, raised_at) WHERE open;

-- The dashboard's period figures: held meetings by chair (a chair's or manager's scope) and by team.
CREATE INDEX strat_summary_chair_held ON strat_summary (chair_id, held_at) WHERE held_at IS NOT NULL;
CREATE INDEX strat_summary_team_held ON strat_summary (team, held_at) WHERE held_at IS NOT NULL;

-- Strats written before this migration: their rows from the stored state, once (afterwards summary.ts computes them).
INSERT INTO strat_action_summary (strat_id, action_id, chair_id, agency, due_at, done)
  SELECT s.id, a->>'id', s.chair_id, a->'owner'->>'agency', (a->>'byWhen')::timestamptz, a->>'status' = 'done'
  FROM strats s, jsonb_array_elements(COALESCE(s.state->'actions', '[]'::jsonb)) AS a;
INSERT INTO strat_dissent_summary (strat_id, dissent_id, chair_id, agency, raised_at, stage, open)
  SELECT s.id, d->>'id', s.chair_id, d->>'agency', (d->>'at')::timestamptz, d->'stages'->-1->>'stage', (d->'stages'->-1->>'outcome') IS NULL
  FROM strats s, jsonb_array_elements(COALESCE(s.state->'dissents', '[]'::jsonb)) AS d;

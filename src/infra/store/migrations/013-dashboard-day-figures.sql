-- 013: the dashboard's held-strat figures per London day, team and concern (issue 15 point 7: "per-team/day aggregates if
-- needed"; they are: at 10⁶ strats a 12-week dashboard read ~36,000 summary rows three times). Maintained by statement
-- triggers on strat_summary, so each change to a strat updates them in the same statement as the strat itself (the
-- repository writes strat_summary in the statement that writes the strat). One row per (day, team, concern) with the
-- counts the dashboard's headline figures are made of; concern '' is the row of all concerns (a strat counted once).
-- A strat counts on the London day its meeting starts (held_at), unless cancelled. What depends on the clock is not
-- stored: "held" means the meeting has started (today is read from strat_summary), and a record not yet distributed is
-- late only once its due has passed (dist_pending; the dashboard reads those few from strat_summary).
-- The figures as the list's filters define them (strat-repository.ts summaryWhere): src/app/dashboard.ts HEADLINES.
CREATE TABLE strat_day_figures (
  day            date NOT NULL,
  team           text NOT NULL,  -- '' for a strat with no team
  concern        text NOT NULL,  -- '' for all concerns
  held           integer NOT NULL,
  late           integer NOT NULL,
  short_notice   integer NOT NULL,
  target_met     integer NOT NULL,
  target_missed  integer NOT NULL,
  quorate        integer NOT NULL,
  inquorate      integer NOT NULL,
  dist_on_time   integer NOT NULL,
  dist_after_due integer NOT NULL,
  dist_pending   integer NOT NULL,
  PRIMARY KEY (day, team, concern)
);

-- The rows `gone` take away and the rows `came` add, as one change per (day, team, concern): applied in key order (two
-- statements never wait on each other's rows in opposite orders), and a change that moves no figure writes nothing.
CREATE FUNCTION strat_day_figures_apply(gone strat_summary[], came strat_summary[]) RETURNS void LANGUAGE sql AS $$
  WITH r AS (
    SELECT -1 AS sign, g.* FROM unnest(gone) AS g
    UNION ALL SELECT 1, c.* FROM unnest(came) AS c
  ), each AS (
    SELECT (r.held_at AT TIME ZONE 'Europe/London')::date AS day, COALESCE(r.team, '') AS team, k.concern, r.sign,
      r.late::int AS late, r.short_notice::int AS short_notice,
      (r.target_at IS NOT NULL AND r.held_at <= r.target_at)::int AS target_met,
      (r.target_at IS NOT NULL AND r.held_at > r.target_at)::int AS target_missed,
      (r.quorate IS TRUE)::int AS quorate, (r.quorate IS FALSE)::int AS inquorate,
      (r.record_due_at IS NOT NULL AND r.record_distributed_at IS NOT NULL AND r.record_distributed_at <= r.record_due_at)::int AS dist_on_time,
      (r.record_due_at IS NOT NULL AND r.record_distributed_at IS NOT NULL AND r.record_distributed_at > r.record_due_at)::int AS dist_after_due,
      (r.record_due_at IS NOT NULL AND r.record_distributed_at IS NULL)::int AS dist_pending
    FROM r CROSS JOIN LATERAL (SELECT '' UNION ALL SELECT unnest(r.concerns)) AS k(concern)
    WHERE r.held_at IS NOT NULL AND r.status <> 'cancelled'
  ), delta AS (
    SELECT day, team, concern, sum(sign) AS held, sum(sign * late) AS late, sum(sign * short_notice) AS short_notice,
      sum(sign * target_met) AS target_met, sum(sign * target_missed) AS target_missed, sum(sign * quorate) AS quorate,
      sum(sign * inquorate) AS inquorate, sum(sign * dist_on_time) AS dist_on_time, sum(sign * dist_after_due) AS dist_after_due,
      sum(sign * dist_pending) AS dist_pending
    FROM each GROUP BY day, team, concern
  )
  INSERT INTO strat_day_figures AS f (day, team, concern, held, late, short_notice, target_met, target_missed, quorate, inquorate,
    dist_on_time, dist_after_due, dist_pending)
  SELECT * FROM delta
  WHERE (held, late, short_notice, target_met, target_missed, quorate, inquorate, dist_on_time, dist_after_due, dist_pending)
    <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
  ORDER BY day, team, concern
  ON CONFLICT (day, team, concern) DO UPDATE SET
    held = f.held + EXCLUDED.held, late = f.late + EXCLUDED.late, short_notice = f.short_notice + EXCLUDED.short_notice,
    target_met = f.target_met + EXCLUDED.target_met, target_missed = f.target_missed + EXCLUDED.target_missed,
    quorate = f.quorate + EXCLUDED.quorate, inquorate = f.inquorate + EXCLUDED.inquorate,
    dist_on_time = f.dist_on_time + EXCLUDED.dist_on_time, dist_after_due = f.dist_after_due + EXCLUDED.dist_after_due,
    dist_pending = f.dist_pending + EXCLUDED.dist_pending
$$;

CREATE FUNCTION strat_day_figures_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM strat_day_figures_apply('{}'::strat_summary[], (SELECT COALESCE(array_agg(n::strat_summary), '{}') FROM came n));
  RETURN NULL;
END $$;
CREATE FUNCTION strat_day_figures_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM strat_day_figures_apply((SELECT COALESCE(array_agg(o::strat_summary), '{}') FROM gone o), (SELECT COALESCE(array_agg(n::strat_summary), '{}') FROM came n));
  RETURN NULL;
END $$;
CREATE FUNCTION strat_day_figures_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM strat_day_figures_apply((SELECT COALESCE(array_agg(o::strat_summary), '{}') FROM gone o), '{}'::strat_summary[]);
  RETURN NULL;
END $$;
CREATE TRIGGER strat_day_figures_on_insert AFTER INSERT ON strat_summary REFERENCING NEW TABLE AS came
  FOR EACH STATEMENT EXECUTE FUNCTION strat_day_figures_inserted();
CREATE TRIGGER strat_day_figures_on_update AFTER UPDATE ON strat_summary REFERENCING OLD TABLE AS gone NEW TABLE AS came
  FOR EACH STATEMENT EXECUTE FUNCTION strat_day_figures_updated();
CREATE TRIGGER strat_day_figures_on_delete AFTER DELETE ON strat_summary REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION strat_day_figures_deleted();

-- The rows already stored.
SELECT strat_day_figures_apply('{}'::strat_summary[], COALESCE((SELECT array_agg(s) FROM strat_summary s), '{}'));

-- Held figures the aggregate cannot keep (they depend on the clock) are read from strat_summary: today's meetings (by
-- held_at, the existing strat_summary_held index) and records not yet distributed, whose due may have passed since.
CREATE INDEX strat_summary_record_pending ON strat_summary (held_at)
  WHERE held_at IS NOT NULL AND record_due_at IS NOT NULL AND record_distributed_at IS NULL;

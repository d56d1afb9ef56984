-- 011: the read model (issue 15 point 7). One row per strat, computed from the aggregate by src/domain/strat/summary.ts
-- and written by the repository in the same statement as each change (strat-repository.ts WRITE and insert), so the
-- managers' lists and dashboard read columns, never a strat's JSON state. Strats written before this migration get
-- their row at start (backfillStratSummaries, batched): the row is computed in TypeScript, not SQL.
CREATE TABLE strat_summary (
  strat_id               uuid PRIMARY KEY REFERENCES strats (id),
  ref                    text NOT NULL,
  case_ref               text NOT NULL,
  profile_id             text NOT NULL,
  team                   text,
  chair_id               text NOT NULL,
  chair_name             text,
  status                 text NOT NULL,
  opened_at              timestamptz NOT NULL,
  due_at                 timestamptz NOT NULL,
  target_at              timestamptz,
  held_at                timestamptz,
  closed_at              timestamptz,
  record_due_at          timestamptz,
  record_distributed_at  timestamptz,
  quorate                boolean,
  concerns               text[] NOT NULL DEFAULT '{}',
  overdue_actions        integer NOT NULL DEFAULT 0,
  next_action_due_at     timestamptz,
  open_dissent           integer NOT NULL DEFAULT 0,
  oldest_open_dissent_at timestamptz,
  short_notice           boolean NOT NULL DEFAULT false,
  late                   boolean NOT NULL DEFAULT false,
  version                integer NOT NULL
);
-- The list's keyset sorts (sort=due, sort=opened): (key, strat_id) so a page continues exactly after the last row.
CREATE INDEX strat_summary_due ON strat_summary (due_at, strat_id);
CREATE INDEX strat_summary_opened ON strat_summary (opened_at, strat_id);
-- Case reference prefix search (q=): LIKE 'prefix%' on upper(case_ref) whatever the database's collation.
CREATE INDEX strat_summary_case_ref ON strat_summary (upper(case_ref) text_pattern_ops);
CREATE INDEX strat_summary_chair ON strat_summary (chair_id, due_at, strat_id);
CREATE INDEX strat_summary_team ON strat_summary (team, due_at, strat_id);
CREATE INDEX strat_summary_status ON strat_summary (status, due_at, strat_id);
-- The dashboard's period queries: meetings held in a period.
CREATE INDEX strat_summary_held ON strat_summary (held_at) WHERE held_at IS NOT NULL;

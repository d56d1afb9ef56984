-- 015: the dashboard's drills of rare figures (issue 15 point 3: each number lists its strats) start from the period's
-- held meetings of that kind, not from the list's sort order: at 200,000 strats the "late" drill walked strat_summary_due
-- past ~190,000 rows (255 ms) to find 51 late meetings of the 12 weeks. Partial indexes on held_at for the counted, rare
-- kinds (late, short notice, inquorate: DOMAIN.md T-SHORT, Q-1); the planner sorts the few matches by the list's key.
CREATE INDEX strat_summary_held_late ON strat_summary (held_at) WHERE late;
CREATE INDEX strat_summary_held_short_notice ON strat_summary (held_at) WHERE short_notice;
CREATE INDEX strat_summary_held_inquorate ON strat_summary (held_at) WHERE quorate IS FALSE;

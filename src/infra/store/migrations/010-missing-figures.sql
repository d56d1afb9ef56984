-- 010: the managers' missing figures (issue 14 point 7) read the episodes open now or returned since a date; the open
-- ones come from the partial unique index of 007, the returned ones from this one.
CREATE INDEX missing_episodes_returned ON missing_episodes (returned_at) WHERE returned_at IS NOT NULL;

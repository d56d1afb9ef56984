-- 008: the missing-child risk tool (M-RAG, issue 14 point 2) per child per episode: every scoring is a version, never
-- overwritten ("risk tool reviewed when new information comes", bromley-missing-2020 Appendix 4), with the item ids
-- changed since the previous version, and the team manager's sign-off (comments, one of the form's four outcomes).
-- Each scoring and sign-off is also an entry on the episode's audit chain (missing_episode_audit).
CREATE TABLE missing_risk_versions (
  episode_id uuid NOT NULL REFERENCES missing_episodes (id),
  version    integer NOT NULL CHECK (version >= 1),
  answers    jsonb NOT NULL,                -- item id → score (items not answered count 0)
  score      integer NOT NULL CHECK (score >= 0),
  band       text NOT NULL CHECK (band IN ('blue', 'green', 'amber', 'red')),
  changed    jsonb NOT NULL DEFAULT '[]'::jsonb, -- item ids whose score differs from the previous version
  scored_by  text NOT NULL,
  scored_at  timestamptz NOT NULL,
  sign_off   jsonb,                         -- {by, byName, at, outcome, comments}
  press_key  text,                          -- the card press that scored it: a repeated press keeps no second version
  PRIMARY KEY (episode_id, version),
  UNIQUE (episode_id, press_key)
);

-- 007: missing episodes (issue 14 points 1 and 5): one child of one case reported missing, until returned, with the
-- strats held about it, the return home interview (T-RHI) and whether the parents were told (bromley-missing-2020
-- §9.2, §9.5). References only: never a child's name or date of birth. Every change is an entry on the episode's
-- own hash chain (missing_episode_audit: hash = SHA-256(prev_hash ‖ canonical JSON), as audit_log per strat).
CREATE TABLE missing_episodes (
  id                  uuid PRIMARY KEY,
  case_ref            text NOT NULL,
  child_ref           text NOT NULL,
  profile_id          text NOT NULL,
  reported_at         timestamptz NOT NULL,
  reported_by         text NOT NULL,
  looked_after        boolean NOT NULL DEFAULT false,
  on_plan             boolean NOT NULL DEFAULT false,
  particular_concerns boolean NOT NULL DEFAULT false,
  returned_at         timestamptz,
  returned_where      text,
  returned_by         text,
  rhi                 jsonb,                 -- {due, heldAt, outcome, by}
  parents_told        jsonb,                 -- {at, by}
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  CHECK (returned_at IS NULL OR returned_at >= reported_at)
);
-- At most one open (not returned) episode per case and child: `missing` and `new` link to it.
CREATE UNIQUE INDEX missing_episodes_open ON missing_episodes (case_ref, child_ref) WHERE returned_at IS NULL;

CREATE TABLE missing_episode_strats (
  episode_id uuid NOT NULL REFERENCES missing_episodes (id),
  strat_id   uuid NOT NULL REFERENCES strats (id),
  linked_at  timestamptz NOT NULL,
  seq        bigserial NOT NULL,          -- link order (clock times can tie)
  PRIMARY KEY (episode_id, strat_id)
);
CREATE INDEX missing_episode_strats_strat ON missing_episode_strats (strat_id);

CREATE TABLE missing_episode_audit (
  id         bigserial PRIMARY KEY,
  episode_id uuid NOT NULL REFERENCES missing_episodes (id),
  version    integer NOT NULL,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash  text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash       text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX missing_episode_audit_episode ON missing_episode_audit (episode_id, id);
CREATE TRIGGER missing_episode_audit_append_only BEFORE UPDATE OR DELETE ON missing_episode_audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER missing_episode_audit_no_truncate BEFORE TRUNCATE ON missing_episode_audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

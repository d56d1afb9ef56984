-- 001: strats, their audit trail, conversation references, durable jobs, processed activities.
CREATE SEQUENCE IF NOT EXISTS strat_number_seq;

CREATE TABLE strats (
  id            uuid PRIMARY KEY,
  ref           text NOT NULL UNIQUE,            -- our reference, e.g. SD-2026-0001
  case_ref      text NOT NULL,                   -- the council's case reference (never a child's name)
  profile_id    text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
  version       integer NOT NULL DEFAULT 1,      -- optimistic concurrency: bumped by every change
  referral      jsonb NOT NULL,                  -- validated referral (children refs, DOBs, flags)
  state         jsonb NOT NULL DEFAULT '{}'::jsonb, -- the aggregate's evolving state (invitees, responses, decisions, …)
  due_at        timestamptz NOT NULL,
  due_rule      text NOT NULL,
  target_at     timestamptz,
  deadline      jsonb NOT NULL,                  -- every rule that applied, with its due
  chair_id      text NOT NULL,                   -- AAD object id (or channel user id) of the chair
  chair_name    text,
  conversation_id text,                          -- where it was opened (bound conversation)
  request_id    text UNIQUE,                     -- idempotency key of the opening submission
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz
);
CREATE INDEX strats_open_due ON strats (due_at) WHERE status = 'open';
CREATE INDEX strats_conversation ON strats (conversation_id);

CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  strat_id   uuid REFERENCES strats (id),
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  action     text NOT NULL,
  version    integer,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_strat ON audit_log (strat_id, id);

CREATE TABLE conversation_refs (
  conversation_id text PRIMARY KEY,
  user_id         text,
  reference       jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL,
  dedupe_key  text UNIQUE,
  run_at      timestamptz NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
  claimed_at  timestamptz,
  claimed_by  text,
  done_at     timestamptz,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;

CREATE TABLE processed_activities (
  activity_id  text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
);

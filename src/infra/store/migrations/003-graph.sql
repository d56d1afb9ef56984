-- 003: Microsoft Graph scheduling (issue 6): the outbox of Graph writes and follow-ups, each strat's
-- booking, the last known answer per invitee, change-notification subscriptions and delta links.
-- Case content never goes here: subjects and bodies are built from case/strat references at send time.

CREATE TABLE graph_outbox (
  id          uuid PRIMARY KEY,
  seq         bigserial NOT NULL,        -- request order (clock times can tie): one strat's calendar writes run in this order
  kind        text NOT NULL,             -- book | move | cancel | mail | channel-post | upload | sync-event | resync | subscribe | deliver
  strat_id    text,
  dedupe_key  text UNIQUE,               -- the caller's idempotency key: a repeated request returns the same intent
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
  state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
  run_at      timestamptz NOT NULL,
  lease_until timestamptz,               -- a running intent whose lease ran out (crashed worker) is claimed again
  claimed_by  text,
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,                      -- code and status only, never a library's message with case content
  result      jsonb,
  created_at  timestamptz NOT NULL,
  done_at     timestamptz
);
CREATE INDEX graph_outbox_due ON graph_outbox (run_at) WHERE state IN ('pending', 'running');
CREATE INDEX graph_outbox_strat ON graph_outbox (strat_id, created_at);

CREATE TABLE graph_bookings (
  strat_id       text PRIMARY KEY,
  attempt        integer NOT NULL,
  organizer      text NOT NULL,
  transaction_id text NOT NULL,          -- derived from strat id + attempt: a retried create never makes a second meeting
  intent_id      uuid NOT NULL,
  state          text NOT NULL CHECK (state IN ('pending', 'booked', 'failed', 'cancelled')),
  event_id       text,
  join_url       text,
  start_at       timestamptz NOT NULL,   -- the requested (latest moved-to) slot
  end_at         timestamptz NOT NULL,
  attendees      jsonb NOT NULL DEFAULT '[]'::jsonb,
  error          text,                   -- plain words for the chair
  updated_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX graph_bookings_event ON graph_bookings (lower(organizer), event_id) WHERE event_id IS NOT NULL;

CREATE TABLE graph_responses (
  strat_id     text NOT NULL,
  address      text NOT NULL,            -- lower-case
  response     text NOT NULL CHECK (response IN ('accepted', 'declined', 'tentativelyAccepted', 'none')),
  responded_at timestamptz,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (strat_id, address)
);

CREATE TABLE graph_subscriptions (
  id         text PRIMARY KEY,
  mailbox    text NOT NULL,              -- lower-case
  resource   text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  renewed_at timestamptz,
  state      text NOT NULL CHECK (state IN ('active', 'removed'))
);
CREATE INDEX graph_subscriptions_mailbox ON graph_subscriptions (mailbox) WHERE state = 'active';

CREATE TABLE graph_sync (
  mailbox      text PRIMARY KEY,         -- lower-case
  delta_link   text,
  last_sync_at timestamptz
);

-- 004: the local Graph stand-in's state (local mode and tests only; unused against a real tenant).
-- It lives in the same store so `npm start` keeps the mailboxes across restarts.

CREATE TABLE standin_events (
  id             text PRIMARY KEY,
  mailbox        text NOT NULL,          -- organiser, lower-case
  transaction_id text,
  data           jsonb NOT NULL,         -- the event as Graph returns it
  change_seq     bigint NOT NULL,        -- for delta
  deleted        boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX standin_events_tx ON standin_events (mailbox, transaction_id) WHERE transaction_id IS NOT NULL;
CREATE SEQUENCE standin_change_seq;

CREATE TABLE standin_inbox (
  id         bigserial PRIMARY KEY,
  mailbox    text NOT NULL,              -- recipient, lower-case
  kind       text NOT NULL,              -- invitation | update | cancellation | mail | reply
  event_id   text,
  subject    text NOT NULL,
  html       text NOT NULL,
  sender     text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX standin_inbox_mailbox ON standin_inbox (mailbox, id);

CREATE TABLE standin_subscriptions (
  id   text PRIMARY KEY,
  data jsonb NOT NULL
);

CREATE TABLE standin_objects (
  kind text NOT NULL,                    -- channel-message | drive-item | online-meeting | attendance-report | busy
  id   text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (kind, id)
);

CREATE TABLE standin_requests (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL,
  method   text NOT NULL,
  path     text NOT NULL,
  status   integer NOT NULL,
  contract text NOT NULL                 -- covered | extension | invalid
);

-- 005: one durable queue for all background work (issue 10 point 2). Replaces `jobs` (reminders, record
-- hand-over) and `graph_outbox` (Graph writes and their follow-ups): their unfinished rows move here under
-- the new kind names, finished ones are history only; both old tables are then dropped.

CREATE TABLE background_jobs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq           bigserial NOT NULL,         -- request order (clock times can tie): ordering_key runs in this order
  kind          text NOT NULL,              -- one zod schema per kind (src/ports/jobs.ts)
  payload       jsonb NOT NULL,
  dedupe_key    text UNIQUE,                -- idempotency key: a repeated request is the same job
  singleton_key text,                       -- at most one unfinished job per key (e.g. one resync per mailbox)
  ordering_key  text,                       -- jobs with one key run one at a time, in seq order (a strat's calendar writes)
  strat_id      text,                       -- whose chair sees the dead letter
  state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
  run_at        timestamptz NOT NULL,
  lease_until   timestamptz,                -- a running job whose lease ran out (crashed worker) is claimed again
  claimed_by    text,
  token         bigint NOT NULL DEFAULT 0,  -- fencing token: bumped by every claim; complete/fail must present it
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 10,
  last_error    text,                       -- code, status or schema field only: never a library's message with case content
  result        jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  done_at       timestamptz
);
CREATE INDEX background_jobs_due ON background_jobs (run_at, seq) WHERE state IN ('pending', 'running');
CREATE INDEX background_jobs_ordering ON background_jobs (ordering_key, seq) WHERE ordering_key IS NOT NULL AND state IN ('pending', 'running');
CREATE UNIQUE INDEX background_jobs_singleton ON background_jobs (singleton_key) WHERE singleton_key IS NOT NULL AND state IN ('pending', 'running');
CREATE INDEX background_jobs_dead ON background_jobs (strat_id, done_at) WHERE state = 'dead';

-- Unfinished reminders and record hand-overs, as they were (a claim in flight is simply claimed again).
INSERT INTO background_jobs (kind, payload, dedupe_key, strat_id, state, run_at, attempts, max_attempts, last_error, created_at)
SELECT kind, payload, dedupe_key, payload->>'stratId', 'pending', run_at, attempts, 8, last_error, now()
FROM jobs WHERE done_at IS NULL ORDER BY run_at, id;

-- Unfinished Graph intents and follow-ups, in their request order; ids kept (graph_bookings.intent_id).
INSERT INTO background_jobs (id, kind, payload, dedupe_key, singleton_key, ordering_key, strat_id, state, run_at, attempts, max_attempts, last_error, created_at)
SELECT o.id,
  CASE WHEN o.kind = 'deliver' THEN 'calendar.' || (o.payload->>'event') ELSE 'graph.' || o.kind END,
  CASE WHEN o.kind = 'deliver' THEN COALESCE(o.payload->'data', '{}'::jsonb) ELSE o.payload END,
  o.dedupe_key,
  CASE WHEN o.kind IN ('subscribe', 'resync') THEN 'graph.' || o.kind || ':' || lower(o.payload->>'mailbox')
       WHEN o.kind = 'sync-event' THEN 'graph.sync-event:' || (o.payload->>'eventId') END,
  CASE WHEN o.kind IN ('book', 'move', 'cancel') THEN 'calendar:' || o.strat_id END,
  o.strat_id, 'pending', o.run_at, o.attempts, CASE WHEN o.kind = 'deliver' THEN 20 ELSE 10 END, o.last_error, o.created_at
FROM graph_outbox o WHERE o.state IN ('pending', 'running') ORDER BY o.seq
ON CONFLICT DO NOTHING;

DROP TABLE jobs;
DROP TABLE graph_outbox;

-- Redelivery keys of Teams activities are pruned by a recurring job (maintenance.prune-activities).
CREATE INDEX processed_activities_at ON processed_activities (processed_at);

/**
 * The seed's record distribution (issue 15): the record jobs a seeded close queues (record.distribute, then one graph.mail
 * per recipient) run the way the app runs them — the same job worker, the same handlers as src/main.ts wires, against
 * the local Graph stand-in (local mode) — with the seed's clock set to when the seed says the record went out. The queue
 * then writes strat_summary.record_distributed_at itself when the version-1 mails are done (job-store.ts completeJob), so
 * the dashboard's "record distributed on time" (T-REC) reads what the app would have written, never a column set by hand.
 * Other kinds the close queues (the channel post, the deadline checks) stay queued for `npm start`.
 */
import pino from "pino";
import type { AppContext } from "../app/context.js";
import { distributeRecordJob, type RenderRecordFile } from "../app/distribute-record.js";
import { createResponseLinks, responseLinkSecret } from "../infra/auth/response-link.js";
import { createGraphRuntime, graphClientState, loggingCalendarEvents } from "../infra/graph/graph-runtime.js";
import { startLocalGraph } from "../infra/graph-stand-in/local-graph.js";
import { createJobQueue } from "../infra/queue/job-store.js";
import { createJobWorker } from "../infra/queue/worker.js";
import { exportRecord } from "../infra/record/export.js";
import type { Clock } from "../ports/clock.js";
import type { JobKind } from "../ports/jobs.js";
import type { Database } from "../ports/store.js";

/** Where the record mail comes from and where its personal links point (the CLI passes the app's config). */
export interface SeedMailSettings { organizerMailbox?: string; publicUrl?: string; responseLinkSecret?: string }

/** The organizer mailbox src/main.ts uses when ORGANIZER_MAILBOX is not set. */
const DEFAULT_ORGANIZER = "strategy.discussions@council.example.org";
const KINDS: readonly JobKind[] = ["record.distribute", "graph.mail"];
/** The record as the app's mail attaches it (src/main.ts recordPdfFile). */
const recordPdfFile: RenderRecordFile = (record) => exportRecord(record, "pdf");

export interface SeedDistributor {
  /** Runs the strat's queued record jobs with the clock at `at` (then over any retry back-off) until none is left. */
  distribute(at: Date): Promise<void>;
  stop(): Promise<void>;
}

export async function seedDistributor(db: Database, ctx: AppContext, clock: Clock & { set(d: Date): void }, mail: SeedMailSettings = {}): Promise<SeedDistributor> {
  const log = pino({ level: "silent" });
  const graph = await createGraphRuntime({
    settings: {
      GRAPH_MODE: "standin", GRAPH_STANDIN_PORT: 0, GRAPH_CLIENT_STATE: await graphClientState({ GRAPH_CLIENT_STATE: undefined }, db),
      GRAPH_NOTIFICATIONS: false, GRAPH_SUBSCRIPTION_MINUTES: 4230, GRAPH_TIMEOUT_MS: 30_000, GRAPH_POLL_SECONDS: 300,
    },
    db, clock, log, events: loggingCalendarEvents(log), appBaseUrl: "http://127.0.0.1:0", startLocalGraph,
  });
  const mailCtx: AppContext = {
    ...ctx, scheduler: graph.scheduler, organizerMailbox: mail.organizerMailbox ?? DEFAULT_ORGANIZER, jobs: createJobQueue(db, () => clock.now()),
    links: createResponseLinks(await responseLinkSecret(db, mail.responseLinkSecret)), publicUrl: mail.publicUrl,
  };
  // One job at a time: on PostgreSQL two last record mails completing at once, each in its own transaction, each see the
  // other still running and neither writes record_distributed_at (job-store.ts RECORD_DISTRIBUTED; reported to the lead).
  const worker = createJobWorker({
    db, clock, log, concurrency: 1, handlers: { "record.distribute": { run: distributeRecordJob(mailCtx, recordPdfFile) }, "graph.mail": graph.handlers["graph.mail"] },
  });
  return {
    async distribute(at) {
      clock.set(at);
      for (let round = 0; round < 50; round++) {
        if ((await worker.runOnce({ kinds: KINDS })) > 0) continue;
        const [next] = await db.query<{ at: Date | string | null }>(
          "SELECT min(run_at) AS at FROM background_jobs WHERE state IN ('pending', 'running') AND kind = ANY($1)", [KINDS]);
        if (!next?.at) return;
        clock.set(new Date(Math.max(new Date(next.at).getTime(), clock.now().getTime()) + 1000));
      }
    },
    async stop() {
      await worker.stop();
      await graph.stop();
    },
  };
}

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError, escalationRecipients, loadConfig, type Config } from "./config.js";
import type { AppContext } from "./app/context.js";
import { isAppError } from "./domain/errors.js";
import { loadProfiles } from "./infra/profiles/read-profile-files.js";
import { createLogger, type Logger } from "./infra/log/logger.js";
import { startPlayground } from "./infra/playground.js";
import { createAdapter, createHttpApp } from "./infra/http/server.js";
import { ensurePortFree, listenOn } from "./infra/http/port-check.js";
import { createJobQueue } from "./infra/queue/job-store.js";
import { analyzeHandler, analyzeStore, pruneActivitiesHandler, scheduleDailyAnalyze, scheduleHousekeeping } from "./infra/queue/maintenance.js";
import { auditCheckpointHandler, scheduleAuditCheckpoints } from "./infra/queue/audit-checkpoint.js";
import { auditSigningKey } from "./infra/store/audit-log.js";
import { createJobWorker, type JobHandlers, type JobWorker } from "./infra/queue/worker.js";
import { jobHandlers } from "./app/run-due-jobs.js";
import { rhiNoticeJob } from "./app/missing-episode.js";
import { escalateJob, weeklyNoticeJob } from "./app/missing-duties.js";
import { profileEscalates } from "./domain/missing/escalations.js";
import { createMissingEpisodeRepository } from "./infra/store/missing-episode-repository.js";
import { exportRecord } from "./infra/record/export.js";
import { distributeRecordJob, distributionCheckJob, refreshingChannelCard, type RenderRecordFile } from "./app/distribute-record.js";
import type { Notifier, RecordPublisher } from "./ports/notifier.js";
import { createBotNotifier } from "../bot/notifier.js";
import { recordChannelCard } from "../bot/views/record-channel.js";
import { createRecordPublisher } from "./app/publish-record.js";
import { renderRecordPdf } from "./infra/record/pdf.js";

/** The record as the mail attaches it and the response link serves it: the archival PDF (references-only file name). */
const recordPdfFile: RenderRecordFile = (record) => exportRecord(record, "pdf");
import { openDatabase } from "./infra/store/open-database.js";
import { createResponseLinks, responseLinkSecret } from "./infra/auth/response-link.js";
import { createConversationRefRepository } from "./infra/store/conversation-ref-repository.js";
import { createTeamNameRepository } from "./infra/store/team-name-repository.js";
import { backfillStratSummaries, createStratRepository } from "./infra/store/strat-repository.js";
import { systemClock, type Clock } from "./ports/clock.js";
import type { Database } from "./ports/store.js";
import { createCardRenderer } from "../bot/cards/render-card.js";
import { StrategyBot } from "../bot/strategy-bot.js";
import { teamsInvitationJob } from "../bot/jobs/teams-invitation.js";
import { answerNoticeJob } from "../bot/jobs/answer-notice.js";
import { actionNoticeJob } from "../bot/jobs/action-notice.js";
import { escalateInquorateJob, notifyInfoJob } from "../bot/jobs/duties.js";
import { responseLinkPages } from "../bot/commands/invitees.js";
import { startGraphFromConfig, type GraphRuntime } from "./infra/graph/graph-runtime.js";
import { calendarEventsFor } from "./app/calendar-events.js";
import express from "express";

export interface Running { server: Server; db: Database; port: number; ctx: AppContext; jobs: JobWorker; graph: GraphRuntime; stop(): Promise<void> }

/** The composition root: the only place that builds the database, the logger and the bot (ARCHITECTURE.md §1). */
export async function startApp(config: Config, log: Logger, clock: Clock = systemClock): Promise<Running> {
  const profiles = loadProfiles({ extraDir: config.PROFILES_DIR, holidayOverridesFile: config.HOLIDAY_OVERRIDES_FILE });
  // Issue 14 point 4: a profile naming T-MDCS/T-MHOS needs its escalation roles configured (tenant mode).
  const escalationTo = escalationRecipients(config, profiles.list().some((p) => p.selectable && profileEscalates(profiles.get(p.id))));
  // Ports first (issue 11, point 1): a port in use stops start-up before the database is opened or migrated.
  await ensurePortFree(config.HOST, config.PORT, "PORT");
  if (config.GRAPH_MODE === "standin") await ensurePortFree("127.0.0.1", config.GRAPH_STANDIN_PORT ?? (config.PORT === 0 ? 0 : 3979), "GRAPH_STANDIN_PORT");
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, pgliteSnapshot: config.PGLITE_SNAPSHOT });
  await backfillStratSummaries(db); // issue 15 point 7: strats stored before the read model get their row
  // PGlite has no autovacuum: fresh planner statistics once at start (then daily in the queue, below).
  const analyzeStarted = Date.now();
  if (await analyzeStore(db)) log.info({ ms: Date.now() - analyzeStarted }, "planner statistics refreshed (ANALYZE)");
  const links = createResponseLinks(await responseLinkSecret(db, config.RESPONSE_LINK_SECRET));
  const ctx: AppContext = {
    strats: createStratRepository(db, () => clock.now()),
    episodes: createMissingEpisodeRepository(db, () => clock.now()),
    conversations: createConversationRefRepository(db),
    teamNames: createTeamNameRepository(db),
    profiles,
    clock,
    log,
    defaultProfile: config.DEFAULT_PROFILE,
    references: config.CHILD_REFERENCE_PATTERN,
    seniorManager: config.SENIOR_MANAGER ?? null,
    escalationRecipients: escalationTo,
    deputyIds: config.DEPUTY_CHAIR_IDS,
    managerIds: config.MANAGER_IDS,
    links,
    publicUrl: config.PUBLIC_URL,
  };
  profiles.get(config.DEFAULT_PROFILE); // an unknown DEFAULT_PROFILE stops start-up
  const cards = createCardRenderer();
  const bot = new StrategyBot(ctx, cards);
  const graphRoutes = express.Router(); // Graph change notifications; filled once the Graph runtime starts
  const httpDeps = { config, log, ctx, bot, responsePages: responseLinkPages(ctx, cards, recordPdfFile), extraRoutes: graphRoutes };
  const adapter = createAdapter(httpDeps);
  const notifier = createBotNotifier(adapter, ctx, config.MicrosoftAppId);
  ctx.notifier = notifier;
  ctx.jobs = createJobQueue(db, () => clock.now());
  // The channel record (issue 13 point 2): the bot posts the summary card, Graph keeps the PDF (src/app/publish-record.ts).
  const publisher = createRecordPublisher({ ctx, notifier, card: recordChannelCard(cards), pdf: renderRecordPdf, recordChannel: config.RECORD_CHANNEL });
  const app = createHttpApp(httpDeps, adapter);
  const server = await listenOn(app, config.PORT, config.HOST, "PORT").catch(async (e) => {
    await db.close();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  ctx.publicUrl ??= `http://127.0.0.1:${port}`;
  // --- Microsoft Graph scheduling (issue 6; docs/graph.md): the local Graph stand-in (GRAPH_MODE=standin) or
  // graph.microsoft.com, and the outbox worker. Routes: the lead mounts createGraphRoutes in the HTTP server.
  const graph = await startGraphFromConfig({
    config, db, clock, log, appPort: port, events: { ...calendarEventsFor(ctx, notifier), onUploaded: (e) => publisher.uploaded(e) },
    // Local mode only: the Graph stand-in (production never loads it).
    startLocalGraph: config.GRAPH_MODE === "standin" ? (await import("./infra/graph-stand-in/local-graph.js")).startLocalGraph : undefined,
  });
  graphRoutes.use(graph.routes);
  ctx.scheduler = graph.scheduler;
  ctx.organizerMailbox = config.ORGANIZER_MAILBOX ?? "strategy.discussions@council.example.org";
  // --- end Microsoft Graph ---
  // The one durable queue (issue 10): one worker runs every kind — reminders and the record hand-over (app),
  // Graph writes and their callbacks (graph runtime), housekeeping. JOBS_POLL_MS = 0: rounds only by hand (tests).
  const app_ = jobHandlers(ctx, notifier, publisher);
  const handlers: JobHandlers = {
    "reminder.due": { run: app_["reminder.due"] },
    "reminder.action": { run: app_["reminder.action"] },
    "reminder.action-owner": { run: app_["reminder.action-owner"] },
    "reminder.followon": { run: app_["reminder.followon"] },
    "record.publish": { run: app_["record.publish"] },
    "missing.rhi": { run: rhiNoticeJob(ctx, notifier) },
    "missing.escalate": { run: escalateJob(ctx, notifier) },
    "missing.weekly": { run: weeklyNoticeJob(ctx, notifier) },
    "record.distribute": { run: distributeRecordJob(ctx, recordPdfFile) },
    "record.distribution-check": { run: distributionCheckJob(ctx, notifier) },
    ...graph.handlers,
    // Each record mail sent or failed refreshes the channel card's distribution status (coalesced, issue 13 point 2).
    ...(graph.handlers["graph.mail"] ? { "graph.mail": { ...graph.handlers["graph.mail"], run: refreshingChannelCard(ctx, graph.handlers["graph.mail"].run) } } : {}),
    "record.channel-refresh": { run: (job) => publisher.refresh(job.payload.stratId) },
    "teams.invitation": { run: teamsInvitationJob(ctx, cards, notifier) },
    "notify.answer": { run: answerNoticeJob(ctx, notifier) },
    "notify.action": { run: actionNoticeJob(ctx, notifier) },
    "notify.info": { run: notifyInfoJob(ctx) },
    "escalate.inquorate": { run: escalateInquorateJob(ctx, notifier) },
    "maintenance.prune-activities": pruneActivitiesHandler(db, clock),
    "maintenance.analyze": analyzeHandler(db, clock),
    "audit.checkpoint": auditCheckpointHandler(db, clock, log, () => auditSigningKey(db, config.AUDIT_SIGNING_KEY)),
  };
  const jobs = createJobWorker({ db, clock, log: log.child({ component: "jobs" }), handlers, beforeRound: graph.beforeRound, ...(graph.leaseMs ? { leaseMs: graph.leaseMs } : {}) });
  await scheduleHousekeeping(db, clock.now());
  await scheduleDailyAnalyze(db, clock.now()); // PGlite only
  await scheduleAuditCheckpoints(db, clock.now());
  jobs.start(config.JOBS_POLL_MS);
  return {
    server, db, port, ctx, jobs, graph,
    async stop() {
      await jobs.stop();
      await graph.stop();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await db.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : "Configuration error"}\n`);
    process.exit(1);
  }
  const log = createLogger(config.LOG_LEVEL);
  let running: Running;
  try {
    running = await startApp(config, log);
  } catch (e) {
    const msg = isAppError(e) ? e.userMessage : (e as Error).message;
    // A refusal the person starting the app can act on (folder in use, port in use…) is the one line below;
    // anything unexpected is also logged.
    if (!isAppError(e) && !(e instanceof ConfigError)) log.fatal({ err: { type: (e as Error).name } }, "start-up failed");
    process.stderr.write(`Start-up failed: ${msg}\n`);
    process.exit(1);
  }
  const base = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${running.port}`;
  const store = config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `PGlite in ${config.DATA_DIR}/pglite`;
  if (config.authEnabled) log.info({ appId: config.MicrosoftAppId }, "bot credentials configured: every request to /api/messages must carry a valid Bot Framework JWT");
  else log.warn("no bot credentials (MicrosoftAppId/MicrosoftAppPassword/MicrosoftAppTenantId): local mode, /api/messages accepts requests from loopback only");
  let playground: ReturnType<typeof startPlayground> | undefined;
  const lines = [
    `Strategy discussions app is running (store: ${store}).`,
    `  Bot endpoint:  ${base}/api/messages`,
    `  Tab:           ${base}/tab/`,
  ];
  if (config.PLAYGROUND && !config.authEnabled) {
    playground = startPlayground({ botEndpoint: `${base}/api/messages`, port: config.PLAYGROUND_PORT, log });
    lines.push(`  Chat with the bot (Agents Playground): http://127.0.0.1:${config.PLAYGROUND_PORT}  ← open this, type: help`);
  }
  if (running.graph.standIn) lines.push(`  Mailboxes (local Graph stand-in: invitations, answer as an agency): ${running.graph.standIn.url}/mailboxes`);
  log.info({ url: base, store: running.db.kind }, "listening");
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    playground?.kill("SIGTERM");
    await running.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("unhandledRejection", (e) => log.error({ err: { type: (e as Error)?.name } }, "unhandled rejection"));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

import type { Logger } from "pino";
import type express from "express";
import type { Clock } from "../../ports/clock.js";
import type { CalendarEvents, Scheduler } from "../../ports/scheduler.js";
import type { Database } from "../../ports/store.js";
import { createGraphGateway, type GraphGateway } from "./graph-gateway.js";
import type { ObservedRequest } from "./middleware.js";
import { createMsalAuth, standInTokenSource } from "./msal-auth.js";
import { createGraphRoutes } from "./notification-routes.js";
import { graphJobHandlers } from "./outbox-worker.js";
import type { JobHandlers } from "../queue/worker.js";
import { createGraphScheduler } from "./graph-scheduler.js";
import { installSecret } from "../auth/install-secret.js";

/** The settings the Graph parts read (a slice of Config, see src/config.ts). */
export interface GraphSettings {
  GRAPH_MODE: "standin" | "graph";
  GRAPH_BASE_URL?: string;
  GRAPH_STANDIN_PORT: number;
  GRAPH_STANDIN_HOST?: string;
  GRAPH_TENANT_ID?: string;
  GRAPH_CLIENT_ID?: string;
  GRAPH_CLIENT_SECRET?: string;
  GRAPH_CLIENT_STATE: string;
  GRAPH_NOTIFICATIONS: boolean;
  /** Public base URL the notifications reach (https in a tenant); `${it}/graph/notifications`. */
  GRAPH_NOTIFICATION_BASE_URL?: string;
  GRAPH_SUBSCRIPTION_MINUTES: number;
  GRAPH_TIMEOUT_MS: number;
  GRAPH_POLL_SECONDS: number;
  /** How long a claimed job is leased before another worker may take it over (after a crash). */
  GRAPH_LEASE_MS?: number;
  GRAPH_CONTRACT_FILE?: string;
}

/**
 * A local Graph server (the stand-in of src/infra/graph-stand-in, local mode only): the composition root
 * passes a starter in; production code never imports it.
 */
export interface LocalGraph { url: string; graphBaseUrl: string; stop(): Promise<void> }
export type LocalGraphStarter = (o: { db: Database; clock: Clock; log: Logger; host: string; port: number; contractFile?: string }) => Promise<LocalGraph>;

export interface GraphRuntime {
  scheduler: Scheduler;
  /** The handlers of the Graph kinds, for the app's one job worker (src/main.ts), and what it runs before each round. */
  handlers: JobHandlers;
  beforeRound(): Promise<void>;
  /** How long the worker's claims hold (GRAPH_LEASE_MS), if set. */
  leaseMs?: number;
  gateway: GraphGateway;
  /** Mount on the app's HTTP server: `app.use(graph.routes)` (before the 404 handler). */
  routes: express.Router;
  standIn: LocalGraph | null;
  stop(): Promise<void>;
}

/**
 * Builds the scheduling layer for the composition root: in `standin` mode the local Graph stand-in is
 * started first (its own port) and the same gateway talks to it; in `graph` mode msal-node supplies
 * application tokens for graph.microsoft.com. `appBaseUrl` is where this app's HTTP server listens
 * (for notifications in local mode).
 */
export async function createGraphRuntime(o: {
  settings: GraphSettings; db: Database; clock: Clock; log: Logger; events: CalendarEvents; appBaseUrl: string;
  observe?: (r: ObservedRequest) => void;
  /** Required in `standin` mode (local mode: src/main.ts passes the stand-in). */
  startLocalGraph?: LocalGraphStarter;
}): Promise<GraphRuntime> {
  const s = o.settings;
  const log = o.log.child({ component: "graph" });
  let standIn: LocalGraph | null = null;
  let baseUrl = s.GRAPH_BASE_URL;
  let tokens = standInTokenSource;
  if (s.GRAPH_MODE === "standin") {
    if (!o.startLocalGraph) throw new GraphConfigError("Configuration error: GRAPH_MODE=standin needs the local Graph stand-in (local mode only)");
    standIn = await o.startLocalGraph({
      db: o.db, clock: o.clock, log: log.child({ component: "graph-stand-in" }), contractFile: s.GRAPH_CONTRACT_FILE,
      host: s.GRAPH_STANDIN_HOST ?? "127.0.0.1", port: s.GRAPH_STANDIN_PORT,
    });
    baseUrl = standIn.graphBaseUrl;
  } else {
    tokens = createMsalAuth({ tenantId: s.GRAPH_TENANT_ID!, clientId: s.GRAPH_CLIENT_ID!, clientSecret: s.GRAPH_CLIENT_SECRET!, graphOrigin: new URL(baseUrl ?? "https://graph.microsoft.com/v1.0").origin }, log).app();
  }
  const gateway = createGraphGateway({ baseUrl: baseUrl ?? "https://graph.microsoft.com/v1.0", tokens, timeoutMs: s.GRAPH_TIMEOUT_MS, observe: o.observe });
  const notifyBase = (s.GRAPH_NOTIFICATION_BASE_URL ?? o.appBaseUrl).replace(/\/$/, "");
  const graph = graphJobHandlers({
    db: o.db, gateway, events: o.events, clock: o.clock, log,
    settings: {
      pollIntervalMs: s.GRAPH_POLL_SECONDS * 1000,
      notifications: {
        enabled: s.GRAPH_NOTIFICATIONS,
        notificationUrl: `${notifyBase}/graph/notifications`,
        lifecycleUrl: `${notifyBase}/graph/lifecycle`,
        clientState: s.GRAPH_CLIENT_STATE,
        lifetimeMinutes: s.GRAPH_SUBSCRIPTION_MINUTES,
      },
    },
  });
  const scheduler = createGraphScheduler({ db: o.db, gateway, clock: o.clock, log });
  const routes = createGraphRoutes({ db: o.db, clock: o.clock, log, clientState: s.GRAPH_CLIENT_STATE });
  return {
    scheduler, gateway, routes, standIn, handlers: graph.handlers, beforeRound: graph.maintainThrottled,
    ...(s.GRAPH_LEASE_MS ? { leaseMs: s.GRAPH_LEASE_MS } : {}),
    async stop() {
      await standIn?.stop();
    },
  };
}

/** The Config variables the Graph parts read (added to src/config.ts in the "Microsoft Graph" block). */
export interface GraphConfig {
  PORT: number;
  PUBLIC_URL?: string;
  MicrosoftAppId?: string;
  MicrosoftAppPassword?: string;
  MicrosoftAppTenantId?: string;
  GRAPH_MODE: "standin" | "graph";
  GRAPH_BASE_URL?: string;
  GRAPH_STANDIN_PORT?: number;
  GRAPH_TENANT_ID?: string;
  GRAPH_CLIENT_ID?: string;
  GRAPH_CLIENT_SECRET?: string;
  GRAPH_CLIENT_STATE?: string;
  GRAPH_NOTIFICATIONS: boolean;
  GRAPH_NOTIFICATION_BASE_URL?: string;
  GRAPH_SUBSCRIPTION_MINUTES: number;
  GRAPH_TIMEOUT_MS: number;
  GRAPH_POLL_SECONDS: number;
  /** How long a claimed job is leased before another worker may take it over (after a crash). */
  GRAPH_LEASE_MS?: number;
  GRAPH_CONTRACT_FILE?: string;
}

export class GraphConfigError extends Error {}

/**
 * The clientState secret both the worker (subscriptions) and `createGraphRoutes` (checks) must use (issue 11
 * point 16): GRAPH_CLIENT_STATE, else a random one made once per install and kept in the store.
 */
export const graphClientState = async (c: Pick<GraphConfig, "GRAPH_CLIENT_STATE">, db: Database): Promise<string> =>
  c.GRAPH_CLIENT_STATE ?? installSecret(db, "graph_client_state");

/**
 * Until the strat use cases take the answers (issue 5 wiring in the composition root), calendar events
 * are logged with ids only.
 */
export function loggingCalendarEvents(log: Logger): CalendarEvents {
  const l = log.child({ component: "calendar-events" });
  return {
    onBooked: async (e) => void l.info({ stratId: e.stratId, eventId: e.eventId, hasJoinUrl: !!e.joinUrl }, "meeting booked"),
    onMoved: async (e) => void l.info({ stratId: e.stratId }, "meeting moved"),
    onCancelled: async (e) => void l.info({ stratId: e.stratId }, "meeting cancelled"),
    onResponse: async (e) => void l.info({ stratId: e.stratId, response: e.response }, "invitation answered"),
    onPermanentFailure: async (e) => void l.warn({ stratId: e.stratId, operation: e.operation }, "calendar write failed permanently"),
  };
}

/** Maps and checks the config (one line naming the variable on error), then builds the runtime. */
export async function startGraphFromConfig(o: {
  config: GraphConfig; db: Database; clock: Clock; log: Logger; appPort: number; events?: CalendarEvents; startLocalGraph?: LocalGraphStarter;
}): Promise<GraphRuntime> {
  const c = o.config;
  const graphMode = c.GRAPH_MODE === "graph";
  const tenant = c.GRAPH_TENANT_ID ?? c.MicrosoftAppTenantId;
  const clientId = c.GRAPH_CLIENT_ID ?? c.MicrosoftAppId;
  const secret = c.GRAPH_CLIENT_SECRET ?? c.MicrosoftAppPassword;
  if (graphMode) {
    for (const [name, v] of [["GRAPH_TENANT_ID", tenant], ["GRAPH_CLIENT_ID", clientId], ["GRAPH_CLIENT_SECRET", secret]] as const) {
      if (!v) throw new GraphConfigError(`Configuration error: ${name} is required when GRAPH_MODE=graph`);
    }
  }
  const publicBase = c.GRAPH_NOTIFICATION_BASE_URL ?? c.PUBLIC_URL;
  let notifications = c.GRAPH_NOTIFICATIONS;
  if (graphMode && notifications && !(publicBase && publicBase.startsWith("https://"))) {
    o.log.warn("GRAPH_NOTIFICATION_BASE_URL (or PUBLIC_URL) is not an https URL Graph can reach: change notifications off, answers are polled (GRAPH_POLL_SECONDS)");
    notifications = false;
  }
  return createGraphRuntime({
    settings: {
      GRAPH_MODE: c.GRAPH_MODE,
      GRAPH_BASE_URL: c.GRAPH_BASE_URL,
      GRAPH_STANDIN_PORT: c.GRAPH_STANDIN_PORT ?? (c.PORT === 0 ? 0 : 3979),
      GRAPH_TENANT_ID: tenant, GRAPH_CLIENT_ID: clientId, GRAPH_CLIENT_SECRET: secret,
      GRAPH_CLIENT_STATE: await graphClientState(c, o.db),
      GRAPH_NOTIFICATIONS: notifications,
      GRAPH_NOTIFICATION_BASE_URL: graphMode ? publicBase : undefined,
      GRAPH_SUBSCRIPTION_MINUTES: c.GRAPH_SUBSCRIPTION_MINUTES,
      GRAPH_TIMEOUT_MS: c.GRAPH_TIMEOUT_MS,
      GRAPH_POLL_SECONDS: c.GRAPH_POLL_SECONDS,
      GRAPH_LEASE_MS: c.GRAPH_LEASE_MS,
      GRAPH_CONTRACT_FILE: c.GRAPH_CONTRACT_FILE,
    },
    db: o.db, clock: o.clock, log: o.log, events: o.events ?? loggingCalendarEvents(o.log),
    appBaseUrl: `http://127.0.0.1:${o.appPort}`,
    startLocalGraph: o.startLocalGraph,
  });
}

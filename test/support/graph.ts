import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createLogger } from "../../src/infra/log/logger.js";
import { GraphContract } from "../../src/infra/graph-stand-in/contract-validator.js";
import { startStandIn, type StandIn } from "../../src/infra/graph-stand-in/stand-in.js";
import { createGraphGateway, type GraphGateway } from "../../src/infra/graph/graph-gateway.js";
import { createGraphScheduler } from "../../src/infra/graph/graph-scheduler.js";
import type { ObservedRequest } from "../../src/infra/graph/middleware.js";
import { standInTokenSource } from "../../src/infra/graph/msal-auth.js";
import { createGraphRoutes } from "../../src/infra/graph/notification-routes.js";
import { createOutboxWorker, type OutboxWorker, type WorkerSettings } from "../../src/infra/graph/outbox-worker.js";
import type { Clock } from "../../src/ports/clock.js";
import type { CalendarEvents, Scheduler } from "../../src/ports/scheduler.js";
import type { Database } from "../../src/ports/store.js";

/** A clock tests move by hand. */
export function manualClock(start = "2026-03-02T08:00:00Z"): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), set: (d) => void (t = new Date(d).getTime()), advance: (ms) => void (t += ms) };
}

/** Records every callback of the scheduling layer. */
export function recordingEvents() {
  const log = {
    booked: [] as Parameters<CalendarEvents["onBooked"]>[0][],
    moved: [] as Parameters<CalendarEvents["onMoved"]>[0][],
    cancelled: [] as Parameters<CalendarEvents["onCancelled"]>[0][],
    responses: [] as Parameters<CalendarEvents["onResponse"]>[0][],
    failures: [] as Parameters<CalendarEvents["onPermanentFailure"]>[0][],
  };
  const events: CalendarEvents = {
    onBooked: async (e) => void log.booked.push(e),
    onMoved: async (e) => void log.moved.push(e),
    onCancelled: async (e) => void log.cancelled.push(e),
    onResponse: async (e) => void log.responses.push(e),
    onPermanentFailure: async (e) => void log.failures.push(e),
  };
  return { events, log };
}

let contract: GraphContract | null = null;
/** One parsed contract per test file (ajv compile is the slow part). */
export const graphContract = () => (contract ??= new GraphContract());

export interface GraphRig {
  db: Database;
  clock: ReturnType<typeof manualClock>;
  standIn: StandIn;
  gateway: GraphGateway;
  scheduler: Scheduler;
  worker: OutboxWorker;
  events: ReturnType<typeof recordingEvents>;
  /** Every request the gateway put on the wire (after retries), in order. */
  sent: ObservedRequest[];
  appBase: string;
  /** Runs the worker and lets the stand-in's notifications land, until nothing is left to do now. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startGraphRig(db: Database, o: {
  notifications?: boolean; timeoutMs?: number; transactionDedupe?: boolean; worker?: Partial<WorkerSettings>; clock?: ReturnType<typeof manualClock>;
} = {}): Promise<GraphRig> {
  const clock = o.clock ?? manualClock();
  const log = createLogger("silent");
  const standIn = await startStandIn({ db, clock, log, contract: graphContract(), port: 0, validateResponses: true, transactionDedupe: o.transactionDedupe });
  const app = express();
  app.use(createGraphRoutes({ db, clock, log, clientState: "test-client-state-0123456789" }));
  const server = await new Promise<Server>((r) => {
    const s = app.listen(0, "127.0.0.1", () => r(s));
  });
  const appBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sent: ObservedRequest[] = [];
  const gateway = createGraphGateway({ baseUrl: standIn.graphBaseUrl, tokens: standInTokenSource, timeoutMs: o.timeoutMs ?? 5000, retryDelaySeconds: 1, observe: (r) => sent.push(r) });
  const events = recordingEvents();
  const worker = createOutboxWorker({
    db, gateway, events: events.events, clock, log,
    settings: {
      baseDelayMs: 1000, leaseMs: 60_000,
      ...o.worker,
      notifications: {
        enabled: o.notifications ?? true, notificationUrl: `${appBase}/graph/notifications`, lifecycleUrl: `${appBase}/graph/lifecycle`,
        clientState: "test-client-state-0123456789", lifetimeMinutes: 4230,
      },
    },
  });
  const scheduler = createGraphScheduler({ db, gateway, clock, log });
  return {
    db, clock, standIn, gateway, scheduler, worker, events, sent, appBase,
    async settle() {
      for (let i = 0; i < 20; i++) {
        const n = await worker.drain();
        await standIn.settle();
        const due = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM background_jobs WHERE state = 'pending' AND run_at <= $1", [clock.now()]);
        if (n === 0 && due[0]!.n === 0) break;
      }
    },
    async stop() {
      await worker.stop();
      await standIn.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A booking request for tests: case and strat references only. */
export function bookingFor(stratId: string, over: Record<string, unknown> = {}) {
  return {
    stratId, attempt: 1, organizer: "chair@council.example", caseRef: "CASE-1234", stratRef: "SD-2026-0001",
    presentingIssues: ["physical injury"], start: new Date("2026-03-02T10:00:00Z"), end: new Date("2026-03-02T11:00:00Z"),
    attendees: [
      { address: "SNMailbox-PublicProtectionReferrals@met.police.uk", name: "Police Single Front Door", required: true },
      { address: "bromh.safeguardingchildren@nhs.net", name: "BHC Safeguarding", required: true },
      { address: "education.welfare@bromley.gov.uk", name: "Education Welfare", required: false },
    ],
    ...over,
  };
}

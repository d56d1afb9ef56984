import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { loadConfig, type Config } from "../../src/config.js";
import { createLogger } from "../../src/infra/log/logger.js";
import { startApp, type Running } from "../../src/main.js";
import type { Clock } from "../../src/ports/clock.js";
import { appStore, type StoreName } from "./databases.js";

/** Collects the app's JSON log lines, so tests can check what is (not) logged. */
export function logSink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

export interface Harness {
  app: Running;
  /** The store this app runs on: PostgreSQL when DATABASE_URL is set (CI's PostgreSQL pass), PGlite otherwise. */
  store: StoreName;
  base: string;
  logs: string[];
  /** Activities the bot sent to the serviceUrl listener (normal delivery). */
  sent: { method: string; path: string; body: Record<string, unknown> }[];
  serviceUrl: string;
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * The app on real HTTP, with a stand-in Bot Connector. Its store comes from test/support/databases.ts: a fresh
 * PostgreSQL database when DATABASE_URL is set (dropped on stop), PGlite in memory otherwise. A test that
 * restarts the app on the same data passes the settings of its own `appStore({ persistent: true })` in `env`
 * (DATA_DIR / DATABASE_URL) and drops that store itself.
 */
export async function startHarness(env: Record<string, string | undefined> = {}, clock?: Clock): Promise<Harness> {
  const own = env.DATA_DIR === undefined && env.DATABASE_URL === undefined ? await appStore() : null;
  const store: StoreName = own?.name ?? (env.DATABASE_URL ? "postgres" : "pglite");
  const sent: Harness["sent"] = [];
  // A stand-in for the Bot Connector service: records what the bot sends.
  const connector: Server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      sent.push({ method: req.method ?? "", path: req.url ?? "", body: data ? JSON.parse(data) : {} });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `sent-${sent.length}`, activityId: `${1_000_000 + sent.length}` })); // activityId: a new thread's root (createConversation)
    });
  });
  await new Promise<void>((r) => connector.listen(0, "127.0.0.1", r));
  const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  const sink = logSink();
  const closeConnector = () => new Promise<void>((r) => connector.close(() => r()));
  let app: Running;
  try {
    const config: Config = loadConfig({ PORT: "0", PLAYGROUND: "false", LOG_LEVEL: "info", JOBS_POLL_MS: "200", ...own?.env, ...env } as NodeJS.ProcessEnv, "");
    app = await startApp(config, createLogger(config.LOG_LEVEL, sink.stream), clock);
  } catch (e) {
    await closeConnector();
    await own?.drop();
    throw e;
  }
  const base = `http://127.0.0.1:${app.port}`;
  return {
    app, store, base, logs: sink.lines, sent, serviceUrl,
    async post(activity, headers = {}) {
      const r = await fetch(`${base}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(activity),
      });
      const text = await r.text();
      return { status: r.status, body: text ? safeJson(text) : null };
    },
    async stop() {
      try {
        await app.stop();
        await closeConnector();
      } finally {
        await own?.drop();
      }
    },
  };
}

const safeJson = (t: string) => {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
};

let seq = 0;
/** A Teams-shaped activity from a chair in personal chat. */
export function activity(over: Record<string, unknown>, serviceUrl = "http://127.0.0.1:9/"): Record<string, unknown> {
  seq += 1;
  return {
    type: "message",
    id: `act-${Date.now()}-${seq}`,
    channelId: "msteams",
    serviceUrl,
    locale: "en-GB",
    timestamp: new Date().toISOString(),
    from: { id: "29:chair", name: "Sam Chair", aadObjectId: "00000000-0000-4000-8000-0000000000c1" },
    recipient: { id: "28:bot", name: "Strat" },
    conversation: { id: "conv-personal-chair", conversationType: "personal", tenantId: "tenant-1" },
    ...over,
  };
}

/** The Adaptive Card attachments in a list of bot activities. */
export const cardsIn = (activities: any[]): any[] =>
  activities.flatMap((a) => (a.attachments ?? []).filter((x: any) => x.contentType === "application/vnd.microsoft.card.adaptive").map((x: any) => x.content));

/** All input ids of a card (for building a submission as Teams would). */
export function inputIds(card: unknown): string[] {
  const ids: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === "object") {
      const o = n as Record<string, unknown>;
      if (typeof o.type === "string" && o.type.startsWith("Input.") && typeof o.id === "string") ids.push(o.id);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return ids;
}

export function findAction(card: any, verb: string): any {
  return (card.actions ?? []).find((a: any) => a.verb === verb);
}

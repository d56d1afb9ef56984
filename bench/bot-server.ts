/**
 * Child process of bench/bot.bench.ts: `node --import tsx bench/bot-server.ts echo|app`.
 * Starts the server under test on a free loopback port, seeds the app's store, reports over IPC
 * `{ ready, port, serviceUrl, respond, plan }` and stops (flushing a --cpu-prof profile) on "stop".
 *
 * app: the whole app as `npm start` builds it (src/main.ts startApp), PGlite in memory, or PostgreSQL
 * when BENCH_DATABASE_URL is set; LOG_LEVEL info to /dev/null through pino's synchronous destination
 * (the production path minus the terminal). Seeded with:
 *  - respond: RESPOND_STRATS strats, each with the engine's recommended invitees plus
 *    INVITEES_PER_STRAT Teams invitees (addStratInvitee, teamsUserId = the posting user's id);
 *  - plan: PLAN_STRATS strats chaired by the bench chair (one per concurrent worker).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/infra/log/logger.js";
import { startApp } from "../src/main.js";
import { openStrat } from "../src/app/open-strat.js";
import { addStratInvitee, refreshInvitees } from "../src/app/strat-commands.js";
import type { Actor } from "../src/app/context.js";
import { startEchoBot } from "./echo-bot.js";

export interface RespondTarget { stratId: string; inviteeId: string; userId: string; aadObjectId: string }
export interface PlanTarget { stratId: string; version: number }
export interface ServerReady { ready: true; kind: string; port: number; serviceUrl: string; respond: RespondTarget[]; plan: PlanTarget[]; chair: { id: string; aadObjectId: string } }

const kind = process.argv[2];
const RESPOND_STRATS = Number(process.env.BENCH_RESPOND_STRATS ?? 50);
const INVITEES_PER_STRAT = Number(process.env.BENCH_INVITEES_PER_STRAT ?? 4);
const PLAN_STRATS = Number(process.env.BENCH_PLAN_STRATS ?? 50);

const CHAIR = { id: "29:bench-chair", aadObjectId: "00000000-0000-4000-8000-00000000bc01", name: "Bench Chair" };

/** A stand-in for the Bot Connector: answers 200 to anything the bot sends. */
async function startConnector(): Promise<Server> {
  const s = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id":"stub"}');
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return s;
}

const referral = (i: number) => ({
  receivedAt: "2026-11-23T10:00:00Z",
  concerns: [i % 3 === 0 ? "serious-harm" : "standard"],
  children: [{ ref: `C${i}`, dob: i % 2 ? "2022-06-01" : "2014-05-01" }],
  parentalMentalHealth: i % 2 === 0,
});

async function main(): Promise<void> {
  const connector = await startConnector();
  const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  let stop: () => Promise<void>;
  let port: number;
  const respond: RespondTarget[] = [];
  const plan: PlanTarget[] = [];

  if (kind === "echo") {
    const echo = await startEchoBot();
    port = echo.port;
    stop = echo.stop;
  } else if (kind === "app") {
    const config = loadConfig({
      PORT: "0", HOST: "127.0.0.1", DATA_DIR: "memory://", PLAYGROUND: "false", LOG_LEVEL: "info",
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    } as NodeJS.ProcessEnv, "");
    const log = createLogger(config.LOG_LEVEL, pino.destination({ dest: "/dev/null", sync: true }));
    const app = await startApp(config, log);
    port = app.port;
    stop = app.stop;
    const ctx = app.ctx;
    const chair: Actor = { id: CHAIR.aadObjectId, name: CHAIR.name, altId: CHAIR.id };
    const open = async (i: number, tag: string) =>
      (await openStrat(ctx, chair, {
        caseRef: `LCS-${tag}${String(i).padStart(4, "0")}`, profileId: ctx.defaultProfile, referral: referral(i),
        requestId: `bench-${tag}-${i}-${process.pid}`, conversationId: `conv-bench-${tag}-${i}`,
      })).strat;
    for (let s = 0; s < RESPOND_STRATS; s++) {
      const strat = await open(s, "R");
      await refreshInvitees(ctx, chair, strat.id);
      for (let k = 0; k < INVITEES_PER_STRAT; k++) {
        const userId = `29:bench-s${s}-i${k}`;
        const out = await addStratInvitee(ctx, chair, strat.id, { address: null, name: `Bench invitee ${s}.${k}`, agency: `Agency ${k}`, teamsUserId: userId });
        respond.push({ stratId: strat.id, inviteeId: out.result!.id, userId, aadObjectId: `00000000-0000-4000-8000-${String(s * 100 + k).padStart(12, "0")}` });
      }
    }
    for (let p = 0; p < PLAN_STRATS; p++) {
      const strat = await open(p, "P");
      const after = await refreshInvitees(ctx, chair, strat.id);
      plan.push({ stratId: strat.id, version: after.strat.version });
    }
  } else {
    throw new Error(`usage: bot-server.ts echo|app (got ${kind})`);
  }

  const ready: ServerReady = { ready: true, kind, port, serviceUrl, respond, plan, chair: { id: CHAIR.id, aadObjectId: CHAIR.aadObjectId } };
  process.send!(ready);
  process.on("message", async (m) => {
    if (m !== "stop") return;
    await stop().catch(() => undefined);
    await new Promise<void>((r) => connector.close(() => r()));
    process.exit(0);
  });
  process.on("disconnect", () => process.exit(0)); // the parent went away
}

main().catch((e) => {
  process.stderr.write(`bot-server ${kind}: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

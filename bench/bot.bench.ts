/**
 * Benchmark (issue 5): card-action invokes per second through POST /api/messages, the app beside a bare
 * botbuilder echo bot (bench/echo-bot.ts) measured in the same run. Target: ≥ 0.5 × the echo bot's
 * throughput and p99 < 50 ms at 50 concurrent requests, on PGlite and (when DATABASE_URL is set) on
 * PostgreSQL. Run alone: `npx tsx bench/bot.bench.ts` (prints JSON); `npm run bench` runs it too.
 *
 * Topology: this process is the load generator; the echo bot and the app each run in their own child
 * process (bench/bot-server.ts), loopback only. Per store, ROUNDS rounds of [echo, respond, plan], each
 * phase at least WARMUP s of warm-up (discarded; until all connections are open) then SECONDS s measured with CONCURRENCY workers over keep-alive
 * connections, every request's latency recorded. Figures per row: the median round, min and max.
 *
 *  - respond: Teams invitees answering their invitation (`respond`, Action.Execute invoke, default
 *    deliveryMode, a unique activity id each: the dedupe insert runs). Request i is user i mod N, over
 *    50 strats × 4 Teams invitees; answers alternate accepted / declined with a reason.
 *  - plan: the chair saving the interim safety plan (`plan` with the card's version); each worker owns
 *    one strat and sends the version the previous answer showed (no stale-card refusals).
 *  - echo: the same invoke shape (a `respond` activity) to the echo bot.
 *
 * `errors` = non-200 answers (and transport failures); `rejected` = 200 answers where the app refused
 * the action (its card says "Nothing was saved" / the plan was not saved).
 *
 * Env: BENCH_BOT_SECONDS (6), BENCH_BOT_WARMUP (2), BENCH_BOT_ROUNDS (3), BENCH_BOT_CONCURRENCY (50),
 * BENCH_BOT_STORES (pglite,postgres), BENCH_CPU_PROF=<dir> (app child runs with --cpu-prof into <dir>).
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import type { PlanTarget, RespondTarget, ServerReady } from "./bot-server.js";

const SECONDS = Number(process.env.BENCH_BOT_SECONDS ?? 6);
const WARMUP = Number(process.env.BENCH_BOT_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_BOT_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_BOT_CONCURRENCY ?? 50);
const REQUEST_TIMEOUT_MS = 30_000;
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SERVER = fileURLToPath(new URL("./bot-server.ts", import.meta.url));

export interface BotBenchRow {
  name: string;
  store: "pglite" | "postgres";
  concurrency: number;
  rounds: number;
  seconds: number;
  /** Median round; rpsMin / rpsMax over the rounds. */
  rps: number; rpsMin: number; rpsMax: number;
  /** Latency percentiles in ms (median round; p99Min/p99Max over the rounds). */
  p50: number; p95: number; p99: number; p99Min: number; p99Max: number;
  echoRps: number; echoRpsMin: number; echoRpsMax: number; echoP99: number;
  /** App rps / echo rps of the same round: median, min, max over the rounds. */
  ratio: number; ratioMin: number; ratioMax: number;
  requests: number; errors: number; rejected: number;
  targetMet: boolean;
  perRound: { rps: number; p50: number; p95: number; p99: number; echoRps: number; echoP99: number; ratio: number; requests: number; errors: number; rejected: number; rampMs: number; echoRampMs: number }[];
}
export interface BotBenchSkipped { name: string; store: "postgres"; skipped: string }

interface Phase { requests: number; errors: number; rejected: number; rps: number; p50: number; p95: number; p99: number; max: number; rampMs: number }
type Outcome = "ok" | "rejected";
interface Scenario {
  body(worker: number): string;
  /** Reads a 200 answer; may update the worker's state (the plan's version). */
  check(worker: number, text: string): Outcome;
}

// ---------------------------------------------------------------- load loop

function post(agent: http.Agent, port: number, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/api/messages", method: "POST", agent, timeout: REQUEST_TIMEOUT_MS,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

const pct = (sorted: Float64Array, q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN);
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * CONCURRENCY workers, each one request at a time over its own keep-alive connection. Warm-up first
 * (discarded): at least `warmup` s and until every worker has had an answer, so all CONCURRENCY
 * connections are open before the measured `seconds` (a saturated server accepts new connections
 * slowly: see docs/benchmarks.md); `rampMs` = when the last worker got its first answer.
 */
async function load(port: number, scenario: Scenario, warmup: number, seconds: number): Promise<Phase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let rejected = 0;
  let measuring = false;
  const one = async (w: number) => {
    const body = scenario.body(w);
    const s = performance.now();
    let outcome: "ok" | "rejected" | "error";
    try {
      const r = await post(agent, port, body);
      outcome = r.status !== 200 ? "error" : scenario.check(w, r.text);
    } catch {
      outcome = "error";
    }
    if (measuring) {
      latencies.push(performance.now() - s);
      if (outcome === "error") errors++;
      else if (outcome === "rejected") rejected++;
    }
  };
  // warm-up
  const w0 = performance.now();
  const answered = new Array<boolean>(CONCURRENCY).fill(false);
  let rampMs = NaN;
  const warmEnd = w0 + warmup * 1000;
  const warmCap = w0 + 120_000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (;;) {
      const now = performance.now();
      if (now >= warmCap || (now >= warmEnd && answered.every(Boolean))) return;
      await one(w);
      if (!answered[w]) {
        answered[w] = true;
        if (answered.every(Boolean)) rampMs = Math.round(performance.now() - w0);
      }
    }
  }));
  // measured
  measuring = true;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    while (performance.now() < end) await one(w);
  }));
  const elapsed = performance.now() - t0; // includes the tail of the last in-flight requests
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length, errors, rejected, rps: Math.round((latencies.length / elapsed) * 1000),
    p50: r1(pct(sorted, 0.5)), p95: r1(pct(sorted, 0.95)), p99: r1(pct(sorted, 0.99)), max: r1(sorted[sorted.length - 1] ?? NaN), rampMs,
  };
}

// ---------------------------------------------------------------- scenarios

let seq = 0;
const nonce = randomBytes(4).toString("hex");

function invoke(serviceUrl: string, from: { id: string; aadObjectId: string; name: string }, verb: string, data: Record<string, unknown>): string {
  seq += 1;
  return JSON.stringify({
    type: "invoke", name: "adaptiveCard/action", id: `bench-${nonce}-${seq}`, channelId: "msteams", serviceUrl, locale: "en-GB",
    timestamp: new Date().toISOString(), from, recipient: { id: "28:bot", name: "Strat" },
    conversation: { id: `conv-${from.id}`, conversationType: "personal", tenantId: "tenant-bench" },
    value: { action: { type: "Action.Execute", verb, data } },
  });
}

function respondScenario(serviceUrl: string, targets: RespondTarget[]): Scenario {
  let i = 0;
  return {
    body() {
      const t = targets[i % targets.length]!;
      const declined = Math.floor(i / targets.length) % 2 === 1;
      i++;
      return invoke(serviceUrl, { id: t.userId, aadObjectId: t.aadObjectId, name: "Bench invitee" }, "respond",
        { stratId: t.stratId, inviteeId: t.inviteeId, kind: declined ? "declined" : "accepted", ...(declined ? { reason: "No cover that day" } : {}) });
    },
    check: (_w, text) => (text.includes("application/vnd.microsoft.card.adaptive") && !text.includes("Nothing was saved") ? "ok" : "rejected"),
  };
}

function planScenario(serviceUrl: string, chair: ServerReady["chair"], targets: PlanTarget[]): Scenario {
  if (targets.length < CONCURRENCY) throw new Error(`need one plan strat per worker (${targets.length} < ${CONCURRENCY})`);
  const state = targets.map((t) => ({ ...t, n: 0 }));
  const from = { ...chair, name: "Bench Chair" };
  return {
    body(w) {
      const s = state[w]!;
      s.n++;
      return invoke(serviceUrl, from, "plan", {
        stratId: s.stratId, version: String(s.version),
        plan: `Child to stay with maternal grandmother (revision ${s.n}); no unsupervised contact with the father; school to report absence the same day.`,
      });
    },
    check(w, text) {
      const m = /"version":"(\d+)"/.exec(text);
      if (m) state[w]!.version = Number(m[1]);
      return text.includes("Interim safety plan saved") ? "ok" : "rejected";
    },
  };
}

// ---------------------------------------------------------------- children

interface Child { proc: ChildProcess; ready: ServerReady }

async function startChild(kind: "echo" | "app", env: Record<string, string>): Promise<Child> {
  const prof = kind === "app" && process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = fork(SERVER, [kind], {
    cwd: ROOT,
    execArgv: [...prof, "--import", "tsx"],
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start within 180 s`)), 180_000);
    proc.once("message", (m) => {
      clearTimeout(timer);
      resolve(m as ServerReady);
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited (${code}) before it was ready`));
    });
  });
  return { proc, ready };
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null) return;
  const exited = new Promise<void>((r) => c.proc.once("exit", () => r()));
  c.proc.send("stop");
  const timer = setTimeout(() => c.proc.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A fresh database on the DATABASE_URL server for this run (dropped after), as the integration suites do. */
async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `strat_bench_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// ---------------------------------------------------------------- the run

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (msg: string) => process.stderr.write(`[bot.bench] ${msg}\n`);

async function benchStore(store: "pglite" | "postgres", databaseUrl?: string): Promise<BotBenchRow[]> {
  const echo = await startChild("echo", {});
  let app: Child | undefined;
  try {
    const t = performance.now();
    app = await startChild("app", databaseUrl ? { BENCH_DATABASE_URL: databaseUrl } : {});
    log(`${store}: app started and seeded in ${Math.round(performance.now() - t)} ms (${app.ready.respond.length} invitees, ${app.ready.plan.length} plan strats)`);
    const a = app.ready;
    const echoTarget = a.respond; // the same invoke shape, sent to the echo bot
    const scenarios = {
      respond: respondScenario(a.serviceUrl, a.respond),
      plan: planScenario(a.serviceUrl, a.chair, a.plan),
    };
    const echoScenario = respondScenario(echo.ready.serviceUrl, echoTarget);
    const rounds: { echo: Phase; respond: Phase; plan: Phase }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const phase = async (port: number, sc: Scenario, label: string) => {
        const p = await load(port, sc, WARMUP, SECONDS);
        log(`${store} round ${r + 1}/${ROUNDS} ${label}: ${p.rps} req/s, p50 ${p.p50} p95 ${p.p95} p99 ${p.p99} max ${p.max} ms, ${p.requests} requests, ${p.errors} errors, ${p.rejected} rejected (all ${CONCURRENCY} connections answered after ${p.rampMs} ms of warm-up)`);
        return p;
      };
      const e = await phase(echo.ready.port, echoScenario, "echo");
      const resp = await phase(a.port, scenarios.respond, "respond");
      const plan = await phase(a.port, scenarios.plan, "plan");
      rounds.push({ echo: e, respond: resp, plan });
    }
    const row = (name: string, key: "respond" | "plan"): BotBenchRow => {
      const per = rounds.map((x) => ({
        rps: x[key].rps, p50: x[key].p50, p95: x[key].p95, p99: x[key].p99, echoRps: x.echo.rps, echoP99: x.echo.p99,
        ratio: Math.round((x[key].rps / x.echo.rps) * 1000) / 1000, requests: x[key].requests, errors: x[key].errors, rejected: x[key].rejected,
        rampMs: x[key].rampMs, echoRampMs: x.echo.rampMs,
      }));
      // "median round" = the round with the median throughput
      const mid = [...per].sort((p, q) => p.rps - q.rps)[Math.floor(per.length / 2)]!;
      const ratio = median(per.map((p) => p.ratio));
      const p99 = median(per.map((p) => p.p99));
      const errors = per.reduce((s, p) => s + p.errors, 0);
      return {
        name, store, concurrency: CONCURRENCY, rounds: ROUNDS, seconds: SECONDS,
        rps: mid.rps, rpsMin: Math.min(...per.map((p) => p.rps)), rpsMax: Math.max(...per.map((p) => p.rps)),
        p50: median(per.map((p) => p.p50)), p95: median(per.map((p) => p.p95)), p99,
        p99Min: Math.min(...per.map((p) => p.p99)), p99Max: Math.max(...per.map((p) => p.p99)),
        echoRps: median(per.map((p) => p.echoRps)), echoRpsMin: Math.min(...per.map((p) => p.echoRps)), echoRpsMax: Math.max(...per.map((p) => p.echoRps)),
        echoP99: median(per.map((p) => p.echoP99)),
        ratio, ratioMin: Math.min(...per.map((p) => p.ratio)), ratioMax: Math.max(...per.map((p) => p.ratio)),
        requests: per.reduce((s, p) => s + p.requests, 0), errors, rejected: per.reduce((s, p) => s + p.rejected, 0),
        targetMet: ratio >= TARGET_RATIO && p99 < TARGET_P99_MS && errors === 0,
        perRound: per,
      };
    };
    return [
      row("bot: respond invoke (Teams invitee answers, POST /api/messages)", "respond"),
      row("bot: plan invoke (chair saves the interim safety plan, POST /api/messages)", "plan"),
    ];
  } finally {
    if (app) await stopChild(app);
    await stopChild(echo);
  }
}

export async function run(): Promise<(BotBenchRow | BotBenchSkipped)[]> {
  const stores = (process.env.BENCH_BOT_STORES ?? "pglite,postgres").split(",").map((s) => s.trim());
  const out: (BotBenchRow | BotBenchSkipped)[] = [];
  if (stores.includes("pglite")) out.push(...(await benchStore("pglite")));
  if (stores.includes("postgres")) {
    const url = process.env.DATABASE_URL;
    if (!url) {
      out.push({ name: "bot: respond + plan invokes", store: "postgres", skipped: "DATABASE_URL is not set: the PostgreSQL half was not run" });
    } else {
      const db = await freshDatabase(url);
      try {
        out.push(...(await benchStore("postgres", db.url)));
      } finally {
        await db.drop().catch((e) => log(`could not drop the bench database: ${(e as Error).message}`));
      }
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}

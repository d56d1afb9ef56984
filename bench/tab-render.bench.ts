/**
 * Benchmark (issue 15; not a timed test): the tab's first render in headless Chromium (Debian's, through playwright-core),
 * target < 1,500 ms. The app is `startApp` as `npm start` builds it (local mode, the job worker off) on a store of
 * BENCH_STRATS strats (default 2,000) seeded by the bulk path (src/cli/seed-bulk.ts); the tab as `npm run build:tab`
 * builds it (built first when missing or stale). Signed in once with the development sign-in as the head of service
 * (every strat in scope); then RUNS cold loads (default 10), each in a new browser context (no HTTP cache, no memory cache;
 * only the sign-in cookie carried over) of:
 *   - `/tab/#/` until the dashboard's first headline figure (held within the due time, #headline-withinDue) is visible;
 *   - `/tab/#/strat/<ref>` (a closed strat) until its header facts (#strat-header) are visible.
 * The time is the page's own: navigation start → visible (performance.now() in the page). p50/p95 by rank.
 *
 *   npx tsx bench/tab-render.bench.ts                                      # PGlite in a temporary DATA_DIR
 *   DATABASE_URL=postgres://…/<an empty database> npx tsx bench/tab-render.bench.ts
 *   DATABASE_URL=… BENCH_REUSE=1 npx tsx bench/tab-render.bench.ts         # a store seeded before, as it is
 *   BENCH_RENDER=1 npm run bench                                           # as a part of the whole bench
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import type { Browser, BrowserContext } from "playwright-core";
import { bulkSeedStore, bulkSummaryLine } from "../src/cli/seed-bulk.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/infra/log/logger.js";
import { startApp } from "../src/main.js";
import { launchChromium } from "../test/support/browser.js";
import buildTab from "../test/support/tab-build.js";

const STRATS = Number(process.env.BENCH_STRATS ?? 2_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TARGET_MS = 1_500;

const pct = (times: number[], q: number) => {
  const s = [...times].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
};

/** The signed-in state (the development sign-in's cookie) a cold load starts with. */
type SignedIn = Awaited<ReturnType<BrowserContext["storageState"]>>;

/** RUNS cold loads of `url`, each in a new context, until `selector` is visible: navigation start → visible, in ms. */
async function coldLoads(browser: Browser, signedIn: SignedIn, url: string, selector: string) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ storageState: signedIn, viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await page.goto(url);
      await page.locator(selector).first().waitFor({ state: "visible" });
      times.push(await page.evaluate(() => performance.now()));
    } finally {
      await context.close();
    }
  }
  return { p50: pct(times, 0.5), p95: pct(times, 0.95), max: pct(times, 1), targetMs: TARGET_MS, meetsTarget: pct(times, 0.95) < TARGET_MS };
}

export async function run() {
  await buildTab();
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), "strat-bench-"));
  const config = loadConfig({
    PORT: "0", HOST: "127.0.0.1", PLAYGROUND: "false", LOG_LEVEL: "warn", JOBS_POLL_MS: "0", GRAPH_MODE: "standin",
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATA_DIR: dataDir! }),
  } as NodeJS.ProcessEnv, "");
  const app = await startApp(config, createLogger(config.LOG_LEVEL, pino.destination({ dest: "/dev/null", sync: true })));
  let browser: Browser | undefined;
  try {
    const seeded = process.env.BENCH_REUSE === "1"
      ? { strats: Number((await app.db.query<{ n: string | number }>("SELECT count(*) AS n FROM strats"))[0]!.n), line: "reused" }
      : await bulkSeedStore(app.db, app.ctx.profiles, { strats: STRATS, seed: 15, force: false }).then((b) => ({ strats: b.strats, line: bulkSummaryLine(b) }));
    if (app.db.kind === "postgres") await app.db.query("ANALYZE");
    const [closed] = await app.db.query<{ ref: string }>("SELECT ref FROM strats WHERE status = 'closed' ORDER BY ref LIMIT 1");
    if (!closed) throw new Error("no closed strat in the store to open");
    const base = `http://127.0.0.1:${app.port}`;
    browser = await launchChromium();
    // Sign in once (development sign-in, head of service); each cold load carries only the cookie it set.
    const first = await browser.newContext();
    const page = await first.newPage();
    await page.goto(`${base}/tab/`);
    await page.getByLabel("Sign in as").selectOption("head");
    await page.getByRole("button", { name: "Sign in (development)" }).click();
    await page.locator("#headline-withinDue a").first().waitFor();
    const signedIn = await first.storageState();
    await first.close();
    return {
      name: `tab first render in headless Chromium (${app.db.kind})`,
      store: app.db.kind, strats: seeded.strats, seed: seeded.line, runs: RUNS, coldLoads: "a new browser context each (no cache)",
      loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
      dashboardMs: { url: "/tab/#/", visible: "#headline-withinDue (held within the due time)", ...(await coldLoads(browser, signedIn, `${base}/tab/#/`, "#headline-withinDue a")) },
      stratPageMs: { url: `/tab/#/strat/${closed.ref}`, visible: "#strat-header", ...(await coldLoads(browser, signedIn, `${base}/tab/#/strat/${closed.ref}`, "#strat-header")) },
    };
  } finally {
    await browser?.close();
    await app.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}

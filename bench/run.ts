/**
 * `npm run bench`: the benchmarks (never part of `npm test`). Each bench file exports `run()` and
 * returns its figures; this prints them as one JSON document (an array: the protocol result, the record
 * PDF (bench/record.bench.ts), publishing the record (bench/publish.bench.ts), the tab's list and dashboard aggregate on the read model
 * (bench/tab-list.bench.ts, 2,000 strats seeded on PGlite; BENCH_STRATS to change), then the bot rows of bench/bot.bench.ts). Set DATABASE_URL to add the PostgreSQL half of the bot bench.
 * BENCH_BULK=1 adds the dashboard and list over HTTP on a bulk-seeded store (bench/tab-bulk.bench.ts: BENCH_STRATS, default
 * 100,000; on DATABASE_URL when set, which must then name an empty database). BENCH_RENDER=1 adds the tab's first render in
 * headless Chromium (bench/tab-render.bench.ts: the dashboard and a strat page, 10 cold loads each, 2,000 bulk-seeded strats).
 */
import { run as protocol } from "./protocol.bench.js";
import { run as bot } from "./bot.bench.js";
import { run as record } from "./record.bench.js";
import { run as publish } from "./publish.bench.js";
import { run as tabList } from "./tab-list.bench.js";
import { run as tabBulk } from "./tab-bulk.bench.js";
import { run as tabRender } from "./tab-render.bench.js";

const results = [await protocol(), await record(), await publish(), await tabList(), ...(process.env.BENCH_BULK === "1" ? [await tabBulk()] : []),
  ...(process.env.BENCH_RENDER === "1" ? [await tabRender()] : []), ...(await bot())];
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

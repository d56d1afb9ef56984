/**
 * Benchmark (not a timed test): the record's PDF (issue 13 "Performance") for a strat with 5 children, 12 invitees
 * and 30 actions: render time (target < 300 ms) and size (target < 300 KB). Run: `npx tsx bench/record.bench.ts`.
 *
 * WARM_UP renders (fonts loaded, code compiled by the JIT), then RUNS timed renders of the assembled record; the JSON gives
 * the median, p95 and max render time, the assembly time and the PDF's size.
 */
import { pathToFileURL } from "node:url";
import { assembleRecord } from "../src/domain/record/record.js";
import { renderRecordPdf } from "../src/infra/record/pdf.js";
import { fullStrat } from "../test/support/full-strat.js";

const RUNS = 40;
const WARM_UP = 3;
const SIZE = { children: 5, invitees: 12, actions: 30 };

export async function run() {
  const strat = fullStrat(SIZE);
  const t0 = performance.now();
  const record = assembleRecord(strat, { id: strat.profileId, title: "Bromley 2023" });
  const assembleMs = performance.now() - t0;
  let bytes = 0;
  for (let i = 0; i < WARM_UP; i++) bytes = (await renderRecordPdf(record)).length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    bytes = (await renderRecordPdf(record)).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 10) / 10;
  return {
    name: "record: renderRecordPdf (PDF/A-3a, 5 children, 12 invitees, 30 actions)",
    ...SIZE, runs: RUNS, warmUp: WARM_UP,
    renderMsMedian: at(0.5), renderMsP95: at(0.95), renderMsMax: at(1), targetMs: 300,
    assembleMs: Math.round(assembleMs * 10) / 10,
    bytes, kilobytes: Math.round(bytes / 102.4) / 10, targetKilobytes: 300,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}

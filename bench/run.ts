/**
 * `npm run bench`: the benchmarks (never part of `npm test`). Each bench file exports `run()` and
 * returns its figures; this prints them as one JSON document.
 */
import { run as protocol } from "./protocol.bench.js";

const results = [await protocol()];
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

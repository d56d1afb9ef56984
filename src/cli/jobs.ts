/**
 * The operator's view of the one durable queue (issue 10 point 2). Reads DATABASE_URL / DATA_DIR like the app.
 *
 *   jobs list [--state pending|running|done|dead] [--kind KIND] [--limit N]
 *   jobs retry <id>        a dead job back to run now, with a fresh set of attempts
 *
 * Output is one line per job (no payloads: they may carry case references only, but an operator does not need them).
 * Errors are one line on stderr and exit code 2. With PGlite (no DATABASE_URL), stop the app first: its
 * store is one process's.
 */
import { ConfigError, loadConfig } from "../config.js";
import { createJobQueue, plainError } from "../infra/queue/job-store.js";
import { isAppError } from "../domain/errors.js";
import { openDatabase } from "../infra/store/open-database.js";
import type { JobRow, JobState } from "../ports/jobs.js";

const STATES: readonly JobState[] = ["pending", "running", "done", "dead"];

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) throw new UsageError(`--${name} needs a value`);
  return v;
}

const line = (j: JobRow) =>
  [j.id, j.state.padEnd(7), j.kind.padEnd(28), `attempts ${j.attempts}/${j.maxAttempts}`, `run_at ${j.runAt.toISOString()}`,
    j.stratId ? `strat ${j.stratId}` : "", j.lastError ? `last error: ${j.lastError} (${plainError(j.lastError)})` : ""].filter(Boolean).join("  ");

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== "list" && cmd !== "retry") throw new UsageError("usage: jobs list [--state pending|running|done|dead] [--kind KIND] [--limit N] | jobs retry <id>");
  const state = option(rest, "state");
  if (state !== undefined && !STATES.includes(state as JobState)) throw new UsageError(`--state must be one of ${STATES.join(", ")}`);
  const limitText = option(rest, "limit");
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError("--limit must be a whole number from 1 to 10000");
  if (cmd === "retry" && !rest[0]) throw new UsageError("usage: jobs retry <id>");
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const queue = createJobQueue(db, () => new Date());
    if (cmd === "list") {
      const kind = option(rest, "kind");
      const rows = await queue.list({ ...(state ? { state: state as JobState } : {}), ...(kind ? { kind } : {}), limit });
      for (const r of rows) process.stdout.write(`${line(r)}\n`);
      if (!rows.length) process.stdout.write("no jobs\n");
      return 0;
    }
    const id = rest[0]!;
    if (!(await queue.retry(id, new Date()))) {
      process.stderr.write(`no dead or pending job with id ${id}\n`);
      return 2;
    }
    process.stdout.write(`job ${id} will run again now\n`);
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof UsageError || e instanceof ConfigError ? e.message : isAppError(e) ? `jobs: ${e.userMessage}` : `jobs: ${(e as Error).name}: ${(e as Error).message}`}\n`);
    process.exit(2);
  },
);

/**
 * `npm run seed -- --strats N [--seed S] [--force]` (issue 13 point 7): fills the configured store (DATABASE_URL, else
 * PGlite in DATA_DIR) with N realistic strats in every state, through the use cases (src/cli/seed-store.ts). Prints one
 * line: counts per state and the time taken. Refuses a store that already holds strats unless --force. Local mode only
 * (GRAPH_MODE=standin): each closed strat's record is mailed as the app mails it (the job worker and the Graph stand-in, the
 * seed's clock: src/cli/seed-distribute.ts); the other jobs it leaves queued (reminders, channel posts) run on `npm start`.
 *
 * `npm run seed -- --bulk N [--seed S] [--force]` (issue 15): a few hundred strats through the use cases, the rest written
 * as copies of them in batches (src/cli/seed-bulk.ts), for 10⁵–10⁶ strats; prints the copies' rate.
 *
 * Errors are one line on stderr: exit 1 when refused, 2 for bad usage. With PGlite, stop the app first.
 */
import { z } from "zod";
import { loadConfig } from "../config.js";
import { loadProfiles } from "../infra/profiles/read-profile-files.js";
import { openDatabase } from "../infra/store/open-database.js";
import { runCli, UsageError } from "./run-cli.js";
import { bulkSeedStore, bulkSummaryLine } from "./seed-bulk.js";
import { SeedRefused, seedStore, summaryLine } from "./seed-store.js";

const USAGE = "usage: seed --strats N | --bulk N [--seed S] [--force]";

const count = (flag: string, max: number, why: string) =>
  z.coerce.number({ error: `${flag} must be a whole number` }).int(`${flag} must be a whole number`).min(1, `${flag} must be at least 1`).max(max, `${flag}: at most ${max} ${why}`);
const ZArgs = z.object({
  strats: count("--strats", 100_000, "through the use cases (--bulk for more)").optional(),
  bulk: count("--bulk", 2_000_000, "strats").optional(),
  seed: z.coerce.number({ error: "--seed must be a whole number" }).int("--seed must be a whole number").default(1),
  force: z.boolean().default(false),
});

function parseArgs(argv: readonly string[]): z.infer<typeof ZArgs> {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--force") raw.force = true;
    else if (a === "--strats" || a === "--bulk" || a === "--seed") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value; ${USAGE}`);
      raw[a.slice(2)] = v;
    } else throw new UsageError(`unknown argument ${a}; ${USAGE}`);
  }
  if ((raw.strats === undefined) === (raw.bulk === undefined)) throw new UsageError(`one of --strats or --bulk is required; ${USAGE}`);
  const parsed = ZArgs.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
  return parsed.data;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const config = loadConfig();
  if (config.GRAPH_MODE !== "standin") throw new UsageError("seed is for local mode: set GRAPH_MODE=standin (its mail would otherwise go through Microsoft Graph)");
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const profiles = loadProfiles({ extraDir: config.PROFILES_DIR, holidayOverridesFile: config.HOLIDAY_OVERRIDES_FILE });
    // The record mail as the app sends it (ORGANIZER_MAILBOX, the response links to PUBLIC_URL or the app's local address).
    const mail = { organizerMailbox: config.ORGANIZER_MAILBOX, publicUrl: config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`, responseLinkSecret: config.RESPONSE_LINK_SECRET };
    const line = args.bulk !== undefined
      ? bulkSummaryLine(await bulkSeedStore(db, profiles, { strats: args.bulk, seed: args.seed, force: args.force, mail }))
      : summaryLine(await seedStore(db, profiles, { strats: args.strats!, seed: args.seed, force: args.force, mail }));
    process.stdout.write(`${line}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

runCli("seed", main, { asWritten: (e) => e instanceof SeedRefused, exitCode: (e) => (e instanceof SeedRefused ? 1 : 2) });

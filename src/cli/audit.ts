/**
 * The tamper-evident audit trail, for an operator (issue 13 point 4). Reads DATABASE_URL / DATA_DIR and
 * AUDIT_SIGNING_KEY like the app.
 *
 *   audit verify [SD-…]   checks every strat's chain (or one) and every signed checkpoint; exit 0 with
 *                         "N chains, M entries, K checkpoints verified", or exit 1 naming the first bad entry
 *   audit checkpoint      signs and stores a checkpoint now (the app also makes one a day), and logs it
 *
 * Usage errors are one line on stderr and exit code 2. With PGlite (no DATABASE_URL), stop the app first.
 */
import { ConfigError, loadConfig } from "../config.js";
import { isAppError } from "../domain/errors.js";
import { createLogger } from "../infra/log/logger.js";
import { logCheckpoint } from "../infra/queue/audit-checkpoint.js";
import { auditSigningKey, verifyAudit, writeCheckpoint } from "../infra/store/audit-log.js";
import { openDatabase } from "../infra/store/open-database.js";

class UsageError extends Error {}

const USAGE = "usage: audit verify [SD-YYYY-NNNN] | audit checkpoint";
const REF = /^SD-\d{4}-\d{4,}$/i;

async function main(argv: string[]): Promise<number> {
  const [cmd, ref, ...extra] = argv;
  if ((cmd !== "verify" && cmd !== "checkpoint") || extra.length || (cmd === "checkpoint" && ref !== undefined)) throw new UsageError(USAGE);
  if (ref !== undefined && !REF.test(ref)) throw new UsageError("verify takes a strategy discussion reference such as SD-2026-0001");
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const key = await auditSigningKey(db, config.AUDIT_SIGNING_KEY);
    if (cmd === "checkpoint") {
      const c = await writeCheckpoint(db, key, new Date());
      logCheckpoint(createLogger(config.LOG_LEVEL, process.stderr), c);
      process.stdout.write(`checkpoint ${c.id}: ${c.chains} chains, ${c.entries} entries, root ${c.root}\n`);
      return 0;
    }
    const r = await verifyAudit(db, { key, ...(ref ? { ref } : {}) });
    (r.ok ? process.stdout : process.stderr).write(`${r.message}\n`);
    return r.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof UsageError || e instanceof ConfigError ? e.message : isAppError(e) ? `audit: ${e.userMessage}` : `audit: ${(e as Error).name}: ${(e as Error).message}`}\n`);
    process.exit(2);
  },
);

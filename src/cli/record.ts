/**
 * The record from the configured store (issue 13 point 1). Reads DATABASE_URL / DATA_DIR like the app.
 *
 *   record export SD-… --format pdf|json|csv [--version N] [--out FILE]   to FILE, else to standard output;
 *                                                           --version: an earlier version (default: the latest)
 *   record schema                                           the JSON Schema (docs/record.schema.json)
 *
 * Errors are one line on stderr naming the argument (no stack): exit 1 for an unknown reference, 2 for bad usage.
 * With PGlite (no DATABASE_URL), stop the app first: its store is one process's.
 */
import { writeFileSync } from "node:fs";
import { stratRecord } from "../app/strat-record.js";
import { loadConfig } from "../config.js";
import { isAppError } from "../domain/errors.js";
import { recordJsonSchemaText } from "../domain/record/schema.js";
import { loadProfiles } from "../infra/profiles/read-profile-files.js";
import { exportRecord, RECORD_FORMATS, type RecordFormat } from "../infra/record/export.js";
import { openDatabase } from "../infra/store/open-database.js";
import { runCli, UsageError } from "./run-cli.js";
import { createStratRepository } from "../infra/store/strat-repository.js";

const USAGE = "usage: record export SD-… --format pdf|json|csv [--version N] [--out FILE] | record schema";


function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) throw new UsageError(`--${name} needs a value`);
  return v;
}

function parseExport(args: readonly string[]): { ref: string; format: RecordFormat; out: string | undefined; version: number | undefined } {
  const known = new Set(["--format", "--out", "--version"]);
  const unknown = args.find((a, i) => a.startsWith("--") && !known.has(a) && !known.has(args[i - 1] ?? ""));
  if (unknown) throw new UsageError(`unknown option ${unknown}; ${USAGE}`);
  const ref = args[0];
  if (!ref || ref.startsWith("--")) throw new UsageError(`the strat reference is missing (e.g. SD-2026-0042); ${USAGE}`);
  const format = option(args, "format");
  if (!format) throw new UsageError(`--format is required: one of ${RECORD_FORMATS.join(", ")}`);
  if (!(RECORD_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${RECORD_FORMATS.join(", ")} (not "${format}")`);
  const version = option(args, "version");
  if (version !== undefined && !/^[1-9]\d{0,3}$/.test(version)) throw new UsageError(`--version must be a version number, 1 or more (not "${version}")`);
  return { ref, format: format as RecordFormat, out: option(args, "out"), version: version === undefined ? undefined : Number(version) };
}

async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "schema") {
    process.stdout.write(recordJsonSchemaText());
    return 0;
  }
  if (cmd !== "export") throw new UsageError(USAGE);
  const { ref, format, out, version } = parseExport(rest);
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const ctx = {
      strats: createStratRepository(db, () => new Date()),
      profiles: loadProfiles({ extraDir: config.PROFILES_DIR, holidayOverridesFile: config.HOLIDAY_OVERRIDES_FILE }),
    };
    const file = await exportRecord(await stratRecord(ctx, ref, version), format);
    if (out) {
      writeFileSync(out, file.bytes);
      process.stderr.write(`record ${ref} (${format}, ${file.bytes.length} bytes) written to ${out}\n`);
    } else process.stdout.write(file.bytes);
    return 0;
  } finally {
    await db.close();
  }
}

runCli("record", main, { exitCode: (e) => (isAppError(e) && e.code === "not_found" ? 1 : 2) });

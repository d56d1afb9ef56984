/**
 * The protocol CLI. All output is JSON on stdout; errors are ONE line on stderr and exit code 2.
 *
 *   strat deadline --profile P --referral FILE
 *   strat invitees --profile P --referral FILE --at ISO
 *   strat rag --answers FILE
 *   strat profiles
 *   strat record --profile P --end ISO [--start ISO]      (T-REC / T-OOH)
 *
 * Env: PROFILES_DIR (extra profile directory), HOLIDAY_OVERRIDES_FILE (bank-holiday overrides),
 * CHILD_REFERENCE_PATTERN (the shape of child references, as for the app; never a name or a date).
 * Option --include-history allows a superseded profile (bromley-2017).
 */
import { readFileSync } from "node:fs";
import { AppError, isAppError } from "../domain/errors.js";
import { ZReferencePattern } from "../config.js";
import { computeDeadline, parseInstant, parseReferral, recommendInvitees, recordDue, scoreMissingRisk, type ProfileRegistry, type Referral } from "../domain/protocol/index.js";
import { checkChildReferences } from "../domain/strat/reference.js";
import { loadProfiles } from "../infra/profiles/read-profile-files.js";

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function parseArgs(argv: string[]): { cmd: string | undefined; opts: Map<string, string | true> } {
  const [cmd, ...rest] = argv;
  const opts = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith("--")) throw new AppError("invalid_input", `unexpected argument "${a}"`, "args");
    const eq = a.indexOf("=");
    if (eq > 0) {
      opts.set(a.slice(2, eq), a.slice(eq + 1));
      continue;
    }
    const next = rest[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      opts.set(a.slice(2), next);
      i++;
    } else opts.set(a.slice(2), true);
  }
  return { cmd, opts };
}

function need(opts: Map<string, string | true>, name: string): string {
  const v = opts.get(name);
  if (typeof v !== "string" || v === "") throw new AppError("invalid_input", `--${name} is required`, name);
  return v;
}

function readJsonFile(file: string, field: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new AppError("invalid_input", `${field}: cannot read file ${file}`, field);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", `${field}: ${file} is not valid JSON`, field);
  }
}

function registry(): ProfileRegistry {
  return loadProfiles({
    extraDir: process.env.PROFILES_DIR || undefined,
    holidayOverridesFile: process.env.HOLIDAY_OVERRIDES_FILE || undefined,
  });
}

/** The referral file, with its child references checked as the app checks them (issue 11 point 12). */
function readReferral(file: string): Referral {
  const pattern = ZReferencePattern.safeParse(process.env.CHILD_REFERENCE_PATTERN);
  if (!pattern.success) throw new AppError("config", `CHILD_REFERENCE_PATTERN ${pattern.error.issues[0]?.message ?? "is invalid"}`, "CHILD_REFERENCE_PATTERN");
  const referral = parseReferral(readJsonFile(file, "referral"));
  checkChildReferences(referral.children, pattern.data);
  return referral;
}

const KNOWN: Record<string, string[]> = {
  deadline: ["profile", "referral", "include-history"],
  invitees: ["profile", "referral", "at", "include-history"],
  rag: ["answers"],
  profiles: [],
  record: ["profile", "end", "start", "include-history"],
};

function main(argv: string[]): unknown {
  const { cmd, opts } = parseArgs(argv);
  if (!cmd || !(cmd in KNOWN)) {
    throw new AppError("invalid_input", `unknown command "${cmd ?? ""}"; use one of ${Object.keys(KNOWN).join(", ")}`, "command");
  }
  for (const k of opts.keys()) if (!KNOWN[cmd]!.includes(k)) throw new AppError("invalid_input", `unknown option --${k} for ${cmd}`, k);
  const includeHistory = opts.get("include-history") === true;
  switch (cmd) {
    case "profiles":
      return registry().list().map((p) => ({ id: p.id, source: p.source, file: p.file, status: p.status, selectable: p.selectable, title: p.title }));
    case "rag": {
      const answers = readJsonFile(need(opts, "answers"), "answers");
      const r = scoreMissingRisk(answers as Record<string, number>);
      return r;
    }
    case "deadline": {
      const profileId = need(opts, "profile");
      const file = need(opts, "referral");
      const reg = registry();
      const profile = reg.get(profileId, { includeHistory });
      const referral = readReferral(file);
      const d = computeDeadline(profile, referral);
      return {
        due: iso(d.due),
        rule: d.rule,
        target: iso(d.target),
        applied: d.applied.map((a) => ({ rule: a.rule, due: iso(a.due), basis: a.basis })),
      };
    }
    case "invitees": {
      const profileId = need(opts, "profile");
      const file = need(opts, "referral");
      const at = parseInstant(need(opts, "at"), "at");
      const reg = registry();
      const profile = reg.get(profileId, { includeHistory });
      const referral = readReferral(file);
      return recommendInvitees(profile, referral, at);
    }
    case "record": {
      const profile = registry().get(need(opts, "profile"), { includeHistory });
      const end = parseInstant(need(opts, "end"), "end");
      const startOpt = opts.get("start");
      const start = typeof startOpt === "string" ? parseInstant(startOpt, "start") : end;
      const r = recordDue(profile, end, start);
      return { due: iso(r.due), rule: r.rule, applied: r.applied.map((a) => ({ rule: a.rule, due: iso(a.due), basis: a.basis })) };
    }
  }
  return null;
}

try {
  const out = main(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} catch (e) {
  const line = isAppError(e)
    ? `error: ${e.code}: ${e.field && !e.userMessage.startsWith(e.field) ? `${e.field}: ` : ""}${e.userMessage}`
    : `error: internal: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  process.stderr.write(`${line.replace(/\s*\n\s*/g, " ")}\n`);
  process.exitCode = 2;
}

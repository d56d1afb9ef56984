/**
 * `npm run package [-- --env <name>] [--no-dotenv]`
 *
 * Fills appPackage/manifest.json's `${{VAR}}` placeholders from the environment (then env/.env.<name>,
 * then .env — each file only if it exists; real environment variables win), validates the result
 * offline against Microsoft's schema, checks the icons and writes build/appPackage.<name>.zip.
 *
 * Exit codes: 0 written; 1 validation failed; 2 missing or malformed variables / bad arguments.
 * See docs/app-package.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseDotenv } from "dotenv";
import { manifestCommandLists } from "../../bot/commands/catalogue.js";
import { missingVariablesMessage, prepareAppPackage, zipAppPackage } from "../infra/teams-manifest/app-package.js";

const USAGE = "usage: npm run package -- [--env <name>] [--no-dotenv]";

interface Args {
  env: string;
  dotenv: boolean;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args | string {
  const args: Args = { env: env["TEAMSFX_ENV"]?.trim() || "local", dotenv: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--env") {
      const v = argv[++i];
      if (!v) return "--env needs a name";
      args.env = v;
    } else if (a.startsWith("--env=")) args.env = a.slice("--env=".length);
    else if (a === "--no-dotenv") args.dotenv = false;
    else if (a === "--help" || a === "-h") return USAGE;
    else return `unknown argument ${a}`;
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(args.env)) return `--env must be letters, digits, - or _ (got ${JSON.stringify(args.env)})`;
  return args;
}

function readEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string): Promise<number> {
  const args = parseArgs(argv, env);
  if (typeof args === "string") {
    if (args === USAGE) {
      console.log(USAGE);
      return 0;
    }
    console.error(`${args}\n${USAGE}`);
    return 2;
  }

  const sources: string[] = [];
  let vars: Record<string, string | undefined> = { ...env };
  if (args.dotenv) {
    const dotenvRoot = path.join(repoRoot, ".env");
    const dotenvEnv = path.join(repoRoot, "env", `.env.${args.env}`);
    vars = { ...readEnvFile(dotenvRoot), ...readEnvFile(dotenvEnv), ...env };
    for (const f of [dotenvEnv, dotenvRoot]) if (existsSync(f)) sources.push(path.relative(repoRoot, f));
  }

  const r = await prepareAppPackage({ repoRoot, vars, expectedCommandLists: manifestCommandLists() });
  if (r.missing.length > 0) {
    console.error(missingVariablesMessage(r.missing));
    return 2;
  }
  if (r.invalid.length > 0) {
    console.error(`Invalid variable${r.invalid.length === 1 ? "" : "s"}: ${r.invalid.join("; ")}`);
    return 2;
  }

  for (const c of r.checks) console.log(`checked ${c}`);
  for (const w of r.warnings) console.error(`warning: ${w}`);
  if (r.errors.length > 0) {
    for (const e of r.errors) console.error(`error: ${e}`);
    console.error(`App package not written: ${r.errors.length} problem(s).`);
    return 1;
  }

  const zip = await zipAppPackage(r.files);
  const outDir = path.join(repoRoot, "build");
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `appPackage.${args.env}.zip`);
  writeFileSync(out, zip);
  const from = sources.length > 0 ? ` (variables from the environment and ${sources.join(", ")})` : "";
  console.log(
    `wrote ${path.relative(repoRoot, out)} (${zip.length} bytes): ${r.files.map((f) => f.name).join(", ")}${from}`,
  );
  return 0;
}

const isEntry = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
  main(process.argv.slice(2), process.env, repoRoot).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`package-app failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}

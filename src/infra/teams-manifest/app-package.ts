import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { checkColorIcon, checkOutlineIcon } from "./icon-checks.js";
import { fillPlaceholders, MANIFEST_VARIABLES, type Vars } from "./placeholders.js";
import {
  checkCommandLists,
  contractSchemaPath,
  manifestVersionOf,
  validateWithAppManifestPackage,
  validateWithSchemaFile,
  type CommandListJson,
} from "./validate.js";

/**
 * Builds the Teams app package from appPackage/: fill `${{VAR}}`s, validate offline, check the icons,
 * zip manifest.json + icons at the zip root. Used by `npm run package` (src/cli/package-app.ts) and by
 * test/contract/manifest.test.ts, so both check exactly the same things.
 */

export interface PrepareOptions {
  repoRoot: string;
  vars: Vars;
  /** The bot's command menu (bot/commands/catalogue.ts `manifestCommandLists()`). */
  expectedCommandLists: readonly CommandListJson[];
  /** Folder with MicrosoftTeams.v<version>.schema.json; default test/contracts/teams-manifest in repoRoot. */
  contractsDir?: string;
  /** Fail (instead of warn) when the contract schema file is absent. */
  requireContract?: boolean;
}

export interface PackageFile {
  name: string;
  data: Buffer;
}

export interface PrepareResult {
  /** Required variables unset or empty. Non-empty → nothing else was checked. */
  missing: string[];
  /** Variables set to a malformed value ("BOT_ID must be a GUID"). */
  invalid: string[];
  /** Schema, limit, catalogue and icon problems. */
  errors: string[];
  warnings: string[];
  /** One line per check that ran, e.g. "schema: MicrosoftTeams.v1.22.schema.json ok". */
  checks: string[];
  manifest?: Record<string, unknown>;
  files: PackageFile[];
}

export const APP_PACKAGE_DIR = "appPackage";

export function defaultContractsDir(repoRoot: string): string {
  return path.resolve(repoRoot, "test/contracts/teams-manifest");
}

export function readManifestTemplate(repoRoot: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(repoRoot, APP_PACKAGE_DIR, "manifest.json"), "utf8")) as Record<string, unknown>;
}

export async function prepareAppPackage(opts: PrepareOptions): Promise<PrepareResult> {
  const result: PrepareResult = { missing: [], invalid: [], errors: [], warnings: [], checks: [], files: [] };
  const template = readManifestTemplate(opts.repoRoot);
  const filled = fillPlaceholders(template, opts.vars, MANIFEST_VARIABLES);
  result.missing = filled.missing;
  result.invalid = filled.invalid;
  if (filled.missing.length > 0 || filled.invalid.length > 0) return result;
  const manifest = filled.value;
  result.manifest = manifest;

  // 1. Microsoft's validator with the schema it bundles (offline).
  const version = manifestVersionOf(manifest);
  const pkg = await validateWithAppManifestPackage(manifest);
  pushCheck(result, pkg.source, pkg.errors);

  // 2. The vendored contract copy of the schema.
  const contractsDir = opts.contractsDir ?? defaultContractsDir(opts.repoRoot);
  const contract = contractSchemaPath(contractsDir, version);
  if (contract) {
    const c = validateWithSchemaFile(manifest, contract);
    pushCheck(result, `contract ${c.source}`, c.errors);
  } else {
    const msg = `contract schema MicrosoftTeams.v${version}.schema.json not found in ${contractsDir}`;
    (opts.requireContract ? result.errors : result.warnings).push(msg);
  }

  // 3. Documented limits and the bot's catalogue.
  pushCheck(result, "command menu vs bot/commands/catalogue.ts", checkCommandLists(manifest, opts.expectedCommandLists));

  // 4. Icons.
  const icons = (manifest["icons"] ?? {}) as { color?: string; outline?: string };
  const iconFiles: [string | undefined, (b: Buffer, n: string) => { errors: string[]; warnings: string[] }][] = [
    [icons.color, checkColorIcon],
    [icons.outline, checkOutlineIcon],
  ];
  for (const [rel, check] of iconFiles) {
    if (!rel) continue; // the schema reports the missing property
    const file = path.join(opts.repoRoot, APP_PACKAGE_DIR, rel);
    if (!existsSync(file)) {
      result.errors.push(`icon ${rel} not found in ${APP_PACKAGE_DIR}/`);
      continue;
    }
    const data = readFileSync(file);
    const r = check(data, rel);
    result.warnings.push(...r.warnings);
    pushCheck(result, `icon ${rel}`, r.errors);
    result.files.push({ name: rel, data });
  }

  result.files.unshift({ name: "manifest.json", data: Buffer.from(JSON.stringify(manifest, null, 2) + "\n", "utf8") });
  return result;
}

function pushCheck(result: PrepareResult, what: string, errors: string[]): void {
  result.checks.push(`${what}: ${errors.length === 0 ? "ok" : `${errors.length} problem(s)`}`);
  result.errors.push(...errors.map((e) => `${what}: ${e}`));
}

/** A fixed timestamp keeps the zip byte-for-byte reproducible for the same inputs. */
const ZIP_DATE = new Date(Date.UTC(2020, 0, 1));

export async function zipAppPackage(files: readonly PackageFile[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const f of files) zip.file(f.name, f.data, { date: ZIP_DATE, createFolders: false });
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 } });
}

/** The one stderr line for missing variables. */
export function missingVariablesMessage(missing: readonly string[]): string {
  const s = missing.length === 1 ? "" : "s";
  return `Missing variable${s} for appPackage/manifest.json: ${missing.join(", ")} (set in the environment, .env or env/.env.<env>; see env/.env.local.example)`;
}

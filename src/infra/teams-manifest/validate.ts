import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AppManifestUtils, type AppManifest } from "@microsoft/app-manifest";
import ajvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";

/**
 * Offline validation of a filled Teams app manifest (PLATFORM-FACTS 6b):
 *  1. `AppManifestUtils.validateAgainstSchema(manifest, schema)` from `@microsoft/app-manifest`, given the
 *     schema the package bundles for the manifest's version (never fetched over HTTP);
 *  2. ajv (draft-04) against the contract copy in test/contracts/teams-manifest/;
 *  3. the limits Microsoft documents but the JSON schema does not enforce, and the command menu
 *     matching the bot's catalogue.
 */

export interface SchemaCheck {
  /** Human name of the schema used, for the CLI's report. */
  source: string;
  errors: string[];
}

type Json = Record<string, unknown>;

const requireFromHere = createRequire(import.meta.url);
// Both are CommonJS with `exports.default`; under NodeNext the default import is `module.exports`.
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default;

/** "1.22" from the manifest, refusing anything that is not a plain numbered version. */
export function manifestVersionOf(manifest: unknown): string {
  const v = (manifest as Json | null)?.["manifestVersion"];
  if (typeof v !== "string" || !/^1\.\d+$/.test(v)) {
    throw new Error(`manifest.manifestVersion must be a numbered version like "1.22" (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Path of the schema that `@microsoft/app-manifest` bundles for `version`, or undefined if it has none. */
export function bundledSchemaPath(version: string): string | undefined {
  const pkgMain = requireFromHere.resolve("@microsoft/app-manifest"); // …/build/index.js
  const p = path.join(path.dirname(pkgMain), "json-schemas", "teams", `v${version}`, "MicrosoftTeams.schema.json");
  return existsSync(p) ? p : undefined;
}

function readSchema(file: string): Json {
  // Same clean-up as AppManifestUtils.fetchSchema: some published schemas contain \a and \v escapes.
  const text = readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b");
  return JSON.parse(text) as Json;
}

/** Validates with the package's own validator and its bundled schema. Throws if the version is not bundled. */
export async function validateWithAppManifestPackage(manifest: unknown): Promise<SchemaCheck> {
  const version = manifestVersionOf(manifest);
  const file = bundledSchemaPath(version);
  if (!file) {
    throw new Error(
      `@microsoft/app-manifest bundles no schema for manifest v${version}; validating would need the network`,
    );
  }
  const schema = readSchema(file) as unknown as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest, schema);
  return { source: `@microsoft/app-manifest bundled v${version} schema`, errors };
}

/** The contract copy of the schema for `version` in `contractsDir`, or undefined if there is none. */
export function contractSchemaPath(contractsDir: string, version: string): string | undefined {
  const p = path.join(contractsDir, `MicrosoftTeams.v${version}.schema.json`);
  return existsSync(p) ? p : undefined;
}

/** Validates with ajv (draft-04 + formats) against a schema file. */
export function validateWithSchemaFile(manifest: unknown, schemaFile: string): SchemaCheck {
  const ajv = new Ajv04({ allErrors: true, strictTypes: false });
  addFormats(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(readSchema(schemaFile));
  const ok = validate(manifest);
  const errors = ok
    ? []
    : (validate.errors ?? []).map((e) => {
        const extra = e.keyword === "additionalProperties" ? ` (${String(e.params["additionalProperty"])})` : "";
        return `${e.instancePath || "/"} ${e.message ?? e.keyword}${extra}`;
      });
  return { source: path.basename(schemaFile), errors };
}

/**
 * Limits from Microsoft Learn's manifest reference that the JSON schema leaves looser:
 * bot command title ≤ 32 characters, description ≤ 128 (the schema allows 128 / 4000).
 */
export const COMMAND_TITLE_MAX = 32;
export const COMMAND_DESCRIPTION_MAX = 128;
export const COMMANDS_PER_LIST_MAX = 10;

/** Shape of one `bots[].commandLists[]` entry (bot/commands/catalogue.ts builds the expected ones). */
export interface CommandListJson {
  scopes: string[];
  commands: { title: string; description: string }[];
}

interface BotJson {
  commandLists?: CommandListJson[];
}

/** Checks `bots[0].commandLists` against the documented limits and equals `expected` (from the bot's catalogue). */
export function checkCommandLists(manifest: unknown, expected: readonly CommandListJson[]): string[] {
  const bots = (manifest as Json | null)?.["bots"] as BotJson[] | undefined;
  const lists = bots?.[0]?.commandLists ?? [];
  const errors: string[] = [];
  lists.forEach((list, i) => {
    if (list.commands.length > COMMANDS_PER_LIST_MAX) {
      errors.push(`bots[0].commandLists[${i}] has ${list.commands.length} commands (max ${COMMANDS_PER_LIST_MAX})`);
    }
    list.commands.forEach((c, j) => {
      if (c.title.length > COMMAND_TITLE_MAX) {
        errors.push(`bots[0].commandLists[${i}].commands[${j}].title is longer than ${COMMAND_TITLE_MAX} characters`);
      }
      if (c.description.length > COMMAND_DESCRIPTION_MAX) {
        errors.push(
          `bots[0].commandLists[${i}].commands[${j}].description is longer than ${COMMAND_DESCRIPTION_MAX} characters`,
        );
      }
    });
  });
  if (JSON.stringify(lists) !== JSON.stringify(expected)) {
    errors.push(
      "bots[0].commandLists differs from bot/commands/catalogue.ts (manifestCommandLists()); update appPackage/manifest.json",
    );
  }
  return errors;
}

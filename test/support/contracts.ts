import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import draft6 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: under tsx/vitest its plugin function is the module or its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** Microsoft's contracts, copied unchanged into test/contracts/ (provenance: test/contracts/README.md). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CONTRACTS = resolve(REPO_ROOT, "test/contracts");

export function readContract(path: string): any {
  return JSON.parse(readFileSync(resolve(CONTRACTS, path), "utf8"));
}

/**
 * A validator for Adaptive Card 1.5 (draft-06 schema; boolean `required` and string `id` keys dropped per the contracts README).
 * Formats are checked (ajv-formats): the schema's `uri` ($schema) and `uri-reference` (Action.OpenUrl.url, Image.url, …).
 */
export function adaptiveCard15(): ValidateFunction {
  const schema = readContract("adaptive-cards/adaptive-card-1.5.0.schema.json");
  const clean = (n: any): any => {
    if (Array.isArray(n)) return n.map(clean);
    if (n && typeof n === "object") {
      const o: any = {};
      for (const [k, v] of Object.entries(n)) {
        if (k === "required" && typeof v === "boolean") continue;
        if (k === "id" && typeof v === "string") continue; // draft-06 `id`; ajv 8 wants `$id`
        o[k] = clean(v);
      }
      return o;
    }
    return n;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addMetaSchema(draft6);
  return ajv.compile(clean(schema));
}

/**
 * Adds Microsoft Graph entity types the repo's contract copy lacks (test/contracts/graph/graph-v1.0-subset.openapi.json),
 * generated from Microsoft's published CSDL (msgraph-metadata clean_v10_metadata/cleanMetadata.xml, the blob the
 * contract was generated from: see its x-contract-pack), never written by hand (issue 13 point 3). Same mapping as the
 * subset: a derived type is allOf [base $ref, its own properties], `@odata.type` required with its default.
 *
 *   npx tsx scripts/graph-contract-add-types.ts --csdl cleanMetadata.xml fileAttachment
 *
 * The types added are listed in x-contract-pack.addedTypes (with the CSDL's sha256), so a reader can tell them apart.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const CONTRACT = "test/contracts/graph/graph-v1.0-subset.openapi.json";
type Json = Record<string, unknown>;

const EDM: Record<string, Json> = {
  "Edm.String": { type: "string", nullable: true },
  "Edm.Binary": { type: "string", format: "base64url", nullable: true },
  "Edm.Boolean": { type: "boolean" },
  "Edm.Int32": { maximum: 2147483647, minimum: -2147483648, type: "integer", format: "int32" },
};

/** One EntityType of the CSDL as the subset's OpenAPI schema. */
export function entitySchema(csdl: string, name: string): Json {
  const m = new RegExp(`<EntityType Name="${name}"([^>]*?)(/>|>([\\s\\S]*?)</EntityType>)`).exec(csdl);
  if (!m) throw new Error(`${name}: no such EntityType in the CSDL`);
  const base = /BaseType="graph\.(\w+)"/.exec(m[1]!)?.[1];
  const properties: Json = {};
  for (const p of (m[3] ?? "").matchAll(/<Property Name="(\w+)" Type="([\w.()]+)"([^>]*)\/>/g)) {
    const t = EDM[p[2]!];
    if (!t) throw new Error(`${name}.${p[1]}: type ${p[2]} is not mapped by this script`);
    properties[p[1]!] = /Nullable="false"/.test(p[3]!) ? { ...t, nullable: undefined } : t;
  }
  properties["@odata.type"] = { type: "string", default: `#microsoft.graph.${name}` };
  const own = { title: name, required: ["@odata.type"], type: "object", properties };
  return {
    ...(base ? { allOf: [{ $ref: `#/components/schemas/microsoft.graph.${base}` }, own] } : own),
    "x-ms-discriminator-value": `#microsoft.graph.${name}`,
  };
}

function main(argv: string[]): void {
  const at = argv.indexOf("--csdl");
  const file = at >= 0 ? argv[at + 1] : undefined;
  const names = argv.filter((a, i) => a !== "--csdl" && i !== at + 1);
  if (!file || !names.length) throw new Error("usage: graph-contract-add-types --csdl cleanMetadata.xml TypeName…");
  const csdlBytes = readFileSync(file);
  const csdl = csdlBytes.toString("utf8");
  const doc = JSON.parse(readFileSync(CONTRACT, "utf8")) as { components: { schemas: Json }; "x-contract-pack": Json };
  const pack = doc["x-contract-pack"];
  const sha256 = createHash("sha256").update(csdlBytes).digest("hex");
  const added = (pack.addedTypes as Json[] | undefined) ?? [];
  for (const name of names) {
    doc.components.schemas[`microsoft.graph.${name}`] = JSON.parse(JSON.stringify(entitySchema(csdl, name)));
    if (!added.some((a) => a.name === name)) added.push({ name, csdlSha256: sha256, by: "scripts/graph-contract-add-types.ts" });
  }
  pack.addedTypes = added;
  if (typeof pack.schemaCount === "number") pack.schemaCount = Object.keys(doc.components.schemas).length;
  writeFileSync(CONTRACT, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`added ${names.join(", ")} to ${CONTRACT} (CSDL sha256 ${sha256})`);
}

main(process.argv.slice(2));

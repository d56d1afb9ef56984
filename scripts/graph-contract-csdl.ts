/**
 * The CSDL → OpenAPI mapping shared by scripts/graph-contract-add-types.ts and scripts/graph-contract-add-paths.ts:
 * Microsoft's published CSDL (msgraph-metadata clean_v10_metadata/cleanMetadata.xml, the blob the contract copy was
 * generated from) mapped to the shapes the subset already uses (issue 13 point 3). Nothing here is written by hand
 * into the contract: every schema and path comes from the CSDL text.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

export const CONTRACT = "test/contracts/graph/graph-v1.0-subset.openapi.json";
export type Json = Record<string, unknown>;
export interface ContractDoc { paths: Json; components: { schemas: Json; responses: Json }; "x-contract-pack": Json }

const DATE_TIME = "^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$";
const EDM: Record<string, Json> = {
  "Edm.String": { type: "string", nullable: true },
  "Edm.Binary": { type: "string", format: "base64url", nullable: true },
  "Edm.Boolean": { type: "boolean" },
  "Edm.Int32": { maximum: 2147483647, minimum: -2147483648, type: "integer", format: "int32" },
  "Edm.Int64": { type: "number", format: "int64", nullable: true },
  "Edm.DateTimeOffset": { pattern: DATE_TIME, type: "string", format: "date-time", nullable: true },
};
export const ref = (name: string) => ({ $ref: `#/components/schemas/microsoft.graph.${name}` });

/** The XML of one named CSDL element (EntityType, ComplexType, EnumType), or null. */
export function element(csdl: string, kind: string, name: string): { attrs: string; body: string } | null {
  // Attributes come in any order (`<EntityType HasStream="true" Name="message" …>`).
  const m = new RegExp(`<${kind}\\b([^>]*?)\\sName="${name}"([^>]*?)(/>|>([\\s\\S]*?)</${kind}>)`).exec(csdl);
  return m ? { attrs: `${m[1]!} ${m[2]!}`, body: m[4] ?? "" } : null;
}

/** A property's type as the subset writes it; `graph.X` types are referenced and reported in `needs`. */
function propertyType(owner: string, type: string, nullable: boolean, needs: Set<string>): Json {
  const coll = /^Collection\((.+)\)$/.exec(type);
  if (coll) return { type: "array", items: propertyType(owner, coll[1]!, true, needs) };
  const g = /^graph\.(\w+)$/.exec(type);
  if (g) {
    needs.add(g[1]!);
    return nullable ? { anyOf: [ref(g[1]!), { type: "object", nullable: true }] } : ref(g[1]!);
  }
  const t = EDM[type];
  if (!t) throw new Error(`${owner}: type ${type} is not mapped by this script`);
  return nullable ? t : { ...t, nullable: undefined };
}

/** One EntityType, ComplexType or EnumType of the CSDL as the subset's OpenAPI schema; `needs` collects the graph types it references. */
export function typeSchema(csdl: string, name: string, needs: Set<string> = new Set()): Json {
  const en = element(csdl, "EnumType", name);
  if (en) return { title: name, enum: [...en.body.matchAll(/<Member Name="(\w+)"/g)].map((m) => m[1]!), type: "string" };
  const m = element(csdl, "EntityType", name) ?? element(csdl, "ComplexType", name);
  if (!m) throw new Error(`${name}: no such type in the CSDL`);
  const base = /BaseType="graph\.(\w+)"/.exec(m.attrs)?.[1];
  const properties: Json = {};
  for (const p of m.body.matchAll(/<Property Name="(\w+)" Type="([\w.()]+)"([^>]*)\/>/g)) {
    properties[p[1]!] = propertyType(`${name}.${p[1]}`, p[2]!, !/Nullable="false"/.test(p[3]!), needs);
  }
  properties["@odata.type"] = { type: "string", default: `#microsoft.graph.${name}` };
  const own = { title: name, required: ["@odata.type"], type: "object", properties };
  if (base) needs.add(base);
  return {
    ...(base ? { allOf: [ref(base), own] } : own),
    "x-ms-discriminator-value": `#microsoft.graph.${name}`,
  };
}

/** Reads the CSDL and the contract, lets `edit` change the contract, writes it back (stable JSON, one-space indent). */
export function editContract(csdlFile: string, edit: (csdl: string, doc: ContractDoc, sha256: string) => void): string {
  const bytes = readFileSync(csdlFile);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const doc = JSON.parse(readFileSync(CONTRACT, "utf8")) as ContractDoc;
  edit(bytes.toString("utf8"), doc, sha256);
  const pack = doc["x-contract-pack"];
  if (typeof pack.schemaCount === "number") pack.schemaCount = Object.keys(doc.components.schemas).length;
  writeFileSync(CONTRACT, `${JSON.stringify(doc, null, 1)}\n`);
  return sha256;
}

/**
 * Adds `names` and every graph type they reference that the contract lacks (transitively), recorded in
 * x-contract-pack.addedTypes with the CSDL's sha256 and the script that added them.
 */
export function addTypes(csdl: string, doc: ContractDoc, sha256: string, names: readonly string[], by: string, replace = false): void {
  const pack = doc["x-contract-pack"];
  const added = (pack.addedTypes as Json[] | undefined) ?? [];
  const todo = [...names];
  const seen = new Set<string>();
  while (todo.length) {
    const name = todo.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const key = `microsoft.graph.${name}`;
    if (doc.components.schemas[key] && !(replace && names.includes(name))) continue;
    const needs = new Set<string>();
    doc.components.schemas[key] = JSON.parse(JSON.stringify(typeSchema(csdl, name, needs))) as Json;
    if (!added.some((a) => a.name === name)) added.push({ name, csdlSha256: sha256, by });
    todo.push(...needs);
  }
  pack.addedTypes = added;
}

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * Checks Graph requests (and the stand-in's own responses) against Microsoft's published API description:
 * the OpenAPI subset in test/contracts/graph/ (the repo's copy of Microsoft's contract; provenance in test/contracts/README.md), normalised as the contracts README says
 * ("Using these files in tests — Graph"): `@odata.type` dropped from `required`, nullable wrappers
 * rewritten to `{type: 'null'}`, `discriminator`/`x-*` dropped, Graph's numeric formats registered,
 * `time` relaxed. Because the subset has no `additionalProperties: false`, unknown keys are also
 * reported here (compared case-insensitively, as Graph does), so a misspelled key cannot pass silently.
 */
export const DEFAULT_GRAPH_CONTRACT = resolve(
  dirname(fileURLToPath(import.meta.url)), "../../../test/contracts/graph/graph-v1.0-subset.openapi.json");

type Json = any; // the OpenAPI document is untyped JSON

export interface OperationMatch {
  method: string;
  /** Path template as in the OpenAPI (or our extension table). */
  template: string;
  operationId: string;
  /** false: the operation is not in Microsoft's subset; its body is checked against a named component schema. */
  covered: boolean;
  note?: string;
}

export interface ValidationResult { ok: boolean; match: OperationMatch | null; errors: string[] }

/**
 * Calls the gateway makes that the subset does not describe. Each one's body/response is checked against
 * the component schema Graph documents for it. (Graph: "Update subscription", "Delete subscription",
 * "List onlineMeetings with $filter=JoinWebUrl", "List messages" of a mail folder with $filter.)
 */
const EXTENSIONS: { method: string; template: string; operationId: string; body?: string; response?: string; collection?: string; note: string }[] = [
  { method: "PATCH", template: "/subscriptions/{subscription-id}", operationId: "ext.subscriptions.update", body: "microsoft.graph.subscription", response: "microsoft.graph.subscription", note: "renewal (PATCH expirationDateTime) is not in the subset" },
  { method: "DELETE", template: "/subscriptions/{subscription-id}", operationId: "ext.subscriptions.delete", note: "not in the subset" },
  { method: "GET", template: "/users/{user-id}/onlineMeetings", operationId: "ext.users.onlineMeetings.list", collection: "microsoft.graph.onlineMeeting", note: "meeting id from the join URL ($filter=JoinWebUrl) is not in the subset" },
];

const GRAPH_ID = "graph";

export class GraphContract {
  private readonly ajv: Ajv;
  private readonly doc: Json;
  private readonly ops: { method: string; template: string; re: RegExp; op: Json | null; ext?: (typeof EXTENSIONS)[number] }[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file: string = DEFAULT_GRAPH_CONTRACT) {
    let raw: Json;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      throw new Error(`Graph contract not readable at ${file} (set GRAPH_CONTRACT_FILE to the OpenAPI subset from the shared contracts)`);
    }
    this.doc = normalise(raw);
    const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
    for (const f of ["int8", "uint8", "int16", "int32", "int64", "float", "double", "decimal", "base64url", "binary"]) this.ajv.addFormat(f, true);
    this.ajv.addFormat("time", /^\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?(Z|[+-]\d{2}:\d{2})?$/);
    this.ajv.addSchema({ $id: GRAPH_ID, components: this.doc.components }, GRAPH_ID);
    for (const [template, item] of Object.entries<Json>(this.doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        if (!op || typeof op !== "object" || !op.operationId) continue;
        this.ops.push({ method: method.toUpperCase(), template, re: templateRegex(template), op });
      }
    }
    for (const ext of EXTENSIONS) this.ops.push({ method: ext.method, template: ext.template, re: templateRegex(ext.template), op: null, ext });
  }

  /** The operation a request path (without /v1.0 and query) corresponds to. */
  match(method: string, path: string): OperationMatch | null {
    const p = canonicalPath(path);
    const m = method.toUpperCase();
    for (const o of this.ops) {
      if (o.method !== m || !o.re.test(p)) continue;
      return o.op
        ? { method: m, template: o.template, operationId: o.op.operationId, covered: true }
        : { method: m, template: o.template, operationId: o.ext!.operationId, covered: false, note: o.ext!.note };
    }
    return null;
  }

  /** Every operation of the subset (for coverage reports). */
  operations(): { method: string; template: string; operationId: string }[] {
    return this.ops.filter((o) => o.op).map((o) => ({ method: o.method, template: o.template, operationId: o.op.operationId }));
  }

  validateRequest(method: string, path: string, body: unknown, contentType?: string | null): ValidationResult {
    const match = this.match(method, path);
    if (!match) return { ok: false, match: null, errors: [`${method.toUpperCase()} ${canonicalPath(path)} is not an operation of the Graph subset`] };
    const entry = this.ops.find((o) => o.method === match.method && o.template === match.template)!;
    let schema: Json | null = null;
    if (entry.op) {
      const content = entry.op.requestBody?.content;
      if (content) {
        const type = (contentType ?? "application/json").split(";")[0]!.trim().toLowerCase();
        const media = content[type];
        if (!media) return { ok: false, match, errors: [`content type ${type} not accepted (expects ${Object.keys(content).join(", ")})`] };
        if (type !== "application/json") return { ok: true, match, errors: [] }; // binary upload
        schema = media.schema;
      }
    } else if (entry.ext?.body) {
      schema = { $ref: `#/components/schemas/${entry.ext.body}` };
    }
    if (!schema) {
      const empty = body === undefined || body === null || body === "" || (typeof body === "object" && Object.keys(body as object).length === 0);
      return empty ? { ok: true, match, errors: [] } : { ok: false, match, errors: ["this operation takes no body"] };
    }
    return { ...this.check(`req:${match.method}:${match.template}`, schema, body), match };
  }

  validateResponse(method: string, path: string, status: number, body: unknown): ValidationResult {
    const match = this.match(method, path);
    if (!match) return { ok: false, match: null, errors: ["unknown operation"] };
    const entry = this.ops.find((o) => o.method === match.method && o.template === match.template)!;
    let schema: Json | null = null;
    if (status >= 400) schema = { $ref: "#/components/schemas/microsoft.graph.ODataErrors.ODataError" };
    else if (entry.op) {
      let r = entry.op.responses?.["2XX"];
      if (r?.$ref) r = this.resolve(r.$ref);
      schema = r?.content?.["application/json"]?.schema ?? null;
    } else if (entry.ext?.response) schema = { $ref: `#/components/schemas/${entry.ext.response}` };
    else if (entry.ext?.collection) {
      schema = { type: "object", required: ["value"], properties: { value: { type: "array", items: { $ref: `#/components/schemas/${entry.ext.collection}` } } } };
    }
    if (!schema) return { ok: body === undefined || body === null || body === "", match, errors: body ? ["this operation returns no body"] : [] };
    return { ...this.check(`res:${status >= 400 ? "err" : match.method + ":" + match.template}`, schema, body, false), match };
  }

  /** Validates a value against a component schema by name, e.g. "microsoft.graph.event". */
  validateSchema(name: string, value: unknown): { ok: boolean; errors: string[] } {
    return this.check(`schema:${name}`, { $ref: `#/components/schemas/${name}` }, value);
  }

  private check(key: string, schema: Json, value: unknown, keys = true): { ok: boolean; errors: string[] } {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(rebase(schema));
      this.compiled.set(key, fn);
    }
    const errors: string[] = [];
    // Graph matches property names case-insensitively (action parameters are declared `Schedules`,
    // sent `schedules`): rename keys to the declared case first, so ajv type-checks them too.
    value = this.canonical(schema, value, 0);
    if (!fn(value)) for (const e of fn.errors ?? []) errors.push(`${e.instancePath || "(body)"} ${e.message ?? "invalid"}`);
    if (keys) this.unknownKeys(schema, value, "", errors, 0);
    return { ok: errors.length === 0, errors };
  }

  private resolve(ref: string): Json {
    const parts = ref.replace(/^#\//, "").split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    let n: Json = this.doc;
    for (const p of parts) n = n?.[p];
    return n;
  }

  /** Properties an object schema allows (through $ref and allOf), keyed lower-case. */
  private props(schema: Json, depth = 0): Map<string, Json> | null {
    if (!schema || depth > 20) return null;
    if (schema.$ref) return this.props(this.resolve(schema.$ref), depth + 1);
    if (schema.anyOf || schema.oneOf) {
      for (const b of schema.anyOf ?? schema.oneOf) {
        if (b.type === "null") continue;
        const p = this.props(b, depth + 1);
        if (p) return p;
      }
      return null;
    }
    let out: Map<string, Json> | null = null;
    if (schema.allOf) {
      for (const b of schema.allOf) {
        const p = this.props(b, depth + 1);
        if (p) out = new Map([...(out ?? []), ...p]);
      }
    }
    if (schema.properties) {
      out ??= new Map();
      for (const [k, v] of Object.entries(schema.properties)) out.set(k.toLowerCase(), v);
    }
    return out;
  }

  private items(schema: Json, depth = 0): Json | null {
    if (!schema || depth > 20) return null;
    if (schema.$ref) return this.items(this.resolve(schema.$ref), depth + 1);
    if (schema.items) return schema.items;
    for (const b of schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []) {
      const i = this.items(b, depth + 1);
      if (i) return i;
    }
    return null;
  }

  /**
   * The schema a value is checked against: its declared one, or the derived type its `@odata.type` names when the
   * contract has it (e.g. a `#microsoft.graph.fileAttachment` in a message's attachments, declared as attachment).
   */
  private typed(schema: Json, value: unknown): Json {
    const t = (value as Record<string, unknown>)["@odata.type"];
    if (typeof t !== "string") return schema;
    const derived = this.doc.components?.schemas?.[t.replace(/^#/, "")];
    return derived ?? schema;
  }

  private canonical(given: Json, value: unknown, depth: number): unknown {
    if (depth > 30 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) {
      const it = this.items(given);
      return it ? value.map((v) => this.canonical(it, v, depth + 1)) : value;
    }
    const schema = this.typed(given, value);
    const props = this.props(schema);
    if (!props) return value;
    const declared = new Map<string, string>();
    const collect = (sc: Json, d = 0): void => {
      if (!sc || d > 20) return;
      if (sc.$ref) return collect(this.resolve(sc.$ref), d + 1);
      for (const b of sc.allOf ?? []) collect(b, d + 1);
      for (const b of sc.anyOf ?? sc.oneOf ?? []) if (b.type !== "null") collect(b, d + 1);
      for (const k of Object.keys(sc.properties ?? {})) declared.set(k.toLowerCase(), k);
    };
    collect(schema);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const name = declared.get(k.toLowerCase()) ?? k;
      const p = props.get(k.toLowerCase());
      out[name] = p ? this.canonical(p, v, depth + 1) : v;
    }
    return out;
  }

  private unknownKeys(declared: Json, value: unknown, path: string, out: string[], depth: number): void {
    if (depth > 30 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      const it = this.items(declared);
      if (it) value.forEach((v, i) => this.unknownKeys(it, v, `${path}/${i}`, out, depth + 1));
      return;
    }
    const props = this.props(this.typed(declared, value));
    if (!props) return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // OData instance annotations (`@odata.type`, `@microsoft.graph.conflictBehavior`) are not properties.
      if (k.startsWith("@odata.") || k.startsWith("@microsoft.graph.")) continue;
      const p = props.get(k.toLowerCase());
      if (!p) out.push(`${path}/${k} is not a property of this Graph type`);
      else this.unknownKeys(p, v, `${path}/${k}`, out, depth + 1);
    }
  }
}

/** `/v1.0/users/x/events?$x=1` → `/users/x/events`; the colon upload form mapped onto `items/{id}/content`. */
export function canonicalPath(path: string): string {
  let p = path.split("?")[0]!.replace(/^https?:\/\/[^/]+/, "").replace(/^\/(v1\.0|beta)(?=\/)/, "");
  p = p.replace(/\/items\/([^/:]+):\/[^/]+:\/(content|createUploadSession)$/, "/items/$1/$2");
  return p.replace(/\/+$/, "") || "/";
}

function templateRegex(template: string): RegExp {
  const esc = template
    .split(/(\{[^}]+\})/)
    .map((s) => (s.startsWith("{") ? "[^/]+" : s.replace(/[.*+?^$|[\]\\]/g, "\\$&").replace(/\(\)/g, "(?:\\(\\))?")))
    .join("");
  return new RegExp(`^${esc}$`, "i");
}

function normalise(n: Json): Json {
  if (Array.isArray(n)) return n.map(normalise);
  if (!n || typeof n !== "object") return n;
  if (Array.isArray(n.anyOf) && n.anyOf.length === 2 && n.anyOf[0]?.$ref && n.anyOf[1]?.nullable === true && n.anyOf[1]?.type === "object" && Object.keys(n.anyOf[1]).length === 2) {
    const rest = Object.fromEntries(Object.entries(n).filter(([k]) => k !== "anyOf" && !k.startsWith("x-")));
    return { ...normalise(rest), anyOf: [normalise(n.anyOf[0]), { type: "null" }] };
  }
  const o: Json = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === "discriminator" || k.startsWith("x-")) continue;
    if (k === "required" && Array.isArray(v)) {
      const r = v.filter((x) => x !== "@odata.type");
      if (r.length) o[k] = r;
      continue;
    }
    o[k] = k === "properties" || k === "schemas" || k === "paths" || k === "responses" || k === "content"
      ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, normalise(pv)]))
      : normalise(v);
  }
  return o;
}

/** Local `#/components/…` refs → the registered document's id. */
function rebase(n: Json): Json {
  if (Array.isArray(n)) return n.map(rebase);
  if (!n || typeof n !== "object") return n;
  const o: Json = {};
  for (const [k, v] of Object.entries(n)) o[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${GRAPH_ID}${v}` : rebase(v);
  return o;
}

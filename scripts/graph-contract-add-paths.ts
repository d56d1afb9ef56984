/**
 * Adds Microsoft Graph operations the repo's contract copy lacks (issue 13 point 3: the draft-per-recipient mail
 * and the upload session), generated from Microsoft's published CSDL, never written by hand. Each path is walked
 * through the CSDL (entity set → navigation property → key → bound action), so a path the CSDL does not have is
 * refused, and written in the shapes the subset's existing paths use (POST /users/{user-id}/events for a create,
 * …/events/{event-id}/cancel for a bound action, …/attendanceReports for a list). Types the operations need and the
 * contract lacks are added too (scripts/graph-contract-csdl.ts). Both are recorded in x-contract-pack
 * (addedPaths, addedTypes) with the CSDL's sha256.
 *
 *   npx tsx scripts/graph-contract-add-paths.ts --csdl cleanMetadata.xml
 */
import { addTypes, CONTRACT, editContract, element, ref, type ContractDoc, type Json } from "./graph-contract-csdl.js";

const BY = "scripts/graph-contract-add-paths.ts";

/** The operations point 3 needs (method, path template). */
export const OPERATIONS: readonly { method: "get" | "post"; path: string }[] = [
  { method: "post", path: "/users/{user-id}/messages" },
  { method: "post", path: "/users/{user-id}/messages/{message-id}/send" },
  { method: "get", path: "/users/{user-id}/mailFolders/{mailFolder-id}/messages" },
  { method: "post", path: "/drives/{drive-id}/items/{driveItem-id}/createUploadSession" },
  // issue 13 (the record goes out): a retried channel post first looks for the bot's earlier post in the channel
  { method: "get", path: "/teams/{team-id}/channels/{channel-id}/messages" },
  { method: "get", path: "/teams/{team-id}/channels/{channel-id}/messages/{chatMessage-id}/replies" },
];

type Segment =
  | { kind: "set"; name: string; type: string }
  | { kind: "nav"; name: string; owner: string; type: string; collection: boolean }
  | { kind: "key"; name: string; type: string }
  | { kind: "action"; name: string; owner: string; params: { name: string; type: string; nullable: boolean }[]; returns: string | null };

const typeBody = (csdl: string, name: string): { base: string | null; body: string } => {
  const m = element(csdl, "EntityType", name);
  if (!m) throw new Error(`${name}: no such EntityType in the CSDL`);
  return { base: /BaseType="graph\.(\w+)"/.exec(m.attrs)?.[1] ?? null, body: m.body };
};

function navigation(csdl: string, owner: string, name: string): { type: string; collection: boolean } | null {
  for (let t: string | null = owner; t; ) {
    const { base, body } = typeBody(csdl, t);
    const m = new RegExp(`<NavigationProperty Name="${name}" Type="(Collection\\()?graph\\.(\\w+)\\)?"`).exec(body);
    if (m) return { type: m[2]!, collection: !!m[1] };
    t = base;
  }
  return null;
}

function boundAction(csdl: string, owner: string, name: string): Segment | null {
  for (const m of csdl.matchAll(new RegExp(`<Action Name="${name}" IsBound="true">([\\s\\S]*?)</Action>`, "g"))) {
    const params = [...m[1]!.matchAll(/<Parameter Name="(\w+)" Type="([\w.()]+)"([^>]*)\/>/g)].map((p) => ({ name: p[1]!, type: p[2]!, nullable: !/Nullable="false"/.test(p[3]!) }));
    if (params[0]?.type !== `graph.${owner}`) continue;
    return { kind: "action", name, owner, params: params.slice(1), returns: /<ReturnType Type="graph\.(\w+)"/.exec(m[1]!)?.[1] ?? null };
  }
  return null;
}

/** The path walked through the CSDL; throws on a segment the CSDL does not have. */
export function walk(csdl: string, path: string): Segment[] {
  const out: Segment[] = [];
  for (const s of path.split("/").filter(Boolean)) {
    const last = out[out.length - 1];
    if (!last) {
      const m = new RegExp(`<EntitySet Name="${s}" EntityType="microsoft\\.graph\\.(\\w+)"`).exec(csdl);
      if (!m) throw new Error(`${path}: no entity set ${s}`);
      out.push({ kind: "set", name: s, type: m[1]! });
      continue;
    }
    const key = /^\{(\w+)-id\}$/.exec(s);
    if (key) {
      out.push({ kind: "key", name: key[1]!, type: last.kind === "action" ? "" : (last as { type: string }).type });
      continue;
    }
    if (last.kind === "action") throw new Error(`${path}: nothing follows an action`);
    const owner = last.type;
    const nav = navigation(csdl, owner, s);
    const seg: Segment | null = nav ? { kind: "nav", name: s, owner, ...nav } : boundAction(csdl, owner, s);
    if (!seg) throw new Error(`${path}: ${owner} has no navigation property or bound action ${s}`);
    out.push(seg);
  }
  return out;
}

const keyParameter = (type: string) => ({
  name: `${type}-id`, in: "path", description: `The unique identifier of ${type}`, required: true, schema: { type: "string" }, "x-ms-docs-key-type": type,
});
const ERRORS = { "4XX": { $ref: "#/components/responses/error" }, "5XX": { $ref: "#/components/responses/error" } };
const listParameters = () => [
  ...["top", "skip", "search", "filter", "count"].map((p) => ({ $ref: `#/components/parameters/${p}` })),
  ...([["$orderby", "Order items by property values"], ["$select", "Select properties to be returned"], ["$expand", "Expand related entities"]] as const).map(([name, description]) => ({
    name, in: "query", description, style: "form", explode: false, schema: { uniqueItems: true, type: "array", items: { type: "string" } },
  })),
];
/** Tag as the subset writes it: the entity set, then each navigation's entity type. */
const tagOf = (segs: Segment[]) => {
  const navs = segs.filter((s): s is Extract<Segment, { kind: "nav" }> => s.kind === "nav");
  return [segs[0]!.name, ...navs.map((n) => n.type)].join(".");
};
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** One operation's path item, and the graph types it references. */
export function pathItem(csdl: string, method: "get" | "post", path: string): { item: Json; types: string[]; collections: string[] } {
  const segs = walk(csdl, path);
  const last = segs[segs.length - 1]!;
  const parameters = segs.filter((s) => s.kind === "key").map((s) => keyParameter(s.type));
  const types: string[] = [];
  const collections: string[] = [];
  let op: Json;
  if (last.kind === "action") {
    const navs = segs.filter((s) => s.kind === "nav").map((s) => s.name);
    const bodyProps: Json = {};
    for (const p of last.params) {
      const g = /^graph\.(\w+)$/.exec(p.type)?.[1];
      if (!g) throw new Error(`${path}: parameter ${p.name} of type ${p.type} is not mapped by this script`);
      types.push(g);
      bodyProps[p.name] = p.nullable ? { anyOf: [ref(g), { type: "object", nullable: true }] } : ref(g);
    }
    if (last.returns) types.push(last.returns);
    const keyNames = segs.filter((s) => s.kind === "key").map((s) => s.name);
    op = {
      tags: [`${tagOf(segs)}.Actions`],
      summary: `Invoke action ${last.name}`,
      // As the subset's `users.user.events.event.cancel`: each key's type after its segment.
      operationId: [segs[0]!.name, keyNames[0], ...navs.flatMap((n, i) => [n, keyNames[i + 1]]), last.name].filter(Boolean).join("."),
      ...(last.params.length ? { requestBody: { description: "Action parameters", content: { "application/json": { schema: { type: "object", properties: bodyProps } } }, required: true } } : {}),
      responses: {
        "2XX": last.returns
          ? { description: "Success", content: { "application/json": { schema: { anyOf: [ref(last.returns), { type: "object", nullable: true }] } } } }
          : { description: "Success" },
        ...ERRORS,
      },
      "x-ms-docs-operation-type": "action",
    };
    return { item: { description: `Provides operations to call the ${last.name} method.`, [method]: op, parameters }, types, collections };
  }
  if (last.kind !== "nav" || !last.collection) throw new Error(`${path}: only collection navigations and bound actions are generated`);
  types.push(last.type);
  const owners = segs.filter((s): s is Extract<Segment, { kind: "nav" }> => s.kind === "nav").slice(0, -1).map((s) => s.name);
  const prefix = [segs[0]!.name, ...owners].join(".");
  if (method === "post") {
    op = {
      tags: [`${segs[0]!.name}.${last.type}`], summary: `Create ${last.type}`, operationId: `${prefix}.Create${cap(last.name)}`,
      requestBody: { description: "New navigation property", content: { "application/json": { schema: ref(last.type) } }, required: true },
      responses: { "2XX": { description: "Created navigation property.", content: { "application/json": { schema: ref(last.type) } } }, ...ERRORS },
      "x-ms-docs-operation-type": "operation",
    };
  } else {
    collections.push(last.type);
    op = {
      tags: [`${segs[0]!.name}.${last.owner}`], summary: `List ${last.name}`, operationId: `${prefix}.List${cap(last.name)}`,
      parameters: listParameters(),
      responses: { "2XX": { $ref: `#/components/responses/microsoft.graph.${last.type}CollectionResponse` }, ...ERRORS },
      "x-ms-pageable": { nextLinkName: "@odata.nextLink", operationName: "listMore" },
      "x-ms-docs-operation-type": "operation",
    };
  }
  return { item: { description: `Provides operations to manage the ${last.name} property of the microsoft.graph.${last.owner} entity.`, [method]: op, parameters }, types, collections };
}

/** The collection response schema and response the subset writes for a list of `type`. */
function addCollection(doc: ContractDoc, type: string): void {
  const name = `microsoft.graph.${type}CollectionResponse`;
  doc.components.schemas[name] = {
    title: `Collection of ${type}`, type: "object",
    allOf: [{ $ref: "#/components/schemas/BaseCollectionPaginationCountResponse" }, { type: "object", properties: { value: { type: "array", items: ref(type) } } }],
  };
  doc.components.responses[name] = { description: "Retrieved collection", content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } };
}

/** Adds OPERATIONS (and their types) to the contract document; running it again changes nothing. */
export function addPaths(csdl: string, doc: ContractDoc, sha256: string): void {
  const pack = doc["x-contract-pack"];
  const added = (pack.addedPaths as Json[] | undefined) ?? [];
  for (const { method, path } of OPERATIONS) {
    const { item, types, collections } = pathItem(csdl, method, path);
    const existing = (doc.paths[path] as Json | undefined) ?? {};
    doc.paths[path] = { ...existing, ...item };
    addTypes(csdl, doc, sha256, types, BY);
    for (const c of collections) addCollection(doc, c);
    if (!added.some((a) => a.path === path && a.method === method.toUpperCase())) added.push({ method: method.toUpperCase(), path, csdlSha256: sha256, by: BY });
  }
  pack.addedPaths = added;
}

if (process.argv[1]?.endsWith("graph-contract-add-paths.ts")) {
  const argv = process.argv.slice(2);
  const file = argv[argv.indexOf("--csdl") + 1];
  if (!argv.includes("--csdl") || !file) throw new Error("usage: graph-contract-add-paths --csdl cleanMetadata.xml");
  const sha256 = editContract(file, addPaths);
  console.log(`added ${OPERATIONS.length} operations to ${CONTRACT} (CSDL sha256 ${sha256})`);
}

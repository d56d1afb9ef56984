import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addPaths, OPERATIONS, walk } from "../../../scripts/graph-contract-add-paths.js";
import type { ContractDoc } from "../../../scripts/graph-contract-csdl.js";
import { GraphContract } from "../../../src/infra/graph-stand-in/contract-validator.js";
import { REPO_ROOT } from "../../support/contracts.js";

/**
 * Issue 13 point 3: the Graph operations the draft-per-recipient mail and the upload session need are in the
 * contract copy, generated from Microsoft's CSDL by scripts/graph-contract-add-paths.ts (never by hand), and the
 * script is deterministic. The CSDL here is an unchanged excerpt of the contract's source (cleanMetadata-excerpt.xml).
 */
const CONTRACT_FILE = path.join(REPO_ROOT, "test/contracts/graph/graph-v1.0-subset.openapi.json");
const committed = () => JSON.parse(readFileSync(CONTRACT_FILE, "utf8")) as ContractDoc;
const csdl = readFileSync(path.join(REPO_ROOT, "test/unit/graph/cleanMetadata-excerpt.xml"), "utf8");
type Added = { name?: string; path?: string; method?: string; csdlSha256: string; by: string };

/** The committed contract without what add-paths added (its paths, its types, its collection responses). */
function withoutAddedPaths(): ContractDoc {
  const doc = committed();
  const pack = doc["x-contract-pack"];
  for (const o of OPERATIONS) { // only the added method: a path may have had others before (POST channel messages)
    const item = doc.paths[o.path] as Record<string, unknown>;
    delete item[o.method];
    if (!Object.keys(item).some((k) => ["get", "post", "put", "patch", "delete"].includes(k))) delete doc.paths[o.path];
  }
  for (const t of (pack.addedTypes as Added[]).filter((a) => a.by.endsWith("add-paths.ts"))) delete doc.components.schemas[`microsoft.graph.${t.name}`];
  delete doc.components.schemas["microsoft.graph.messageCollectionResponse"];
  delete doc.components.responses["microsoft.graph.messageCollectionResponse"];
  delete doc.components.schemas["microsoft.graph.chatMessageCollectionResponse"];
  delete doc.components.responses["microsoft.graph.chatMessageCollectionResponse"];
  pack.addedTypes = (pack.addedTypes as Added[]).filter((a) => !a.by.endsWith("add-paths.ts"));
  delete pack.addedPaths;
  return doc;
}
const SHA = (committed()["x-contract-pack"].addedPaths as Added[] | undefined)?.[0]?.csdlSha256 ?? "missing";

describe("graph contract: operations added from the CSDL (issue 13 point 3)", () => {
  it("has the draft, send, folder list and upload-session operations, recorded with the CSDL's sha256", () => {
    const doc = committed();
    const contract = new GraphContract(CONTRACT_FILE);
    for (const [method, p] of [["POST", "/users/a@x/messages"], ["POST", "/users/a@x/messages/AAMk1/send"], ["GET", "/users/a@x/mailFolders/drafts/messages"], ["POST", "/drives/d1/items/i1/createUploadSession"], ["GET", "/teams/t1/channels/c1/messages"], ["GET", "/teams/t1/channels/c1/messages/m1/replies"]] as const) {
      expect(contract.match(method, p)?.covered, `${method} ${p}`).toBe(true);
    }
    const added = doc["x-contract-pack"].addedPaths as Added[];
    expect(added.map((a) => `${a.method} ${a.path}`)).toEqual(OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    // The contract's own source blob (sha256 of clean_v10_metadata/cleanMetadata.xml).
    for (const a of added) expect(a.csdlSha256).toBe((doc["x-contract-pack"].generatedFrom as { sha256: string }).sha256);
    expect(doc.components.schemas["microsoft.graph.uploadSession"]).toBeTruthy();
  });

  it("regenerates exactly the committed operations and types, and a second run changes nothing", () => {
    const doc = withoutAddedPaths();
    addPaths(csdl, doc, SHA);
    expect(doc).toEqual(committed());
    const once = JSON.stringify(doc);
    addPaths(csdl, doc, SHA);
    expect(JSON.stringify(doc)).toBe(once);
  });

  it("refuses a path the CSDL does not have", () => {
    expect(() => walk(csdl, "/users/{user-id}/messages/{message-id}/sendNow")).toThrow(/no navigation property or bound action sendNow/);
  });
});

/**
 * Adds Microsoft Graph entity types the repo's contract copy lacks (test/contracts/graph/graph-v1.0-subset.openapi.json),
 * generated from Microsoft's published CSDL (msgraph-metadata clean_v10_metadata/cleanMetadata.xml, the blob the
 * contract was generated from: see its x-contract-pack), never written by hand (issue 13 point 3). Same mapping as the
 * subset: a derived type is allOf [base $ref, its own properties], `@odata.type` required with its default
 * (scripts/graph-contract-csdl.ts).
 *
 *   npx tsx scripts/graph-contract-add-types.ts --csdl cleanMetadata.xml fileAttachment
 *
 * The types added are listed in x-contract-pack.addedTypes (with the CSDL's sha256), so a reader can tell them apart.
 */
import { addTypes, CONTRACT, editContract } from "./graph-contract-csdl.js";

export { typeSchema as entitySchema } from "./graph-contract-csdl.js";

function main(argv: string[]): void {
  const at = argv.indexOf("--csdl");
  const file = at >= 0 ? argv[at + 1] : undefined;
  const names = argv.filter((a, i) => a !== "--csdl" && i !== at + 1);
  if (!file || !names.length) throw new Error("usage: graph-contract-add-types --csdl cleanMetadata.xml TypeName…");
  const sha256 = editContract(file, (csdl, doc, sha) => addTypes(csdl, doc, sha, names, "scripts/graph-contract-add-types.ts", true));
  console.log(`added ${names.join(", ")} to ${CONTRACT} (CSDL sha256 ${sha256})`);
}

main(process.argv.slice(2));

import { describe, expect, it } from "vitest";
import { canonicalJson, chainHashes, entryHash, GENESIS, merkleRoot, verifyChain, type StoredEntry } from "../../../src/domain/audit/chain.js";

/** Issue 13 point 4: fixed vectors, computed independently (sha256sum / Python hashlib). */
const entry = {
  stratId: "00000000-0000-4000-8000-000000000001", version: 1, at: new Date("2026-11-23T10:00:00Z"),
  actor: "aad-chair", action: "strat.opened", detail: { b: ["x"], a: 1 },
};

describe("audit chain (issue 13 point 4)", () => {
  it("canonical JSON: sorted keys, no whitespace, Dates as ISO strings, undefined members left out", () => {
    expect(canonicalJson({ b: 1, a: [1, "x", undefined], d: new Date(0), u: undefined, n: null, o: { z: true, y: "é\n" } }))
      .toBe('{"a":[1,"x",null],"b":1,"d":"1970-01-01T00:00:00.000Z","n":null,"o":{"y":"é\\n","z":true}}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
  });

  it("entry hash = SHA-256(previous hash ‖ canonical JSON) with a fixed vector", () => {
    expect(entryHash(GENESIS, entry)).toBe("a4e1a8c3d427f13b5969d448ab667ffc407b5528d63eac48ef45020d696ffbef");
    expect(entryHash(GENESIS, { ...entry, detail: { a: 2, b: ["x"] } })).not.toBe(entryHash(GENESIS, entry));
    expect(() => entryHash("nope", entry)).toThrow(/64 hex/);
  });

  it("Merkle root with fixed vectors, independent of leaf order; empty → SHA-256 of nothing", () => {
    expect(merkleRoot([])).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(merkleRoot([{ stratId: "s1", entryId: "1", hash: "aa" }])).toBe("fc6d6ca738b2ed5e5c907eca0cd2a6976d01c30c4f922599b83500d6776491be");
    const three = [{ stratId: "s3", entryId: "9", hash: "cc" }, { stratId: "s1", entryId: "1", hash: "aa" }, { stratId: "s2", entryId: "7", hash: "bb" }];
    expect(merkleRoot(three)).toBe("8b65e139d566f7cff39d78c42ed5f7f46aaeac5d89b2af55263d9030bd8fc1bf");
    expect(merkleRoot(three.slice(1))).toBe("1cac2f0642ef1215f7a96cad484af2855151e6069d199d2b0dab4326a508be0a");
    expect(merkleRoot([...three.slice(0, 2), { stratId: "s2", entryId: "7", hash: "bd" }])).not.toBe(merkleRoot(three));
  });

  it("verifyChain names the first changed, missing or unhashed entry", () => {
    const entries = [1, 2, 3].map((v) => ({ ...entry, version: v, action: `a${v}` }));
    const hashes = chainHashes(GENESIS, entries);
    const stored: StoredEntry[] = entries.map((e, i) => ({ ...e, id: String(i + 1), prevHash: i ? hashes[i - 1]! : GENESIS, hash: hashes[i]! }));
    expect(verifyChain(stored, 3)).toBeNull();
    expect(verifyChain([stored[0]!, { ...stored[1]!, actor: "someone" }, stored[2]!], 3)).toMatchObject({ entry: { id: "2" }, problem: expect.stringMatching(/changed/) });
    expect(verifyChain([stored[0]!, stored[2]!], 3)).toMatchObject({ entry: { id: "3" }, problem: expect.stringMatching(/does not follow/) });
    expect(verifyChain(stored.slice(0, 2), 3)).toMatchObject({ entry: { id: "2" }, problem: expect.stringMatching(/missing at the end/) });
    expect(verifyChain([{ ...stored[0]!, hash: null }], 1)).toMatchObject({ entry: { id: "1" }, problem: expect.stringMatching(/no hash/) });
  });
});

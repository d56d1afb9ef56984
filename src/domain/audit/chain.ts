import { createHash } from "node:crypto";

/**
 * The tamper-evident audit trail (issue 13 point 4), pure: every audit entry of a strat carries
 * hash = SHA-256(previous hash ‖ canonical JSON of the entry); the first entry's previous hash is
 * GENESIS. A checkpoint signs the Merkle root over every strat's latest hash.
 */

/** The previous hash of a strat's first entry: 32 zero bytes, hex. */
export const GENESIS = "0".repeat(64);

/** A JSON value as canonicalJson accepts it: Dates become ISO strings, undefined members are left out. */
type Canonicalisable = unknown;

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort), no whitespace, Dates as
 * ISO strings, undefined members and array holes as JSON.stringify treats them. Equal values give equal text.
 */
export function canonicalJson(value: Canonicalisable): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("canonicalJson: numbers must be finite");
    if (typeof value === "bigint") throw new TypeError("canonicalJson: bigint is not JSON");
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === "function" ? "null" : canonicalJson(v))).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== "function").sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** What of an audit entry the hash covers: everything stored about it except its row id and its hashes. */
export interface ChainedEntry {
  stratId: string | null;
  version: number | null;
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

const isHash = (h: string) => /^[0-9a-f]{64}$/.test(h);

/** hash = SHA-256(previous hash (32 bytes) ‖ canonical JSON of the entry (UTF-8)), hex. */
export function entryHash(prevHash: string, entry: ChainedEntry): string {
  if (!isHash(prevHash)) throw new TypeError("entryHash: the previous hash must be 64 hex digits");
  const { stratId, version, at, actor, action, detail } = entry;
  return createHash("sha256")
    .update(Buffer.from(prevHash, "hex"))
    .update(canonicalJson({ stratId, version, at, actor, action, detail }), "utf8")
    .digest("hex");
}

/** The hashes of entries appended after `prevHash`, in order. */
export function chainHashes(prevHash: string, entries: readonly ChainedEntry[]): string[] {
  const out: string[] = [];
  for (const e of entries) out.push((prevHash = entryHash(prevHash, e)));
  return out;
}

/** A stored entry as verify reads it. */
export interface StoredEntry extends ChainedEntry { id: string; prevHash: string | null; hash: string | null }

/** The first thing wrong in one strat's chain, or null if it holds. */
export interface ChainBreak { entry: StoredEntry | null; problem: string }

/**
 * Checks one strat's entries (in id order): each names the previous entry's hash (GENESIS for the first), its
 * hash is what its content gives, and versions count up by one from 1 (a deleted entry leaves a gap).
 * `expectedVersion`: the strat's current version, which its last entry must carry (a deleted tail).
 */
export function verifyChain(entries: readonly StoredEntry[], expectedVersion: number | null): ChainBreak | null {
  let prev = GENESIS;
  let version = 0;
  for (const e of entries) {
    if (e.hash === null || e.prevHash === null) return { entry: e, problem: "has no hash (written outside the app)" };
    if (e.prevHash !== prev) return { entry: e, problem: "does not follow the entry before it (an entry was deleted or changed before it)" };
    if (entryHash(e.prevHash, e) !== e.hash) return { entry: e, problem: "was changed after it was written (its content does not match its hash)" };
    if (e.version !== null) {
      if (e.version !== version + 1) return { entry: e, problem: `has version ${e.version} where ${version + 1} was expected (an entry is missing)` };
      version = e.version;
    }
    prev = e.hash;
  }
  if (expectedVersion !== null && version !== expectedVersion) {
    return { entry: entries.at(-1) ?? null, problem: `is the last entry, at version ${version}, but the strat is at version ${expectedVersion} (entries are missing at the end)` };
  }
  return null;
}

/** One leaf of a checkpoint: a strat's latest entry. */
export interface CheckpointLeaf { stratId: string; entryId: string; hash: string }

const sha = (...parts: Buffer[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/**
 * The Merkle root over leaves (sorted by strat id, so the order they are read in does not matter): leaf =
 * SHA-256(0x00 ‖ canonical JSON of the leaf), node = SHA-256(0x01 ‖ left ‖ right), an odd node out goes up as it
 * is; no leaves → SHA-256 of nothing. Hex.
 */
export function merkleRoot(leaves: readonly CheckpointLeaf[]): string {
  let level: Buffer[] = [...leaves]
    .sort((a, b) => (a.stratId < b.stratId ? -1 : a.stratId > b.stratId ? 1 : 0))
    .map((l) => sha(Buffer.from([0]), Buffer.from(canonicalJson({ stratId: l.stratId, entryId: l.entryId, hash: l.hash }), "utf8")));
  if (!level.length) return sha().toString("hex");
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha(Buffer.from([1]), level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!.toString("hex");
}

/** What a checkpoint signs: its time, how many chains and entries it covers, and the root. */
export const checkpointMessage = (c: { at: Date; chains: number; entries: number; root: string }): string =>
  canonicalJson({ at: c.at, chains: c.chains, entries: c.entries, root: c.root });

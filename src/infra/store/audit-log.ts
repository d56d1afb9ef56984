import type { KeyObject } from "node:crypto";
import { checkpointMessage, GENESIS, entryHash, merkleRoot, verifyChain, type CheckpointLeaf, type StoredEntry } from "../../domain/audit/chain.js";
import { newSigningKeyText, parseSigningKey, publicKeyText, signatureHolds, signText } from "../../domain/audit/keys.js";
import { installSecret } from "../auth/install-secret.js";
import type { Database, Sql } from "../../ports/store.js";

/**
 * The tamper-evident audit trail in the store (issue 13 point 4): the signing key, sealing rows written before
 * migration 006, signed checkpoints and verification. The chain itself is written by strat-repository.ts.
 */

/** The migration that adds the chain; migrate.ts seals older rows right after it. */
export const AUDIT_CHAIN_MIGRATION = 6;

/** AUDIT_SIGNING_KEY when set (tenant mode, required there by config.ts); otherwise one made once and kept in the store. */
export async function auditSigningKey(db: Database, configured: string | undefined): Promise<KeyObject> {
  return parseSigningKey(configured ?? (await installSecret(db, "audit_signing_key", newSigningKeyText)));
}

interface EntryRow {
  id: string; strat_id: string | null; version: number | null; at: Date; actor: string; action: string;
  detail: Record<string, unknown>; prev_hash: string | null; hash: string | null;
}
const ENTRY_COLS = "id::text AS id, strat_id::text AS strat_id, version, at, actor, action, detail, prev_hash, hash";
const toEntry = (r: EntryRow): StoredEntry => ({
  id: r.id, stratId: r.strat_id, version: r.version, at: new Date(r.at), actor: r.actor, action: r.action, detail: r.detail,
  prevHash: r.prev_hash, hash: r.hash,
});

/** Gives every row written before the chain existed its hashes, per strat in id order; returns how many. */
export async function sealAuditLog(tx: Sql): Promise<number> {
  const strats = await tx.query<{ strat_id: string | null }>("SELECT DISTINCT strat_id::text AS strat_id FROM audit_log WHERE hash IS NULL");
  let sealed = 0;
  for (const { strat_id } of strats) {
    const rows = await tx.query<EntryRow>(
      `SELECT ${ENTRY_COLS} FROM audit_log WHERE strat_id IS NOT DISTINCT FROM $1::uuid ORDER BY audit_log.id`, [strat_id]);
    let prev = GENESIS;
    for (const e of rows.map(toEntry)) {
      if (e.hash === null) {
        const hash = entryHash(prev, e);
        await tx.query("UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE id = $1", [e.id, prev, hash]);
        sealed++;
        prev = hash;
      } else prev = e.hash;
    }
  }
  return sealed;
}

export interface Checkpoint { id: string; at: Date; root: string; signature: string; publicKey: string; chains: number; entries: number }

/** Signs and stores a checkpoint over every strat's latest audit hash (a Merkle root); in the caller's transaction, if any. */
export async function writeCheckpoint(tx: Sql, key: KeyObject, at: Date): Promise<Checkpoint> {
  const heads = await tx.query<{ strat_id: string; id: string; hash: string | null; n: string | number }>(
    `SELECT DISTINCT ON (audit_log.strat_id) strat_id::text AS strat_id, id::text AS id, hash, count(*) OVER (PARTITION BY strat_id) AS n
     FROM audit_log WHERE strat_id IS NOT NULL ORDER BY audit_log.strat_id, audit_log.id DESC`);
  const leaves: CheckpointLeaf[] = heads.map((h) => ({ stratId: h.strat_id, entryId: h.id, hash: h.hash ?? "" }));
  const entries = heads.reduce((sum, h) => sum + Number(h.n), 0);
  const root = merkleRoot(leaves);
  const signature = signText(key, checkpointMessage({ at, chains: leaves.length, entries, root }));
  const publicKey = publicKeyText(key);
  const [row] = await tx.query<{ id: string }>(
    "INSERT INTO audit_checkpoints (at, root, signature, public_key, chains, entries, leaves) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id",
    [at, root, signature, publicKey, leaves.length, entries, JSON.stringify(leaves)]);
  return { id: row!.id, at, root, signature, publicKey, chains: leaves.length, entries };
}

export interface AuditReport { ok: boolean; chains: number; entries: number; checkpoints: number; message: string }

interface CheckpointRow { id: string; at: Date; root: string; signature: string; public_key: string; chains: number; entries: string | number; leaves: CheckpointLeaf[] }

/**
 * Checks every strat's chain (or only `ref`'s) and every signed checkpoint (against `key`'s public half), and
 * names the first bad entry or checkpoint. Reads one strat's entries at a time.
 */
export async function verifyAudit(db: Database, opts: { key: KeyObject; ref?: string }): Promise<AuditReport> {
  const strats = await db.query<{ id: string; ref: string; version: number }>(
    `SELECT id::text AS id, ref, version FROM strats ${opts.ref ? "WHERE upper(ref) = upper($1)" : ""} ORDER BY ref`, opts.ref ? [opts.ref] : []);
  const fail = (message: string, chains: number, entries: number): AuditReport => ({ ok: false, chains, entries, checkpoints: 0, message });
  if (opts.ref && !strats.length) return fail(`No strategy discussion ${opts.ref}.`, 0, 0);
  let entries = 0;
  for (const [i, s] of strats.entries()) {
    const rows = (await db.query<EntryRow>(`SELECT ${ENTRY_COLS} FROM audit_log WHERE strat_id = $1 ORDER BY audit_log.id`, [s.id])).map(toEntry);
    const broken = verifyChain(rows, s.version);
    if (broken) {
      const what = broken.entry ? `entry ${broken.entry.id} (${broken.entry.action} at ${broken.entry.at.toISOString()}) ${broken.problem}` : `has no audit entries, but is at version ${s.version}`;
      return fail(`${s.ref}: ${what}`, i, entries);
    }
    entries += rows.length;
  }
  // Issue 14: each missing episode's own chain (missing_episode_audit, hashed as the strats' entries), counted with the strats'.
  const episodes = opts.ref ? [] : await db.query<{ id: string; case_ref: string; child_ref: string; version: number }>(
    "SELECT id::text AS id, case_ref, child_ref, version FROM missing_episodes ORDER BY created_at, id");
  for (const [i, e] of episodes.entries()) {
    const rows = (await db.query<EntryRow>(
      `SELECT id::text AS id, episode_id::text AS strat_id, version, at, actor, action, detail, prev_hash, hash
       FROM missing_episode_audit WHERE episode_id = $1::uuid ORDER BY id`, [e.id])).map(toEntry);
    const broken = verifyChain(rows, e.version);
    if (broken) {
      const what = broken.entry ? `entry ${broken.entry.id} (${broken.entry.action} at ${broken.entry.at.toISOString()}) ${broken.problem}` : `has no audit entries, but is at version ${e.version}`;
      return fail(`missing episode of case ${e.case_ref}, child ${e.child_ref}: ${what}`, strats.length + i, entries);
    }
    entries += rows.length;
  }
  const chains = strats.length + episodes.length;
  const publicKey = publicKeyText(opts.key);
  const checkpoints = await db.query<CheckpointRow>(
    "SELECT id::text AS id, at, root, signature, public_key, chains, entries, leaves FROM audit_checkpoints ORDER BY audit_checkpoints.id");
  for (const c of checkpoints) {
    const name = `checkpoint ${c.id} (${new Date(c.at).toISOString()})`;
    const problem =
      c.public_key !== publicKey ? "was signed with another key than this app's"
      : !signatureHolds(c.public_key, checkpointMessage({ at: new Date(c.at), chains: c.chains, entries: Number(c.entries), root: c.root }), c.signature)
        ? "has a signature that does not hold (the checkpoint was changed after it was signed)"
      : merkleRoot(c.leaves) !== c.root || c.leaves.length !== c.chains ? "has leaves that do not give its signed root (its leaves were changed)"
      : await changedLeaf(db, c.id, opts.ref ? strats[0]!.id : undefined);
    if (problem) return fail(`${name} ${problem}`, chains, entries);
  }
  return { ok: true, chains, entries, checkpoints: checkpoints.length, message: `${chains} chains, ${entries} entries, ${checkpoints.length} checkpoints verified` };
}

/** The first leaf of a checkpoint whose entry is gone or no longer has the hash it had, in words; null if none. */
async function changedLeaf(db: Database, checkpointId: string, stratId: string | undefined): Promise<string | null> {
  const [bad] = await db.query<{ entry_id: string; ref: string | null }>(
    `SELECT l->>'entryId' AS entry_id, s.ref FROM audit_checkpoints c CROSS JOIN jsonb_array_elements(c.leaves) AS l
       LEFT JOIN audit_log a ON a.id = (l->>'entryId')::bigint
       LEFT JOIN strats s ON s.id::text = l->>'stratId'
     WHERE c.id = $1::bigint AND ($2::text IS NULL OR l->>'stratId' = $2::text)
       AND (a.id IS NULL OR a.hash IS DISTINCT FROM l->>'hash' OR a.strat_id::text IS DISTINCT FROM l->>'stratId')
     LIMIT 1`, [checkpointId, stratId ?? null]);
  return bad ? `covers entry ${bad.entry_id} of ${bad.ref ?? "a strat that is gone"}, which is missing or changed since` : null;
}

-- 006: tamper-evident audit (issue 13 point 4). Each audit entry carries prev_hash and hash (hex SHA-256):
-- hash = SHA-256(prev_hash ‖ canonical JSON of the entry), per strat (src/domain/audit/chain.ts). Rows written
-- before this migration are hashed once, in id order, by migrate.ts right after it (sealAuditLog), in the same
-- transaction: canonical JSON is computed in TypeScript, not SQL. Signed checkpoints (Merkle root over every
-- strat's latest hash, Ed25519) go to audit_checkpoints. Both tables are append-only: a trigger refuses UPDATE,
-- DELETE and TRUNCATE (the one exception: giving a row written before this migration its hashes, once).
ALTER TABLE audit_log ADD COLUMN prev_hash text CHECK (prev_hash ~ '^[0-9a-f]{64}$');
ALTER TABLE audit_log ADD COLUMN hash text CHECK (hash ~ '^[0-9a-f]{64}$');
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE hash IS NULL;

CREATE TABLE audit_checkpoints (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  root        text NOT NULL,          -- Merkle root (hex) over the leaves
  signature   text NOT NULL,          -- Ed25519 over the canonical JSON of {at, chains, entries, root}, base64
  public_key  text NOT NULL,          -- the signer's public key, SPKI DER base64
  chains      integer NOT NULL,       -- how many strats' chains
  entries     bigint NOT NULL,        -- how many audit entries in all
  leaves      jsonb NOT NULL          -- [{stratId, entryId, hash}]: each chain's latest entry when signed
);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log' THEN
    IF OLD.hash IS NULL AND NEW.hash IS NOT NULL
       AND (NEW.id, NEW.strat_id, NEW.at, NEW.actor, NEW.action, NEW.version, NEW.detail)
           IS NOT DISTINCT FROM (OLD.id, OLD.strat_id, OLD.at, OLD.actor, OLD.action, OLD.version, OLD.detail) THEN
      RETURN NEW; -- sealing a row written before migration 006, once
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % is refused (audit entries and checkpoints are never changed or removed)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

import { randomBytes } from "node:crypto";
import type { Database } from "../../ports/store.js";

/**
 * A secret made once per install and kept in the store (`app_settings`), so it survives restarts and every
 * instance sharing the database uses the same one: 32 random bytes, base64url (43 characters). The first
 * instance to write it wins; the others read the same value. `make`: another kind of secret (e.g. a signing key).
 */
export async function installSecret(db: Database, key: string, make: () => string = () => randomBytes(32).toString("base64url")): Promise<string> {
  const fresh = make();
  await db.query("INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [key, fresh]);
  const rows = await db.query<{ value: string }>("SELECT value FROM app_settings WHERE key = $1", [key]);
  return rows[0]!.value;
}

import { createHmac, timingSafeEqual } from "node:crypto";
import type { Database } from "../../ports/store.js";
import { installSecret } from "./install-secret.js";

/**
 * Signed response links (PLATFORM-FACTS "design consequences" 3): one link per invitee and strat, for
 * agency mailboxes outside the tenant that cannot receive Teams cards. The token carries ids and an
 * expiry only (no personal data) and an HMAC-SHA256 signature; anything altered fails verification.
 */
export interface ResponseLinks {
  token(stratId: string, inviteeId: string, expiresAt: Date): string;
  verify(token: string, now: Date): { stratId: string; inviteeId: string } | null;
}

const b64 = (b: Buffer) => b.toString("base64url");

export function createResponseLinks(secret: string): ResponseLinks {
  if (secret.length < 32) throw new Error("response link secret must be at least 32 characters");
  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest();
  return {
    token(stratId, inviteeId, expiresAt) {
      const payload = b64(Buffer.from(`${stratId}.${inviteeId}.${Math.floor(expiresAt.getTime() / 1000)}`));
      return `${payload}.${b64(sign(payload))}`;
    },
    verify(token, now) {
      const m = /^([A-Za-z0-9_-]{10,200})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return null;
      const [, payload, sig] = m as unknown as [string, string, string];
      const expected = sign(payload);
      const given = Buffer.from(sig, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const [stratId, inviteeId, exp] = Buffer.from(payload, "base64url").toString("utf8").split(".");
      if (!stratId || !inviteeId || !exp || Number(exp) * 1000 < now.getTime()) return null;
      return { stratId, inviteeId };
    },
  };
}

/** The configured secret, or in local mode a random one kept in the store (so links survive restarts). */
export async function responseLinkSecret(db: Database, configured: string | undefined): Promise<string> {
  return configured ?? installSecret(db, "response_link_secret");
}

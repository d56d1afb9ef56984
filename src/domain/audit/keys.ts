import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/**
 * The app's Ed25519 audit signing key (issue 13 point 4): AUDIT_SIGNING_KEY in tenant mode (PEM, or base64 of the
 * PKCS#8 DER), made once and kept in the store in local mode. Only its public half is ever stored with a checkpoint.
 */
export function parseSigningKey(text: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  try {
    key = t.startsWith("-----BEGIN") ? createPrivateKey(t) : createPrivateKey({ key: Buffer.from(t, "base64"), format: "der", type: "pkcs8" });
  } catch {
    throw new Error("must be an Ed25519 private key (PEM, or base64 of PKCS#8 DER)");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error("must be an Ed25519 private key (PEM, or base64 of PKCS#8 DER)");
  return key;
}

/** A fresh Ed25519 private key, as base64 of its PKCS#8 DER (what parseSigningKey reads). */
export const newSigningKeyText = (): string =>
  generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");

/** The public half, as base64 of its SPKI DER (stored with each checkpoint). */
export const publicKeyText = (privateKey: KeyObject): string =>
  createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64");

/** Ed25519 signature of `message` (UTF-8), base64. */
export const signText = (privateKey: KeyObject, message: string): string => sign(null, Buffer.from(message, "utf8"), privateKey).toString("base64");

/** Whether `signature` (base64) is `publicKey`'s (SPKI DER base64) over `message`; false for anything malformed. */
export function signatureHolds(publicKey: string, message: string, signature: string): boolean {
  try {
    const pub = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
    return verify(null, Buffer.from(message, "utf8"), pub, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

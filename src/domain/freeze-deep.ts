/** Freezes a plain value and everything inside it, so a shared copy cannot be changed by anyone holding it. */
export function freezeDeep<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) freezeDeep((v as Record<string, unknown>)[k]);
  }
  return v;
}

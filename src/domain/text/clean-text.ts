/**
 * The one cleaner of incoming free text (issue 11 point 9). PostgreSQL (and PGlite) refuse NUL in text and
 * jsonb, and an unpaired UTF-16 surrogate is not text at all: every string that arrives over HTTP passes
 * through here before anything reads it. C0 control characters go, except tab, line feed and carriage
 * return (line breaks a person typed); an unpaired surrogate becomes U+FFFD, the replacement character.
 */
const C0_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(s: string): string {
  return s.replace(C0_EXCEPT_WHITESPACE, "").replace(LONE_SURROGATE, "\uFFFD");
}

/** Thrown by `cleanStrings` for a value nested deeper than its limit (a body no client of ours sends). */
export class TooDeeplyNested extends Error {
  constructor() {
    super("nested too deeply");
    this.name = "TooDeeplyNested";
  }
}

/**
 * A copy of a parsed body (JSON or form) with every string, keys included, passed through `cleanText`;
 * untouched parts are shared. Deeper than `maxDepth` throws TooDeeplyNested rather than exhausting the stack.
 */
export function cleanStrings(v: unknown, maxDepth = 64, depth = 0): unknown {
  if (typeof v === "string") return cleanText(v);
  if (v === null || typeof v !== "object") return v;
  if (depth >= maxDepth) throw new TooDeeplyNested();
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const y = cleanStrings(v[i], maxDepth, depth + 1);
      if (y !== v[i]) (out ??= [...v])[i] = y;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | null = null;
  for (const [k, x] of Object.entries(v)) {
    const key = cleanText(k);
    const y = cleanStrings(x, maxDepth, depth + 1);
    if (key === k && y === x) continue;
    out ??= { ...(v as Record<string, unknown>) };
    if (key !== k) delete out[k];
    // defineProperty, not assignment: a key named "__proto__" stays a plain key.
    Object.defineProperty(out, key, { value: y, enumerable: true, writable: true, configurable: true });
  }
  return out ?? v;
}

import pino, { type Logger, type DestinationStream } from "pino";

/**
 * Structured JSON logs (issue 3 point 6). Child data never reaches a log line: every key that can
 * hold a name, email, date of birth or free text of a case is censored, wherever it is nested; so are
 * error messages, in an Error, a `message` or the first lines of a `stack` (issue 11 point 14).
 * Log case references and ids only.
 */
export const REDACTED_KEYS = [
  "name", "givenName", "surname", "displayName", "email", "address", "mail", "userPrincipalName", "upn",
  "dob", "dateOfBirth", "text", "body", "concerns", "reason", "summary", "notes", "comment", "description",
  "referral", "children", "knownProfessionals", "referrer", "value", "password", "secret", "token",
  "authorization", "MicrosoftAppPassword", "cookie",
  // Issue 11 point 14: a library's error message can echo what a caller sent (a search text, a card's value).
  "message",
] as const;

const SECRET = new Set<string>(REDACTED_KEYS);
const CENSOR = "[redacted]";
/** Deeper than this, a logged object is cut off rather than searched (nothing we log nests this far). */
const MAX_DEPTH = 8;

/** A stack trace's frames only: its first lines are the error's message, which can carry a caller's input. */
const framesOnly = (stack: string) => stack.split("\n").filter((l) => /^\s+at /.test(l)).join("\n");

/**
 * A copy of `v` with the value of every sensitive key censored, at any depth; untouched parts are
 * shared, and the caller's object is never changed. (pino's path-based redaction needed a path per key
 * and depth, and walked all of them on every line and child logger: a tenth of a card action's CPU.)
 */
export function scrub(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== "object") return v;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const y = scrub(v[i], depth + 1);
      if (y !== v[i]) (out ??= [...v])[i] = y;
    }
    return out ?? v;
  }
  if (v instanceof Date) return v;
  // An Error logged as is: its type and frames; its message is redacted like a field.
  if (v instanceof Error) return { type: v.name, message: CENSOR, ...(v.stack ? { stack: framesOnly(v.stack) } : {}) };
  let out: Record<string, unknown> | null = null;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const y = SECRET.has(k) ? CENSOR : k === "stack" && typeof x === "string" ? framesOnly(x) : scrub(x, depth + 1);
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "strat-teams" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // `scrub` (below) has already made an Error a plain { type, message, stack }; pino's own serializer would
      // rename its type to "Object".
      serializers: { err: (e: unknown) => e },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (b) => scrub(b) as Record<string, unknown>,
        log: (o) => scrub(o) as Record<string, unknown>,
      },
    },
    destination,
  );
}

export type { Logger };

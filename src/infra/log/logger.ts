import pino, { type Logger, type DestinationStream } from "pino";

/**
 * Structured JSON logs (issue 3 point 6). Child data never reaches a log line: every key that can
 * hold a name, email, date of birth or free text of a case is censored, wherever it is nested.
 * Log case references and ids only.
 */
export const REDACTED_KEYS = [
  "name", "givenName", "surname", "displayName", "email", "address", "mail", "userPrincipalName", "upn",
  "dob", "dateOfBirth", "text", "body", "concerns", "reason", "summary", "notes", "comment", "description",
  "referral", "children", "knownProfessionals", "referrer", "value", "password", "secret", "token",
  "authorization", "MicrosoftAppPassword", "cookie",
] as const;

const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "strat-teams" },
      redact: { paths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

export type { Logger };

import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenvText } from "dotenv";
import { z } from "zod";
import { parseSigningKey } from "./domain/audit/keys.js";
import {
  LOCAL_ROLE_MAILBOXES, ROLE_SETTINGS, type EscalationRecipients, type EscalationRole,
} from "./domain/missing/escalations.js";
import { DEFAULT_REFERENCE_PATTERN, referenceFormat, type ReferenceFormat } from "./domain/strat/reference.js";

/**
 * Every setting the app reads, parsed once at start-up (issue 3 point 4).
 * A wrong value stops start-up with one line naming the variable; secrets are never echoed.
 */
const port = (def: number) => z.coerce.number().int().min(0).max(65535).default(def);
const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/**
 * CHILD_REFERENCE_PATTERN (issue 11 point 12): the shape of child and case references, a regular expression
 * the whole reference must match (src/domain/strat/reference.ts). Also read by the protocol CLI.
 */
export const ZReferencePattern = optionalText.transform((v, ctx): ReferenceFormat => {
  try {
    return referenceFormat(v ?? DEFAULT_REFERENCE_PATTERN);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});

export const ZConfig = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: port(3978),
    PUBLIC_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default("./data"),
    // With DATA_DIR=memory:// only: start the throw-away store from this PGlite data-folder tarball (dumpDataDir) instead of
    // running initdb, the seconds-long part of creating one. The tests set it (test/support/pglite-snapshot.ts).
    PGLITE_SNAPSHOT: optionalText,
    DATABASE_URL: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
      .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), "must start with postgres:// or postgresql://"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    MicrosoftAppType: z.enum(["SingleTenant", "MultiTenant", "UserAssignedMSI"]).default("SingleTenant"),
    PLAYGROUND: bool(true),
    PLAYGROUND_PORT: port(56150),
    DEFAULT_PROFILE: z.string().min(1).default("bromley-2023"),
    PROFILES_DIR: optionalText,
    HOLIDAY_OVERRIDES_FILE: optionalText,
    // --- Microsoft Graph scheduling (issue 6; docs/graph.md) ---
    GRAPH_MODE: z.enum(["standin", "graph"]).default("standin"),
    GRAPH_BASE_URL: z.url().optional(),
    GRAPH_STANDIN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    GRAPH_TENANT_ID: optionalText,
    GRAPH_CLIENT_ID: optionalText,
    GRAPH_CLIENT_SECRET: optionalText,
    GRAPH_CLIENT_STATE: optionalText
      .refine((v) => v === undefined || (v.length >= 16 && v.length <= 128), "must be 16 to 128 characters")
      // Issue 11 point 16: the stand-in's old built-in value is public; leave it unset for a random per-install secret.
      .refine((v) => v !== "local-stand-in-client-state", "must be a secret of your own (this value is public); leave it unset to have one made"),
    GRAPH_NOTIFICATIONS: bool(true),
    GRAPH_NOTIFICATION_BASE_URL: z.url().optional(),
    GRAPH_SUBSCRIPTION_MINUTES: z.coerce.number().int().min(45).max(4230).default(4230),
    GRAPH_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(30_000),
    GRAPH_POLL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(300),
    GRAPH_CONTRACT_FILE: optionalText,
    GRAPH_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).optional(),
    /** The conversation id of a Teams channel for the records of strats opened in a chat (the bot must have been used there). */
    RECORD_CHANNEL: optionalText,
    ORGANIZER_MAILBOX: optionalText.refine((v) => v === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "must be an email address"),
    // --- end Microsoft Graph ---
    SENIOR_MANAGER: optionalText,
    // Issue 14 point 4 (T-MDCS, T-MHOS): who each missing-child escalation goes to (a mailbox or a Teams user id).
    MISSING_DIRECTOR: optionalText,
    MISSING_DCS: optionalText,
    MISSING_HEAD_OF_SERVICE: optionalText,
    DEPUTY_CHAIR_IDS: optionalText.transform((v) => (v ? v.split(",").map((x) => x.trim()).filter(Boolean) : [])),
    /** M-RAG (issue 14 point 2): the team managers who may sign off a missing-child risk assessment (AAD object ids; user ids or names in local mode). */
    MANAGER_IDS: optionalText.transform((v) => (v ? v.split(",").map((x) => x.trim()).filter(Boolean) : [])),
    JOBS_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
    RESPONSE_LINK_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
    CHILD_REFERENCE_PATTERN: ZReferencePattern,
    // --- The managers' tab: Teams SSO (issue 15 point 2; README "The managers' tab: sign-in") ---
    /** The Entra tenant whose users sign in to the tab (its GUID): the token's `tid` and issuer. */
    TAB_TENANT_ID: optionalText.refine((v) => v === undefined || GUID.test(v), "must be the tenant's id (a GUID)"),
    /** The tab's Entra app registration (client id GUID): a v2 token's audience. */
    TAB_CLIENT_ID: optionalText.refine((v) => v === undefined || GUID.test(v), "must be the app registration's client id (a GUID)"),
    /** The app id URI, api://<host>/<client id>: a v1 token's audience. */
    TAB_APP_ID_URI: optionalText.refine((v) => v === undefined || /^api:\/\/\S+$/.test(v), "must be the app id URI, e.g. api://tab.example.org/<client id>"),
    /** Where the tenant's signing keys are; defaults to Entra's JWKS for TAB_TENANT_ID. Tests point it at a local key set. */
    TAB_JWKS_URL: z.url().optional(),
    /** Each manager's team, as the chairs in it: "managerOid=chairOid1,chairOid2;managerOid2=chairOid3". */
    TAB_MANAGER_CHAIRS: optionalText.transform((v, ctx) => {
      const teams = new Map<string, string[]>();
      for (const part of (v ?? "").split(";").map((x) => x.trim()).filter(Boolean)) {
        const [manager, chairs] = part.split("=").map((x) => x.trim());
        if (!manager || chairs === undefined) {
          ctx.addIssue({ code: "custom", message: "must be managerOid=chairOid,chairOid;… (one entry per manager)" });
          return z.NEVER;
        }
        teams.set(manager, chairs.split(",").map((x) => x.trim()).filter(Boolean));
      }
      return teams;
    }),
    // Issue 13 point 4: signs the audit checkpoints (Ed25519, PEM or base64 PKCS#8); made and kept in the store in local mode.
    AUDIT_SIGNING_KEY: optionalText.superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parseSigningKey(v);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
      }
    }),
  })
  .superRefine((c, ctx) => {
    const allCreds = c.MicrosoftAppId !== undefined && c.MicrosoftAppPassword !== undefined && c.MicrosoftAppTenantId !== undefined;
    if (allCreds && c.RESPONSE_LINK_SECRET === undefined) {
      ctx.addIssue({ code: "custom", path: ["RESPONSE_LINK_SECRET"], message: "is required with bot credentials (it signs the invitees' response links)" });
    }
    if (allCreds && c.AUDIT_SIGNING_KEY === undefined) {
      ctx.addIssue({ code: "custom", path: ["AUDIT_SIGNING_KEY"], message: "is required with bot credentials (an Ed25519 private key that signs the audit checkpoints)" });
    }
    // Issue 15 point 2: the tab's sign-in needs all three of its settings or none (then the tab's API refuses everyone in tenant mode).
    const tab = [["TAB_TENANT_ID", c.TAB_TENANT_ID], ["TAB_CLIENT_ID", c.TAB_CLIENT_ID], ["TAB_APP_ID_URI", c.TAB_APP_ID_URI]] as const;
    if (tab.some(([, v]) => v !== undefined)) {
      for (const [name, v] of tab) {
        if (v === undefined) ctx.addIssue({ code: "custom", path: [name], message: "is required when any of TAB_TENANT_ID/TAB_CLIENT_ID/TAB_APP_ID_URI is set (the tab's Teams sign-in)" });
      }
    }
    const creds = [c.MicrosoftAppId, c.MicrosoftAppPassword, c.MicrosoftAppTenantId];
    const set = creds.filter((v) => v !== undefined).length;
    if (c.MicrosoftAppType !== "UserAssignedMSI" && set > 0 && set < 3) {
      for (const [name, v] of [
        ["MicrosoftAppId", c.MicrosoftAppId],
        ["MicrosoftAppPassword", c.MicrosoftAppPassword],
        ["MicrosoftAppTenantId", c.MicrosoftAppTenantId],
      ] as const) {
        if (v === undefined) {
          ctx.addIssue({ code: "custom", path: [name], message: "is required when any of MicrosoftAppId/MicrosoftAppPassword/MicrosoftAppTenantId is set" });
        }
      }
    }
  });

export type Config = z.infer<typeof ZConfig> & { authEnabled: boolean };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses the environment (and `.env` if present, without overriding real variables). Throws ConfigError with one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenvPath = ".env"): Config {
  let merged: Record<string, string | undefined> = { ...env };
  if (dotenvPath && existsSync(dotenvPath)) {
    // process.loadEnvFile would mutate process.env; parse instead so tests stay isolated.
    const parsed = parseDotenv(dotenvPath);
    merged = { ...parsed, ...env };
  }
  const r = ZConfig.safeParse(merged);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const name = String(first.path[0] ?? "environment");
    // Never echo the value: it may be a secret.
    throw new ConfigError(`Configuration error: ${name} ${first.message.replace(/^Invalid input: /, "")}`.trim());
  }
  const c = r.data;
  return { ...c, authEnabled: c.MicrosoftAppId !== undefined };
}

/**
 * Issue 14 point 4: the recipients of the missing-child escalations (T-MDCS, T-MHOS). When a profile in use names
 * those rules, each role setting is required in tenant mode (bot credentials set): one line naming every missing
 * setting. In local mode an unset role defaults to a stand-in mailbox (director@local.invalid …).
 */
export function escalationRecipients(c: Pick<Config, "authEnabled" | "MISSING_DIRECTOR" | "MISSING_DCS" | "MISSING_HEAD_OF_SERVICE">, required: boolean): EscalationRecipients {
  const roles = Object.keys(ROLE_SETTINGS) as EscalationRole[];
  const value = (r: EscalationRole) => c[ROLE_SETTINGS[r] as "MISSING_DIRECTOR" | "MISSING_DCS" | "MISSING_HEAD_OF_SERVICE"];
  const missing = roles.filter((r) => value(r) === undefined).map((r) => ROLE_SETTINGS[r]);
  if (required && c.authEnabled && missing.length) {
    throw new ConfigError(`Configuration error: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} required with bot credentials when a profile names T-MDCS or T-MHOS (a mailbox or a Teams user id for each missing-child escalation)`);
  }
  return Object.fromEntries(roles.map((r) => [r, value(r) ?? LOCAL_ROLE_MAILBOXES[r]])) as Record<EscalationRole, string>;
}

function parseDotenv(path: string): Record<string, string> {
  // dotenv's parser has no side effects on process.env, so tests stay isolated.
  return parseDotenvText(readFileSync(path));
}

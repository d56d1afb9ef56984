import { describe, expect, it } from "vitest";
import { ConfigError, escalationRecipients, loadConfig } from "../../src/config.js";
import { newSigningKeyText } from "../../src/domain/audit/keys.js";

const load = (env: Record<string, string>) => loadConfig(env as NodeJS.ProcessEnv, "");

describe("config (zod over the environment)", () => {
  it("defaults to local mode: PGlite, loopback, playground, no bot auth", () => {
    const c = load({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c).toMatchObject({ PORT: 3978, PLAYGROUND: true, authEnabled: false, DEFAULT_PROFILE: "bromley-2023" });
  });

  it("a wrong value stops start-up with one line naming the variable", () => {
    expect(() => load({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => load({ PORT: "eighty" })).toThrow(/^Configuration error: PORT /);
    expect(() => load({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => load({ PLAYGROUND: "maybe" })).toThrow(/PLAYGROUND/);
    expect(() => load({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("the tab's Teams sign-in (issue 15 point 2): a missing setting is named; the managers' teams are read", () => {
    const tenant = "9f8e7d6c-5b4a-4321-8765-0123456789ab";
    const client = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    expect(() => load({ TAB_TENANT_ID: tenant, TAB_APP_ID_URI: `api://tab.example.org/${client}` })).toThrow(/^Configuration error: TAB_CLIENT_ID is required/);
    expect(() => load({ TAB_TENANT_ID: "contoso", TAB_CLIENT_ID: client, TAB_APP_ID_URI: "api://x" })).toThrow(/TAB_TENANT_ID must be the tenant's id/);
    expect(() => load({ TAB_MANAGER_CHAIRS: "no-equals-sign" })).toThrow(/TAB_MANAGER_CHAIRS/);
    const c = load({ TAB_TENANT_ID: tenant, TAB_CLIENT_ID: client, TAB_APP_ID_URI: `api://tab.example.org/${client}`, TAB_MANAGER_CHAIRS: "m1=c1, c2; m2=c3" });
    expect(c.TAB_MANAGER_CHAIRS.get("m1")).toEqual(["c1", "c2"]);
    expect(c.TAB_MANAGER_CHAIRS.get("m2")).toEqual(["c3"]);
  });

  it("half-configured credentials name the missing one and never echo the secret", () => {
    let message = "";
    try {
      load({ MicrosoftAppId: "11111111-1111-4111-8111-111111111111", MicrosoftAppPassword: "s3cr3t-value" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/MicrosoftAppTenantId/);
    expect(message).not.toContain("s3cr3t-value");
    expect(message.split("\n")).toHaveLength(1);
  });

  it("all three credentials switch bot authentication on", () => {
    expect(() => load({ MicrosoftAppId: "a", MicrosoftAppPassword: "b", MicrosoftAppTenantId: "c" })).toThrow(/RESPONSE_LINK_SECRET/);
    const creds = { MicrosoftAppId: "a", MicrosoftAppPassword: "b", MicrosoftAppTenantId: "c", RESPONSE_LINK_SECRET: "x".repeat(32) };
    // Issue 13 point 4: tenant mode needs the audit signing key (local mode makes one and keeps it in the store).
    expect(() => load(creds)).toThrow(/^Configuration error: AUDIT_SIGNING_KEY is required with bot credentials/);
    const c = load({ ...creds, AUDIT_SIGNING_KEY: newSigningKeyText() });
    expect(c.authEnabled).toBe(true);
  });

  it("AUDIT_SIGNING_KEY (issue 13 point 4): an Ed25519 key as base64 PKCS#8 or PEM; anything else stops start-up naming it, unechoed", () => {
    const der = newSigningKeyText();
    expect(load({ AUDIT_SIGNING_KEY: der }).AUDIT_SIGNING_KEY).toBe(der);
    const pem = `-----BEGIN PRIVATE KEY-----\n${der}\n-----END PRIVATE KEY-----\n`;
    expect(load({ AUDIT_SIGNING_KEY: pem }).AUDIT_SIGNING_KEY).toBe(pem.trim());
    expect(() => load({ AUDIT_SIGNING_KEY: "s3cr3t-not-a-key" })).toThrow(/^Configuration error: AUDIT_SIGNING_KEY must be an Ed25519 private key[^\n]*$/);
    expect(() => load({ AUDIT_SIGNING_KEY: "s3cr3t-not-a-key" })).not.toThrow(/s3cr3t/);
  });

  it("CHILD_REFERENCE_PATTERN (issue 11 point 12): the default shape, a council's own, and a wrong one stops start-up naming the setting", () => {
    expect(load({}).CHILD_REFERENCE_PATTERN.pattern.test("LCS-204411")).toBe(true);
    expect(load({}).CHILD_REFERENCE_PATTERN.pattern.test("Jane Smith")).toBe(false);
    const own = load({ CHILD_REFERENCE_PATTERN: "[0-9]{7}" }).CHILD_REFERENCE_PATTERN;
    expect([own.pattern.test("1234567"), own.pattern.test("C1")]).toEqual([true, false]);
    expect(() => load({ CHILD_REFERENCE_PATTERN: "[A-Z" })).toThrow(/^Configuration error: CHILD_REFERENCE_PATTERN is not a valid regular expression/);
    expect(() => load({ CHILD_REFERENCE_PATTERN: ".*" })).toThrow(/^Configuration error: CHILD_REFERENCE_PATTERN accepts "Jane Smith"/);
    expect(() => load({ CHILD_REFERENCE_PATTERN: ".*" })).toThrow(ConfigError);
  });

  it("issue 14 point 4 (T-MDCS, T-MHOS): in tenant mode each missing escalation role is required, named in one line; local mode defaults to stand-in mailboxes", () => {
    const tenant = { MicrosoftAppId: "11111111-1111-4111-8111-111111111111", MicrosoftAppPassword: "pw", MicrosoftAppTenantId: "t", RESPONSE_LINK_SECRET: "x".repeat(32), AUDIT_SIGNING_KEY: newSigningKeyText() };
    let message = "";
    try {
      escalationRecipients(load({ ...tenant, MISSING_DCS: "dcs@council.example.org" }), true);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Configuration error: MISSING_DIRECTOR, MISSING_HEAD_OF_SERVICE are required/);
    expect(message).not.toContain("\n");
    expect(escalationRecipients(load({ ...tenant, MISSING_DIRECTOR: "29:director", MISSING_DCS: "dcs@council.example.org", MISSING_HEAD_OF_SERVICE: "hos@council.example.org" }), true))
      .toEqual({ director: "29:director", dcs: "dcs@council.example.org", headOfService: "hos@council.example.org" });
    // no profile names the rules: nothing required
    expect(escalationRecipients(load(tenant), false).director).toBe("director@local.invalid");
    expect(escalationRecipients(load({}), true)).toEqual({ director: "director@local.invalid", dcs: "dcs@local.invalid", headOfService: "head-of-service@local.invalid" });
  });
});

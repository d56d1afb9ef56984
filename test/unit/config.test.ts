import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

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
    const c = load({ MicrosoftAppId: "a", MicrosoftAppPassword: "b", MicrosoftAppTenantId: "c", RESPONSE_LINK_SECRET: "x".repeat(32) });
    expect(c.authEnabled).toBe(true);
  });
});

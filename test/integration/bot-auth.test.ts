import { ConfigurationBotFrameworkAuthentication, type Activity } from "botbuilder";
import { describe, expect, it } from "vitest";
import { ReusingBotFrameworkAuthentication } from "../../src/infra/http/bot-auth.js";

const activity = (serviceUrl: string) => ({ type: "message", serviceUrl, channelId: "msteams", conversation: { id: "c" }, from: { id: "u" }, recipient: { id: "b" } }) as Activity;

describe("Bot Framework clients reused across turns", () => {
  it("one connector client per service URL and audience, one token client per app id; every request still authenticated", async () => {
    const auth = new ReusingBotFrameworkAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const a = await auth.authenticateRequest(activity("http://127.0.0.1:1/"), "");
    const b = await auth.authenticateRequest(activity("http://127.0.0.1:1/"), "");
    const c = await auth.authenticateRequest(activity("http://127.0.0.1:2/"), "");
    const ca = await a.connectorFactory!.create("http://127.0.0.1:1/", a.audience);
    expect(await b.connectorFactory!.create("http://127.0.0.1:1/", b.audience)).toBe(ca);
    expect(await c.connectorFactory!.create("http://127.0.0.1:2/", c.audience)).not.toBe(ca);
    expect(await auth.createConnectorFactory(a.claimsIdentity).create("http://127.0.0.1:1/", a.audience)).toBe(ca);
    expect(await auth.createUserTokenClient(a.claimsIdentity)).toBe(await auth.createUserTokenClient(b.claimsIdentity));

    // With credentials configured, a request without a valid token is refused every time (nothing cached).
    const strict = new ReusingBotFrameworkAuthentication(new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: "00000000-0000-4000-8000-000000000001", MicrosoftAppPassword: "not-a-real-secret", MicrosoftAppTenantId: "00000000-0000-4000-8000-000000000002", MicrosoftAppType: "SingleTenant",
    }));
    for (let i = 0; i < 2; i++) await expect(strict.authenticateRequest(activity("https://smba.trafficmanager.net/uk/"), "")).rejects.toThrow();
  });
});

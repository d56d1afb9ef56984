import { createSign, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigurationBotFrameworkAuthentication, type Activity } from "botbuilder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotRequestRefused, ReusingBotFrameworkAuthentication } from "../../src/infra/http/bot-auth.js";

const activity = (serviceUrl: string) => ({ type: "message", serviceUrl, channelId: "msteams", conversation: { id: "c" }, from: { id: "u" }, recipient: { id: "b" } }) as Activity;

describe("Bot Framework clients reused across turns", () => {
  it("one connector client per service URL and audience, one token client per app id; every request still authenticated", async () => {
    const auth = new ReusingBotFrameworkAuthentication(new ConfigurationBotFrameworkAuthentication({}), { tokensRequired: false });
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
    }), { tokensRequired: true });
    for (let i = 0; i < 2; i++) await expect(strict.authenticateRequest(activity("https://smba.trafficmanager.net/uk/"), "")).rejects.toThrow();
  });
});

/**
 * Issue 11 point 16, tenant mode: the bot answers only the service URL Bot Framework's token vouches for. Real
 * botbuilder validation of real RS256 tokens, against a local OpenID metadata + key endpoint that stands in for
 * login.botframework.com / login.microsoftonline.com (the only difference from production: those two URLs).
 */
describe("tenant mode: the token's serviceurl claim must be the activity's serviceUrl (issue 11 point 16)", () => {
  const APP_ID = "00000000-0000-4000-8000-000000000001";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let keys: Server;
  let auth: ReusingBotFrameworkAuthentication;
  beforeAll(async () => {
    keys = createServer((req, res) => {
      const base = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.url === "/keys" ? { keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", use: "sig" }] } : { jwks_uri: `${base}/keys` }));
    });
    await new Promise<void>((r) => keys.listen(0, "127.0.0.1", r));
    const metadata = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/openid`;
    auth = new ReusingBotFrameworkAuthentication(new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: APP_ID, MicrosoftAppPassword: "not-a-real-secret", MicrosoftAppTenantId: "00000000-0000-4000-8000-000000000002", MicrosoftAppType: "SingleTenant",
      ToBotFromChannelOpenIdMetadataUrl: metadata, ToBotFromEmulatorOpenIdMetadataUrl: metadata, ToBotFromChannelTokenIssuer: "https://api.botframework.com",
      ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000002", ToChannelFromBotOAuthScope: "https://api.botframework.com",
    }), { tokensRequired: true });
  });
  afterAll(() => new Promise<void>((r) => (keys ? keys.close(() => r()) : r())));

  const token = (claims: Record<string, unknown>) => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64({ nbf: now - 60, exp: now + 3600, ...claims })}`;
    return `Bearer ${input}.${createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url")}`;
  };
  const TEAMS = "https://smba.trafficmanager.net/uk/";
  const channel = (serviceurl?: string) => token({ iss: "https://api.botframework.com", aud: APP_ID, ...(serviceurl ? { serviceurl } : {}) });
  // An Azure AD token for the bot's app id (botbuilder's "emulator" kind): valid, but it vouches for no service URL.
  const aad = token({ iss: "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/", aud: APP_ID, ver: "1.0", appid: APP_ID });
  const refusal = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof BotRequestRefused ? { reason: e.reason, status: e.status } : e));

  it("a channel token whose serviceurl claim is the activity's is accepted", async () => {
    const r = await auth.authenticateRequest(activity(TEAMS), channel(TEAMS));
    expect(r.claimsIdentity.getClaimValue("serviceurl")).toBe(TEAMS);
  });

  it("a claim naming another service URL, none at all, or a token kind without the claim: refused (401), nothing to post with", async () => {
    expect(await refusal(auth.authenticateRequest(activity("https://evil.example/"), channel(TEAMS)))).toMatchObject({ status: 401 });
    expect(await refusal(auth.authenticateRequest(activity(TEAMS), channel()))).toMatchObject({ status: 401 });
    expect(await refusal(auth.authenticateRequest(activity("https://evil.example/"), aad))).toEqual({ reason: "service-url-claim", status: 401 });
  });
});

describe("local mode: only loopback service URLs (issue 11 point 16)", () => {
  it("127.0.0.1, ::1 and localhost are answered; any other host is refused (403)", async () => {
    const local = new ReusingBotFrameworkAuthentication(new ConfigurationBotFrameworkAuthentication({}), { tokensRequired: false });
    for (const url of ["http://127.0.0.1:3978/", "http://[::1]:9/", "http://localhost:56150/"]) await expect(local.authenticateRequest(activity(url), "")).resolves.toBeTruthy();
    for (const url of ["https://smba.trafficmanager.net/uk/", "http://127.0.0.1.nip.io/", "http://10.0.0.1/"]) {
      await expect(local.authenticateRequest(activity(url), "")).rejects.toMatchObject({ reason: "service-url", status: 403 });
    }
  });
});

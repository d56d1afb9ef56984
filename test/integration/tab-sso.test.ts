import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/app/context.js";
import { openStrat } from "../../src/app/open-strat.js";
import { launchChromium } from "../support/browser.js";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * Issue 15 point 2: the tab's API signs users in with Teams SSO. Tokens are signed with a test RSA key whose JWKS is
 * served over real HTTP (standing in for Entra's `…/discovery/v2.0/keys`); the app runs on the harness's store.
 */
const TENANT = "9f8e7d6c-5b4a-4321-8765-0123456789ab";
const CLIENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const APP_ID_URI = `api://tab.example.org/${CLIENT}`;
const CHAIR_A = "aaaaaaaa-0000-4000-8000-00000000000a";
const CHAIR_B = "bbbbbbbb-0000-4000-8000-00000000000b";
const MANAGER = "cccccccc-0000-4000-8000-00000000000c";
const referral = {
  receivedAt: "2026-11-23T10:00:00Z",
  concerns: ["standard"],
  children: [{ ref: "C1", dob: "2015-03-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null }],
  unborn: false, medicalImplications: false, parentalMentalHealth: false, maternalMentalHealth: false, substanceMisuse: false, camhsInvolved: false,
  knownProfessionals: [], referrer: null, missing: null,
};

describe("the tab's API: Teams SSO tokens validated with jose (issue 15 point 2)", () => {
  let h: Harness;
  let jwks: Server;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let jwksFetches = 0;
  const refs: Record<string, string> = {};

  const sign = (claims: Record<string, unknown> = {}, opts: { kid?: string; key?: CryptoKey; iat?: number; exp?: number; nbf?: number } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const { iss = `https://login.microsoftonline.com/${TENANT}/v2.0`, aud = CLIENT, ...rest } = claims;
    return new SignJWT({ tid: TENANT, oid: CHAIR_A, name: "Alex Chair", scp: "access_as_user", roles: ["Strat.Chair"], ver: "2.0", ...rest })
      .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? "test-key-1" })
      .setIssuer(String(iss)).setAudience(aud as string)
      .setIssuedAt(opts.iat ?? now - 60).setNotBefore(opts.nbf ?? now - 60).setExpirationTime(opts.exp ?? now + 3600)
      .sign(opts.key ?? key);
  };
  const get = async (path: string, token?: string) => {
    const r = await fetch(`${h.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await r.text();
    return { status: r.status, text, body: JSON.parse(text) as any };
  };
  const listed = (body: { strats: { ref: string }[] }) => body.strats.map((s) => s.ref).sort();

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256");
    key = pair.privateKey;
    otherKey = (await generateKeyPair("RS256")).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "test-key-1", alg: "RS256", use: "sig" };
    jwks = createServer((_req, res) => {
      jwksFetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    h = await startHarness({
      TAB_TENANT_ID: TENANT, TAB_CLIENT_ID: CLIENT, TAB_APP_ID_URI: APP_ID_URI,
      TAB_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`,
      TAB_MANAGER_CHAIRS: `${MANAGER}=${CHAIR_B}`,
    });
    for (const [name, oid] of [["a", CHAIR_A], ["b", CHAIR_B], ["x", "dddddddd-0000-4000-8000-00000000000d"]] as const) {
      const chair: Actor = { id: oid, name: `Chair ${name}` };
      const s = await openStrat(h.app.ctx, chair, { caseRef: `LCS-SSO-${name.toUpperCase()}`, profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId: null });
      refs[name] = s.strat.ref;
    }
  });
  afterAll(async () => {
    await h?.stop();
    await new Promise<void>((r) => (jwks ? jwks.close(() => r()) : r()));
  });

  it("a valid v2 token: 200 with the chair's own strats only", async () => {
    const r = await get("/api/tab/strats", await sign());
    expect(r.status).toBe(200);
    expect(listed(r.body)).toEqual([refs.a]);
    expect(r.body.viewer).toEqual({ role: "chair", name: "Alex Chair" });
  });

  it("a v1 token (issuer sts.windows.net, audience the app id URI) is accepted too", async () => {
    const r = await get("/api/tab/strats", await sign({ iss: `https://sts.windows.net/${TENANT}/`, aud: APP_ID_URI, ver: "1.0" }));
    expect(r.status).toBe(200);
    expect(listed(r.body)).toEqual([refs.a]);
  });

  it("a manager sees their team's chairs' strats; a head of service sees all", async () => {
    const m = await get("/api/tab/strats", await sign({ oid: MANAGER, roles: ["Strat.Manager"] }));
    expect(m.status).toBe(200);
    expect(listed(m.body)).toEqual([refs.b]);
    const head = await get("/api/tab/strats", await sign({ oid: "eeeeeeee-0000-4000-8000-00000000000e", roles: ["Strat.HeadOfService"] }));
    expect(listed(head.body)).toEqual([refs.a, refs.b, refs.x].sort());
  });

  it("the paged list and its CSV are scoped the same way: a chair their own, a manager their team's, a head of service all", async () => {
    const refsOf = (b: { rows: { ref: string }[] }) => b.rows.map((r) => r.ref).sort();
    const chair = await get("/api/tab/list", await sign());
    expect(chair.status).toBe(200);
    expect(refsOf(chair.body)).toEqual([refs.a]);
    const manager = await get("/api/tab/list", await sign({ oid: MANAGER, roles: ["Strat.Manager"] }));
    expect(refsOf(manager.body)).toEqual([refs.b]);
    const head = await get("/api/tab/list", await sign({ oid: "eeeeeeee-0000-4000-8000-00000000000e", roles: ["Strat.HeadOfService"] }));
    expect(refsOf(head.body)).toEqual([refs.a, refs.b, refs.x].sort());
    const csv = await fetch(`${h.base}/api/tab/list.csv`, { headers: { authorization: `Bearer ${await sign()}` } });
    const text = await csv.text();
    expect(text).toContain(refs.a!);
    expect(text).not.toContain(refs.b!);
    expect((await get("/api/tab/list")).status).toBe(401);
  });

  it("the figures answer too, signed in (and 401 without)", async () => {
    expect((await get("/api/tab/figures?from=2026-11-01&to=2026-11-30", await sign())).status).toBe(200);
    expect((await get("/api/tab/figures?from=2026-11-01&to=2026-11-30")).status).toBe(401);
  });

  it.each([
    ["no token", async (): Promise<string | undefined> => undefined, 401, /sign-in required/i],
    ["wrong audience", () => sign({ aud: "11111111-2222-4333-8444-555555555555" }), 401, /audience/i],
    ["wrong issuer", () => sign({ iss: "https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0" }), 401, /issuer/i],
    ["wrong tenant", () => sign({ tid: "11111111-2222-4333-8444-555555555555" }), 401, /tenant/i],
    ["expired", () => sign({}, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), 401, /expired/i],
    ["not yet valid", () => sign({}, { nbf: Math.floor(Date.now() / 1000) + 3600 }), 401, /not yet valid/i],
    ["missing scope", () => sign({ scp: "User.Read" }), 401, /access_as_user/],
    ["unknown key id", () => sign({}, { kid: "some-other-key" }), 401, /signing key/i],
    ["bad signature", () => sign({}, { key: otherKey }), 401, /signature/i],
    ["alg none", async (): Promise<string> => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ tid: TENANT, oid: CHAIR_A })).toString("base64url")}.`, 401, /./],
    ["no role (an outside agency's user)", () => sign({ roles: undefined }), 403, /no role for this tab/i],
  ] as const)("%s → refused with the reason, never the token", async (_name, make, status, reason) => {
    const token = await make();
    for (const path of ["/api/tab/strats", "/api/tab/figures"]) {
      const r = await get(path, token);
      expect(r.status, path).toBe(status);
      expect(r.body.error).toMatch(reason);
      if (token) expect(r.text).not.toContain(token.split(".")[1]!.slice(0, 20));
      expect(r.text).not.toMatch(/LCS-SSO|at \w+ \(/);
    }
    if (token) expect(h.logs.join("\n")).not.toContain(token.split(".")[1]!.slice(0, 20));
    if (token) expect(h.logs.join("\n")).toMatch(/tab sign-in refused/);
  });

  it("the tenant's key set is fetched once and cached by jose (an unknown kid may refetch it once)", () => {
    expect(jwksFetches).toBeGreaterThanOrEqual(1);
    expect(jwksFetches).toBeLessThanOrEqual(2);
  });

  it("the development sign-in is refused when Teams SSO is configured", async () => {
    const r = await fetch(`${h.base}/tab/dev-signin?role=head`, { redirect: "manual" });
    expect(r.status).toBe(403);
    expect(r.headers.get("set-cookie")).toBeNull();
  });
});

describe("the tenant's signing keys cannot be fetched", () => {
  it("→ 503 with a short sentence, and an error log line", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const h = await startHarness({ TAB_TENANT_ID: TENANT, TAB_CLIENT_ID: CLIENT, TAB_APP_ID_URI: APP_ID_URI, TAB_JWKS_URL: `http://127.0.0.1:${port}/keys` });
    try {
      const { privateKey } = await generateKeyPair("RS256");
      const token = await new SignJWT({ tid: TENANT, oid: CHAIR_A, scp: "access_as_user", roles: ["Strat.Chair"] })
        .setProtectedHeader({ alg: "RS256", kid: "k" }).setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`).setAudience(CLIENT)
        .setIssuedAt().setExpirationTime("1h").sign(privateKey);
      const r = await fetch(`${h.base}/api/tab/strats`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(503);
      expect((await r.json()).error).toMatch(/signing keys could not be fetched/);
      expect(h.logs.join("\n")).toMatch(/"level":"error".*tab sign-in refused|tab sign-in refused.*"level":"error"/);
    } finally {
      await h.stop();
    }
  });
});

describe("local mode: the development sign-in (issue 15 points 1 and 2)", () => {
  let h: Harness;
  const refs: string[] = [];
  beforeAll(async () => {
    h = await startHarness();
    for (const oid of ["local-chair-1", "local-chair-2"]) {
      refs.push((await openStrat(h.app.ctx, { id: oid, name: oid }, { caseRef: `LCS-DEV-${refs.length}`, profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId: null })).strat.ref);
    }
  });
  afterAll(async () => h?.stop());

  it("from loopback: sets a signed HttpOnly SameSite=Strict cookie that signs the tab's API in as the chosen role", async () => {
    const r = await fetch(`${h.base}/tab/dev-signin?role=chair&oid=local-chair-2`, { redirect: "manual" });
    expect(r.status).toBe(303);
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const jar = cookie.split(";")[0]!;
    const mine = await (await fetch(`${h.base}/api/tab/strats`, { headers: { cookie: jar } })).json();
    expect(mine.strats.map((s: { ref: string }) => s.ref)).toEqual([refs[1]]);
    expect(mine.viewer.role).toBe("chair");
    // A tampered cookie is refused.
    const [name, value] = jar.split("=") as [string, string];
    const forged = `${name}=${value.replace(/^./, (c) => (c === "A" ? "B" : "A"))}`;
    expect((await fetch(`${h.base}/api/tab/strats`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it("a bad role names the field and sets nothing", async () => {
    const r = await fetch(`${h.base}/tab/dev-signin?role=boss`, { redirect: "manual" });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatch(/role/i);
    expect(r.headers.get("set-cookie")).toBeNull();
  });

  it("the tab page in a plain browser: pick a role, and the list is that role's (in Chromium)", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${h.base}/tab/#/list`); // the list and its Counted figures (the tab lands on the dashboard)
      await page.getByText("Signed in as This machine (local mode) (head of service).").waitFor();
      await page.getByLabel("Sign in as").selectOption("chair");
      await page.getByLabel("Id (optional)").fill("local-chair-1");
      await page.getByRole("button", { name: "Sign in (development)" }).click();
      await page.getByText("Signed in as chair (development sign-in) (chair).").waitFor();
      await page.goto(`${h.base}/tab/#/list`); // the sign-in comes back to the landing page, the dashboard
      await page.getByText("1 open, ").waitFor();
      expect(await page.locator("#strats tbody").textContent()).toContain(refs[0]);
      expect(await page.locator("#strats tbody").textContent()).not.toContain(refs[1]);
    } finally {
      await browser.close();
    }
  });

  it("head of service via the development sign-in sees every strat", async () => {
    const r = await fetch(`${h.base}/tab/dev-signin?role=head`, { redirect: "manual" });
    const jar = r.headers.get("set-cookie")!.split(";")[0]!;
    const all = await (await fetch(`${h.base}/api/tab/strats`, { headers: { cookie: jar } })).json();
    expect(all.strats.map((s: { ref: string }) => s.ref).sort()).toEqual([...refs].sort());
    expect(all.viewer.role).toBe("head");
  });
});

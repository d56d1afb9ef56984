import { createHash, createSign, generateKeyPairSync, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { appStore } from "../support/databases.js";
import { testClock } from "../support/app-context.js";
import { loadConfig } from "../../src/config.js";
import { newSigningKeyText } from "../../src/domain/audit/keys.js";

/**
 * Issue 11, points 9, 10, 15 and 16 over real HTTP, on the store of the pass (PGlite, and PostgreSQL when
 * DATABASE_URL is set): bad characters in free text, forged Bot Framework tokens, security headers, where
 * the bot may post, and the Graph notifications' clientState.
 */
const text = (c: unknown) => JSON.stringify(c);
/** A library's words that must never reach a caller. */
const LIBRARY_WORDS = /jwt|jsonwebtoken|token.*(expired|active)|signature|algorithm|botframework\.com|ENOTFOUND|getaddrinfo|openid|Error:|at \w+ \(/i;

describe("point 9: NUL and unpaired surrogates in free text are cleaned, never a 500", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T10:30:00Z");
  beforeAll(async () => {
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  const say = async (t: string) => {
    const r = await h.post(activity({ text: t, deliveryMode: "expectReplies" }));
    expect(r.status, text(r.body)).toBe(200);
    return r.body.activities as unknown[];
  };
  const press = async (verb: string, data: Record<string, unknown>) => {
    const r = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } }));
    expect(r.status, text(r.body)).toBe(200);
    expect(r.body.statusCode).toBe(200);
    return r.body.value;
  };

  it("typed commands (`plan`, `action`), card actions (`plan`, `dissentAdd`) and the response link page store the text cleaned", async () => {
    const form = cardsIn(await say("new"))[0];
    const opened = await press("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-NUL-1", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2016-06-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    const strat = async () => (await h.app.ctx.strats.findByRef(ref))!;

    // typed `plan`: a NUL and a lone high surrogate
    const typed = cardsIn(await say(`plan ${ref} Child\u0000 to stay with gran\uD800; no unsupervised contact.`));
    expect(text(typed[0])).toContain("Interim safety plan saved");
    expect((await strat()).state.plan!.text).toBe("Child to stay with gran\uFFFD; no unsupervised contact.");

    // card `plan`: other C0 controls go too, tab and newline stay
    const planCard = cardsIn(await say(`plan ${ref}`))[0];
    await press("plan", { ...findAction(planCard, "plan").data, plan: "Stay\u0007 with gran.\nNo\tcontact\u001b\uDC00 at all." });
    expect((await strat()).state.plan!.text).toBe("Stay with gran.\nNo\tcontact\uFFFD at all.");

    // typed `action`
    const act = cardsIn(await say(`action ${ref} police: PC\u0000 Lee to visit the school by Fri 12:00 — purpose: speak to the DSL\u0000`));
    expect(text(act[0])).toMatch(/Action a\d+ added/);
    expect(text((await strat()).state.actions)).not.toContain("\\u0000");

    // card `dissentAdd`
    const dis = cardsIn(await say(`dissent ${ref}`))[0];
    const added = await press("dissentAdd", { ...findAction(dis, "dissentAdd").data, agency: "Police", decision: "Single\u0000 medical", reason: "Police want\u0000 a joint medical\uD83D" });
    expect(text(added)).toContain("Police disputes: Single medical");
    expect(text((await strat()).state.dissents)).toContain("Police want a joint medical\uFFFD");

    // the personal response link (JSON body): a decline reason, a delegate, a report
    const inv = cardsIn(await say(`invitees ${ref}`))[0];
    const sent = await press("inviteesSend", findAction(inv, "inviteesSend").data);
    const links = [...text(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    const s = await strat();
    const police = s.state.invitees.find((i) => i.rule === "I-POL")!;
    const token = links.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === police.id)!;
    const answer = async (data: Record<string, unknown>) => {
      const r = await fetch(`${h.base}/respond/${token}`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ verb: "respond", data: { stratId: s.id, inviteeId: police.id, ...data } }),
      });
      expect(r.status, await r.clone().text()).toBe(200);
    };
    await answer({ kind: "declined", reason: "No\u0000 detective free\uDC00" });
    await answer({ kind: "delegate", delegateName: "DC\u0000 Okafor", delegateRole: "Detective\u0000 Constable" });
    await answer({ kind: "report", report: "CAIT\u0000 log: two call-outs.\uD800" });
    const p = (await strat()).state.invitees.find((i) => i.id === police.id)!;
    expect(p.response).toMatchObject({ kind: "report", report: "CAIT log: two call-outs.\uFFFD" });
    expect(p.earlierResponses.map((r) => r.reason ?? r.delegate?.name)).toEqual(["No detective free\uFFFD", "DC Okafor"]);
  });

  it("a body nested deeper than any card is refused (400) by the cleaner, not a stack overflow (500)", async () => {
    const r = await fetch(`${h.base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: `${"[".repeat(100_000)}${"]".repeat(100_000)}` });
    expect(r.status).toBe(400);
  });
});

describe("point 14: what a caller sent never reaches the logs through a library's error or an unknown invoke", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  it("an `application/search` invoke and an unknown card verb carrying a name and a date of birth", async () => {
    const SENSITIVE = "Jane Smith born 2017-03-14";
    const before = h.logs.length;
    for (const value of [SENSITIVE, { kind: "search", queryText: SENSITIVE, dataset: SENSITIVE }]) {
      const r = await h.post(activity({ type: "invoke", name: "application/search", value }));
      expect(r.status).not.toBe(500);
    }
    await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: SENSITIVE, data: {} } } }));
    await h.post(activity({ type: "invoke", name: SENSITIVE, value: SENSITIVE }));
    const logged = h.logs.slice(before).join("\n");
    expect(logged).toContain("unknown card action");
    expect(logged).not.toMatch(/Jane|Smith|2017-03-14/);
  });
});

// ---- forged Bot Framework tokens (point 10)

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const APP_ID = "11111111-1111-4111-8111-111111111111";
const TENANT_ENV = {
  MicrosoftAppId: APP_ID, MicrosoftAppPassword: "not-a-real-secret", MicrosoftAppTenantId: "22222222-2222-4222-8222-222222222222",
  RESPONSE_LINK_SECRET: "test-secret-test-secret-test-secret-0123",
  AUDIT_SIGNING_KEY: newSigningKeyText(),
  // issue 14 point 4: in a tenant, a profile naming T-MDCS/T-MHOS needs the escalation roles
  MISSING_DIRECTOR: "director@council.example.org", MISSING_DCS: "dcs@council.example.org", MISSING_HEAD_OF_SERVICE: "hos@council.example.org",
};
function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, sign: (input: string) => string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign(input)}`;
}
const rs256 = (input: string) => createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const channelClaims = (over: Record<string, unknown> = {}) => ({
  iss: "https://api.botframework.com", aud: APP_ID, serviceurl: "http://127.0.0.1:9/", nbf: now() - 60, exp: now() + 3600, ...over,
});

describe("point 10: tenant mode refuses forged or unusable tokens with 401 and a short body", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(TENANT_ENV);
  });
  afterAll(async () => h?.stop());

  const cases: [string, string | undefined, number[]][] = [
    ["no header", undefined, [401]],
    ["not a bearer token", "Basic dXNlcjpwYXNz", [401]],
    ["garbage", "Bearer not.a.jwt", [401]],
    ["alg none", `Bearer ${jwt({ alg: "none", typ: "JWT" }, channelClaims(), () => "")}`, [401]],
    ["HS256", `Bearer ${jwt({ alg: "HS256", typ: "JWT", kid: "k1" }, channelClaims(), (i) => createHmac("sha256", "guess").update(i).digest("base64url"))}`, [401]],
    ["future nbf", `Bearer ${jwt({ alg: "RS256", typ: "JWT", kid: "k1" }, channelClaims({ nbf: now() + 3600, exp: now() + 7200 }), rs256)}`, [401]],
    ["expired", `Bearer ${jwt({ alg: "RS256", typ: "JWT", kid: "k1" }, channelClaims({ nbf: now() - 7200, exp: now() - 3600 }), rs256)}`, [401]],
    // A well-formed RS256 token signed by a key Bot Framework never published: the key endpoint is asked
    // (offline it cannot be reached: a server-side outage, 503), and either way nothing gets through.
    ["bad signature", `Bearer ${jwt({ alg: "RS256", typ: "JWT", kid: "k1" }, channelClaims(), rs256)}`, [401, 503]],
  ];
  for (const [name, authorization, statuses] of cases) {
    it(`${name}: refused with a short body, no library message, one log line`, async () => {
      const before = h.logs.length;
      const r = await h.post(activity({ text: "help", deliveryMode: "expectReplies" }), authorization ? { authorization } : {});
      expect(statuses, text(r.body)).toContain(r.status);
      expect(typeof r.body.error).toBe("string");
      expect(r.body.error.length).toBeLessThan(120);
      expect(text(r.body)).not.toMatch(LIBRARY_WORDS);
      const lines = h.logs.slice(before).map((l) => JSON.parse(l) as { msg: string; level: string });
      expect(lines.filter((l) => /refused|not checked/.test(l.msg)), text(lines)).toHaveLength(1);
      expect(lines.filter((l) => l.level === "error" && /failed/.test(l.msg))).toEqual([]);
      expect(h.sent).toEqual([]);
    });
  }
});

// ---- security headers (point 15)

const FRAME_HOSTS = [
  "teams.microsoft.com", "*.teams.microsoft.com", "*.skype.com", "teams.cloud.microsoft", "*.cloud.microsoft",
  "outlook.office.com", "outlook.office365.com", "*.office.com", "*.microsoft365.com", "*.office365.com",
];
const directives = (csp: string | null) =>
  new Map((csp ?? "").split(";").map((d) => d.trim()).filter(Boolean).map((d) => { const [k, ...v] = d.split(/\s+/); return [k!, v]; }));
/** The hashes of a page's inline scripts (not its JSON data blocks). */
const inlineScriptHashes = (html: string) =>
  [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*application\/json)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);

describe("point 15: security headers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  it("the tab and the link pages may be framed by Teams, Outlook and Microsoft 365 only; their inline scripts still run", async () => {
    for (const path of ["/tab/", "/tab/config.html", "/respond/not-a-token"]) {
      const r = await fetch(`${h.base}${path}`);
      const csp = directives(r.headers.get("content-security-policy"));
      expect(csp.get("frame-ancestors"), path).toEqual(FRAME_HOSTS);
      expect(csp.get("default-src")).toEqual(["'self'"]);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options"), "frame-ancestors governs framing").toBeNull();
    }
    const page = readFileSync(new URL("../../tabs/config.html", import.meta.url), "utf8");
    const r = await fetch(`${h.base}/tab/config.html`);
    for (const hash of inlineScriptHashes(page)) expect(directives(r.headers.get("content-security-policy")).get("script-src")).toContain(hash);
  });

  it("link pages send no referrer and are never cached; every API response is no-store", async () => {
    const link = await fetch(`${h.base}/respond/not-a-token`);
    expect(link.headers.get("referrer-policy")).toBe("no-referrer");
    expect(link.headers.get("cache-control")).toBe("no-store");
    const post = await fetch(`${h.base}/respond/not-a-token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(post.headers.get("cache-control")).toBe("no-store");
    for (const r of [
      await fetch(`${h.base}/api/tab/strats`),
      await fetch(`${h.base}/api/nowhere`),
      await fetch(`${h.base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity({ text: "help", deliveryMode: "expectReplies" })) }),
      await fetch(`${h.base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" }),
    ]) {
      expect(r.headers.get("cache-control"), r.url).toBe("no-store");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});

// ---- where the bot may post (point 16)

describe("point 16: local mode posts to loopback service URLs only", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  it("an activity naming another host as its serviceUrl is refused (403) and nothing is posted; loopback ones are answered", async () => {
    for (const serviceUrl of ["https://smba.trafficmanager.net/uk/", "http://10.1.2.3:9/", "http://127.0.0.1.evil.example/", "http://localhost.example/"]) {
      const before = h.logs.length;
      const r = await h.post(activity({ text: "help" }, serviceUrl));
      expect(r.status, serviceUrl).toBe(403);
      expect(r.body.error.length).toBeLessThan(160);
      expect(h.logs.slice(before).join("\n")).not.toContain("bot turn failed");
    }
    expect(h.sent).toEqual([]);
    const ok = await h.post(activity({ text: "help" }, h.serviceUrl));
    expect(ok.status).toBe(200);
    expect(h.sent).toHaveLength(1);
    const local = await h.post(activity({ text: "help", deliveryMode: "expectReplies" }, h.serviceUrl.replace("127.0.0.1", "localhost")));
    expect(local.status).toBe(200);
  });
});

describe("point 16: the Graph notifications' clientState is a per-install secret", () => {
  const PUBLIC_DEFAULT = "local-stand-in-client-state";

  it("refuses the public default as GRAPH_CLIENT_STATE", () => {
    expect(() => loadConfig({ GRAPH_CLIENT_STATE: PUBLIC_DEFAULT } as NodeJS.ProcessEnv, "")).toThrow(/GRAPH_CLIENT_STATE/);
  });

  it("without GRAPH_CLIENT_STATE a random secret is made once and kept; a notification with the public default is refused", async () => {
    const store = await appStore({ persistent: true });
    try {
      const secretOf = async (h: Harness) =>
        (await h.app.db.query<{ value: string }>("SELECT value FROM app_settings WHERE key = 'graph_client_state'"))[0]?.value;
      const a = await startHarness(store.env);
      const first = await secretOf(a);
      await a.stop();
      const h = await startHarness(store.env);
      try {
        expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(await secretOf(h)).toBe(first);
        const now = new Date();
        await h.app.db.query(
          "INSERT INTO graph_subscriptions (id, mailbox, resource, expires_at, created_at, state) VALUES ('sub-cs-1', 'police@example.org', 'users/police@example.org/events', $1, $2, 'active')",
          [new Date(now.getTime() + 3_600_000), now],
        );
        const notify = (clientState: string) =>
          fetch(`${h.base}/graph/notifications`, {
            method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ value: [{ subscriptionId: "sub-cs-1", clientState, changeType: "updated", resource: "Users/police@example.org/Events/ev-1", resourceData: { id: "ev-1" } }] }),
          });
        const queued = async () => Number((await h.app.db.query<{ n: string }>("SELECT count(*) AS n FROM background_jobs WHERE kind = 'graph.sync-event'"))[0]!.n);
        const n0 = await queued();
        expect((await notify(PUBLIC_DEFAULT)).status).toBe(202);
        expect(await queued()).toBe(n0);
        expect((await notify(first!)).status).toBe(202);
        expect(await queued()).toBe(n0 + 1);
      } finally {
        await h.stop();
      }
    } finally {
      await store.drop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import { appStore } from "../support/databases.js";
import { newSigningKeyText } from "../../src/domain/audit/keys.js";

const CHAIR_AAD = "00000000-0000-4000-8000-0000000000c1";

/** The inputs a chair fills on the `new` card, keyed by input id, as Teams merges them into action.data. */
function filledForm(requestId: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    requestId,
    caseRef: "LCS-204411",
    profile: "bromley-2023",
    concerns: "standard",
    receivedDate: "2026-11-23",
    receivedTime: "10:00",
    child1Ref: "C1",
    child1Dob: "2019-05-02",
    child1Flags: "",
    child2Ref: "",
    child2Dob: "",
    household: "",
    missingDate: "",
    missingTime: "",
    missingConcerns: "false",
    ...over,
  };
}

const invoke = (data: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "openStrat", data } }, ...over });

describe("bot over HTTP (CloudAdapter, real activities)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  it("help with expectReplies returns the command list in the HTTP response", async () => {
    const r = await h.post(activity({ text: "help", deliveryMode: "expectReplies" }));
    expect(r.status).toBe(200);
    const cards = cardsIn(r.body.activities);
    expect(cards).toHaveLength(1);
    const text = JSON.stringify(cards[0]);
    for (const c of ["new", "status", "invitees", "schedule", "decide", "close"]) expect(text).toContain(`**${c}**`);
  });

  it("help with normal delivery is sent to the conversation's serviceUrl", async () => {
    const before = h.sent.length;
    const r = await h.post(activity({ text: "HELP" }, h.serviceUrl));
    expect(r.status).toBe(200);
    const mine = h.sent.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.path).toMatch(/^\/v3\/conversations\/conv-personal-chair\/activities/);
    expect(cardsIn([mine[0]!.body])).toHaveLength(1);
  });

  it("an unknown command gets a clear answer; every listed command is built", async () => {
    const r = await h.post(activity({ text: "frobnicate now", deliveryMode: "expectReplies" }));
    expect(r.body.activities[0].text).toMatch(/don't know the command `frobnicate`.*help/);
    const helpCard = JSON.stringify(cardsIn((await h.post(activity({ text: "help", deliveryMode: "expectReplies" }))).body.activities)[0]);
    expect(helpCard).not.toContain("Not available yet");
  });

  it("new → card → submitted → stored with the statutory due time; status lists it", async () => {
    const r = await h.post(activity({ text: "new", deliveryMode: "expectReplies" }));
    const [card] = cardsIn(r.body.activities);
    const action = findAction(card, "openStrat");
    expect(action.type).toBe("Action.Execute");
    expect(action.fallback.type).toBe("Action.Submit");
    const requestId = action.data.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const res = await h.post(invoke(filledForm(requestId)));
    expect(res.status).toBe(200);
    expect(res.body.statusCode).toBe(200);
    expect(res.body.type).toBe("application/vnd.microsoft.card.adaptive");
    const opened = JSON.stringify(res.body.value);
    const ref = /Strategy discussion (SD-\d{4}-\d{4,}) opened/.exec(opened)?.[1];
    expect(ref).toBeDefined();
    // T-STD bromley-2023: workingDays(3) from Mon 23 Nov 2026 10:00 → Thu 26 Nov 2026 17:00 (GMT).
    expect(opened).toContain("Thu 26 Nov 2026, 17:00");
    expect(opened).toContain("T-STD");
    // T-TGT: hours(24) target → Tue 24 Nov 2026 10:00.
    expect(opened).toContain("Tue 24 Nov 2026, 10:00");

    const stored = await h.app.ctx.strats.findByRef(ref!);
    expect(stored!.dueAt.toISOString()).toBe("2026-11-26T17:00:00.000Z");
    expect(stored!.chairId).toBe(CHAIR_AAD);

    // Teams redelivers the same invoke: still one strat.
    const again = await h.post(invoke(filledForm(requestId)));
    expect(JSON.stringify(again.body.value)).toContain(ref!);
    expect(JSON.stringify(again.body.value)).toContain("already submitted");

    const st = await h.post(activity({ text: "status", deliveryMode: "expectReplies" }));
    const statusCard = JSON.stringify(cardsIn(st.body.activities)[0]);
    expect(statusCard).toContain(ref!);
    expect(statusCard).toContain("LCS-204411");
  });

  it("replaying another chair's openStrat request id shows nothing of that strat and opens nothing (issue 11 point 13)", async () => {
    const requestId = crypto.randomUUID();
    const mine = await h.post(invoke(filledForm(requestId, { caseRef: "LCS-REPLAY-1", concerns: "serious-harm" })));
    const ref = /(SD-\d{4}-\d{4,})/.exec(JSON.stringify(mine.body.value))![1]!;
    const n0 = (await h.app.ctx.strats.listOpen(1000)).length;
    const other = { id: "29:other", name: "Alex Other", aadObjectId: "00000000-0000-4000-8000-0000000000e9" };
    // the other user replays the request id, with the same form or with their own case
    for (const over of [{}, { caseRef: "LCS-OTHER-9" }] as Record<string, string>[]) {
      const r = await h.post(invoke(filledForm(requestId, over), { from: other }));
      expect(r.status).toBe(200);
      const answer = JSON.stringify(r.body.value);
      for (const secret of [ref, "LCS-REPLAY-1", "Sam Chair", "C1", "2019-05-02", "Serious", "26 Nov", "T-SH"]) expect(answer, secret).not.toContain(secret);
      expect(answer).toMatch(/already used.*Nothing was saved/);
    }
    expect((await h.app.ctx.strats.listOpen(1000)).length).toBe(n0);
    // the same chair pressing again (Teams redelivering) still gets their own strat
    expect(JSON.stringify((await h.post(invoke(filledForm(requestId, { caseRef: "LCS-REPLAY-1", concerns: "serious-harm" })))).body.value)).toContain(ref);
  });

  it("the Action.Submit fallback reaches the same handler", async () => {
    const data = { verb: "openStrat", ...filledForm(crypto.randomUUID(), { caseRef: "LCS-SUBMIT-1" }) };
    const r = await h.post(activity({ text: undefined, value: data, deliveryMode: "expectReplies" }));
    expect(r.status).toBe(200);
    expect(JSON.stringify(cardsIn(r.body.activities)[0])).toMatch(/SD-\d{4}-\d{4,} opened/);
  });

  it("a submission with a wrong field comes back as the same card with the message beside it, and saves nothing", async () => {
    const count = async () => (await h.app.ctx.strats.listOpen(1000)).length;
    const n0 = await count();
    const cases: [Record<string, string>, RegExp][] = [
      [{ caseRef: "" }, /Case reference/],
      [{ caseRef: "Jane Smith" }, /Case reference/],
      [{ concerns: "" }, /concern/i],
      [{ concerns: "standard,telepathy" }, /concern/i],
      [{ receivedTime: "25:99" }, /date and time/],
      [{ child1Dob: "" }, /Child 1: enter both/],
      [{ child1Dob: "2030-01-01" }, /dob|birth/i],
      [{ profile: "atlantis" }, /protocol/],
      [{ concerns: "missing" }, /missing/i],
      [{ referrerName: "Dr A", referrerEmail: "" }, /Referrer: give both/],
      [{ knownName: "Pat", knownEmail: "not-an-email", knownService: "Health Visiting" }, /email/i],
    ];
    for (const [over, message] of cases) {
      const res = await h.post(invoke(filledForm(crypto.randomUUID(), over)));
      expect(res.status, JSON.stringify(over)).toBe(200);
      expect(res.body.type).toBe("application/vnd.microsoft.card.adaptive");
      const card = JSON.stringify(res.body.value);
      expect(card, JSON.stringify(over)).toMatch(message);
      expect(card).toContain("Nothing was saved");
      expect(card).not.toMatch(/at \w+ \(.*:\d+:\d+\)/); // no stack trace
    }
    expect(await count()).toBe(n0);
  });

  it("malformed requests are the caller's mistake (4xx), never a 5xx", async () => {
    const raw = await fetch(`${h.base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(raw.status).toBe(400);
    expect((await h.post({})).status).toBe(400);
    expect((await h.post({ type: 42 })).status).toBe(400);
    const noConversation = await h.post({ type: "message", text: "help", serviceUrl: "http://127.0.0.1:9/" });
    expect(noConversation.status).toBe(400);
    expect(noConversation.body.error).toMatch(/conversation\.id/);
    const badAction = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: "nope", data: {} } } }));
    expect(badAction.status).toBe(200);
    expect(badAction.body.type).toBe("application/vnd.microsoft.activity.message");
    const badData = await h.post(invoke({ caseRef: 7, concerns: ["x"] } as unknown as Record<string, unknown>));
    expect(badData.status).toBe(200);
    expect(badData.body.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(JSON.stringify(badData.body.value)).toMatch(/arrived damaged.*Nothing was saved/);
  });

  it("logs carry a request id per turn and never the child's data", async () => {
    await h.post(invoke(filledForm(crypto.randomUUID(), { caseRef: "LCS-LOGCHECK", child1Ref: "KIDREF99", child1Dob: "2018-03-04" })));
    const lines = h.logs.map((l) => JSON.parse(l));
    const turn = lines.filter((l) => l.msg === "card action");
    expect(turn.length).toBeGreaterThan(0);
    expect(turn.every((l) => typeof l.requestId === "string")).toBe(true);
    const all = h.logs.join("\n");
    expect(all).not.toContain("2018-03-04");
    expect(all).not.toContain("KIDREF99");
    expect(all).not.toContain("Sam Chair");
    expect(all).toContain("LCS-LOGCHECK"); // the case reference is what logs carry
  });

  it("the tab page and its JSON API list the open strats", async () => {
    const opened = await h.post(invoke(filledForm(crypto.randomUUID(), { caseRef: "LCS-TAB-1" })));
    const ref = /(SD-\d{4}-\d{4,})/.exec(JSON.stringify(opened.body.value))![1];
    const page = await fetch(`${h.base}/tab/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Open strategy discussions");
    const api = await fetch(`${h.base}/api/tab/strats`);
    const body = await api.json();
    expect(body.strats).toContainEqual(expect.objectContaining({ ref, caseRef: "LCS-TAB-1", dueRule: "T-STD", dueAt: "2026-11-26T17:00:00.000Z" }));
    expect((await fetch(`${h.base}/nowhere`)).status).toBe(404);
  });
});

describe("bot credentials configured", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      MicrosoftAppId: "11111111-1111-4111-8111-111111111111",
      MicrosoftAppPassword: "not-a-real-secret",
      MicrosoftAppTenantId: "22222222-2222-4222-8222-222222222222",
      RESPONSE_LINK_SECRET: "test-secret-test-secret-test-secret-0123",
      AUDIT_SIGNING_KEY: newSigningKeyText(),
      // issue 14 point 4: in a tenant, a profile naming T-MDCS/T-MHOS needs the escalation roles
      MISSING_DIRECTOR: "director@council.example.org", MISSING_DCS: "dcs@council.example.org", MISSING_HEAD_OF_SERVICE: "hos@council.example.org",
    });
  });
  afterAll(async () => h?.stop());

  it("rejects an activity without a Bot Framework token (401) and one with a forged token", async () => {
    const none = await h.post(activity({ text: "help", deliveryMode: "expectReplies" }));
    expect(none.status).toBe(401);
    const forged = await h.post(activity({ text: "help", deliveryMode: "expectReplies" }), { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0." });
    expect([401, 403]).toContain(forged.status);
    expect(h.logs.join("\n")).not.toContain("not-a-real-secret");
  });

  it("the tab API refuses without sign-in", async () => {
    expect((await fetch(`${h.base}/api/tab/strats`)).status).toBe(401);
  });
});

describe("restart", () => {
  it("a strat opened before a restart is there after it (PGlite on disk; with DATABASE_URL, the same PostgreSQL database)", async () => {
    const store = await appStore({ persistent: true });
    try {
      const a = await startHarness(store.env);
      const res = await a.post(invoke(filledForm(crypto.randomUUID(), { caseRef: "LCS-RESTART" })));
      const ref = /(SD-\d{4}-\d{4,})/.exec(JSON.stringify(res.body.value))?.[1];
      await a.stop();
      const b = await startHarness(store.env);
      const st = await b.post(activity({ text: "status", deliveryMode: "expectReplies" }));
      expect(JSON.stringify(cardsIn(st.body.activities)[0])).toContain(ref!);
      await b.stop();
    } finally {
      await store.drop();
    }
  }, 120_000); // two start-ups of PGlite on disk (no snapshot: initdb, then a reopen); 30 s was not enough under CI load
});

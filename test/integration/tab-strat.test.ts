/**
 * Issue 15 point 4 (server side): one strat for the managers' tab, over real HTTP and the harness's store (PGlite;
 * PostgreSQL when DATABASE_URL is set). A strat played to close through the use cases — invitations, answers, meeting,
 * attendance (Q-1), decisions, plan, record fields (R-REC), an action, dissent escalated (R-DIS), verification (T-REC),
 * distribution by mail, an amendment — then read by its chair, by another chair (404, nothing of it), by ref and version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStrat } from "../../src/app/open-strat.js";
import { stratRecord } from "../../src/app/strat-record.js";
import { recordJson, type StratRecord } from "../../src/domain/record/record.js";
import { exportRecord } from "../../src/infra/record/export.js";
import { testClock } from "../support/app-context.js";
import { startHarness, type Harness } from "../support/harness.js";
import { CASE, CHAIR, OTHER, playTabStrat, referral } from "../support/tab-strat-play.js";

describe("the strat view (GET /api/tab/strat/:ref, issue 15 point 4)", () => {
  let h: Harness;
  const clock = testClock("2026-11-23T09:05:00Z");
  let ref = "";
  let otherRef = "";
  const cookies: Record<string, string> = {};

  const signIn = async (oid: string, role: "chair" | "manager" | "head" = "chair") => {
    const r = await fetch(`${h.base}/tab/dev-signin?role=${role}&oid=${oid}`, { redirect: "manual" });
    return (r.headers.get("set-cookie") ?? "").split(";")[0]!;
  };
  const get = async (path: string, who: string = cookies.chair!) => {
    const r = await fetch(`${h.base}${path}`, { headers: who ? { cookie: who } : {} });
    const bytes = Buffer.from(await r.arrayBuffer());
    const json = r.headers.get("content-type")?.includes("json") ? JSON.parse(bytes.toString("utf8")) : null;
    return { status: r.status, headers: r.headers, bytes, text: bytes.toString("utf8"), body: json };
  };

  beforeAll(async () => {
    h = await startHarness({ JOBS_POLL_MS: "0" }, clock);
    ref = await playTabStrat(h, clock);
    otherRef = (await openStrat(h.app.ctx, OTHER, { caseRef: "LCS-TAB-0002", profileId: "bromley-2023", referral: referral("2026-11-26T08:00:00Z"), requestId: "req-tab-strat-2", conversationId: null })).strat.ref;
    cookies.chair = await signIn(CHAIR.id);
    cookies.other = await signIn(OTHER.id);
  }, 120_000);
  afterAll(async () => h?.stop());

  it("the record is the record export's, with each verified version (hash, when, why) and its PDF link", async () => {
    const r = await get(`/api/tab/strat/${ref}`);
    expect(r.status, r.text).toBe(200);
    const exported = await exportRecord(await stratRecord(h.app.ctx, ref), "json");
    expect(recordJson(r.body.record as StratRecord)).toBe(exported.bytes.toString("utf8"));
    expect(r.body.verified).toBe(true);
    const v1 = await stratRecord(h.app.ctx, ref, 1);
    expect(r.body.versions).toEqual([
      { version: 1, at: "2026-11-23T13:30:00.000Z", by: "Alex Chair", contentHash: v1.contentHash, reason: null, pdf: `/api/tab/strat/${ref}/record.pdf?version=1` },
      { version: 2, at: "2026-11-23T15:30:00.000Z", by: "Alex Chair", contentHash: r.body.record.contentHash, reason: "The address was missing", pdf: `/api/tab/strat/${ref}/record.pdf?version=2` },
    ]);
  });

  it("the timeline has each event in order, with agencies and roles (no child data); attendance, actions, dissent, audit", async () => {
    const { body } = await get(`/api/tab/strat/${ref}`);
    const kinds = (body.timeline as { kind: string }[]).map((e) => e.kind);
    expect(kinds.filter((k, i) => k !== kinds[i - 1])).toEqual([
      "referral-received", "opened", "invitations-sent", "answered", "booked", "held", "verified", "distributed", "amended", "distributed",
    ]);
    const times = (body.timeline as { at: string }[]).map((e) => e.at);
    expect(times).toEqual([...times].sort());
    expect(body.timeline.filter((e: { kind: string }) => e.kind === "answered")).toEqual([
      expect.objectContaining({ at: "2026-11-23T09:30:00.000Z", agency: "Police", role: "Safeguarding lead", answer: "accepted" }),
      expect.objectContaining({ at: "2026-11-23T09:40:00.000Z", agency: "Health", role: "Safeguarding lead", answer: "declined" }),
      expect.objectContaining({ at: "2026-11-23T09:50:00.000Z", agency: "Education", role: "Safeguarding lead", answer: "report" }),
    ]);
    expect(body.timeline.find((e: { kind: string }) => e.kind === "booked")).toMatchObject({ meeting: { start: "2026-11-23T12:00:00.000Z", end: "2026-11-23T13:00:00.000Z" } });
    const sent = body.timeline.filter((e: { kind: string }) => e.kind === "distributed");
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent[0]).toMatchObject({ version: 1, recipient: expect.any(String) });
    const text = JSON.stringify(body.timeline) + JSON.stringify(body.audit) + JSON.stringify(body.attendance);
    expect(text).not.toContain("2015-03-01");

    expect(body.attendance.quorum).toEqual({ quorate: false, missingRoles: ["health"], inquorateReason: "Health could not attend at short notice", byRole: [
      { role: "police", invited: 1, attended: 1 }, { role: "health", invited: 1, attended: 0 }, { role: "csc", invited: 1, attended: 1 },
    ] });
    expect(body.attendance.invited.map((i: { agency: string; attended: boolean | null; quorumRole: string | null }) => [i.agency, i.quorumRole, i.attended])).toEqual([
      ["Police", "police", true], ["Health", "health", false], ["Children's Social Care", "csc", true], ["Education", null, false],
    ]);
    expect(body.actions).toEqual([expect.objectContaining({
      owner: "Social worker", agency: "Children's Social Care", due: "2026-11-24T17:00:00.000Z", status: "open", overdue: true,
      latest: expect.objectContaining({ text: "Visit booked", status: "open" }),
    })]);
    expect(body.dissent).toEqual([expect.objectContaining({ agency: "Police", ageDays: 2, stages: [expect.objectContaining({ stage: "chair" }), expect.objectContaining({ stage: "senior-managers" })] })]);
    expect(body.audit.chain).toEqual({ verified: true, firstBad: null });
    expect(body.audit.entries[0]).toEqual({ at: "2026-11-23T09:05:00.000Z", actor: CHAIR.id, kind: "strat.opened", version: 1 });
    expect(body.audit.entries.map((e: { kind: string }) => e.kind)).toContain("record.amended");
  });

  it("an audit entry changed behind the app's back shows as a broken chain, naming the first bad entry", async () => {
    // What a superuser could do: switch the append-only trigger off for one UPDATE (as test/integration/audit-chain.test.ts).
    const asSuperuser = (sql: string, params: unknown[]) => h.app.db.transaction(async (tx) => {
      await tx.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
      await tx.query(sql, params);
      await tx.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
    });
    const [row] = await h.app.db.query<{ id: string }>("SELECT a.id::text AS id FROM audit_log a JOIN strats s ON s.id = a.strat_id WHERE s.ref = $1 AND a.action = 'plan.recorded'", [ref]);
    await asSuperuser("UPDATE audit_log SET actor = 'someone-else' WHERE id = $1::bigint", [row!.id]);
    try {
      const { body } = await get(`/api/tab/strat/${ref}`);
      expect(body.audit.chain).toMatchObject({ verified: false, firstBad: { kind: "plan.recorded", problem: expect.stringContaining("changed") } });
    } finally {
      await asSuperuser("UPDATE audit_log SET actor = $2 WHERE id = $1::bigint", [row!.id, CHAIR.id]);
    }
    expect((await get(`/api/tab/strat/${ref}`)).body.audit.chain).toEqual({ verified: true, firstBad: null });
  });

  it("the PDF of a version is the record export's bytes, named by reference only", async () => {
    for (const version of [1, 2]) {
      const r = await get(`/api/tab/strat/${ref}/record.pdf?version=${version}`);
      expect(r.status, r.text.slice(0, 200)).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/pdf");
      expect(r.headers.get("content-disposition")).toBe(`inline; filename="${ref}-record-v${version}.pdf"`);
      expect(r.bytes.subarray(0, 4).toString("latin1")).toBe("%PDF");
      const exported = await exportRecord(await stratRecord(h.app.ctx, ref, version), "pdf");
      expect(r.bytes.equals(exported.bytes)).toBe(true);
    }
  });

  it("another chair's strat is 404 with the same body as no strat at all; a manager of that chair sees it (canSee)", async () => {
    const theirs = await get(`/api/tab/strat/${otherRef}`);
    const none = await get("/api/tab/strat/SD-2026-9999");
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    expect(theirs.text).toBe(none.text);
    expect(theirs.text).not.toContain(otherRef);
    expect(theirs.text).not.toContain("LCS-TAB");
    const pdf = await get(`/api/tab/strat/${otherRef}/record.pdf?version=1`);
    expect([pdf.status, pdf.text]).toEqual([404, none.text]);
    expect((await get(`/api/tab/strat/${otherRef}`, cookies.other)).status).toBe(200);
    expect((await get(`/api/tab/strat/${ref}`, await signIn("head-1", "head"))).status).toBe(200);
  });

  it("a malformed ref is 400 naming ref; a bad version 400 naming version; nothing else in the body", async () => {
    const bad = await get("/api/tab/strat/not-a-ref");
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.stringMatching(/reference/), field: "ref" });
    for (const v of ["0", "3", "one", "", "1.5"]) {
      const r = await get(`/api/tab/strat/${ref}/record.pdf?version=${v}`);
      expect([v, r.status, r.body?.field]).toEqual([v, 400, "version"]);
      expect(r.text).not.toContain(CASE);
    }
    const draft = await get(`/api/tab/strat/${otherRef}/record.pdf?version=1`, cookies.other);
    expect([draft.status, draft.body?.field]).toEqual([400, "version"]);
    const view = await get(`/api/tab/strat/${otherRef}`, cookies.other);
    expect(view.body).toMatchObject({ verified: false, versions: [], record: { verifiedAt: null, stratRef: otherRef } });
  });
});

describe("the strat view in a tenant (Teams SSO configured)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      TAB_TENANT_ID: "9f8e7d6c-5b4a-4321-8765-0123456789ab", TAB_CLIENT_ID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      TAB_APP_ID_URI: "api://tab.example.org/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", TAB_JWKS_URL: "http://127.0.0.1:9/keys",
    });
  }, 120_000);
  afterAll(async () => h?.stop());

  it("no sign-in is 401 before the reference is even looked at (a good, a bad and an unknown one alike)", async () => {
    for (const path of ["/api/tab/strat/SD-2026-0001", "/api/tab/strat/not-a-ref", "/api/tab/strat/SD-2026-0001/record.pdf?version=1"]) {
      const r = await fetch(`${h.base}${path}`);
      expect([path, r.status]).toEqual([path, 401]);
      expect(await r.json()).toEqual({ error: expect.stringMatching(/^Sign-in required/) });
    }
  });
});

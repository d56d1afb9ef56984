/**
 * Issue 15 point 3, the dashboard's team chooser, over real HTTP and the harness's store (PGlite; PostgreSQL when
 * DATABASE_URL is set): GET /api/tab/teams lists the distinct teams of the strats the viewer may see (the read model's
 * team, the conversation's thread), each with a name to show (no team name is stored: the id shortened), behind the
 * tab's sign-in and scoped like the dashboard (a chair only the teams of their own strats).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/app/context.js";
import { openStrat } from "../../src/app/open-strat.js";
import { testClock } from "../support/app-context.js";
import { startHarness, type Harness } from "../support/harness.js";

const NOW = "2026-11-30T12:00:00Z";
const referral = {
  receivedAt: "2026-11-30T10:00:00Z",
  concerns: ["standard"],
  children: [{ ref: "C1", dob: "2015-03-01", inHospital: false, inPatient: false, lookedAfter: false, cpPlan: false, school: null }],
  unborn: false, medicalImplications: false, parentalMentalHealth: false, maternalMentalHealth: false, substanceMisuse: false, camhsInvolved: false,
  knownProfessionals: [], referrer: null, missing: null,
};
const TEAM_A = "19:seed-team-1@thread.tacv2";
const TEAM_B = "19:0f9e8d7c6b5a49382716a5b4c3d2e1f0@thread.tacv2";
const CHAIR_1: Actor = { id: "teams-chair-1", name: "Chair one" };
const CHAIR_2: Actor = { id: "teams-chair-2", name: "Chair two" };

describe("the dashboard's team chooser (/api/tab/teams)", () => {
  let h: Harness;
  const get = async (path: string, cookie?: string) => {
    const r = await fetch(`${h.base}${path}`, { headers: cookie ? { cookie } : {} });
    return { status: r.status, body: (await r.json()) as { teams: { id: string; name: string }[] } };
  };
  const signIn = async (role: string, oid: string) => {
    const r = await fetch(`${h.base}/tab/dev-signin?role=${role}&oid=${encodeURIComponent(oid)}`, { redirect: "manual" });
    return r.headers.get("set-cookie")!.split(";")[0]!;
  };

  beforeAll(async () => {
    h = await startHarness({}, testClock(NOW));
    // A channel strat's conversation is `<team thread>;messageid=…`; a personal-chat strat has none (no team).
    const open = (chair: Actor, n: number, conversationId: string | null) =>
      openStrat(h.app.ctx, chair, { caseRef: `LCS-TEAMS-${n}`, profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId });
    await open(CHAIR_1, 1, `${TEAM_A};messageid=1`);
    await open(CHAIR_1, 2, `${TEAM_A};messageid=2`);
    await open(CHAIR_2, 3, `${TEAM_B};messageid=3`);
    await open(CHAIR_2, 4, null);
  }, 120_000);
  afterAll(async () => h?.stop());

  it("a head of service sees every team once, in id order, each named by its id shortened (no team name is stored)", async () => {
    const { status, body } = await get("/api/tab/teams", await signIn("head", "teams-head"));
    expect(status).toBe(200);
    expect(body.teams).toEqual([
      { id: TEAM_B, name: "Team 19:0f9e8d7c6b5a49382…" },
      { id: TEAM_A, name: "Team 19:seed-team-1…" },
    ]);
  });

  it("a chair sees only the teams of the strats they chair; a chair with none, none", async () => {
    expect((await get("/api/tab/teams", await signIn("chair", CHAIR_1.id))).body.teams.map((t) => t.id)).toEqual([TEAM_A]);
    expect((await get("/api/tab/teams", await signIn("chair", CHAIR_2.id))).body.teams.map((t) => t.id)).toEqual([TEAM_B]);
    expect((await get("/api/tab/teams", await signIn("chair", "teams-chair-none"))).body.teams).toEqual([]);
  });

  it("each team's id is the dashboard's team filter: its figures count that team's strats only", async () => {
    const cookie = await signIn("head", "teams-head");
    const r = await fetch(`${h.base}/api/tab/dashboard?from=2026-11-01&to=2026-11-30&team=${encodeURIComponent(TEAM_A)}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { team: string }).team).toBe(TEAM_A);
  });
});

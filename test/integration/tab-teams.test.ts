/**
 * Issue 15 point 3, the dashboard's team chooser, over real HTTP and the harness's store (PGlite; PostgreSQL when
 * DATABASE_URL is set): GET /api/tab/teams lists the distinct teams of the strats the viewer may see (the read model's
 * team, the conversation's thread), each with a name to show (the name Teams sent the bot, migration 017; else the id
 * shortened), behind the tab's sign-in and scoped like the dashboard (a chair only the teams of their own strats). The
 * names come through the real bot endpoint (CloudAdapter over HTTP): the activities Teams sends when the bot is added to
 * a team (conversationUpdate, eventType teamMemberAdded), when the team is renamed (teamRenamed), and channel messages.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/app/context.js";
import { openStrat } from "../../src/app/open-strat.js";
import { testClock } from "../support/app-context.js";
import { activity, startHarness, type Harness } from "../support/harness.js";

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

  it("a head of service sees every team once, by name, each named by its id shortened while Teams has sent no name", async () => {
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

  /** A conversationUpdate as Teams sends it in a team's General channel (learn.microsoft.com, conversation events). */
  const teamEvent = (teamId: string, eventType: string, team: Record<string, unknown>, over: Record<string, unknown> = {}) =>
    activity({
      type: "conversationUpdate",
      conversation: { id: teamId, conversationType: "channel", isGroup: true, tenantId: "tenant-1" },
      channelData: { eventType, team: { id: teamId, ...team }, tenant: { id: "tenant-1" } },
      ...over,
    }, h.serviceUrl);

  it("the bot added to a team stores its name; a rename replaces it; the chooser answers the new name (scope kept)", async () => {
    const added = await h.post(teamEvent(TEAM_A, "teamMemberAdded", { name: "  Safeguarding\nNorth  ", aadGroupId: "group-a" }, {
      membersAdded: [{ id: "28:bot" }],
    }));
    expect(added.status).toBe(200);
    const head = await signIn("head", "teams-head");
    expect((await get("/api/tab/teams", head)).body.teams).toEqual([
      { id: TEAM_A, name: "Safeguarding North" }, // trimmed, one line
      { id: TEAM_B, name: "Team 19:0f9e8d7c6b5a49382…" },
    ]);
    expect((await h.post(teamEvent(TEAM_A, "teamRenamed", { name: "Children's Social Care — North" }))).status).toBe(200);
    expect((await get("/api/tab/teams", head)).body.teams).toEqual([
      { id: TEAM_A, name: "Children's Social Care — North" },
      { id: TEAM_B, name: "Team 19:0f9e8d7c6b5a49382…" },
    ]);
    // A chair still sees only their strats' teams, now by name.
    expect((await get("/api/tab/teams", await signIn("chair", CHAIR_2.id))).body.teams).toEqual([{ id: TEAM_B, name: "Team 19:0f9e8d7c6b5a49382…" }]);
    const rows = await h.app.db.query<{ team_id: string; name: string }>("SELECT team_id, name FROM team_names ORDER BY team_id");
    expect(rows).toEqual([{ team_id: TEAM_A, name: "Children's Social Care — North" }]); // the id and the name, nothing else
  });

  it("a missing, empty or non-text name changes nothing; a long name is cut; nothing is answered amiss", async () => {
    for (const team of [{}, { name: "   " }, { name: 42 }, { name: null }]) {
      expect((await h.post(teamEvent(TEAM_A, "teamRenamed", team))).status).toBe(200);
    }
    const head = await signIn("head", "teams-head");
    expect((await get("/api/tab/teams", head)).body.teams.find((t) => t.id === TEAM_A)?.name).toBe("Children's Social Care — North");
    await h.post(teamEvent("19:long@thread.tacv2", "teamRenamed", { name: "x".repeat(1000) }));
    const [long] = await h.app.db.query<{ n: number }>("SELECT length(name) AS n FROM team_names WHERE team_id = '19:long@thread.tacv2'");
    expect(long!.n).toBe(256);
  });

  it("a channel message carrying the team's name names a strat opened in another channel of that team", async () => {
    // A strat's team is its channel's thread; the channel's conversation reference (kept on a message) says its team.
    const CHANNEL = "19:other-channel@thread.tacv2";
    const TEAM_C = "19:team-c-general@thread.tacv2";
    await openStrat(h.app.ctx, CHAIR_1, { caseRef: "LCS-TEAMS-5", profileId: "bromley-2023", referral, requestId: randomUUID(), conversationId: `${CHANNEL};messageid=5` });
    const head = await signIn("head", "teams-head");
    expect((await get("/api/tab/teams", head)).body.teams.find((t) => t.id === CHANNEL)?.name).toBe("Team 19:other-channel…");
    const r = await h.post(activity({
      text: "help",
      conversation: { id: `${CHANNEL};messageid=5`, conversationType: "channel", isGroup: true, tenantId: "tenant-1" },
      channelData: { team: { id: TEAM_C, name: "Early Help East" }, channel: { id: CHANNEL }, tenant: { id: "tenant-1" } },
    }, h.serviceUrl));
    expect(r.status).toBe(200);
    expect((await get("/api/tab/teams", head)).body.teams.find((t) => t.id === CHANNEL)?.name).toBe("Early Help East");
    // A rename of that team reaches the channel's strats too.
    await h.post(teamEvent(TEAM_C, "teamRenamed", { name: "Early Help (East)" }));
    expect((await get("/api/tab/teams", head)).body.teams.find((t) => t.id === CHANNEL)?.name).toBe("Early Help (East)");
  });

  it("the list's CSV keeps each strat's team id and adds its name (empty while Teams has sent none)", async () => {
    const r = await fetch(`${h.base}/api/tab/list.csv?status=&q=LCS-TEAMS-`, { headers: { cookie: await signIn("head", "teams-head") } });
    expect(r.status).toBe(200);
    const [header, ...lines] = (await r.text()).split("\r\n").filter(Boolean).map((l) => l.split(","));
    const [ref, team, name] = ["case_ref", "team", "team_name"].map((c) => header!.indexOf(c));
    expect(name).toBe(team! + 1);
    const byCase = Object.fromEntries(lines.map((l) => [l[ref!], [l[team!], l[name!]]]));
    expect(byCase).toEqual({
      "LCS-TEAMS-1": [TEAM_A, "Children's Social Care — North"], "LCS-TEAMS-2": [TEAM_A, "Children's Social Care — North"],
      "LCS-TEAMS-3": [TEAM_B, ""], "LCS-TEAMS-4": ["", ""], "LCS-TEAMS-5": ["19:other-channel@thread.tacv2", "Early Help (East)"],
    });
  });

  it("each team's id is the dashboard's team filter: its figures count that team's strats only", async () => {
    const cookie = await signIn("head", "teams-head");
    const r = await fetch(`${h.base}/api/tab/dashboard?from=2026-11-01&to=2026-11-30&team=${encodeURIComponent(TEAM_A)}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { team: string }).team).toBe(TEAM_A);
  });
});

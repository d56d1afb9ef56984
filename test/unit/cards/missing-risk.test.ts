import { describe, expect, it } from "vitest";
import { createCardRenderer } from "../../../bot/cards/render-card.js";
import { missingCard, type EpisodeRisk } from "../../../bot/views/missing-risk.js";
import { loadConfig } from "../../../src/config.js";
import type { MissingEpisode } from "../../../src/domain/missing/episode.js";
import { scoreVersion } from "../../../src/domain/missing/risk-versions.js";
import { RISK_ITEMS } from "../../../src/domain/protocol/index.js";
import { fullStrat } from "../../support/full-strat.js";

/** M-RAG per episode (issue 14 point 2): the risk card's version line, history, sign-off, coordinator and Convene. */
describe("the risk card per child per episode", () => {
  const s = fullStrat();
  const at = new Date("2026-11-20T18:00:00Z");
  const episode = {
    id: "0b6f7f4e-0000-4000-8000-000000000009", caseRef: s.caseRef, childRef: "C1", profileId: "bromley-2023", reportedAt: at, reportedBy: "Sam",
    lookedAfter: true, onPlan: false, particularConcerns: false, returned: null, rhi: null, parentsTold: null, stratIds: [s.id], version: 4, createdAt: at, updatedAt: at,
  } satisfies MissingEpisode;
  const v1 = scoreVersion(episode.id, null, { "vulnerability.1": 3, "vulnerability.2": 2 }, "Sam Chair", at);
  const v2 = scoreVersion(episode.id, v1, { "vulnerability.1": 3 }, "Sam Chair", at);
  const v3 = scoreVersion(episode.id, v2, { "vulnerability.2": 2, "vulnerability.3": 2, "vulnerability.4": 2 }, "Alex", at);
  const render = (r: Partial<EpisodeRisk>) => JSON.stringify(missingCard(s, createCardRenderer(), {}, {
    episode: { episode, versions: [v1, v2, v3], convene: null, coordinator: null, ...r },
  }));

  it("shows the latest as 'version 3 of 3 · changed: 4 items' with the earlier versions listed, newest first", () => {
    const text = render({});
    expect(text).toContain("For child C1: version 3 of 3 · changed: 4 items · by Alex");
    expect(text.indexOf("Version 2: score 3 (BLUE)")).toBeLessThan(text.indexOf("Version 1: score 5 (BLUE)"));
    expect(text).toContain("Team manager's sign-off");
    expect(text).not.toContain("missingConvene");
  });

  it("lists the ten latest earlier versions and counts the rest: 60 versions with all 69 items stay under 28 KB", () => {
    const all = Object.fromEntries(RISK_ITEMS.map((i) => [i.id, Math.max(...i.allowed)]));
    const versions = [v1];
    for (let n = 1; n < 60; n++) versions.push(scoreVersion(episode.id, versions.at(-1)!, n % 2 ? all : {}, "Sam Chair", at));
    const card = JSON.stringify(missingCard(s, createCardRenderer(), Object.fromEntries(Object.entries(all).map(([k, v]) => [k, String(v)])), {
      episode: { episode, versions, convene: { due: at, rule: "T-MIS" }, coordinator: null },
    }));
    expect(card).toContain("Version 50:");
    expect(card).not.toContain("Version 49:");
    expect(card).toContain("… and 49 earlier versions (kept; not shown on this card)");
    expect(Buffer.byteLength(card)).toBeLessThan(28 * 1024);
  });

  it("a profile naming no coordinator address: the card says so", () => {
    expect(render({})).toContain("no address configured");
    expect(render({ coordinator: { name: "Missing/Gang Coordinator (Atlas Team)", address: "atlas@bromley.invalid" } })).toContain("atlas@bromley.invalid");
  });

  it("MANAGER_IDS: comma-separated, blanks dropped; none → no one", () => {
    expect(loadConfig({ MANAGER_IDS: " aad-1, ,Pat Manager " } as NodeJS.ProcessEnv, "").MANAGER_IDS).toEqual(["aad-1", "Pat Manager"]);
    expect(loadConfig({} as NodeJS.ProcessEnv, "").MANAGER_IDS).toEqual([]);
  });
});

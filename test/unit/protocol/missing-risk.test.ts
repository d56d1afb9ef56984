import { describe, expect, it } from "vitest";
import { RISK_ITEMS, scoreMissingRisk } from "../../../src/domain/protocol/index.js";

describe("M-RAG missing risk tool (bromley-missing-2020 Appendix 4)", () => {
  it("has 69 items in 8 sections with stable ids; 2/3 items allow 0, 2, 3", () => {
    expect(RISK_ITEMS).toHaveLength(69);
    const counts: Record<string, number> = {};
    for (const i of RISK_ITEMS) counts[i.section] = (counts[i.section] ?? 0) + 1;
    expect(counts).toEqual({ vulnerability: 12, "risk-factors": 12, push: 7, personal: 10, school: 4, "care-home": 5, trafficking: 3, pull: 16 });
    expect(RISK_ITEMS.filter((i) => i.weight === "2/3").map((i) => i.id)).toEqual(["risk-factors.1", "risk-factors.8", "risk-factors.9", "risk-factors.10", "risk-factors.11", "risk-factors.12"]);
    expect(RISK_ITEMS.find((i) => i.id === "vulnerability.1")).toMatchObject({ text: "Under the age of 14", allowed: [0, 3] });
  });
  it.each([
    [{}, 0, "blue"],
    [{ "vulnerability.1": 3, "vulnerability.2": 2, "vulnerability.3": 2, "vulnerability.4": 2 }, 9, "blue"],
    [{ "vulnerability.1": 3, "vulnerability.2": 2, "vulnerability.3": 2, "vulnerability.4": 2, "vulnerability.6": 1 }, 10, "green"],
  ] as const)("score %j → %i %s", (a, s, band) => {
    const r = scoreMissingRisk(a as Record<string, number>);
    expect(r.score).toBe(s);
    expect(r.band).toBe(band);
  });
  it("band edges: 29 green, 30 amber, 50 amber, 51 red; amber/red convene", () => {
    const all = Object.fromEntries(RISK_ITEMS.map((i) => [i.id, Math.max(...i.allowed)]));
    const max = scoreMissingRisk(all);
    expect(max.band).toBe("red");
    expect(max.convene).toBe(true);
    expect(max.sections.trafficking).toBe(9);
    // Build exact totals from 1-point items and 3-point items.
    const ones = RISK_ITEMS.filter((i) => i.allowed.length === 2 && i.allowed[1] === 1).map((i) => i.id);
    const threes = RISK_ITEMS.filter((i) => i.allowed.length === 2 && i.allowed[1] === 3).map((i) => i.id);
    const make = (n3: number, n1: number) => Object.fromEntries([...threes.slice(0, n3).map((id) => [id, 3]), ...ones.slice(0, n1).map((id) => [id, 1])]);
    expect(scoreMissingRisk(make(9, 2)).band).toBe("green"); // 29
    expect(scoreMissingRisk(make(10, 0)).band).toBe("amber"); // 30
    expect(scoreMissingRisk(make(10, 20)).band).toBe("amber"); // 50
    const r51 = scoreMissingRisk(make(10, 21));
    expect(r51.score).toBe(51);
    expect(r51.band).toBe("red");
    expect(scoreMissingRisk(make(0, 10)).outcome).toMatch(/preventative/);
  });
  it("rejects unknown ids and disallowed scores, naming the item", () => {
    expect(() => scoreMissingRisk({ "nope.1": 1 })).toThrow(/nope\.1/);
    expect(() => scoreMissingRisk({ "risk-factors.1": 1 })).toThrow(/risk-factors\.1.*0, 2, 3/);
    expect(() => scoreMissingRisk({ "vulnerability.2": 3 })).toThrow(/vulnerability\.2/);
  });
});

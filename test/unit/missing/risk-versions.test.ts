import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/domain/errors.js";
import { changedItems, offersConvene, scoreVersion, signOffVersion } from "../../../src/domain/missing/risk-versions.js";
import { RISK_ITEMS } from "../../../src/domain/protocol/index.js";

/** Answers that add up to exactly `target` (largest weights first; the 1-point items fill the rest). */
function answersFor(target: number): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  for (const i of [...RISK_ITEMS].sort((a, b) => Math.max(...b.allowed) - Math.max(...a.allowed))) {
    const w = Math.max(...i.allowed);
    if (sum + w <= target) {
      out[i.id] = w;
      sum += w;
    }
  }
  expect(sum).toBe(target);
  return out;
}

const at = new Date("2026-11-23T10:00:00Z");
const refused = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("not refused");
};

describe("M-RAG per episode: versions and the team manager's sign-off (issue 14 point 2)", () => {
  it.each([[9, "blue", false], [10, "green", false], [29, "green", false], [30, "amber", true], [50, "amber", true], [51, "red", true]] as const)(
    "band edge: score %i → %s (convene offered: %s)", (score, band, convene) => {
      const v = scoreVersion("e1", null, answersFor(score), "Sam", at);
      expect([v.score, v.band, offersConvene(v.band)]).toEqual([score, band, convene]);
    });

  it("a re-score is the next version and lists the items changed since the previous one (0 = not answered)", () => {
    const v1 = scoreVersion("e1", null, { "vulnerability.1": 3, "vulnerability.2": 2, "pull.1": 0 }, "Sam", at);
    expect(v1).toMatchObject({ version: 1, score: 5, changed: ["vulnerability.1", "vulnerability.2"], signOff: null });
    const v2 = scoreVersion("e1", v1, { "vulnerability.1": 3, "risk-factors.1": 2, "vulnerability.2": 0 }, "Alex", at);
    expect(v2).toMatchObject({ version: 2, score: 5, by: "Alex", changed: ["vulnerability.2", "risk-factors.1"] });
    expect(changedItems(v2.answers, v2.answers)).toEqual([]);
  });

  it("a score outside an item's allowed values names the item (its words and id)", () => {
    const e = refused(() => scoreVersion("e1", null, { "risk-factors.1": 1 }, "Sam", at));
    expect(e.field).toBe("answers.risk-factors.1");
    expect(e.userMessage).toMatch(/item risk-factors\.1.*one of 0, 2, 3.*Nothing was saved/);
  });

  it("sign-off: only a manager (field signOff); one of the form's four outcomes; comments required; once per version", () => {
    const v = scoreVersion("e1", null, answersFor(30), "Sam", at);
    const who = (isManager: boolean) => ({ id: "u1", name: "Pat Manager", isManager });
    expect(refused(() => signOffVersion(v, { outcome: "convene", comments: "Agree" }, who(false), at))).toMatchObject({ code: "forbidden", field: "signOff" });
    expect(refused(() => signOffVersion(v, { outcome: "maybe", comments: "Agree" }, who(true), at)).field).toBe("signOffOutcome");
    expect(refused(() => signOffVersion(v, { outcome: "convene", comments: "  " }, who(true), at)).field).toBe("signOffComments");
    const signed = signOffVersion(v, { outcome: "convene", comments: " Agree: convene. " }, who(true), at);
    expect(signed.signOff).toEqual({ by: "u1", byName: "Pat Manager", at, outcome: "convene", comments: "Agree: convene." });
    expect(refused(() => signOffVersion(signed, { outcome: "convene", comments: "Again" }, who(true), at)).field).toBe("signOff");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";

/**
 * Issue 12 point 4, over the bot's HTTP endpoint with real botbuilder and the harness's store: decisions follow the
 * profile (T-ICPC: bristol-2024 2.5, an ICPC is not decided at the strat) and the chair's required seniority
 * (T-CX bedford / bristol-2024, T-MHOS bromley-2023 Appendix 5) is shown and recorded.
 */
describe("decisions and chair seniority follow the profile", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(JSON.stringify(card)).not.toContain("${");
    return card;
  };
  const { say, sayCard, pressCard } = cardChat(() => h, check);
  const stored = async (ref: string) => (await h.app.ctx.strats.findByRef(ref))!;
  const open = async (caseRef: string, profile: string, concerns: string, extra: Record<string, string> = {}) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile, concerns,
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-06-01", ...extra,
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    return { ref, opened };
  };
  const icpcInput = (card: any) => (card.body as any[]).find((b) => b.id === "icpc");

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  it("T-CX seniority: bedford complex → Head of Service; bristol complex → Deputy Service Manager or above; shown on the opened card and status, and recorded", async () => {
    const bedford = await open("LCS-77001", "bedford", "complex");
    expect(text(bedford.opened)).toContain("Head of Service");
    expect((await stored(bedford.ref)).state.chairSeniority).toMatchObject({ required: "Head of Service", rules: ["T-CX"] });
    const bristol = await open("LCS-77002", "bristol-2024", "complex");
    expect(text(bristol.opened)).toContain("Deputy Service Manager or above");
    expect(text(await sayCard(`status ${bristol.ref}`))).toContain("Deputy Service Manager or above");
    expect((await stored(bristol.ref)).state.chairSeniority!.required).toMatch(/^Deputy Service Manager or above/);
  });

  it("T-MHOS seniority: a child missing more than 7 days when the strat opens → CSC Head of Service (bromley-2023 Appendix 5)", async () => {
    const { ref, opened } = await open("LCS-77003", "bromley-2023", "missing", { missingDate: "2026-11-15", missingTime: "09:00", missingConcerns: "false" });
    expect(text(opened)).toContain("CSC Head of Service");
    expect(text(opened)).toMatch(/missing for more than 7 days/);
    expect((await stored(ref)).state.chairSeniority).toMatchObject({ required: "CSC Head of Service", rules: ["T-MHOS"] });
  });

  it("T-ICPC bristol-2024 2.5: the decisions card says a Bristol strat does not decide an ICPC and offers the manager's decision; an ICPC decision comes back naming the field, nothing saved", async () => {
    const { ref } = await open("LCS-77004", "bristol-2024", "standard");
    const card = await sayCard(`decide ${ref}`);
    expect(text(card)).toMatch(/not decided at the strategy discussion/i);
    expect(icpcInput(card).choices.map((c: { value: string }) => c.value)).toEqual(["manager-decides"]);
    const refused = await pressCard("decide", {
      ...findAction(card, "decide").data, s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable",
    });
    expect(refused.body[0].text).toMatch(/^Decisions/);
    expect(text(refused)).toMatch(/Initial child protection conference/);
    expect(text(refused)).toMatch(/manager decides after the section 47 enquiry/);
    expect((await stored(ref)).state.decisions).toBeNull();
    const saved = await pressCard("decide", {
      ...findAction(card, "decide").data, s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "manager-decides", lado: "not-applicable",
    });
    expect(text(saved)).toContain("Decisions recorded");
    expect((await stored(ref)).state.decisions!.icpc).toBe("manager-decides");
  });

  it("T-ICPC bromley-2023: the strat decides the ICPC (yes / no / manager decides)", async () => {
    const { ref } = await open("LCS-77005", "bromley-2023", "standard");
    const card = await sayCard(`decide ${ref}`);
    expect(icpcInput(card).choices.map((c: { value: string }) => c.value)).toEqual(["yes", "no", "manager-decides"]);
    await pressCard("decide", { ...findAction(card, "decide").data, s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable" });
    expect((await stored(ref)).state.decisions!.icpc).toBe("yes");
  });
});

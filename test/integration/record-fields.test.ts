import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { executeActions, fillRecord, fillRecordSection, openButton } from "../support/fill-record.js";

/**
 * Issue 12 point 6 over the bot's HTTP endpoint (real botbuilder, the harness's store): the record's fields each
 * profile names (R-REC), one card per section under 28 KB, saved and shown; close refused naming a missing required
 * field (R-REC) and the analysis of risk (R-RISK); Bedford's risk prompts and Bristol's complex checklist are theirs only.
 */
describe("the record's fields the protocols name", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(text(card)).not.toContain("${");
    expect(Buffer.byteLength(text(card))).toBeLessThan(28 * 1024);
    return card;
  };
  const chat = cardChat(() => h, check);
  const { say, sayCard, pressCard } = chat;
  const stored = async (ref: string) => (await h.app.ctx.strats.findByRef(ref))!;
  const open = async (caseRef: string, profile: string, concerns = "standard") => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile, concerns,
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2015-06-01",
    });
    return /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
  };
  const sections = (index: unknown) => executeActions(index).filter((a) => a.verb === "recordSection").map((a) => a.data.section);

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  it("fill a section and save: the index marks it done and the status card no longer lists it; the values are stored with who and when", async () => {
    const ref = await open("LCS-66001", "bromley-2023");
    const index = await sayCard(`record ${ref}`);
    expect(text(index)).toMatch(/Missing \(required to close\): Reason for the strategy discussion/);
    expect(text(await sayCard(`status ${ref}`))).toContain("Reason for the strategy discussion is not recorded (type record).");
    const { card, saved } = await fillRecordSection(chat, ref, "reason", { reason: "Bruising reported by the school." });
    expect(card.body[0].text).toMatch(/^Record: Reason for the strategy discussion/);
    expect(text(saved)).toContain("Reason for the strategy discussion: saved.");
    const reasonRow = saved.body.find((b: any) => b.type === "Container" && text(b).includes("Reason for the strategy discussion"));
    expect(text(reasonRow)).toContain("Done");
    expect((await stored(ref)).state.recordFields.reason).toMatchObject({ value: "Bruising reported by the school.", at: "2026-11-23T10:30:00.000Z" });
    expect(text(await sayCard(`status ${ref}`))).not.toContain("Reason for the strategy discussion is not recorded");
  });

  it("bad input: separate calls without the rationale comes back on the same card naming the field; nothing saved", async () => {
    const ref = await open("LCS-66002", "bristol-2024");
    const { saved: refused } = await fillRecordSection(chat, ref, "mode", { mode: "separate-calls", modeRationale: "" });
    expect(refused.body[0].text).toMatch(/^Record: How the discussion is held/);
    expect(text(refused)).toContain("Why not all together: this protocol requires it; fill it in.");
    expect(text(refused)).toContain("Nothing was saved");
    expect((await stored(ref)).state.recordFields).toEqual({});
    const wrong = await pressCard("recordFields", { ...findAction(refused, "recordFields").data, mode: "carrier-pigeon" });
    expect(text(wrong)).toContain("How the discussion is held: choose one of the options.");
    expect((await stored(ref)).state.recordFields).toEqual({});
  });

  it("close is refused naming the missing required fields and the analysis of risk; filled in, it closes", async () => {
    const ref = await open("LCS-66003", "bedford");
    await pressCard("attendance", { ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: "", inquorateReason: "No one came" });
    const decide = findAction(await sayCard(`decide ${ref}`), "decide").data;
    await pressCard("decide", { ...decide, s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable" });
    await say(`plan ${ref} Child stays with the grandmother; no contact with the father.`);
    const refused = await sayCard(`close ${ref}`);
    expect(text(refused)).toContain("The analysis of risk is not recorded (type decide).");
    expect(text(refused)).toContain("Reason for the strategy discussion is not recorded (type record).");
    expect(text(refused)).toContain("Referral to MARAC or MAPPA is not recorded (type record).");
    expect(refused.actions).toBeUndefined();
    await pressCard("decide", {
      ...findAction(await sayCard(`decide ${ref}`), "decide").data, s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable",
      riskAnalysis: "High risk until the child is seen alone.",
    });
    await fillRecord(chat, ref, { reason: { reason: "Disclosure at school." }, mode: { mode: "in-person" }, "bedford-prompts": { maracMappa: "neither" } });
    const closed = await pressCard("close", findAction(await sayCard(`close ${ref}`), "close").data);
    expect(text(closed)).toMatch(/is closed: the record is verified/);
    expect((await stored(ref)).status).toBe("closed");
  });

  it("Bedford shows its risk assessment prompts and Bromley does not; Bristol's complex checklist only for complex concerns", async () => {
    const bedford = await sayCard(`record ${await open("LCS-66004", "bedford")}`);
    expect(sections(bedford)).toContain("bedford-prompts");
    const bromley = await sayCard(`record ${await open("LCS-66005", "bromley-2023")}`);
    expect(sections(bromley)).not.toContain("bedford-prompts");
    expect(text(bromley)).not.toMatch(/DASH|MARAC/);
    const prompts = await pressCard("recordSection", openButton(bedford, "bedford-prompts").data);
    expect(text(prompts)).toMatch(/DASH, CSE/);
    expect(text(prompts)).toMatch(/MARAC or MAPPA/);
    expect(sections(await sayCard(`record ${await open("LCS-66006", "bristol-2024")}`))).not.toContain("complex-checklist");
    const complex = await sayCard(`record ${await open("LCS-66007", "bristol-2024", "complex")}`);
    expect(sections(complex)).toContain("complex-checklist");
    expect(text(await pressCard("recordSection", openButton(complex, "complex-checklist").data))).toMatch(/National Referral Mechanism/);
  });

  it("no section 47 offers support through other agencies and Youth Justice; an action is immediate or longer-term, shown on its card", async () => {
    const ref = await open("LCS-66008", "bromley-2023");
    const dec = await sayCard(`decide ${ref}`);
    const outcomes = dec.body.find((b: any) => b.id === "noS47Outcome").choices.map((c: { value: string }) => c.value);
    expect(outcomes).toEqual(expect.arrayContaining(["other-agencies", "youth-justice"]));
    await pressCard("decide", { ...findAction(dec, "decide").data, s47: "no", noS47Outcome: "youth-justice", sharedWithFamily: "yes", lado: "not-applicable" });
    expect((await stored(ref)).state.decisions!.noS47Outcome).toBe("youth-justice");
    const form = await sayCard(`action ${ref}`);
    expect(form.body.find((b: any) => b.id === "term").choices.map((c: { value: string }) => c.value)).toEqual(["immediate", "longer-term"]);
    const added = await pressCard("actionAdd", {
      ...findAction(form, "actionAdd").data, ownerName: "YOT worker", agency: "Youth Justice", what: "Offer a mentor", byDate: "2026-12-18", byTime: "12:00",
      purpose: "Support without s47", term: "longer-term",
    });
    expect(text(added)).toContain("Longer-term");
    expect((await stored(ref)).state.actions[0]!.term).toBe("longer-term");
    const bad = await pressCard("actionAdd", { ...findAction(await sayCard(`action ${ref}`), "actionAdd").data, ownerName: "A", agency: "B", what: "C", byDate: "2026-12-18", byTime: "12:00", purpose: "D", term: "someday" });
    expect(text(bad)).toMatch(/term/i);
    expect((await stored(ref)).state.actions).toHaveLength(1);
  });

  it("the save press uses the stale-card and repeated-press machinery: an old section card is refused with both sides; the same press twice saves once", async () => {
    const ref = await open("LCS-66009", "bromley-2023");
    const index = await sayCard(`record ${ref}`);
    const oldCard = await pressCard("recordSection", openButton(index, "reason").data);
    const first = await fillRecordSection(chat, ref, "reason", { reason: "Newer reason: disclosure at school." });
    const again = await pressCard("recordFields", { ...findAction(first.card, "recordFields").data, reason: "Newer reason: disclosure at school." });
    expect(text(again)).toContain("already saved (the same press arrived twice)");
    const refused = await pressCard("recordFields", { ...findAction(oldCard, "recordFields").data, reason: "Older reason typed on the first card." });
    expect(text(refused)).toMatch(/This card is out of date/);
    expect(text(refused)).toContain("Newer reason: disclosure at school.");
    expect((await stored(ref)).state.recordFields.reason!.value).toBe("Newer reason: disclosure at school.");
    const mine = executeActions(refused).find((a) => a.data.choice === "mine");
    expect(mine.data.section).toBe("reason");
    const chosen = await pressCard("recordFields", { ...mine.data, reason: "Older reason typed on the first card." });
    expect(text(chosen)).toContain("Reason for the strategy discussion: saved.");
    expect((await stored(ref)).state.recordFields.reason!.value).toBe("Older reason typed on the first card.");
  });
});

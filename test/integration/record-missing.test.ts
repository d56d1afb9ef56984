import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractText, getDocumentProxy } from "unpdf";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";
import { executeActions, fillRecordSection, openButton } from "../support/fill-record.js";
import { stratRecord } from "../../src/app/strat-record.js";
import { renderRecordPdf } from "../../src/infra/record/pdf.js";

/**
 * Issue 14 point 6 over the bot's HTTP endpoint (real botbuilder, the harness's store): the missing section of the
 * record (R-REC, bromley-missing-2020 Appendix 4 and §9.1) is offered only on a strat with the missing concern, round
 * trips to the record JSON and PDF, and what the profile requires to close (the summary of concerns, Appendix 4; the
 * national missing persons desk considered, §9.1) blocks close naming the field. Free text stays out of the logs.
 */
describe("the missing section of the record (bromley-missing-2020)", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const text = (c: unknown) => JSON.stringify(c);
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(Buffer.byteLength(text(card))).toBeLessThan(28 * 1024);
    return card;
  };
  const chat = cardChat(() => h, check);
  const { sayCard, pressCard } = chat;
  const open = async (caseRef: string, concerns: string) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns,
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2012-06-01", child1Flags: "lookedAfter",
      ...(concerns === "missing" ? { missingDate: "2026-11-22", missingTime: "20:00", missingConcerns: "false" } : {}),
    });
    return /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
  };
  const sections = (index: unknown) => executeActions(index).filter((a) => a.verb === "recordSection").map((a) => a.data.section);

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  it("not offered on a strat without the missing concern; a save to it is refused naming the section", async () => {
    const ref = await open("LCS-67001", "standard");
    const index = await sayCard(`record ${ref}`);
    expect(sections(index)).not.toContain("missing");
    const reason = await pressCard("recordSection", openButton(index, "reason").data);
    const refused = await pressCard("recordFields", { ...findAction(reason, "recordFields").data, section: "missing", missingSummary: "x" });
    expect(text(refused)).not.toContain("Summary of concerns: saved");
    expect((await h.app.ctx.strats.findByRef(ref))!.state.recordFields).toEqual({});
  });

  it("a missing strat: required fields block close naming them; filled in, they round trip to the record JSON and PDF and never reach the logs", async () => {
    const ref = await open("LCS-67002", "missing");
    const index = await sayCard(`record ${ref}`);
    expect(sections(index)).toContain("missing");
    expect(text(index)).toContain("Missing (required to close): Summary of concerns; National missing persons desk consulted");
    const before = await sayCard(`close ${ref}`);
    expect(text(before)).toContain("Summary of concerns is not recorded (type record).");
    expect(text(before)).toContain("National missing persons desk consulted is not recorded (type record).");

    const section = await pressCard("recordSection", openButton(index, "missing").data);
    const models = [...text(section).matchAll(/"value":"(inappropriate-relationship|peer-gang-exploitation|organised-exploitation)"/g)].map((m) => m[1]);
    expect(models).toEqual(["inappropriate-relationship", "peer-gang-exploitation", "organised-exploitation"]);
    const wrong = await pressCard("recordFields", { ...findAction(section, "recordFields").data, missingSummary: "Seen with older men", nationalDeskConsulted: "perhaps" });
    expect(text(wrong)).toContain("National missing persons desk consulted: choose one of the options.");
    expect((await h.app.ctx.strats.findByRef(ref))!.state.recordFields).toEqual({});

    const values = {
      missingModel: "peer-gang-exploitation", missingSummary: "Seen with older youths near the Glades car park",
      missingPlaces: "Flat above the chip shop, Orchard Road", nrmReferral: "yes", nrmReferralDate: "2026-11-23",
      megaReferral: "no", megaReferralDate: "", triggerPlan: "Call the police if not home by 21:00", mediaStrategy: "No publicity for now",
      nationalDeskConsulted: "yes",
    };
    const { saved } = await fillRecordSection(chat, ref, "missing", values);
    expect(text(saved)).toContain("Missing from home or care: saved.");
    const after = await sayCard(`close ${ref}`);
    expect(text(after)).not.toContain("Summary of concerns is not recorded");
    expect(text(after)).not.toContain("National missing persons desk consulted is not recorded");

    const record = await stratRecord(h.app.ctx, ref);
    const fields = Object.fromEntries(record.profileFields.filter((f) => f.section === "missing").map((f) => [f.id, f.value]));
    expect(fields).toEqual({
      missingModel: "Peer gang exploitation", missingSummary: values.missingSummary, missingPlaces: values.missingPlaces,
      nrmReferral: "yes", nrmReferralDate: "2026-11-23", megaReferral: "no", triggerPlan: values.triggerPlan,
      mediaStrategy: values.mediaStrategy, nationalDeskConsulted: "yes",
    });
    const doc = await getDocumentProxy(new Uint8Array(await renderRecordPdf(record)));
    const { text: pdf } = await extractText(doc, { mergePages: true });
    const flat = pdf.replace(/\s+/g, " ");
    expect(flat).toContain("Missing from home or care");
    expect(flat).toContain("Possible model of missing: Peer gang exploitation");
    expect(flat).toContain("National missing persons desk consulted: yes");
    expect(flat).toContain("Glades car park");
    const logs = h.logs.join("\n");
    expect(logs).not.toContain("Glades car park");
    expect(logs).not.toContain("Orchard Road");
  });
});

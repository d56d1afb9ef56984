/** Each card verb's data is parsed by its own schema; a wrong or missing field is named (bot/actions/card-data.ts). */
import { describe, expect, it } from "vitest";
import {
  keepsLatest, parseCardData, pressKey, ZActionAddData, ZActionProgressData, ZAmendData, ZAttendanceData, ZCloseData, ZDecideData, ZDissentAddData, ZDissentProgressData,
  ZInvitationViewData, ZInviteeAddData, ZInviteeRemoveData, ZInviteesSendData, ZMissingScoreData, ZPlanData, ZRespondData, ZScheduleData,
} from "../../../bot/actions/card-data.js";

const strat = { stratId: "6a7839a5-3436-4d2e-9c31-a981fcf0905c", version: "3" };

/** verb → [schema, valid data, field to break, how (undefined = leave it out)]. */
const cases = {
  inviteeAdd: [ZInviteeAddData, { ...strat, addEmail: "police@example.org", addName: "MASH police", addAgency: "Police" }, "addEmail", "not-an-email"],
  inviteeAdd_missing: [ZInviteeAddData, { ...strat, addEmail: "police@example.org", addName: "MASH police", addAgency: "Police" }, "addAgency", undefined],
  inviteeRemove: [ZInviteeRemoveData, { ...strat, removeId: "i1", removeReason: "" }, "removeId", ""],
  inviteesSend: [ZInviteesSendData, { ...strat }, "stratId", undefined],
  respond: [ZRespondData, { stratId: strat.stratId, inviteeId: "i1", kind: "accepted" }, "kind", "maybe"],
  respond_missing: [ZRespondData, { stratId: strat.stratId, inviteeId: "i1", kind: "accepted" }, "inviteeId", undefined],
  invitationView: [ZInvitationViewData, { stratId: strat.stratId, inviteeId: "i1" }, "inviteeId", undefined],
  schedule: [ZScheduleData, { ...strat, slot: "other", date: "2026-11-25", time: "10:00", minutes: "60" }, "minutes", "600"],
  schedule_missing: [ZScheduleData, { ...strat, slot: "other", date: "2026-11-25", time: "10:00" }, "date", undefined],
  attendance: [ZAttendanceData, { ...strat, attended: "i1,i2" }, "version", "three"],
  decide: [ZDecideData, { ...strat, s47: "initiate", sharedWithFamily: "yes", enquiry: "joint" }, "s47", undefined],
  decide_wrong: [ZDecideData, { ...strat, s47: "initiate", sharedWithFamily: "yes", enquiry: "joint" }, "enquiry", "both"],
  plan: [ZPlanData, { ...strat, plan: "Stays with grandmother." }, "plan", 42],
  actionAdd: [ZActionAddData, { ...strat, ownerName: "PC Lee", agency: "Police", what: "visit", byDate: "2026-11-27", byTime: "12:00", purpose: "see the DSL" }, "purpose", undefined],
  actionDone: [ZActionProgressData, { ...strat, actionId: "a1" }, "actionId", undefined],
  dissentAdd: [ZDissentAddData, { ...strat, decision: "single enquiry", reason: "police should lead" }, "decision", ""],
  dissentResolve: [ZDissentProgressData, { ...strat, dissentId: "d1", outcome: "agreed" }, "dissentId", undefined],
  close: [ZCloseData, { ...strat }, "stratId", ""],
  amend: [ZAmendData, { ...strat, section: "plan", text: "x", why: "y" }, "why", 7],
  missingScore: [ZMissingScoreData, { ...strat, managerComments: "", q1: "1" }, "managerComments", 5],
} as const;

describe("card data schemas", () => {
  it.each(Object.entries(cases))("%s: valid data parses", (_verb, [schema, data]) => {
    const r = parseCardData(schema, data);
    expect(r.ok, r.ok ? "" : r.message).toBe(true);
  });

  it.each(Object.entries(cases))("%s: a wrong or missing field is named, with 'Nothing was saved'", (_verb, [schema, data, field, bad]) => {
    const broken: Record<string, unknown> = { ...data };
    if (bad === undefined) delete broken[field];
    else broken[field] = bad;
    const r = parseCardData(schema, broken);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    // in a chair's words (issue 11 point 7): a sentence, never the input's id
    expect(r.message).toMatch(/^[A-Z]/);
    if (/[A-Z]/.test(field)) expect(r.message).not.toContain(field);
    expect(r.message).toMatch(/Nothing was saved\.$/);
  });

  it("a missing field says it is required", () => {
    const r = parseCardData(ZActionAddData, { ...strat, ownerName: "PC Lee", agency: "Police", what: "visit", byDate: "2026-11-27", byTime: "12:00" });
    expect(r).toMatchObject({ ok: false, field: "purpose" });
    expect(!r.ok && r.message).toMatch(/^The purpose is required/);
  });

  it("turns card strings into typed values: version and minutes as numbers, attended as a list, empty choices as ''", () => {
    const s = parseCardData(ZScheduleData, { ...strat, slot: "2026-11-25T10:00:00.000Z" });
    expect(s).toMatchObject({ ok: true, data: { version: 3, minutes: 60, slot: "2026-11-25T10:00:00.000Z", date: "", lateRationale: "" } });
    const a = parseCardData(ZAttendanceData, { stratId: strat.stratId, attended: " i1, ,i2 " });
    expect(a).toMatchObject({ ok: true, data: { attended: ["i1", "i2"] } });
    expect(a.ok && a.data.version).toBeUndefined();
    expect(parseCardData(ZDecideData, { ...strat, s47: "no", sharedWithFamily: "yes", icpc: "" })).toMatchObject({ ok: true, data: { icpc: "", noS47Outcome: "" } });
  });

  it("a proposed slot that is not a time is refused by name", () => {
    expect(parseCardData(ZScheduleData, { ...strat, slot: "tomorrow-ish" })).toMatchObject({ ok: false, field: "slot" });
  });
});

describe("pressKey: one press of one card (issue 11 point 4)", () => {
  const press = { ...strat, actionId: "a1", update: "Called the school" };
  it("is the same for the same press delivered again, whatever the order of its data", () => {
    expect(pressKey("actionUpdate", press)).toBe(pressKey("actionUpdate", { update: "Called the school", actionId: "a1", ...strat }));
  });
  it("differs by verb, by the card's version and by what was typed", () => {
    const k = pressKey("actionUpdate", press);
    expect(pressKey("actionDone", press)).not.toBe(k);
    expect(pressKey("actionUpdate", { ...press, version: "4" })).not.toBe(k);
    expect(pressKey("actionUpdate", { ...press, update: "Called again" })).not.toBe(k);
  });
  it("carries no case content: a digest only", () => {
    expect(pressKey("plan", { ...strat, plan: "Child C1 stays with the grandmother" })).toMatch(/^press:plan:[A-Za-z0-9_-]{43}$/);
  });
});

describe("keepsLatest: the chair's choice after a stale refusal (issue 11 point 3)", () => {
  it("is true only for the explicit choice to keep what is saved now", () => {
    expect(keepsLatest({ ...strat, choice: "latest", plan: "" })).toBe(true);
    expect(keepsLatest({ ...strat, choice: "mine" })).toBe(false);
    expect(keepsLatest({ ...strat })).toBe(false);
    expect(keepsLatest({ ...strat, choice: "whatever" })).toBe(false);
  });
  it("a choice that is neither is refused by name", () => {
    expect(parseCardData(ZPlanData, { ...strat, plan: "A plan of ten letters", choice: "theirs" })).toMatchObject({ ok: false, field: "choice" });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { adaptiveCard15 } from "../support/contracts.js";
import { findAction, startHarness, type Harness } from "../support/harness.js";
import { cardChat } from "../support/card-chat.js";
import { testClock } from "../support/app-context.js";

/**
 * Issue 12 point 1, over the bot's HTTP endpoint with real botbuilder and the harness's store: Q-1 quorum is counted
 * by the role of each attendee's invitation, not their organisation (DOMAIN.md §4). A health visitor (I-HV) is in the
 * same organisation as the health quorum invitees (Bromley Healthcare; Bristol's "Health"), yet does not make health
 * quorate; the community paediatrician (I-CPAED) does (bristol-2024 4.2: "community paediatrician, specialist
 * safeguarding nurse or SARC"). An invitee the chair adds fills a role only when given one, with a reason (audited).
 */
describe("Q-1: quorum by role, not by organisation (bot over HTTP)", () => {
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
  const byRule = async (ref: string, rule: string) => (await stored(ref)).state.invitees.find((i) => i.rules.includes(rule))!;

  /** A baby (health visiting, I-HV) with medical implications (community paediatrician, I-CPAED). */
  const open = async (caseRef: string, profile: string) => {
    const form = await sayCard("new");
    const opened = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile, concerns: "standard", household: "medicalImplications",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2025-09-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    await sayCard(`invitees ${ref}`);
    return ref;
  };
  const attend = async (ref: string, ids: string[], inquorateReason = "") =>
    pressCard("attendance", { ...findAction(await sayCard(`attendance ${ref}`), "attendance").data, attended: ids.join(","), inquorateReason });

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({ SENIOR_MANAGER: "Head of Service, Safeguarding" }, clock);
  });
  afterAll(async () => h?.stop());

  it.each(["bromley-2023", "bristol-2024"])("%s: police + health visitor only → inquorate; police + community paediatrician → quorate", async (profile) => {
    const ref = await open(`LCS-Q${profile.slice(0, 3)}`, profile);
    const police = await byRule(ref, "I-POL");
    const hv = await byRule(ref, "I-HV");
    const paed = await byRule(ref, "I-CPAED");
    expect((await stored(ref)).state.invitees.some((i) => i.agency === hv.agency && i.quorumRole === "health")).toBe(true);

    // the attendance card says who fills which role
    const card = text(await sayCard(`attendance ${ref}`));
    expect(card).toMatch(/Health visit[^"]*no quorum role/i);
    expect(card).toMatch(/fills health for the quorum/);

    const noReason = text(await attend(ref, [police.id, hv.id]));
    expect(noReason).toMatch(/Inquorate: health did not attend/);
    expect((await stored(ref)).state.attendance).toBeNull();
    const inquorate = text(await attend(ref, [police.id, hv.id], "Community paediatrician on leave"));
    expect(inquorate).toMatch(/inquorate \(no health\)/);
    expect((await stored(ref)).state.attendance).toMatchObject({ quorate: false, missingRoles: ["health"] });

    const quorate = text(await attend(ref, [police.id, paed.id]));
    expect(quorate).toMatch(/Attendance recorded: quorate/);
    expect((await stored(ref)).state.attendance).toMatchObject({ quorate: true, missingRoles: [] });
  });

  it("a chair-added invitee's quorum role needs a reason (the card back with the field named, nothing saved); given one, it fills the role and is audited", async () => {
    const ref = await open("LCS-Q-ADD", "bristol-2024");
    const add = { addEmail: "sarc@nhs.example.org", addName: "SARC doctor", addAgency: "SARC", addQuorumRole: "health" };
    const before = await stored(ref);
    const refused = await pressCard("inviteeAdd", { ...findAction(await sayCard(`invitees ${ref}`), "inviteeAdd").data, ...add, addQuorumReason: "  " });
    expect(text(refused)).toMatch(/Reason for the quorum role/);
    expect(text(refused)).toMatch(/Nothing was saved/);
    expect(text(refused)).toContain("sarc@nhs.example.org"); // the chair's entries stay in the form
    expect((await stored(ref)).version).toBe(before.version);

    const added = await pressCard("inviteeAdd", {
      ...findAction(await sayCard(`invitees ${ref}`), "inviteeAdd").data, ...add, addQuorumReason: "Forensic examination at the SARC today",
    });
    expect(text(added)).toMatch(/Added i\d+: SARC doctor \(SARC\), counts as health for the quorum/);
    const sarc = (await stored(ref)).state.invitees.find((i) => i.address === "sarc@nhs.example.org")!;
    expect(sarc).toMatchObject({ quorumRole: "health", quorumReason: "Forensic examination at the SARC today", source: "chair" });
    const audit = await h.app.ctx.strats.auditTrail((await stored(ref)).id);
    expect(audit.find((a) => a.action === "invitees.added")!.detail).toMatchObject({ inviteeId: sarc.id, quorumRole: "health", quorumReason: "Forensic examination at the SARC today" });

    const police = await byRule(ref, "I-POL");
    expect(text(await attend(ref, [police.id, sarc.id]))).toMatch(/Attendance recorded: quorate/);
  });

  it("a delegate fills the role of the invitation they stand in for (answered through the personal response link)", async () => {
    const ref = await open("LCS-Q-DEL", "bromley-2023");
    const police = await byRule(ref, "I-POL");
    const paed = await byRule(ref, "I-CPAED");
    const sent = await pressCard("inviteesSend", findAction(await sayCard(`invitees ${ref}`), "inviteesSend").data);
    const links = [...text(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    const token = links.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === paed.id)!;
    const r = await fetch(`${h.base}/respond/${token}`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ verb: "respond", data: { stratId: (await stored(ref)).id, inviteeId: paed.id, kind: "delegate", delegateName: "Dr Shah", delegateRole: "Registrar" } }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(text(await sayCard(`attendance ${ref}`))).toMatch(/delegate fills health for the quorum · delegate: Dr Shah \(Registrar\)/);
    expect(text(await attend(ref, [police.id, paed.id]))).toMatch(/Attendance recorded: quorate/);
  });

  it("typed: `invitees add <email> <agency> as health because …` gives the role with its reason; without a reason it is refused, naming the field", async () => {
    const ref = await open("LCS-Q-TYP", "bristol-2024");
    const before = await stored(ref);
    const refused = (await say(`invitees ${ref} add sarc2@nhs.example.org SARC as health`)).map((a) => a.text ?? "").join(" ");
    expect(refused).toMatch(/Reason for the quorum role/);
    expect(refused).toMatch(/Nothing was saved/);
    expect((await stored(ref)).version).toBe(before.version);
    await say(`invitees ${ref} add sarc2@nhs.example.org SARC as health because forensic examination today`);
    expect((await stored(ref)).state.invitees.find((i) => i.address === "sarc2@nhs.example.org")).toMatchObject({
      agency: "SARC", quorumRole: "health", quorumReason: "forensic examination today", source: "chair",
    });
  });
});

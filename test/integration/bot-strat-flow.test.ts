import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ValidateFunction } from "ajv";
import { createCardRenderer } from "../../bot/cards/render-card.js";
import { adaptiveCard15 } from "../support/contracts.js";
import { teamsHostProblems } from "../support/host-config.js";
import { activity, cardsIn, findAction, startHarness, type Harness } from "../support/harness.js";
import type { StandIn } from "../../src/infra/graph-stand-in/stand-in.js";
import { testClock } from "../support/app-context.js";
import { fillRecord } from "../support/fill-record.js";

/**
 * A whole strat through the bot's HTTP endpoint, as Teams would drive it: typed commands, Action.Execute
 * invokes with inputs merged into data, and the invitees' signed response links. Every card the bot
 * returns is checked against Microsoft's Adaptive Card 1.5 schema and the 28 KB budget on the way.
 */
describe("a whole strat over HTTP: new → invitees → answers → schedule → attendance → decide → plan → actions → dissent → close", () => {
  let h: Harness;
  let validate: ValidateFunction;
  const clock = testClock("2026-11-23T10:30:00Z");
  const seen: unknown[] = [];
  const check = (card: any) => {
    expect(validate(card), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
    expect(teamsHostProblems(card), String(card.body?.[0]?.text)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    expect(JSON.stringify(card)).not.toContain("${");
    seen.push(card);
    return card;
  };
  const say = async (text: string, from?: Record<string, unknown>) => {
    const r = await h.post(activity({ text, deliveryMode: "expectReplies", ...(from ? { from, conversation: { id: `conv-${String(from.id)}`, conversationType: "personal" } } : {}) }));
    expect(r.status).toBe(200);
    return r.body.activities as any[];
  };
  const sayCard = async (text: string) => check(cardsIn(await say(text))[0]);
  const press = async (verb: string, data: Record<string, unknown>, over: Record<string, unknown> = {}) => {
    const r = await h.post(activity({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } }, ...over }));
    expect(r.status).toBe(200);
    return r.body;
  };
  const pressCard = async (verb: string, data: Record<string, unknown>, over: Record<string, unknown> = {}) => {
    const b = await press(verb, data, over);
    expect(b.type, JSON.stringify(b).slice(0, 300)).toBe("application/vnd.microsoft.card.adaptive");
    return check(b.value);
  };
  const text = (c: unknown) => JSON.stringify(c);
  const ctx = () => h.app.ctx;

  /** Every card template was among the cards checked since `seen` was last emptied. */
  const expectEveryTemplateSeen = () => {
    const first = (c: any) => String(c.body?.[0]?.text ?? "");
    const TEMPLATE_TITLES: Record<string, RegExp> = {
      "new-strat": /^Open a strategy discussion$/, "strat-opened": /^Strategy discussion SD-.* opened$/, status: /^Open strategy discussions/,
      help: /^Strategy discussions: what I can do/, "strat-status": /^SD-\d{4}-\d+ · case/, invitees: /^Invitees · /, invitation: /^Invitation to a Strategy/,
      attendance: /^Attendance · /, decisions: /^Decisions · /, plan: /^Interim safety plan · /, action: /^Add an action · /, "action-owner": /^Action a\d+ · /,
      dissent: /^Dissent · /, close: /^Close · /, schedule: /^Schedule · /, mine: /^Your open actions/, "missing-risk": /^Missing-child risk assessment/, "missing-episode": /^Missing episode · /,
      "pick-strat": /^Which strategy discussion\?$/, "record-index": /^Record · /, "record-section": /^Record: /, "record-preview": /^The whole record · SD-\d{4}-\d+ · case /, "record-channel": /^(Verified|Amended) record · SD-/,
    };
    // Sent proactively to a channel (this flow runs in a chat with expectReplies): checked in channel-record.test.ts.
    const PROACTIVE = new Set(["record-channel"]);
    const names = createCardRenderer().templateNames();
    for (const name of names) {
      expect(TEMPLATE_TITLES[name], `no title pattern for template ${name}`).toBeDefined();
      if (PROACTIVE.has(name)) continue;
      expect(seen.some((c) => TEMPLATE_TITLES[name]!.test(first(c))), `template ${name} was never sent`).toBe(true);
    }
  };

  beforeAll(async () => {
    validate = adaptiveCard15();
    h = await startHarness({}, clock);
  });
  afterAll(async () => h?.stop());

  it("runs end to end with an inquorate meeting, a dissent and three actions; every card template is sent on the way", async () => {
    seen.length = 0; // this flow's cards only: no test relies on cards another test sent
    clock.set("2026-11-23T10:30:00Z"); // this flow moves the clock to the meeting; start from the morning whatever ran before
    // --- new
    const form = await sayCard("new");
    const requestId = findAction(form, "openStrat").data.requestId;
    const opened = await pressCard("openStrat", {
      requestId, caseRef: "LCS-77001", profile: "bromley-2023", concerns: "standard", receivedDate: "2026-11-23", receivedTime: "10:00",
      child1Ref: "C1", child1Dob: "2022-06-01", child1Flags: "", household: "parentalMentalHealth",
      referrerName: "GP surgery safeguarding lead", referrerEmail: "gp.safeguarding@nhs.example", knownName: "Pat Visitor", knownEmail: "pat.visitor@nhs.example", knownService: "Health Visiting",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    const strat = (await h.app.ctx.strats.findByRef(ref))!;

    // --- invitees: computed by the engine (I-POL, I-BHC, I-HV for a five-year-old? no: under five → I-HV)
    const inv = await sayCard(`invitees ${ref}`);
    expect(text(inv)).toContain("I-POL");
    expect(text(inv)).toContain("I-HV"); // under five (DOMAIN.md §4)
    expect(text(inv)).toContain("I-AMH"); // parental mental health
    expect(text(inv)).toContain("I-REF"); // the professional referrer
    expect(text(inv)).toContain("I-KNOWN"); // the health visitor already working with the family
    expect(text(inv)).toContain("pat.visitor@nhs.example");
    const st1 = (await h.app.ctx.strats.get(strat.id))!.state;
    const police = st1.invitees.find((i) => i.rule === "I-POL")!;
    const health = st1.invitees.find((i) => i.rule === "I-BHC")!;

    // removing police without a reason is refused beside the field; nothing changes
    const removeAct = findAction(inv, "inviteeRemove");
    const refused = await pressCard("inviteeRemove", { ...removeAct.data, removeId: police.id, removeReason: "" });
    expect(text(refused)).toMatch(/quorum role: give a reason/);
    expect((await h.app.ctx.strats.get(strat.id))!.state.invitees.find((i) => i.id === police.id)!.removed).toBeNull();

    // a card field left out or wrong: the same card back, the field named, nothing saved
    const latest = await sayCard(`invitees ${ref}`);
    const versionBefore = (await h.app.ctx.strats.get(strat.id))!.version;
    const noAgency = await pressCard("inviteeAdd", { ...findAction(latest, "inviteeAdd").data, addEmail: "dsl@school.example.org", addName: "Designated safeguarding lead" });
    expect(text(noAgency)).toMatch(/^\{"type":"AdaptiveCard".*Invitees · /);
    expect(text(noAgency)).toContain("The agency is required");
    const badEmail = await pressCard("inviteeAdd", { ...findAction(latest, "inviteeAdd").data, addEmail: "dsl at school", addName: "DSL", addAgency: "School" });
    expect(text(badEmail)).toContain("The email must be an email address");
    const noSlot = await pressCard("schedule", { stratId: strat.id, version: String(versionBefore), slot: "other", minutes: "60" });
    expect(text(noSlot)).toMatch(/Schedule · .*The date \(or choose a proposed time\) is required/);
    expect((await h.app.ctx.strats.get(strat.id))!.version).toBe(versionBefore);

    // add an invitee by email
    const added = await pressCard("inviteeAdd", { ...findAction(latest, "inviteeAdd").data, addEmail: "dsl@school.example.org", addName: "Designated safeguarding lead", addAgency: "School" });
    expect(text(added)).toContain("Added i");

    // send invitations: every mailbox gets its own signed link
    const sent = await pressCard("inviteesSend", findAction(added, "inviteesSend").data);
    const links = [...text(sent).matchAll(/\/respond\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThanOrEqual(4);

    // --- answers through the link page, as the agency mailboxes would
    const tokenFor = (inviteeId: string) => links.find((t) => Buffer.from(t.split(".")[0]!, "base64url").toString().split(".")[1] === inviteeId)!;
    const page = await fetch(`${h.base}/respond/${tokenFor(police.id)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Strategy Discussion/Meeting");
    expect(html).toContain("LCS-77001");
    expect(html).not.toContain("2022-06-01"); // no date of birth on the page
    const answer = async (token: string, data: Record<string, unknown>) =>
      fetch(`${h.base}/respond/${token}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ verb: "respond", data }) });
    const ok = await answer(tokenFor(police.id), { stratId: strat.id, inviteeId: police.id, kind: "accepted" });
    expect(ok.status).toBe(200);
    check((await ok.json()).card);
    const noReason = await answer(tokenFor(health.id), { stratId: strat.id, inviteeId: health.id, kind: "declined", reason: "" });
    expect(noReason.status).toBe(400);
    expect(await noReason.json()).toMatchObject({ card: expect.anything(), message: expect.stringMatching(/Give a reason for declining\. Nothing was saved/) });
    const declined = await answer(tokenFor(health.id), { stratId: strat.id, inviteeId: health.id, kind: "declined", reason: "No cover today" });
    expect(declined.status).toBe(200);
    // a link cannot answer for someone else, and a tampered token is refused
    expect((await answer(tokenFor(police.id), { stratId: strat.id, inviteeId: health.id, kind: "accepted" })).status).toBe(403);
    expect((await fetch(`${h.base}/respond/${tokenFor(police.id).slice(0, -2)}xx`)).status).toBe(404);

    const status = await sayCard(`status ${ref}`);
    expect(text(status)).toMatch(/accepted · via link/);
    expect(text(status)).toMatch(/declined \(No cover today\)/);

    // --- schedule (tomorrow 10:00, before the due time)
    const sched = await sayCard(`schedule ${ref}`);
    const afterSchedule = await pressCard("schedule", { ...findAction(sched, "schedule").data, date: "2026-11-24", time: "10:00", minutes: "60" });
    expect(text(afterSchedule)).toContain("Meeting set for Tue 24 Nov 2026, 10:00");

    // --- attendance: pre-filled from answers; health absent → inquorate → reason demanded
    clock.set("2026-11-24T11:05:00Z");
    const att = await sayCard(`attendance ${ref}`);
    expect(text(att)).toContain("inquorate");
    const attAct = findAction(att, "attendance");
    const noWhy = await pressCard("attendance", { ...attAct.data, attended: police.id, inquorateReason: "" });
    expect(text(noWhy)).toMatch(/Inquorate: health did not attend/);
    const attended = await pressCard("attendance", { ...attAct.data, attended: police.id, inquorateReason: "Health had no cover; report to follow" });
    expect(text(attended)).toMatch(/inquorate \(no health\)\. .* should be told: this app cannot send it \(no SENIOR_MANAGER is configured\), so tell them yourself/);

    // --- decisions: single enquiry without its reason is refused, then recorded
    const dec = await sayCard(`decide ${ref}`);
    const base = { ...findAction(dec, "decide").data, s47: "initiate", enquiry: "single", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable" };
    expect(text(await pressCard("decide", base))).toContain("Record why the enquiry is single-agency");
    const fresh = await sayCard(`decide ${ref}`);
    const decided = await pressCard("decide", { ...base, ...findAction(fresh, "decide").data, enquiry: "joint", contributions: "Police: known to police\nHealth: report to follow", riskAnalysis: "High risk until the child is seen alone" });
    expect(text(decided)).toContain("Decisions recorded: section 47 initiate, joint");

    // --- the record's fields the profile requires to close (R-REC: reason, mode)
    await fillRecord({ sayCard, pressCard }, ref);

    // --- plan (typed)
    const plan = await sayCard(`plan ${ref} Child to stay with maternal grandmother; no unsupervised contact.`);
    expect(text(plan)).toContain("Interim safety plan saved");

    // --- the missing-child risk tool (M-RAG): 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3 + 3 (ten 3-point items) + 2 + 3 (two 2/3 items) = 35 → amber
    const rag = await sayCard(`missing ${ref}`);
    const threes = ["vulnerability.1", "risk-factors.2", "risk-factors.5", "trafficking.1", "trafficking.2", "trafficking.3", "pull.13", "pull.14", "pull.15", "pull.16"];
    const scored = await pressCard("missingScore", {
      ...findAction(rag, "missingScore").data, ...Object.fromEntries(threes.map((id) => [id, "3"])), "risk-factors.1": "2", "risk-factors.8": "3", managerComments: "Convene",
    });
    expect(text(scored)).toMatch(/Score 35: AMBER/);
    expect(text(scored)).toContain("convene a Missing/Gang child protection strategy meeting");
    // a missing child's strat (issue 14 point 1): `missing` shows the child's missing episode after the risk tool
    const mForm = await sayCard("new");
    const mOpened = await pressCard("openStrat", {
      requestId: findAction(mForm, "openStrat").data.requestId, caseRef: "LCS-77002", profile: "bromley-2023", concerns: "missing", receivedDate: "2026-11-23",
      receivedTime: "10:00", child1Ref: "C1", child1Dob: "2012-06-01", child1Flags: "", missingDate: "2026-11-22", missingTime: "20:00", missingConcerns: "false",
    });
    const episode = check(cardsIn(await say(`missing ${/SD-\d{4}-\d{4,}/.exec(text(mOpened))![0]}`))[1]);
    expect(text(episode)).toMatch(/Missing for (less than a day|\d+ days?)/);

    // --- three actions: two typed (parsed), one by card; a redelivered activity adds nothing
    const typed = activity({ text: `action ${ref} police: PC Lee to visit the school by Fri 12:00 — purpose: speak to the DSL`, deliveryMode: "expectReplies" });
    const a1 = await h.post(typed);
    expect(text(cardsIn(a1.body.activities)[0])).toMatch(/Action a\d+ added/);
    expect(text(cardsIn(a1.body.activities)[0])).toContain("Fri 27 Nov 2026, 12:00");
    await h.post(typed); // Teams delivers it again
    check(cardsIn((await say(`action ${ref} health: Dr Shah to arrange a medical by tomorrow 17:00 purpose: check injuries`)))[0]);
    const actForm = await sayCard(`action ${ref}`);
    const a3 = await pressCard("actionAdd", { ...findAction(actForm, "actionAdd").data, ownerName: "SW Amin", agency: "CSC", what: "Visit home", byDate: "2026-11-25", byTime: "16:00", purpose: "See the child alone" });
    expect(text(a3)).toMatch(/Action a\d+ added/);
    await pressCard("actionAdd", { ...findAction(actForm, "actionAdd").data, ownerName: "SW Amin", agency: "CSC", what: "Visit home", byDate: "2026-11-25", byTime: "16:00", purpose: "See the child alone" });
    const bad = await say(`action ${ref} police: PC Lee to visit by someday purpose: x`);
    expect(text(bad)).toContain("could not read the time");
    const noPurpose = await say(`action ${ref} police: PC Lee to visit the school by Fri 12:00`);
    expect(text(noPurpose)).toContain("I could not read that (purpose missing)");
    const actions = (await h.app.ctx.strats.findByRef(ref))!.state.actions;
    expect(actions).toHaveLength(3);

    // --- dissent (recorded by the chair for the police), close refused until acknowledged
    const dis = await sayCard(`dissent ${ref}`);
    const withDissent = await pressCard("dissentAdd", { ...findAction(dis, "dissentAdd").data, agency: "Police", decision: "Single-agency medical", reason: "Police want a joint medical" });
    expect(text(withDissent)).toContain("Police disputes: Single-agency medical");
    const closeCard1 = await sayCard(`close ${ref}`);
    expect(text(closeCard1)).toMatch(/Not ready to close.*Dissent d\d+ from Police is not acknowledged/);
    expect(closeCard1.actions).toBeUndefined();
    const dis2 = await sayCard(`dissent ${ref}`);
    const escalated = await pressCard("dissentEscalate", { ...findAction(dis2, "dissentEscalate").data, dissentId: "d" + /d(\d+)/.exec(text(withDissent))![1], outcome: "Discussed, not agreed" });
    expect(text(escalated)).toContain("Senior managers");

    // --- close. Verifying takes exactly the version the card showed (any change since refuses it). The
    // calendar's callbacks (booked, answers read from Outlook) land in the background: let them settle first.
    await (h.app.graph.standIn as StandIn).settle();
    for (let round = 0; round < 20 && (await h.app.jobs.runOnce()) > 0; round++);
    // --- the chair reads the whole record before verifying it (issue 13 point 1): every section, each collapsible
    const preview = await sayCard(`preview ${ref}`);
    expect(text(preview)).toContain("Not yet verified");
    for (const section of ["Invited", "Attendance and quorum", "Decisions", "Interim safety plan", "Actions (3)", "Dissent (1)"]) expect(text(preview)).toContain(section);
    expect(text(preview)).toContain("Police disputes \\\"Single-agency medical\\\"");
    expect(text(preview)).toContain("Action.ToggleVisibility");
    const ready = await sayCard(`close ${ref}`);
    expect(text(ready)).toContain("Verify the record and close");
    const closed = await pressCard("close", findAction(ready, "close").data);
    expect(text(closed)).toMatch(/is closed: the record is verified/);
    expect(text(closed)).toMatch(/T-REC/);
    // the verified record is handed over by a durable job written with the close
    // (the app's worker polls too: the job may already be running or done; a round by hand waits for it)
    const handOver = async () => (await h.app.ctx.jobs!.list({ kind: "record.publish" })).filter((j) => j.stratId === strat.id);
    expect(await handOver()).toHaveLength(1);
    await h.app.jobs.runOnce();
    expect((await handOver()).map((j) => j.state)).toEqual(["done"]);
    // a change to the verified record is an amendment: a new version with who and why
    const amendNoWhy = await pressCard("amend", { ...findAction(closed, "amend").data, section: "plan", text: "Grandmother withdrew; child placed with aunt", why: "" });
    expect(text(amendNoWhy)).toContain("Say why the verified record is amended");
    const amended = await pressCard("amend", { ...findAction(closed, "amend").data, section: "plan", text: "Grandmother withdrew; child placed with aunt", why: "Change of circumstances on 25 Nov" });
    expect(text(amended)).toMatch(/Amendment saved as version \d+/);
    expect(text(amended)).toContain("plan: Grandmother withdrew; child placed with aunt (why: Change of circumstances on 25 Nov)");
    expect((await ctx().strats.auditTrail(strat.id)).map((a) => a.action)).toContain("record.amended");

    // the verified record is immutable: an old card's button is refused
    const late = await pressCard("plan", { ...findAction(plan, "plan").data, plan: "Changed after close, should not save" });
    expect(text(late)).toMatch(/was closed since and its verified record cannot be changed/);
    expect(late.actions).toBeUndefined(); // nothing to choose on a verified record
    expect((await h.app.ctx.strats.findByRef(ref))!.state.plan!.text).toMatch(/maternal grandmother/);

    // --- reconvene: a follow-up strat for the same case, due computed again by the engine
    const again = await sayCard(`reconvene ${ref}`);
    expect(text(again)).toContain(`Follow-up to ${ref}`);
    expect(text(again)).toContain("LCS-77001");
    const ref2 = /Strategy discussion (SD-\d{4}-\d{4,}) opened/.exec(text(again))![1]!;
    expect(ref2).not.toBe(ref);
    // opened Tue 24 Nov 11:05 → T-STD workingDays(3) → Fri 27 Nov 17:00
    expect((await h.app.ctx.strats.findByRef(ref2))!.dueAt.toISOString()).toBe("2026-11-27T17:00:00.000Z");

    // --- two open strats for the chair (a follow-up opened knowingly while ref2 is open): a command without a reference offers a picker
    expect(text(await sayCard(`reconvene ${ref2} anyway`))).toContain(`${ref2} is still open`);
    expect(text(await sayCard("plan"))).toContain(`"command":"plan ${ref2}"`);

    // --- every card template was sent by this flow (so every card the bot can send was schema-checked on real data)
    await sayCard("help");
    await sayCard("status");
    await sayCard("mine");
    expectEveryTemplateSeen();
  });

  it("the new card takes each child's school: its safeguarding lead is invited (I-EDU); half a school is refused, naming the child", async () => {
    const form = await sayCard("new");
    const base = {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-77010", profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C1", child1Dob: "2014-05-01", child2Ref: "C2", child2Dob: "2016-02-02",
    };
    const half = await pressCard("openStrat", { ...base, child2School: "Hilltop Primary", child2SchoolBorough: "Bromley" });
    expect(text(half)).toMatch(/Child 2's school: give its name, its borough and the safeguarding lead's email/);
    expect(await h.app.ctx.strats.listOpen()).not.toContainEqual(expect.objectContaining({ caseRef: "LCS-77010" }));
    const opened = await pressCard("openStrat", {
      ...base, child1School: "Hilltop Primary", child1SchoolBorough: "Bromley", child1SchoolDsl: "dsl@hilltop.example.org",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(opened))![0];
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    expect((s.referral as { children: { school: unknown }[] }).children.map((c) => c.school)).toEqual([
      { name: "Hilltop Primary", borough: "Bromley", dslEmail: "dsl@hilltop.example.org" }, null,
    ]);
    const inv = await sayCard(`invitees ${ref}`);
    expect(text(inv)).toContain("dsl@hilltop.example.org"); // C1's school DSL
    expect(text(inv)).toMatch(/I-EDU/);
  });

  it("a forged card action (another strat's id, or someone who is not the chair) is refused without showing the case", async () => {
    const form = await sayCard("new");
    const b = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef: "LCS-77002", profile: "bedford", concerns: "serious-harm",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: "C9", child1Dob: "2012-01-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(b))![0];
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    const stranger = { id: "29:stranger", name: "Mallory", aadObjectId: "00000000-0000-4000-8000-0000000000ff" };
    const forged = await press("plan", { stratId: s.id, version: String(s.version), plan: "A forged plan for this child" }, { from: stranger });
    expect(forged.type).toBe("application/vnd.microsoft.activity.message");
    expect(String(forged.value)).toMatch(/not for you/);
    expect(String(forged.value)).not.toContain("LCS-77002");
    const forgedAttendance = await press("attendance", { stratId: s.id, version: String(s.version), attended: "i1", inquorateReason: "forged" }, { from: stranger });
    expect(String(forgedAttendance.value)).toMatch(/not for you/);
    expect(String(forgedAttendance.value)).not.toContain("LCS-77002");
    expect(text(await say(`preview ${ref}`, stranger))).not.toContain("LCS-77002");
    const peek = await say(`status ${ref}`, stranger);
    expect(text(peek)).not.toContain("LCS-77002");
    expect((await h.app.ctx.strats.get(s.id))!.state.plan).toBeNull();
    expect((await h.app.ctx.strats.get(s.id))!.state.attendance).toBeNull();
    // a stale version from the chair's old card
    await press("plan", { stratId: s.id, version: String(s.version), plan: "First plan for safety of C9." });
    const stale = await pressCard("plan", { stratId: s.id, version: String(s.version), plan: "Second plan from an old card." });
    expect(text(stale)).toMatch(/out of date/);
  });

  /**
   * A strat with `user` invited by @mention (invitees add <at>…</at> Early Help) and the chair's invitees card; the
   * user has a personal chat with the bot (normal delivery: the conversation reference is stored).
   */
  const withTeamsInvitee = async (caseRef: string, childRef: string, user: { id: string; name: string }, chat: string) => {
    const form = await sayCard("new");
    const b = await pressCard("openStrat", {
      requestId: findAction(form, "openStrat").data.requestId, caseRef, profile: "bromley-2023", concerns: "standard",
      receivedDate: "2026-11-23", receivedTime: "10:00", child1Ref: childRef, child1Dob: "2013-01-01",
    });
    const ref = /SD-\d{4}-\d{4,}/.exec(text(b))![0];
    const added = await h.post(activity({
      text: `invitees ${ref} add <at>${user.name}</at> Early Help`, deliveryMode: "expectReplies",
      entities: [{ type: "mention", text: `<at>${user.name}</at>`, mentioned: { id: user.id, name: user.name } }],
    }));
    await h.post(activity({ text: "help", from: user, conversation: { id: chat, conversationType: "personal" } }, h.serviceUrl));
    return { ref, invCard: cardsIn(added.body.activities)[0] };
  };

  it("a Teams invitee (added by @mention) answers on their own invitation card in Teams; nobody else can", async () => {
    const pat = { id: "29:pat", name: "Pat Smith", aadObjectId: "00000000-0000-4000-8000-0000000000aa" };
    const { ref, invCard } = await withTeamsInvitee("LCS-77003", "C7", pat, "conv-pat");
    const before = h.sent.length;
    const sent = await h.post(activity({ type: "invoke", name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb: "inviteesSend", data: findAction(invCard, "inviteesSend").data } } }));
    expect(sent.status).toBe(200);
    expect(text(sent.body.value)).toContain("1 sent to the invitee's own chat with the bot");
    // the card goes by the durable queue (a teams.invitation job written with the change): run it
    await h.app.jobs.runOnce({ kinds: ["teams.invitation"] });
    const proactive = h.sent.slice(before).find((x) => x.path.startsWith("/v3/conversations/conv-pat/"));
    expect(JSON.stringify(proactive?.body)).toContain("Invitation to a Strategy Discussion/Meeting");
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    const inviteeId = s.state.invitees.find((i) => i.teamsUserId === pat.id)!.id;
    // someone else presses Pat's Accept: refused, nothing saved
    const mallory = { id: "29:mallory", name: "Mallory", aadObjectId: "00000000-0000-4000-8000-0000000000bb" };
    const forged = await press("respond", { stratId: s.id, inviteeId, kind: "accepted" }, { from: mallory });
    expect(String(forged.value)).toMatch(/not yours|not for you/);
    // Pat accepts: the refreshed invitation card says so, and the strat has Pat's answer via Teams
    const mine = await pressCard("respond", { stratId: s.id, inviteeId, kind: "accepted" }, { from: pat });
    expect(text(mine)).toMatch(/Your answer: accepted · via teams/);
    expect((await h.app.ctx.strats.get(s.id))!.state.invitees.find((i) => i.id === inviteeId)!.response).toMatchObject({ kind: "accepted", via: "teams" });
  });

  it("a queued Teams invitation whose chat has gone goes to the conversation the chair sent it from", async () => {
    const kim = { id: "29:kim", name: "Kim Lee", aadObjectId: "00000000-0000-4000-8000-0000000000cc" };
    const { ref, invCard } = await withTeamsInvitee("LCS-77004", "C8", kim, "conv-kim");
    await h.post(activity({ text: "help" }, h.serviceUrl)); // the chair's conversation reference is stored too
    const send = () => h.post(activity({ type: "invoke", name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb: "inviteesSend", data: findAction(invCard, "inviteesSend").data } } }));
    await h.app.jobs.stop(); // rounds by hand from here: the job must wait until the chat has gone
    const queued = await send();
    expect(text(queued.body.value)).toContain("1 sent to the invitee's own chat with the bot");
    // Kim's chat is gone before the job runs (the bot was removed there): the card goes where the chair sent from
    await h.app.db.query("DELETE FROM conversation_refs WHERE conversation_id = 'conv-kim'");
    const before = h.sent.length;
    await h.app.jobs.runOnce({ kinds: ["teams.invitation"] });
    const fallback = h.sent.slice(before).filter((x) => x.path.includes("/conversations/"));
    expect(fallback.map((x) => x.path.split("/")[3])).toEqual(["conv-personal-chair"]);
    expect(JSON.stringify(fallback[0]!.body)).toContain("Invitation to a Strategy Discussion/Meeting");
    const s = (await h.app.ctx.strats.findByRef(ref))!;
    expect(await h.app.ctx.jobs!.deadFor(s.id)).toEqual([]);
  });

});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { testClock } from "../support/app-context.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, ask, cardsIn, fill, isTicked, openPlayground, press, see, shot, tick, type PlaygroundSession } from "../support/playground-driver.js";

/**
 * A whole strategy discussion in headless Chromium, as the chair and two agencies would do it: the chair
 * types commands in the Agents Playground (a Teams-like chat), fills the cards and presses their buttons
 * (Action.Execute: the Playground sends an `adaptiveCard/action` invoke and puts the returned card in
 * place); police and health answer on their signed response pages in a second browser page.
 *
 * new → invitees (+ one added) → send invitations → police accepts, health declines with a reason (link
 * pages) → status → schedule → attendance (inquorate, reason demanded) → decide → plan → three actions →
 * dissent (chair records it for Police) → close refused → dissent escalated → close → the record card in the chat,
 * the record mail with its PDF in the police mailbox (stand-in), the PDF's first page.
 *
 * The same flow over raw HTTP is test/integration/bot-strat-flow.test.ts. Screenshots: test/artifacts/whole-strat-*.png.
 */
describe("a whole strat in the Agents Playground (headless Chromium)", () => {
  // Referral identified Mon 23 Nov 2026 10:00 London (GMT in November); the chair starts at 10:30.
  const clock = testClock("2026-11-23T10:30:00Z");
  let s: PlaygroundSession;
  let page: Page;

  beforeAll(async () => {
    s = await openPlayground({ clock });
    page = s.page;
  }, 60_000);
  afterAll(async () => s?.stop());

  it("new → invitations → answers via links → schedule → attendance → decide → plan → actions → dissent → close", async () => {
    // --- new: the referral card
    const form = await ask(page, "new");
    await see(form, "Open a strategy discussion");
    await fill(form, "Case reference", "LCS-E2E-77");
    await tick(form, "Concerns (all that apply)", ["Significant harm (standard)"]);
    await fill(form, "Date", "November 23, 2026"); // when social care identified the concern
    await fill(form, "Time", "10:00 AM");
    await fill(form, "Child 1 reference", "C1");
    await fill(form, "Date of birth", "June 1, 2022"); // child 1 (under five)
    await tick(form, "The household (all that apply)", ["Parental mental health"]);
    await shot(page, "whole-strat-01-new", form);
    const opened = await press(form, "Open strategy discussion", /Strategy discussion SD-\d{4}-\d{4,} opened/);
    const ref = /SD-\d{4}-\d{4,}/.exec(opened!)![0];
    expect(opened).toMatch(/Identified\s+Mon 23 Nov 2026, 10:00/);
    expect(opened).toMatch(/Must be held by\s+Thu 26 Nov 2026, 17:00 \(standard timescale\)/);
    await shot(page, "whole-strat-02-opened", form);

    // --- invitees: recommended by the engine with rules; the chair adds the school's DSL, then sends
    const inv = await ask(page, `invitees ${ref}`);
    const list = await see(inv, `Invitees · ${ref} · case LCS-E2E-77`);
    expect(list).toMatch(/Police must attend.* · rule I-POL\b/);
    expect(list).toMatch(/Health must attend.* · rule I-BHC\b/);
    expect(list).toMatch(/Child C1 is under five.* · rule I-HV\b/);
    expect(list).toMatch(/Parental mental health.* · rule I-AMH\b/);
    await fill(inv, "Email", "dsl@school.example.org");
    await fill(inv, "Name or team", "Designated safeguarding lead");
    await fill(inv, "Agency", "School");
    await press(inv, "Add", /Added i\d+: Designated safeguarding lead \(School\)/);
    expect(await inv.innerText()).toContain("dsl@school.example.org");
    await press(inv, "Send invitations", /Invitations: 0 in Teams \(0 sent to the invitee's own chat with the bot\); \d+ agency mailboxes get the calendar invitation and their personal response link when you book the meeting/);
    await shot(page, "whole-strat-03-invitations-sent", inv.getByText(/^Invitations: /));

    // the response links, read from the DOM: the "open as this mailbox" link inside each invitee's block
    const links = await inv.getByRole("link", { name: "open as this mailbox" }).evaluateAll((as) =>
      as.map((a) => {
        let block: Element | null = a;
        while (block && !/^i\d+ · /.test((block as HTMLElement).innerText ?? "")) block = block.parentElement;
        return { href: (a as HTMLAnchorElement).href, who: ((block as HTMLElement | null)?.innerText ?? "").split("\n")[0]! };
      }),
    );
    expect(links.length).toBeGreaterThanOrEqual(7);
    const linkFor = (quorum: string) => {
      const l = links.find((x) => x.who.endsWith(`· quorum: ${quorum}`));
      expect(l, `no response link for ${quorum} in ${JSON.stringify(links.map((x) => x.who))}`).toBeDefined();
      expect(l!.href).toMatch(new RegExp(`^${s.h.base}/respond/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
      return l!.href;
    };

    // --- the agencies answer on their response pages (a second browser page, as the mailbox would)
    const mailbox = await s.browser.newPage({ viewport: { width: 760, height: 640 } });
    mailbox.setDefaultTimeout(15_000);
    const answerCard = mailbox.locator("#card");
    const status = mailbox.locator("#status");

    await mailbox.goto(linkFor("police"));
    const police = await see(answerCard, "Invitation to a Strategy Discussion/Meeting");
    expect(police).toContain("For Police Single Front Door (South BCU) (Metropolitan Police)");
    expect(police).toContain(`Case LCS-E2E-77 (strategy discussion ${ref})`);
    expect(police).toMatch(/Must be held by\s+Thu 26 Nov 2026, 17:00 \(standard timescale\)/);
    expect(police).not.toContain("2022"); // no date of birth on the page
    await press(answerCard, "Accept", /Your answer: accepted · via link · Mon 23 Nov 2026, 10:30/);
    await see(status, "Thank you: your answer is saved");
    await shot(mailbox, "whole-strat-04-police-accepts");

    await mailbox.goto(linkFor("health"));
    await see(answerCard, "For BHC Safeguarding Team (Bromley Healthcare)");
    // declining without a reason is refused on the card, and the page's status line under it says so too
    // (POST /respond/:token answers 400 with the card and "Nothing was saved"; fixed in 1322228)
    await press(answerCard, "Decline", "Give a reason for declining. Nothing was saved.");
    await expect.poll(() => status.innerText()).toBe("Give a reason for declining. Nothing was saved.");
    await shot(mailbox, "whole-strat-05a-health-no-reason");
    const healthBefore = (await s.h.app.ctx.strats.findByRef(ref))!.state.invitees.find((i) => i.rules.includes("I-BHC"))!;
    expect(healthBefore.response).toBeNull(); // nothing was saved
    await fill(answerCard, "Reason you cannot attend (for decline)", "No cover today");
    await press(answerCard, "Decline", /Your answer: declined \(No cover today\) · via link/);
    await see(status, "Thank you: your answer is saved");
    await shot(mailbox, "whole-strat-05-health-declines");
    await mailbox.close();

    // --- status: the chair sees both answers and that the quorum is not met
    const st = await ask(page, `status ${ref}`);
    const answers = await see(st, /Answers per agency/);
    expect(answers).toMatch(/Police Single Front Door \(South BCU\): accepted · via link/);
    expect(answers).toMatch(/BHC Safeguarding Team: declined \(No cover today\) · via link/);
    expect(answers).toMatch(/Quorum \(police and health\)\s+not yet: no acceptance from health/);
    expect(answers).toMatch(/Meeting\s+not booked/);
    await shot(page, "whole-strat-06-status-answers");

    // --- schedule: tomorrow 10:00 for 60 minutes (before the due time)
    const sched = await ask(page, `schedule ${ref}`);
    await see(sched, `Schedule · ${ref}`);
    await see(sched, "Proposed times (earliest first)");
    await fill(sched, "Proposed times (earliest first)", "Another time (below)");
    await fill(sched, "Date", "November 24, 2026");
    await fill(sched, "Start (UK)", "10:00 AM");
    await fill(sched, "Minutes", "60");
    const booked = await press(sched, "Book the Teams meeting", "Meeting set for Tue 24 Nov 2026, 10:00 (60 min).");
    expect(booked).toMatch(/Meeting\s+Tue 24 Nov 2026, 10:00/);
    await shot(page, "whole-strat-07-scheduled", sched);

    // --- after the meeting: attendance, pre-filled from the answers; health absent → inquorate
    clock.set("2026-11-24T11:05:00Z");
    const att = await ask(page, `attendance ${ref}`);
    await see(att, "As ticked, the meeting is inquorate: no health. Give the reason below.");
    expect(await isTicked(att, "Attended", "Metropolitan Police — Police Single Front Door (South BCU) · fills police for the quorum · accepted")).toBe(true);
    expect(await isTicked(att, "Attended", "Bromley Healthcare — BHC Safeguarding Team · fills health for the quorum · apologies: No cover today")).toBe(false);
    await press(att, "Record attendance", "Inquorate: health did not attend. Record the reason for non-attendance");
    await fill(att, /^If police or health did not attend: the reason/, "Health had no cover; report to follow");
    const attended = await press(att, "Record attendance", /Attendance recorded: inquorate \(no health\)\. .*should be told: this app cannot send it \(no SENIOR_MANAGER is configured\), so tell them yourself/);
    expect(attended).toMatch(/Quorum \(police and health\)\s+INQUORATE: no health/);
    await shot(page, "whole-strat-08-attendance-inquorate", att);

    // --- decisions: single-agency without a reason is refused beside the field; then joint
    const dec = await ask(page, `decide ${ref}`);
    await see(dec, `Decisions · ${ref}`);
    await fill(dec, "Section 47 enquiry", "Initiate");
    await fill(dec, "Joint or single-agency", "Single-agency");
    await fill(dec, "What is shared with the family", "Shared");
    await fill(dec, /^Initial child protection conference/, "Yes");
    await fill(dec, "LADO", "Not applicable");
    await fill(dec, "Each agency's contribution (one line each, Agency: summary)", "Police: known to police\nHealth: report to follow");
    await press(dec, "Record decisions", "Record why the enquiry is single-agency");
    await fill(dec, "Joint or single-agency", "Joint (police and social care)");
    await fill(dec, "Analysis of risk", "High risk until the child is seen alone."); // R-RISK: required to close
    await press(dec, "Record decisions", "Decisions recorded: section 47 initiate, joint.");
    await shot(page, "whole-strat-09-decisions", dec);

    // --- the record's fields bromley-2023 requires to close (R-REC): one card per section, from the index
    const rec = await ask(page, `record ${ref}`);
    await see(rec, `Record · ${ref}`);
    await press(rec, "Reason for the strategy discussion", "Record: Reason for the strategy discussion");
    await fill(rec, /^Reason for the strategy discussion/, "Bruising reported by the school; the child says an adult hurt them.");
    await press(rec, "Save this section", "Reason for the strategy discussion: saved.");
    await press(rec, "How the discussion is held", "Record: How the discussion is held");
    await fill(rec, /^How the discussion is held/, "Teams meeting");
    await press(rec, "Save this section", "How the discussion is held: saved.");

    // --- interim safety plan
    const plan = await ask(page, `plan ${ref}`);
    await see(plan, `Interim safety plan · ${ref}`);
    await fill(plan, "The plan", "Child to stay with maternal grandmother; no unsupervised contact.");
    await press(plan, "Save the plan", "Interim safety plan saved.");

    // --- three actions: one on the card, two typed
    const act = await ask(page, `action ${ref}`);
    await see(act, `Add an action · ${ref}`);
    await fill(act, "Who (if not an invitee)", "SW Amin");
    await fill(act, "Agency", "CSC");
    await fill(act, "What", "Visit home");
    await fill(act, "By (date)", "November 25, 2026");
    await fill(act, "By (time, UK)", "4:00 PM");
    await fill(act, "Purpose", "See the child alone");
    const a1 = await press(act, "Add action", /Action a\d+ added/);
    expect(a1).toMatch(/By\s+Wed 25 Nov 2026, 16:00/);
    const a2 = await ask(page, `action ${ref} police: PC Lee to visit the school by Fri 12:00 purpose: speak to the DSL`);
    expect(await see(a2, /Action a\d+ added/)).toMatch(/By\s+Fri 27 Nov 2026, 12:00/);
    const a3 = await ask(page, `action ${ref} health: Dr Shah to arrange a medical by tomorrow 17:00 purpose: check injuries`);
    expect(await see(a3, /Action a\d+ added/)).toMatch(/By\s+Wed 25 Nov 2026, 17:00/);
    await shot(page, "whole-strat-10-actions");

    // --- dissent recorded by the chair for Police; close is refused until the chair answers it
    const dis = await ask(page, `dissent ${ref}`);
    await see(dis, `Dissent · ${ref}`);
    await fill(dis, "Agency", "Police");
    await fill(dis, "Decision disputed", "Single-agency medical");
    await fill(dis, "Reason", "Police want a joint medical");
    const recorded = await press(dis, "Record dissent", /d\d+ · Police disputes: Single-agency medical/);
    const dissentId = /(d\d+) · Police disputes/.exec(recorded!)![1]!;
    const notReady = await ask(page, `close ${ref}`);
    await see(notReady, new RegExp(`Not ready to close[\\s\\S]*Dissent ${dissentId} from Police is not acknowledged`));
    expect(await notReady.getByRole("button").count()).toBe(0);

    const dis2 = await ask(page, `dissent ${ref}`);
    await see(dis2, "Chair: answer a disagreement");
    await fill(dis2, "Disagreement", `${dissentId} · Police`);
    await fill(dis2, "Outcome of this stage", "Discussed, not agreed");
    const escalated = await press(dis2, "Escalate to senior managers", /Senior managers · Tue 24 Nov 2026, 11:05/);
    expect(escalated).toMatch(/Chair · Tue 24 Nov 2026, 11:05 · Discussed, not agreed/);
    await shot(page, "whole-strat-11-dissent-escalated");

    // --- close: verify the record (it takes exactly the version the card showed: let the calendar's
    // background callbacks settle first, as a chair would see them land before verifying)
    for (let round = 0; round < 20 && (await s.h.app.jobs.runOnce()) > 0; round++);
    const close = await ask(page, `close ${ref}`);
    await see(close, "Everything needed is recorded. Verify the record and close.");
    const closed = await press(close, "Verify the record and close", `${ref} is closed: the record is verified and can no longer be changed, only amended`);
    expect(closed).toMatch(/The record is due to everyone invited by Wed 25 Nov 2026, 11:00\. This app is sending it by email to each invitee with a mailbox/);
    await shot(page, "whole-strat-12-closed");

    // --- the record goes out (issue 13): the queue renders the PDF, posts the verified record's card to the chat
    // (no team channel in the Playground), uploads the PDF to the stand-in's channel Files and mails each invitee
    for (let round = 0; round < 40 && (await s.h.app.jobs.runOnce()) > 0; round++);
    const byRuleAddress = async (rule: string) =>
      (await s.h.app.ctx.strats.findByRef(ref))!.state.invitees.find((i) => i.rules.includes(rule) && i.address)!.address!;
    const recordCard = await see(cardsIn(page).filter({ hasText: `Verified record · ${ref}` }).last(), "Content hash (SHA-256)");
    expect(recordCard).toContain("case LCS-E2E-77");
    expect(recordCard).toMatch(/Interim safety plan/);
    expect(recordCard).not.toContain("2022"); // no date of birth on the card
    await shot(page, "whole-strat-13-record-card", cardsIn(page).filter({ hasText: `Verified record · ${ref}` }).last());

    const policeBox = await byRuleAddress("I-POL");
    const standInUrl = s.h.app.graph.standIn!.url;
    // The mail jobs may still be with the background worker (or waiting on a retry): wait until the stand-in holds the
    // record mail for this mailbox before opening its page (the page does not refresh itself).
    const recordMailIn = async () => (await s.h.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM standin_inbox WHERE mailbox = $1 AND subject LIKE $2", [policeBox.toLowerCase(), `Strategy discussion record ${ref}%`]))[0]!.n;
    for (let i = 0; i < 150 && (await recordMailIn()) === 0; i++) {
      await s.h.app.jobs.runOnce();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await recordMailIn(), "the record mail reached the police mailbox").toBe(1);
    const inbox = await s.browser.newPage({ viewport: { width: 900, height: 900 } });
    await inbox.goto(`${standInUrl}/mailboxes/${encodeURIComponent(policeBox)}`);
    const recordMail = inbox.locator("article, section, div").filter({ hasText: `Strategy discussion record ${ref}` }).first();
    await recordMail.waitFor();
    const attachment = inbox.getByRole("link", { name: new RegExp(`^${ref}-(record-)?v1\\.pdf$`) }).first();
    await attachment.waitFor();
    expect(await inbox.content()).not.toContain("2022");
    await shot(inbox, "whole-strat-14-record-mail");
    const pdf = Buffer.from(await (await fetch(new URL((await attachment.getAttribute("href"))!, standInUrl))).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // The PDF's first page as the reader sees it (poppler's pdftoppm, installed by .ci/run)
    const dir = mkdtempSync(join(tmpdir(), "record-pdf-"));
    writeFileSync(join(dir, "record.pdf"), pdf);
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", join(dir, "record.pdf"), join(ARTIFACTS, "whole-strat-15-record-pdf-page1")]);
    const firstPage = execFileSync("pdftotext", ["-f", "1", "-l", "1", join(dir, "record.pdf"), "-"]).toString();
    expect(firstPage).toContain(ref);
    expect(firstPage).toContain("LCS-E2E-77");
    rmSync(dir, { recursive: true, force: true });
    await inbox.close();

    // --- what the store holds
    const stored = (await s.h.app.ctx.strats.findByRef(ref))!;
    expect(stored.status).toBe("closed");
    expect(stored.caseRef).toBe("LCS-E2E-77");
    expect(stored.referral).toMatchObject({ children: [{ ref: "C1", dob: "2022-06-01" }] });
    const state = stored.state;
    expect(state.closure?.verifiedAt).toBeTruthy();
    expect(state.meeting).toMatchObject({ start: "2026-11-24T10:00:00.000Z", end: "2026-11-24T11:00:00.000Z" });
    expect(state.actions).toHaveLength(3);
    expect(state.actions.map((a) => a.owner.name).sort()).toEqual(["Dr Shah", "PC Lee", "SW Amin"]);
    expect(state.attendance).toMatchObject({ quorate: false, missingRoles: ["health"], inquorateReason: "Health had no cover; report to follow" });
    expect(state.decisions).toMatchObject({ s47: "initiate", enquiry: "joint", sharedWithFamily: "yes", icpc: "yes", lado: "not-applicable" });
    expect(state.plan?.text).toMatch(/maternal grandmother/);
    expect(state.dissents).toHaveLength(1);
    expect(state.dissents[0]).toMatchObject({ id: dissentId, agency: "Police", decision: "Single-agency medical" });
    expect(state.dissents[0]!.stages.map((x) => x.stage)).toEqual(["chair", "senior-managers"]);
    const byRule = (rule: string) => state.invitees.find((i) => i.rules.includes(rule))!;
    expect(byRule("I-POL").response).toMatchObject({ kind: "accepted", via: "link" });
    expect(byRule("I-BHC").response).toMatchObject({ kind: "declined", via: "link", reason: "No cover today" });
  }, 180_000);
});

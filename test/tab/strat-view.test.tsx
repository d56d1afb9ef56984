// @vitest-environment jsdom
/**
 * The managers' tab's strat view (issue 15 point 4) and the CSV download inside a host (point 2) as components, data in
 * by props: the header, the record (verified or not, R-*), each verified version's PDF, the timeline in UK time, the
 * quorum by role (Q-1), an overdue action (R-ACT), dissent with its stages and age (R-DIS), the audit chain's state;
 * a 404 reads as "none that you can see". The behaviour against our server is test/e2e/tab-strat.test.ts.
 */
import { FluentProvider, teamsLightTheme } from "@fluentui/react-components";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, NO_FILTERS, ZStratView, type GetJson, type StratViewData } from "../../tabs/app/api.js";
import { CsvDownload } from "../../tabs/app/StratList.js";
import { chainWords, StratPage, StratView } from "../../tabs/app/StratView.js";

const inFluent = (node: ReactNode) => render(<FluentProvider theme={teamsLightTheme}>{node}</FluentProvider>);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const VIEW: StratViewData = ZStratView.parse({
  record: {
    stratRef: "SD-2026-0042", caseRef: "LCS-42", version: 2, status: "closed", profile: { id: "bromley-2023", title: "Bromley (2023)" },
    reason: { concerns: ["standard"], receivedAt: "2026-11-23T09:00:00.000Z", due: "2026-11-26T09:00:00.000Z", dueRule: "T-STD" },
    meeting: { start: "2026-06-23T12:00:00.000Z", end: "2026-06-23T13:00:00.000Z", mode: "teams", lateRationale: null },
    quorum: { quorate: false, missingRoles: ["health"], inquorateReason: "Health could not attend", escalatedTo: null },
    contributions: [{ agency: "Police", summary: "Previous call-outs" }], riskAnalysis: "Risk of significant harm",
    decisions: { s47: "initiate", enquiry: "joint", medical: null, icpc: "yes", recordedAt: "2026-11-23T13:05:00.000Z" },
    interimSafetyPlan: { text: "The child stays with a safe adult.", at: "2026-11-23T13:06:00.000Z" },
    verifiedAt: "2026-11-23T13:30:00.000Z", recordDue: { at: "2026-11-24T13:30:00.000Z", rule: "T-REC" },
    amendments: [{ version: 2, at: "2026-11-23T15:30:00.000Z", by: "Alex Chair", why: "The address was missing", section: "plan", text: "Address confirmed." }],
    profileFields: [{ id: "mode", label: "How the discussion was held", section: "mode", sectionTitle: "Mode", value: "Teams" }],
    contentHash: "a".repeat(64),
  },
  verified: true,
  versions: [
    { version: 1, at: "2026-11-23T13:30:00.000Z", by: "Alex Chair", contentHash: "b".repeat(64), reason: null, pdf: "/api/tab/strat/SD-2026-0042/record.pdf?version=1" },
    { version: 2, at: "2026-11-23T15:30:00.000Z", by: "Alex Chair", contentHash: "a".repeat(64), reason: "The address was missing", pdf: "/api/tab/strat/SD-2026-0042/record.pdf?version=2" },
  ],
  timeline: [
    { at: "2026-11-23T09:00:00.000Z", kind: "referral-received", actor: null },
    { at: "2026-11-23T09:40:00.000Z", kind: "answered", actor: "x", agency: "Health", role: "Safeguarding lead", answer: "declined" },
    { at: "2026-06-23T10:00:00.000Z", kind: "booked", actor: "chair-1", meeting: { start: "2026-06-23T12:00:00.000Z", end: "2026-06-23T13:00:00.000Z" } },
  ],
  attendance: {
    invited: [
      { inviteeId: "i1", agency: "Police", role: "Safeguarding lead", quorumRole: "police", answer: "accepted", attended: true },
      { inviteeId: "i2", agency: "Health", role: "Safeguarding lead", quorumRole: "health", answer: "declined", attended: false },
    ],
    quorum: { quorate: false, missingRoles: ["health"], inquorateReason: "Health could not attend", byRole: [{ role: "police", invited: 1, attended: 1 }, { role: "health", invited: 1, attended: 0 }, { role: "csc", invited: 0, attended: 0 }] },
  },
  actions: [{ id: "a1", what: "Visit the child", owner: "Social worker", agency: "Children's Social Care", due: "2026-11-24T17:00:00.000Z", status: "open", overdue: true, latest: { at: "2026-11-23T13:10:00.000Z", text: "Visit booked", status: "open" } }],
  dissent: [{ id: "d1", agency: "Police", decision: "joint enquiry", at: "2026-11-23T13:12:00.000Z", ageDays: 3, stages: [{ stage: "chair", at: "2026-11-23T13:12:00.000Z", outcome: "Not resolved" }, { stage: "senior-managers", at: "2026-11-23T13:13:00.000Z", outcome: null }] }],
  audit: {
    entries: [{ at: "2026-11-23T09:05:00.000Z", actor: "chair-1", kind: "strat.opened", version: 1 }, { at: "2026-11-23T13:30:00.000Z", actor: "chair-1", kind: "strat.closed", version: 20 }],
    chain: { verified: true, firstBad: null },
  },
});

describe("the strat view (tab)", () => {
  it("shows the header, the record verified with each version's PDF, the timeline in UK time, the quorum, actions, dissent, the audit chain", () => {
    inFluent(<StratPage v={VIEW} />);
    expect(screen.getByRole("heading", { level: 1, name: "Strategy discussion SD-2026-0042" })).toBeTruthy();
    const header = document.getElementById("strat-header")!.textContent!;
    for (const s of ["LCS-42", "Bromley (2023)", "Closed", "Thu 26 Nov, 09:00", "Alex Chair"]) expect(header).toContain(s);
    // The record: verified; decisions in words (s47 initiate → "initiate", icpc → "Child protection conference"); the plan; Q-1.
    const record = within(document.getElementById("record")!);
    expect(record.getByText("verified")).toBeTruthy();
    expect(document.getElementById("decisions")!.textContent).toMatch(/Section 47 enquiryinitiate.*Child protection conferenceyes/);
    expect(record.getByText("The child stays with a safe adult.")).toBeTruthy();
    expect(record.getByText("inquorate: Health could not attend")).toBeTruthy();
    expect(record.getByText("standard timescale", { exact: false })).toBeTruthy();
    expect(record.getByRole("link", { name: "Version 2 (PDF)" }).getAttribute("href")).toBe("/api/tab/strat/SD-2026-0042/record.pdf?version=2");
    // Timeline: ordered, UK time (June is BST: 10:00Z → 11:00), answers in words.
    const items = within(document.getElementById("timeline")!).getAllByRole("listitem").map((li) => li.textContent);
    expect(items[1]).toBe("Mon 23 Nov, 09:40: Answer, Health (Safeguarding lead), declined");
    expect(items[2]).toBe("Tue 23 Jun, 11:00: Meeting booked, for Tue 23 Jun, 13:00");
    // Q-1 by role; the missing role in words.
    const quorum = screen.getByRole("table", { name: "Quorum by role" });
    expect(within(quorum).getAllByRole("row")[2]!.textContent).toBe("Health10");
    expect(document.getElementById("quorum")!.textContent).toBe("Quorum: inquorate; missing: Health; reason: Health could not attend");
    // R-ACT: overdue in words; R-DIS: stages and age.
    const action = within(screen.getByRole("table", { name: "Actions" })).getAllByRole("row")[1]!;
    expect(action.textContent).toContain("overdue");
    expect(action.textContent).toContain("Visit booked");
    const dissent = within(screen.getByRole("table", { name: "Dissent" })).getAllByRole("row")[1]!.textContent!;
    expect(dissent).toContain("3 days");
    expect(dissent).toContain("with the chair (Mon 23 Nov, 13:12): Not resolved; escalated to senior managers");
    expect(document.getElementById("chain")!.textContent).toBe("Audit trail verified");
    expect(screen.getByText("strat opened")).toBeTruthy();
    // Words, not codes.
    expect(document.body.textContent).not.toMatch(/T-STD|senior-managers|strat\.opened|referral-received/);
  });

  it("a record not yet verified says so; a broken chain names its first bad entry", () => {
    const open: StratViewData = { ...VIEW, verified: false, versions: [], audit: { ...VIEW.audit, chain: { verified: false, firstBad: { at: VIEW.audit.entries[1]!.at, kind: "strat.closed", problem: "hash" } } } };
    inFluent(<StratPage v={open} />);
    expect(screen.getByText("not yet verified")).toBeTruthy();
    expect(screen.getByText("None yet: the chair verifies the record at close.")).toBeTruthy();
    expect(document.getElementById("chain")!.textContent).toBe("Audit trail broken at entry 2");
    expect(chainWords({ entries: [], chain: { verified: false, firstBad: { at: null, kind: null, problem: "the last entry is missing" } } })).toBe("Audit trail broken: the last entry is missing");
  });

  it("a 404 reads as no strat that you can see (not whether it exists); another refusal in a message bar; Back to the list", async () => {
    // jsdom has no ResizeObserver (Fluent's MessageBar watches its width).
    vi.stubGlobal("ResizeObserver", class { observe() {} unobserve() {} disconnect() {} });
    const refusing = (e: Error): GetJson => async () => { throw e; };
    inFluent(<StratView get={refusing(new ApiError("Not found.", 404))} strat="SD-2026-0099" />);
    await screen.findByText("No strategy discussion SD-2026-0099 that you can see.");
    expect(screen.getByRole("link", { name: "Back to the list" }).getAttribute("href")).toBe("#/list");
    cleanup();
    inFluent(<StratView get={refusing(new ApiError("ref must look like SD-2026-0001.", 400))} strat="SD-2026-0099" />);
    await screen.findByText("ref must look like SD-2026-0001.");
  });
});

describe("Download CSV (issue 15 point 2)", () => {
  it("outside a host: a plain link with the filters (the dev sign-in's cookie goes with it)", () => {
    inFluent(<CsvDownload filters={NO_FILTERS} token={null} onError={() => undefined} />);
    expect(screen.getByRole("link", { name: "Download CSV" }).getAttribute("href")).toBe("/api/tab/list.csv?status=open&sort=due");
  });

  it("inside a host: fetched with the Bearer token and saved as a Blob through an <a download>", async () => {
    const fetched: { url: string; auth: string | null }[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      fetched.push({ url, auth: new Headers(init.headers).get("authorization") });
      return new Response("ref,case\r\n", { status: 200, headers: { "content-type": "text/csv" } });
    });
    const saved: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ href: this.href, download: this.download });
    });
    URL.createObjectURL = () => "blob:csv-1";
    URL.revokeObjectURL = () => undefined;
    inFluent(<CsvDownload filters={NO_FILTERS} token={async () => "sso-token"} onError={() => undefined} />);
    expect(screen.queryByRole("link", { name: "Download CSV" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(saved).toEqual([{ href: "blob:csv-1", download: "strats.csv" }]));
    expect(fetched).toEqual([{ url: "/api/tab/list.csv?status=open&sort=due", auth: "Bearer sso-token" }]);
    click.mockRestore();
  });
});

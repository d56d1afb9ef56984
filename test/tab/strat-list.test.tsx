// @vitest-environment jsdom
/**
 * The managers' tab's list view (issue 15 point 5) as components: rows in plain words and UK times, each a link to
 * its strat's route; the filters become the API's query (the same for the CSV). Data in by props (the behaviour
 * against our server is test/e2e/tab-list.test.ts).
 */
import { FluentProvider, teamsLightTheme } from "@fluentui/react-components";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { listQuery, NO_FILTERS, type ListFilters, type ListRow } from "../../tabs/app/api.js";
import { routeOf } from "../../tabs/app/App.js";
import { ListFilterForm, StratTable } from "../../tabs/app/StratList.js";
import { themeFrom } from "../../tabs/app/host.js";

const inFluent = (node: ReactNode) => render(<FluentProvider theme={teamsLightTheme}>{node}</FluentProvider>);
afterEach(cleanup);

const row = (over: Partial<ListRow>): ListRow => ({
  strat_id: "7f0c1b7e-0000-4000-8000-000000000001", ref: "SD-2026-0001", case_ref: "LCS-1", profile_id: "bromley-2023", team: null,
  chair_id: "chair-1", chair_name: "Alex Chair", status: "open", opened_at: "2026-11-30T09:00:00.000Z", due_at: "2026-12-01T14:00:00.000Z",
  held_at: null, closed_at: null, quorate: null, concerns: ["serious-harm"], overdue_actions: 0, open_dissent: 0, ...over,
});

describe("the list of strats (tab)", () => {
  it("shows each strat in words and UK time, its reference a link to the strat's route; the countdown and rule of open ones", () => {
    const rows = [row({}), row({ strat_id: "7f0c1b7e-0000-4000-8000-000000000002", ref: "SD-2026-0002", case_ref: "LCS-2", status: "closed", quorate: false, concerns: ["standard", "missing"], due_at: "2026-06-01T13:00:00.000Z" })];
    const countdowns = new Map([["SD-2026-0001", { ref: "SD-2026-0001", caseRef: "LCS-1", dueRule: "T-SH", countdown: "11 h 0 min left", overdue: false }]]);
    inFluent(<StratTable rows={rows} countdowns={countdowns} />);
    const table = screen.getByRole("table", { name: "Strategy discussions" });
    const [, first, second] = within(table).getAllByRole("row");
    // Plain words, not codes: serious-harm → the concern's label; T-SH → its words; December is GMT, June BST.
    expect(first!.textContent).toContain("Serious physical injury or serious neglect");
    expect(first!.textContent).toContain("Tue 1 Dec, 14:00");
    expect(first!.textContent).toContain("serious harm: the same day");
    expect(first!.textContent).toContain("11 h 0 min left");
    expect(first!.textContent).not.toMatch(/serious-harm|T-SH/);
    expect(second!.textContent).toContain("Significant harm (standard); Missing child");
    expect(second!.textContent).toContain("Mon 1 Jun, 14:00");
    expect(second!.textContent).toContain("Closed");
    expect(second!.textContent).toContain("inquorate");
    expect(within(first!).getByRole("link", { name: "SD-2026-0001" }).getAttribute("href")).toBe("#/strat/SD-2026-0001");
  });

  it("each strat's team by the name the server gives (else by its id); none for a personal-chat strat", () => {
    const teams = [{ id: "19:a@thread.tacv2", name: "Safeguarding North" }];
    const rows = [row({ team: "19:a@thread.tacv2" }), row({ strat_id: "7f0c1b7e-0000-4000-8000-000000000002", ref: "SD-2026-0002", team: "19:z@thread.tacv2" }),
      row({ strat_id: "7f0c1b7e-0000-4000-8000-000000000003", ref: "SD-2026-0003" })];
    inFluent(<StratTable rows={rows} countdowns={new Map()} teams={teams} />);
    const table = screen.getByRole("table", { name: "Strategy discussions" });
    const column = within(table).getAllByRole("columnheader").findIndex((h) => h.textContent === "Team");
    const cells = within(table).getAllByRole("row").slice(1).map((r) => within(r).getAllByRole("cell")[column]!.textContent);
    expect(cells).toEqual(["Safeguarding North", "Team 19:z@thread.tacv2", ""]);
  });

  it("the Team filter offers the viewer's teams by name (and a route's unknown team by its id); the query carries the id", () => {
    let applied: ListFilters | null = null;
    const teams = [{ id: "19:a@thread.tacv2", name: "Safeguarding North" }, { id: "19:b@thread.tacv2", name: "Team 19:b…" }];
    inFluent(<ListFilterForm initial={{ ...NO_FILTERS, team: "19:gone" }} teams={teams} onApply={(f) => (applied = f)} />);
    const select = screen.getByLabelText("Team") as HTMLSelectElement;
    expect(Array.from(select.options, (o) => o.textContent)).toEqual(["Any", "Safeguarding North", "Team 19:b…", "Team 19:gone"]);
    fireEvent.change(select, { target: { value: "19:a@thread.tacv2" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(listQuery(applied!)).toBe("status=open&team=19%3Aa%40thread.tacv2&sort=due");
  });

  it("the filters, each with a label, become the query of the list and of its CSV (empty ones left out)", () => {
    let applied: ListFilters | null = null;
    inFluent(<ListFilterForm initial={NO_FILTERS} onApply={(f) => (applied = f)} />);
    fireEvent.change(screen.getByLabelText("Case reference starts with"), { target: { value: " LCS-2 " } });
    fireEvent.change(screen.getByLabelText("State"), { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("Sort by"), { target: { value: "opened" } });
    fireEvent.click(screen.getByLabelText("Overdue only"));
    for (const label of ["Team", "Chair (id)", "Profile"]) expect(screen.getByLabelText(label)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(applied).not.toBeNull();
    expect(listQuery(applied!)).toBe("q=LCS-2&overdue=true&sort=opened");
    expect(listQuery(NO_FILTERS, "abc")).toBe("status=open&sort=due&after=abc");
  });

  it("routes: #/strat/SD-… opens a strat (its view), anything else the list; ?theme= picks a theme, light by default", () => {
    expect(routeOf("#/strat/SD-2026-0012")).toEqual({ strat: "SD-2026-0012" });
    expect(routeOf("#/strat/<script>")).toEqual({ strat: null });
    expect(routeOf("")).toEqual({ strat: null });
    expect([themeFrom("dark"), themeFrom("contrast"), themeFrom("default"), themeFrom(null)]).toEqual(["dark", "contrast", "light", "light"]);
  });
});

// @vitest-environment jsdom
/**
 * The managers' dashboard (issue 15 point 3) as components: the routes (`#/` the dashboard, `#/list?…` a drill-down), the
 * period presets, every number a link to the list filtered by its drill, each chart with its values in words, and the
 * list reading the drill into removable filter chips. Against our server: test/e2e/tab-dashboard.test.ts.
 */
import { FluentProvider, teamsLightTheme } from "@fluentui/react-components";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { drillHref, filtersFromRoute, listQuery, NO_FILTERS, ZDashboard, type Dashboard, type Drill, type GetJson } from "../../tabs/app/api.js";
import { Dashboard as DashboardPage, DashboardView, heldWeeksSpec, missingWeeksSpec, openItemWeeksSpec, rateWeeksSpec } from "../../tabs/app/Dashboard.js";
import { dashboardHref, periodOf, presets, viewOf } from "../../tabs/app/routes.js";
import { DrillChips } from "../../tabs/app/StratList.js";

const inFluent = (node: ReactNode) => render(<FluentProvider theme={teamsLightTheme}>{node}</FluentProvider>);
afterEach(cleanup);

const PERIOD: Drill = { held_from: "2026-11-03", held_to: "2026-11-30" };
const fig = (count: number, drill: Drill = {}) => ({ count, drill: { ...PERIOD, ...drill } });
const headlines = (n: number) => ({
  held: fig(10 * n), withinDue: fig(8 * n, { late: "false" }), late: fig(2 * n, { late: "true" }), shortNotice: fig(n, { short_notice: "true" }),
  withinTarget: fig(6 * n, { target_met: "true" }), targetMissed: fig(4 * n, { target_met: "false" }),
  quorate: fig(9 * n, { quorate: "true" }), inquorate: fig(n, { quorate: "false" }),
  distributedOnTime: fig(7 * n, { distributed_on_time: "true" }), distributedLate: fig(n, { distributed_on_time: "false" }),
  rates: { withinDue: 0.8, withinTarget: 0.6, quorate: 0.9, distributedOnTime: 0.875 },
});
/** The API's answer (the shape of src/app/dashboard.ts), checked by the tab's own schema. */
const answer: Dashboard = ZDashboard.parse({
  from: "2026-11-03", to: "2026-11-30", team: null, at: "2026-11-30T12:00:00.000Z", ...headlines(1),
  byConcern: [{ concern: "serious-harm", ...headlines(1), held: fig(10, { concern: "serious-harm" }), rates: { withinDue: 0.8, withinTarget: 0.6 } }],
  trend: Array.from({ length: 12 }, (_, k) => {
    const to = `2026-09-${String(k + 7).padStart(2, "0")}`;
    return {
      from: `2026-09-${String(k + 1).padStart(2, "0")}`, to, ...headlines(k),
      // The as-at-now figures at the week's end (src/app/dashboard.ts atEnd), each drill the list as at that day's end.
      atEnd: {
        at: `2026-09-${String(k + 7).padStart(2, "0")}T23:00:00.000Z`,
        overdueActions: { count: 20 - k, drill: { action_overdue: "true", as_at: to } },
        openDissent: { count: k % 3, drill: { dissent_open: "true", as_at: to } },
        missing: { openByDaysMissing: { "0-1": 1, "2-3": 0, "4-7": k % 2, "over-7": k > 9 ? 1 : 0 }, weeklyMeetings: { kept: k, due: k + 1 },
          escalationsOnTime: { kept: 0, due: 0 }, rhiWithin72h: { kept: 0, due: 0 } },
      },
    };
  }),
  overdueActions: { total: 3, byAgency: [{ key: "Police", count: 3, strats: { count: 2, drill: { action_overdue: "true", agency: "Police" } } }] },
  openDissent: {
    total: 1, byStage: [{ key: "chair", count: 1, strats: { count: 1, drill: { dissent_open: "true", dissent_stage: "chair" } } }],
    byAge: [{ key: "28-plus", count: 1, strats: { count: 1, drill: { dissent_open: "true", dissent_age: "28-plus" } } }],
  },
  missing: { openByDaysMissing: { "0-1": 1, "2-3": 0, "4-7": 2, "over-7": 0 }, weeklyMeetings: { kept: 1, due: 2 }, escalationsOnTime: { kept: 0, due: 0 }, rhiWithin72h: { kept: 0, due: 0 } },
});

describe("the dashboard (tab)", () => {
  it("routes: #/ and #/dashboard?… the dashboard (the landing view), #/list?… the list with a drill-down's filters", () => {
    expect(viewOf("")).toEqual({ view: "dashboard", query: "" });
    expect(viewOf("#/")).toEqual({ view: "dashboard", query: "" });
    expect(viewOf("#/dashboard?from=2026-01-01&to=2026-02-01")).toEqual({ view: "dashboard", query: "from=2026-01-01&to=2026-02-01" });
    expect(viewOf("#/list?late=true&held_from=2026-11-03")).toEqual({ view: "list", query: "late=true&held_from=2026-11-03" });
    expect(viewOf("#/list")).toEqual({ view: "list", query: "" });
    // A drill lists every state (a held strat may be closed); its team is the team filter; the rest pass through.
    const f = filtersFromRoute("late=true&held_from=2026-11-03&team=t1");
    expect(f).toEqual({ ...NO_FILTERS, status: "", team: "t1", drill: { late: "true", held_from: "2026-11-03" } });
    expect(listQuery(f)).toBe("team=t1&late=true&held_from=2026-11-03&sort=due");
    expect(filtersFromRoute("")).toBe(NO_FILTERS);
    expect(drillHref({ agency: "Police & Health", action_overdue: "true" })).toBe("#/list?agency=Police+%26+Health&action_overdue=true");
  });

  it("the period: the last 4 weeks by default (a bad day falls back), presets for 4 and 12 weeks and this year; the team in the route", () => {
    const today = new Date("2026-11-30T12:00:00Z");
    expect(periodOf("", today)).toEqual({ from: "2026-11-03", to: "2026-11-30", team: "" });
    expect(periodOf("from=2026-01-01&to=nonsense&team=%20t1%20", today)).toEqual({ from: "2026-01-01", to: "2026-11-30", team: "t1" });
    expect(presets(today).map((p) => [p.label, p.period.from])).toEqual([["Last 4 weeks", "2026-11-03"], ["Last 12 weeks", "2026-09-08"], ["This year", "2026-01-01"]]);
    expect(dashboardHref({ from: "2026-01-01", to: "2026-11-30", team: "t1" })).toBe("#/dashboard?from=2026-01-01&to=2026-11-30&team=t1");
  });

  it("every number links to the list filtered by its drill; rates in words; each chart has its values in words", async () => {
    inFluent(<DashboardView d={answer} />);
    const card = screen.getByText("Held within the statutory due").closest("[id^=headline-]") as HTMLElement;
    expect(card.textContent).toContain("8 of 10 (80%)");
    expect(within(card).getByRole("link", { name: "8 held within the statutory due: list them" }).getAttribute("href"))
      .toBe("#/list?held_from=2026-11-03&held_to=2026-11-30&late=false");
    expect(within(card).getByRole("link", { name: "10 held: list them" }).getAttribute("href")).toBe("#/list?held_from=2026-11-03&held_to=2026-11-30");
    const late = screen.getByText("Held after the due time").closest("[id^=headline-]") as HTMLElement;
    expect(within(late).getByRole("link", { name: /^2 / }).getAttribute("href")).toBe("#/list?held_from=2026-11-03&held_to=2026-11-30&late=true");
    // By concern in words (not codes), overdue actions by agency, dissent by stage and age: each count a link.
    const concern = screen.getByRole("table", { name: "Held strats by concern category" });
    expect(concern.textContent).toContain("Serious physical injury or serious neglect");
    expect(within(concern).getAllByRole("link")[0]!.getAttribute("href")).toBe("#/list?held_from=2026-11-03&held_to=2026-11-30&concern=serious-harm");
    const police = screen.getByRole("link", { name: "2 Police, strats: list them" });
    expect(police.getAttribute("href")).toBe("#/list?action_overdue=true&agency=Police");
    expect(screen.getByRole("table", { name: "Open dissent by age" }).textContent).toContain("28 days or more");
    // Text alternatives: the 12-week trend (held each week, the rates each week), the bars, in words.
    const captions = Array.from(document.querySelectorAll("figcaption"), (c) => c).map((c) => c.textContent);
    expect(captions).toContain("Strats held each week, the 12 weeks to 30 Nov: week ending 7 Sep, 0; week ending 8 Sep, 10; week ending 9 Sep, 20; "
      + "week ending 10 Sep, 30; week ending 11 Sep, 40; week ending 12 Sep, 50; week ending 13 Sep, 60; week ending 14 Sep, 70; week ending 15 Sep, 80; "
      + "week ending 16 Sep, 90; week ending 17 Sep, 100; week ending 18 Sep, 110.");
    expect(captions.find((c) => c?.startsWith("Rates each week"))).toMatch(/^Rates each week, the 12 weeks to 30 Nov: week ending 7 Sep, none held; week ending 8 Sep, held within the due 80%, quorate 90%, record distributed on time 88%; /);
    expect(captions).toContain("Overdue actions by agency: Police 3.");
    // Each week's numbers as links to that week's strats (the drill of trend[k]).
    const weeks = screen.getByRole("table", { name: "The last 12 weeks" });
    expect(within(weeks).getByRole("link", { name: "10 8 Sep, held: list them" }).getAttribute("href")).toBe("#/list?held_from=2026-11-03&held_to=2026-11-30");
  });

  it("the trend charts: held each week as bars labelled by date, each bar opening that week's strats; rates as lines with a gap for a week with none held", () => {
    const d: Dashboard = { ...answer, trend: answer.trend.map((w, k) => ({ ...w, held: { count: k, drill: { held_from: w.from, held_to: w.to } },
      rates: k === 3 ? { withinDue: null, withinTarget: null, quorate: null, distributedOnTime: null } : { ...w.rates, withinDue: 1 } })) };
    const held = heldWeeksSpec(d).spec;
    expect(held.kind === "bars" && held.bars[4]).toEqual({ x: "11 Sep", y: 4, href: "#/list?held_from=2026-09-05&held_to=2026-09-11" });
    const rates = rateWeeksSpec(d).spec;
    expect(rates.kind === "lines" && rates.series.map((s) => s.legend)).toEqual(["Held within the due", "Quorate", "Record distributed on time"]);
    // No held strats that week: no rate (a gap), not 0 % nor 100 %.
    expect(rates.kind === "lines" && rates.series[0]!.values.slice(2, 5)).toEqual([100, null, 100]);
    expect(rates.kind === "lines" && rates.days[0]).toBe("2026-09-07");
  });

  it("overdue actions, open dissent and missing episodes at each week's end: lines of counts, in words, and each week's count lists those strats then", () => {
    inFluent(<DashboardView d={answer} />);
    const open = openItemWeeksSpec(answer).spec;
    expect(open.kind === "lines" && open.counts).toBe(true);
    expect(open.kind === "lines" && open.series.map((x) => [x.legend, x.values.slice(0, 3)])).toEqual([["Overdue actions", [20, 19, 18]], ["Open dissent", [0, 1, 2]]]);
    const missing = missingWeeksSpec(answer).spec;
    expect(missing.kind === "lines" && missing.series.map((x) => [x.legend, x.values.slice(9)])).toEqual([["Open episodes", [2, 2, 3]], ["Missing more than 7 days", [0, 1, 1]]]);
    const captions = Array.from(document.querySelectorAll("figcaption"), (c) => c.textContent);
    expect(captions.find((c) => c?.startsWith("Overdue actions and open dissent at the end of each week"))).toMatch(/week ending 7 Sep, 20 overdue action\(s\), 0 open dissent\(s\); week ending 8 Sep, 19 overdue/);
    expect(captions.find((c) => c?.startsWith("Missing episodes open at the end of each week"))).toMatch(/week ending 18 Sep, 3 open, 1 missing more than 7 days\.$/);
    const weeks = screen.getByRole("table", { name: "The last 12 weeks" });
    expect(within(weeks).getByRole("link", { name: "19 8 Sep, overdue actions at its end: list them" }).getAttribute("href"))
      .toBe("#/list?action_overdue=true&as_at=2026-09-08");
    expect(within(weeks).getByRole("link", { name: "2 9 Sep, open dissent at its end: list them" }).getAttribute("href"))
      .toBe("#/list?dissent_open=true&as_at=2026-09-09");
    expect(weeks.textContent).toContain("9 of 10"); // weekly missing meetings, the week to 16 Sep
  });

  it("the team chooser: a Team dropdown, All teams first then the viewer's teams by name; choosing one shows its dashboard", async () => {
    // The names the server answers (the name Teams sent the bot, else the id shortened), in its order (by name).
    const TEAMS = { teams: [{ id: "19:b@thread.tacv2", name: "Early Help East" }, { id: "19:a@thread.tacv2", name: "Team 19:a…" }] };
    const asked: string[] = [];
    const get: GetJson = async (path, schema) => {
      asked.push(path);
      return schema.parse(path.startsWith("/api/tab/teams") ? TEAMS : answer);
    };
    window.location.hash = "";
    inFluent(<DashboardPage get={get} query="from=2026-11-03&to=2026-11-30" />);
    const team = await screen.findByRole("combobox", { name: "Team" });
    expect(team.textContent).toBe("All teams");
    fireEvent.click(team);
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual(["All teams", "Early Help East", "Team 19:a…"]);
    fireEvent.click(options[1]!);
    expect(window.location.hash).toBe("#/dashboard?from=2026-11-03&to=2026-11-30&team=19%3Ab%40thread.tacv2");
    expect(asked).toContain("/api/tab/teams");
    // The chosen team shows by its name.
    cleanup();
    inFluent(<DashboardPage get={get} query="from=2026-11-03&to=2026-11-30&team=19%3Ab%40thread.tacv2" />);
    expect((await screen.findByRole("combobox", { name: "Team" })).textContent).toBe("Early Help East");
  });

  it("a team in the route that the viewer has no strats in (or a bad one) still shows, by its id", async () => {
    const get: GetJson = async (path, schema) => schema.parse(path.startsWith("/api/tab/teams") ? { teams: [] } : { ...answer, team: "19:gone" });
    inFluent(<DashboardPage get={get} query="from=2026-11-03&to=2026-11-30&team=19%3Agone" />);
    const team = await screen.findByRole("combobox", { name: "Team" });
    expect(team.textContent).toBe("Team 19:gone");
    fireEvent.click(team);
    expect((await screen.findAllByRole("option")).map((o) => o.textContent)).toEqual(["All teams", "Team 19:gone"]);
  });

  it("the list shows a drill-down's filters as chips; removing one asks to list without it", () => {
    const removed: string[] = [];
    inFluent(<DrillChips drill={{ late: "true", held_from: "2026-11-03", agency: "Police", action_overdue: "true" }} onRemove={(k) => removed.push(k)} />);
    const chips = screen.getByRole("toolbar", { name: "Filters from the dashboard" });
    expect(chips.textContent).toContain("Held after the due time");
    expect(chips.textContent).toContain("Held from 2026-11-03");
    expect(chips.textContent).toContain("Agency: Police");
    fireEvent.click(screen.getByRole("button", { name: "Held after the due time remove" }));
    expect(removed).toEqual(["late"]);
  });
});

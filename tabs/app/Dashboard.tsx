/**
 * The managers' dashboard (issue 15 point 3), the tab's landing view: a period and team, the headline figures of the
 * strats held in it as cards with their 12-week trend, by concern category, overdue actions by agency (R-ACT), open
 * dissent by stage and age, and the missing-children figures. Every number links to the list filtered by its `drill`
 * (the strats behind it). The charts load after the figures (React.lazy): the first view's JS stays small.
 */
import {
  Button, Card, CardHeader, Dropdown, Field, Input, Link, makeStyles, Option, Spinner, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Text, tokens,
} from "@fluentui/react-components";
import { lazy, Suspense, useEffect, useState, type FormEvent } from "react";
import { drillHref, ZDashboard, ZTeams, type Dashboard as DashboardData, type Figure, type GetJson, type Headlines, type Team } from "./api.js";
import type { ChartSpec } from "./DashboardChart.js";
import { dashboardHref, dayLabel, periodOf, presets, type Period } from "./routes.js";
import { concernWords } from "./words.js";

const DashboardChart = lazy(() => import("./DashboardChart.js"));

const useStyles = makeStyles({
  form: { display: "flex", gap: "12px", alignItems: "end", flexWrap: "wrap" },
  cards: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(260px, 1fr))", gap: "12px" },
  count: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold },
  hidden: { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" },
  figure: { margin: 0, minHeight: "260px", minWidth: 0 },
  trend: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(420px, 1fr))", gap: "16px" },
  error: { color: tokens.colorPaletteRedForeground1 },
});

/** A number that lists the strats behind it. */
export function Num({ figure, label }: { figure: Figure; label: string }) {
  return <Link href={drillHref(figure.drill)} aria-label={`${figure.count} ${label}: list them`}>{figure.count}</Link>;
}

const percent = (r: number | null | undefined) => (r === null || r === undefined ? "no meetings to rate" : `${Math.round(r * 100)}%`);

/** A chart with its values in words (the caption, visually hidden): charts are read by screen readers and checked by axe. */
export function Chart({ spec, summary }: { spec: ChartSpec; summary: string }) {
  const styles = useStyles();
  return (
    <figure className={styles.figure}>
      <Suspense fallback={<Spinner size="tiny" label="Loading the chart…" />}><DashboardChart spec={spec} /></Suspense>
      <figcaption className={styles.hidden}>{summary}</figcaption>
    </figure>
  );
}

type HeadlineName = "withinDue" | "withinTarget" | "quorate" | "distributedOnTime" | "shortNotice" | "late";
/** The headline cards: the figure, what it is out of, and its rate (T-STD, the local target, Q-1, T-REC; counted). */
const HEADLINES: readonly { name: HeadlineName; title: string; hint: string; of?: (h: Headlines) => Figure[]; rate?: keyof Headlines["rates"] }[] = [
  { name: "withinDue", title: "Held within the statutory due", hint: "Held by the time the procedure sets (T-STD).", of: (h) => [h.held], rate: "withinDue" },
  { name: "withinTarget", title: "Held within the local target", hint: "Held by the council's own, tighter target.", of: (h) => [h.withinTarget, h.targetMissed], rate: "withinTarget" },
  { name: "quorate", title: "Quorate", hint: "Police and health attended (Q-1).", of: (h) => [h.quorate, h.inquorate], rate: "quorate" },
  { name: "distributedOnTime", title: "Record distributed on time", hint: "The record sent to attendees by its due.", of: (h) => [h.distributedOnTime, h.distributedLate], rate: "distributedOnTime" },
  { name: "shortNotice", title: "Short notice", hint: "Convened less than 2 hours before the start." },
  { name: "late", title: "Held after the due time", hint: "Each with the chair's rationale." },
];

/** The rates drawn week by week (T-STD within the due, Q-1 quorate, T-REC distributed on time). */
const TREND_RATES: readonly { rate: keyof Headlines["rates"]; legend: string }[] = [
  { rate: "withinDue", legend: "Held within the due" }, { rate: "quorate", legend: "Quorate" }, { rate: "distributedOnTime", legend: "Record distributed on time" },
];
const pct = (r: number | null | undefined): number | null => (r === null || r === undefined ? null : Math.round(r * 100));

/** The held strats of each of the 12 weeks as bars, each bar opening that week's strats (its drill). */
export const heldWeeksSpec = (d: DashboardData): { spec: ChartSpec; summary: string } => ({
  spec: {
    kind: "bars", legend: "Held each week", xAxisTitle: "Week ending", yAxisTitle: "Strats held",
    bars: d.trend.map((w) => ({ x: dayLabel(w.to), y: w.held.count, href: drillHref(w.held.drill) })),
  },
  summary: `Strats held each week, the 12 weeks to ${dayLabel(d.to)}: ${d.trend.map((w) => `week ending ${dayLabel(w.to)}, ${w.held.count}`).join("; ")}.`,
});

/** The week's rates as lines; a week with no held strats has no rate (a gap, not 0 % or 100 %). */
export const rateWeeksSpec = (d: DashboardData): { spec: ChartSpec; summary: string } => ({
  spec: {
    kind: "lines", legend: "Rates each week", xAxisTitle: "Week ending", yAxisTitle: "Per cent",
    days: d.trend.map((w) => w.to),
    series: TREND_RATES.map(({ rate, legend }) => ({ legend, values: d.trend.map((w) => pct(w.rates[rate])) })),
  },
  summary: `Rates each week, the 12 weeks to ${dayLabel(d.to)}: ${d.trend.map((w) => `week ending ${dayLabel(w.to)}, ${
    w.held.count === 0 ? "none held" : TREND_RATES.map(({ rate, legend }) => `${legend.toLowerCase()} ${percent(w.rates[rate])}`).join(", ")}`).join("; ")}.`,
});

/**
 * The figures counted as at now, as they stood at the end of each of the 12 weeks (overdue actions, open dissent; this
 * week's end is now): lines of counts.
 */
export const openItemWeeksSpec = (d: DashboardData): { spec: ChartSpec; summary: string } => ({
  spec: {
    kind: "lines", counts: true, legend: "Open at each week's end", xAxisTitle: "Week ending", yAxisTitle: "Number",
    days: d.trend.map((w) => w.to),
    series: [
      { legend: "Overdue actions", values: d.trend.map((w) => w.atEnd.overdueActions.count) },
      { legend: "Open dissent", values: d.trend.map((w) => w.atEnd.openDissent.count) },
    ],
  },
  summary: `Overdue actions and open dissent at the end of each week, the 12 weeks to ${dayLabel(d.to)}: ${d.trend.map((w) =>
    `week ending ${dayLabel(w.to)}, ${w.atEnd.overdueActions.count} overdue action(s), ${w.atEnd.openDissent.count} open dissent(s)`).join("; ")}.`,
});

const overSeven = (m: DashboardData["missing"]) => m.openByDaysMissing["over-7"];
const openMissing = (m: DashboardData["missing"]) => Object.values(m.openByDaysMissing).reduce((n, x) => n + x, 0);
/** The missing-children episodes open at each week's end, and those open more than 7 days (T-MHOS). */
export const missingWeeksSpec = (d: DashboardData): { spec: ChartSpec; summary: string } => ({
  spec: {
    kind: "lines", counts: true, legend: "Missing children at each week's end", xAxisTitle: "Week ending", yAxisTitle: "Episodes open",
    days: d.trend.map((w) => w.to),
    series: [
      { legend: "Open episodes", values: d.trend.map((w) => openMissing(w.atEnd.missing)) },
      { legend: "Missing more than 7 days", values: d.trend.map((w) => overSeven(w.atEnd.missing)) },
    ],
  },
  summary: `Missing episodes open at the end of each week, the 12 weeks to ${dayLabel(d.to)}: ${d.trend.map((w) =>
    `week ending ${dayLabel(w.to)}, ${openMissing(w.atEnd.missing)} open, ${overSeven(w.atEnd.missing)} missing more than 7 days`).join("; ")}.`,
});

/** The 12-week trend: held each week (bars) and the rates each week (lines), and the weeks as a table of links. */
function TrendCharts({ d }: { d: DashboardData }) {
  const styles = useStyles();
  return (
    <>
      <h3>The last 12 weeks</h3>
      <div className={styles.trend} id="trend">
        <Chart {...heldWeeksSpec(d)} />
        <Chart {...rateWeeksSpec(d)} />
        <Chart {...openItemWeeksSpec(d)} />
        <Chart {...missingWeeksSpec(d)} />
      </div>
      <details>
        <summary>The 12 weeks as a table</summary>
        <FigureTable id="trend-table" label="The last 12 weeks" head={[
          "Week ending", "Held", "Within the due", "Quorate", "Record distributed on time", "Overdue actions at its end", "Open dissent at its end",
          "Missing episodes open at its end", "Missing more than 7 days at its end", "Weekly missing meetings held (of due)",
        ]}
          rows={d.trend.map((w) => ({
            key: dayLabel(w.to),
            cells: [w.held, w.withinDue, w.quorate, w.distributedOnTime, w.atEnd.overdueActions, w.atEnd.openDissent,
              String(openMissing(w.atEnd.missing)), String(overSeven(w.atEnd.missing)),
              `${w.atEnd.missing.weeklyMeetings.kept} of ${w.atEnd.missing.weeklyMeetings.due}`],
          }))} />
      </details>
    </>
  );
}

function HeadlineCards({ d }: { d: DashboardData }) {
  const styles = useStyles();
  return (
    <div className={styles.cards} id="headlines">
      {HEADLINES.map(({ name, title, hint, of, rate }) => {
        const total = of ? of(d).reduce((n, f) => n + f.count, 0) : null;
        return (
          <Card key={name} id={`headline-${name}`}>
            <CardHeader header={<h3>{title}</h3>} description={<Text>{hint}</Text>} />
            <Text>
              <span className={styles.count}><Num figure={d[name]} label={title.toLowerCase()} /></span>
              {of && <> of {of(d).length === 1 ? <Num figure={of(d)[0]!} label="held" /> : total}{rate && ` (${percent(d.rates[rate])})`}</>}
            </Text>
          </Card>
        );
      })}
    </div>
  );
}

/** A table of figures, each count a link to its strats. */
function FigureTable({ id, label, head, rows }: { id: string; label: string; head: readonly string[]; rows: readonly { key: string; cells: readonly (Figure | string)[] }[] }) {
  return (
    <Table id={id} aria-label={label} size="small">
      <TableHeader><TableRow>{head.map((h) => <TableHeaderCell key={h}>{h}</TableHeaderCell>)}</TableRow></TableHeader>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.key}>
            <TableCell>{r.key}</TableCell>
            {r.cells.map((c, i) => <TableCell key={head[i + 1]}>{typeof c === "string" ? c : <Num figure={c} label={`${r.key}, ${head[i + 1]!.toLowerCase()}`} />}</TableCell>)}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const barsOf = (legend: string, rows: readonly { key: string; count: number }[]): { spec: ChartSpec; summary: string } => ({
  spec: { kind: "bars", legend, bars: rows.map((r) => ({ x: r.key, y: r.count })) },
  summary: `${legend}: ${rows.length ? rows.map((r) => `${r.key} ${r.count}`).join(", ") : "none"}.`,
});
const AGE_WORDS: Record<string, string> = { "0-6": "0 to 6 days", "7-27": "7 to 27 days", "28-plus": "28 days or more" };
const STAGE_WORDS: Record<string, string> = { chair: "With the chair", "senior-managers": "With senior managers" };

/** The whole dashboard for one answer (data in, no fetching: the component tests render it). */
export function DashboardView({ d }: { d: DashboardData }) {
  const o = d.missing.openByDaysMissing;
  const kept = (k: { kept: number; due: number }) => `${k.kept} of ${k.due}`;
  return (
    <>
      <HeadlineCards d={d} />
      <TrendCharts d={d} />
      <h3>By concern category</h3>
      <FigureTable id="by-concern" label="Held strats by concern category" head={["Concern", "Held", "Within the due", "Within the target", "Missed the target"]}
        rows={d.byConcern.map((c) => ({ key: concernWords([c.concern]), cells: [c.held, c.withinDue, c.withinTarget, c.targetMissed] }))} />
      <h3>Overdue actions by agency</h3>
      <Text as="p">{d.overdueActions.total} action(s) past their date and not done, as at now.</Text>
      {d.overdueActions.byAgency.length > 0 && <Chart {...barsOf("Overdue actions by agency", d.overdueActions.byAgency)} />}
      <FigureTable id="overdue-actions" label="Overdue actions by agency" head={["Agency", "Actions", "Strats"]}
        rows={d.overdueActions.byAgency.map((a) => ({ key: a.key, cells: [String(a.count), a.strats] }))} />
      <h3>Open dissent</h3>
      <Text as="p">{d.openDissent.total} dissent(s) not yet resolved, as at now.</Text>
      <FigureTable id="dissent-stage" label="Open dissent by stage" head={["Stage", "Dissents", "Strats"]}
        rows={d.openDissent.byStage.map((s) => ({ key: STAGE_WORDS[s.key] ?? s.key, cells: [String(s.count), s.strats] }))} />
      <FigureTable id="dissent-age" label="Open dissent by age" head={["Open for", "Dissents", "Strats"]}
        rows={d.openDissent.byAge.map((s) => ({ key: AGE_WORDS[s.key] ?? s.key, cells: [String(s.count), s.strats] }))} />
      <h3>Missing children</h3>
      {Object.values(o).some((n) => n > 0) && (
        <Chart {...barsOf("Open missing episodes by days missing", Object.entries(o).map(([key, count]) => ({ key: `${key.replace("over-", "over ")} days`, count })))} />
      )}
      <FigureTable id="missing" label="Missing children figures" head={["Figure", "Count"]} rows={[
        ["Open episodes, missing 0–1 days", String(o["0-1"])], ["Open episodes, missing 2–3 days", String(o["2-3"])],
        ["Open episodes, missing 4–7 days", String(o["4-7"])], ["Open episodes, missing more than 7 days", String(o["over-7"])],
        ["Weekly strategy meetings held (of due)", kept(d.missing.weeklyMeetings)],
      ].map(([key, n]) => ({ key: key!, cells: [n!] }))} />
    </>
  );
}

/** The teams of the viewer's strats (GET /api/tab/teams); none if they cannot be had (the chooser still offers all teams). */
function useTeams(get: GetJson): readonly Team[] {
  const [teams, setTeams] = useState<readonly Team[]>([]);
  useEffect(() => void get("/api/tab/teams", ZTeams).then((t) => setTeams(t.teams), () => setTeams([])), [get]);
  return teams;
}

/**
 * The team chooser: "All teams" first, then the viewer's teams by name; choosing one shows its dashboard. A team in the
 * route that is not among them (no strats of the viewer's, or a bad id) is offered by its id, as the dashboard shows it.
 */
function TeamChooser({ team, teams, onChoose }: { team: string; teams: readonly Team[]; onChoose: (team: string) => void }) {
  const options = team && !teams.some((t) => t.id === team) ? [...teams, { id: team, name: `Team ${team}` }] : teams;
  const name = (id: string) => options.find((t) => t.id === id)?.name ?? "All teams";
  return (
    <Field label="Team">
      <Dropdown value={name(team)} selectedOptions={[team]} onOptionSelect={(_, d) => onChoose(d.optionValue ?? "")}>
        <Option value="">All teams</Option>
        {options.map((t) => <Option key={t.id} value={t.id}>{t.name}</Option>)}
      </Dropdown>
    </Field>
  );
}

/** The period and team chooser: the route holds them (`#/dashboard?from&to&team`), so a view can be shared. */
function PeriodForm({ period, today, teams }: { period: Period; today: Date; teams: readonly Team[] }) {
  const styles = useStyles();
  const [p, setP] = useState(period);
  useEffect(() => setP(period), [period.from, period.to, period.team]); // eslint-disable-line react-hooks/exhaustive-deps -- by value
  const submit = (e: FormEvent) => {
    e.preventDefault();
    window.location.hash = dashboardHref(p);
  };
  return (
    <form className={styles.form} onSubmit={submit} aria-label="Period and team">
      <Field label="From"><Input type="date" required value={p.from} onChange={(_, d) => setP({ ...p, from: d.value })} /></Field>
      <Field label="To"><Input type="date" required value={p.to} onChange={(_, d) => setP({ ...p, to: d.value })} /></Field>
      <TeamChooser team={p.team} teams={teams} onChoose={(team) => (window.location.hash = dashboardHref({ ...p, team }))} />
      <Button type="submit" appearance="primary">Show</Button>
      {presets(today).map((s) => (
        <Button key={s.label} onClick={() => (window.location.hash = dashboardHref({ ...s.period, team: p.team }))}>{s.label}</Button>
      ))}
    </form>
  );
}

export function Dashboard({ get, query }: { get: GetJson; query: string }) {
  const styles = useStyles();
  const today = new Date();
  const period = periodOf(query, today);
  const key = dashboardHref(period);
  const teams = useTeams(get);
  const [state, setState] = useState<{ key: string; d: DashboardData | null; error: string | null }>({ key: "", d: null, error: null });
  useEffect(() => {
    const q = new URLSearchParams({ from: period.from, to: period.to });
    if (period.team) q.set("team", period.team);
    get(`/api/tab/dashboard?${q}`, ZDashboard).then((d) => setState({ key, d, error: null }), (e: Error) => setState({ key, d: null, error: e.message }));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the period is the key
  }, [get, key]);
  const { d, error } = state;
  return (
    <section aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">Dashboard</h2>
      <PeriodForm period={period} today={today} teams={teams} />
      <Text as="p" id="dashboard-summary" className={error ? styles.error : undefined} aria-live="polite">
        {error ? `Could not load the dashboard: ${error}`
          : d && state.key === key ? `${d.held.count} strat(s) held from ${d.from} to ${d.to} (UK days), ${d.team ? teams.find((t) => t.id === d.team)?.name ?? `team ${d.team}` : "all teams"}. Each number lists its strats.`
          : "Loading…"}
      </Text>
      {d && <DashboardView d={d} />}
    </section>
  );
}

/**
 * The managers' list (issue 15 point 5): GET /api/tab/list with filters, sort and keyset paging (the server's opaque
 * cursor, "Load more"), the same filters as a CSV download; each row opens the strat's route.
 */
import {
  Button, Checkbox, Field, Input, Link, makeStyles, MessageBar, MessageBarBody, Select, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, Tag, TagGroup, Text, tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { downloadFile, listQuery, NO_FILTERS, ZListPage, ZTeams, type GetJson, type ListFilters, type ListRow, type OpenStrats, type Team } from "./api.js";
import { concernWords, drillWords, quorumWords, ruleWords, STATUS_WORDS, ukTime } from "./words.js";

const useStyles = makeStyles({
  filters: { display: "flex", gap: "12px", alignItems: "end", flexWrap: "wrap" },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  actions: { display: "flex", gap: "16px", alignItems: "center" },
  // Issue 15 point 6: Fluent's Link shows focus only by its underline; a visible outline for the keyboard.
  focusable: { ":focus-visible": { outlineWidth: "2px", outlineStyle: "solid", outlineColor: tokens.colorStrokeFocus2, outlineOffset: "2px" } },
});

type Countdowns = ReadonlyMap<string, OpenStrats["strats"][number]>;

/** A strat's team as the tab names it (GET /api/tab/teams: the name Teams sent the bot, else the id shortened). */
const teamLabel = (id: string | null, teams: readonly Team[]) => (id === null ? "" : teams.find((t) => t.id === id)?.name ?? `Team ${id}`);

/** The rows as a table: plain words and UK times; the reference links to the strat's route; the team by its name. */
export function StratTable({ rows, countdowns, teams = [] }: { rows: readonly ListRow[]; countdowns: Countdowns; teams?: readonly Team[] }) {
  const styles = useStyles();
  return (
    <Table id="strats" aria-label="Strategy discussions">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Reference</TableHeaderCell>
          <TableHeaderCell>Case</TableHeaderCell>
          <TableHeaderCell>Concerns</TableHeaderCell>
          <TableHeaderCell>State</TableHeaderCell>
          <TableHeaderCell>Must be held by</TableHeaderCell>
          <TableHeaderCell>Rule</TableHeaderCell>
          <TableHeaderCell>Countdown</TableHeaderCell>
          <TableHeaderCell>Chair</TableHeaderCell>
          <TableHeaderCell>Team</TableHeaderCell>
          <TableHeaderCell>Attendance</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => {
          const open = countdowns.get(r.ref);
          return (
            <TableRow key={r.strat_id}>
              <TableCell><Link className={styles.focusable} href={`#/strat/${r.ref}`}>{r.ref}</Link></TableCell>
              <TableCell>{r.case_ref}</TableCell>
              <TableCell>{concernWords(r.concerns)}</TableCell>
              <TableCell>{STATUS_WORDS[r.status]}</TableCell>
              <TableCell>{ukTime(r.due_at)}</TableCell>
              <TableCell>{open ? ruleWords(open.dueRule) : ""}</TableCell>
              <TableCell className={open?.overdue ? styles.overdue : undefined}>{open?.countdown ?? (r.held_at ? `held ${ukTime(r.held_at)}` : "")}</TableCell>
              <TableCell>{r.chair_name ?? r.chair_id}</TableCell>
              <TableCell>{teamLabel(r.team, teams)}</TableCell>
              <TableCell>{quorumWords(r.quorate)}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/**
 * The filter controls; each has a label. Applied on "Apply filters" (a form: Enter works too). The team is chosen by name
 * among the viewer's teams (a team in the route that is not among them is offered by its id).
 */
export function ListFilterForm({ initial, onApply, teams = [] }: { initial: ListFilters; onApply: (f: ListFilters) => void; teams?: readonly Team[] }) {
  const styles = useStyles();
  const [f, setF] = useState(initial);
  const set = <K extends keyof ListFilters>(k: K, v: ListFilters[K]) => setF((old) => ({ ...old, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(f);
  };
  return (
    <form className={styles.filters} onSubmit={submit} aria-label="Filter the list">
      <Field label="Case reference starts with">
        <Input value={f.q} maxLength={50} onChange={(_, d) => set("q", d.value)} />
      </Field>
      <Field label="State">
        <Select value={f.status} onChange={(_, d) => set("status", d.value as ListFilters["status"])}>
          <option value="">Any</option>
          <option value="open">Open</option>
          <option value="closed">Closed</option>
          <option value="cancelled">Cancelled</option>
        </Select>
      </Field>
      <Field label="Team">
        <Select value={f.team} onChange={(_, d) => set("team", d.value)}>
          <option value="">Any</option>
          {(f.team && !teams.some((t) => t.id === f.team) ? [...teams, { id: f.team, name: `Team ${f.team}` }] : teams).map((t) => (
            <option key={t.id} value={t.id}>{t.name}</option>
          ))}
        </Select>
      </Field>
      <Field label="Chair (id)">
        <Input value={f.chair} maxLength={200} onChange={(_, d) => set("chair", d.value)} />
      </Field>
      <Field label="Profile">
        <Input value={f.profile} maxLength={100} placeholder="e.g. bromley-2023" onChange={(_, d) => set("profile", d.value)} />
      </Field>
      <Field label="Sort by">
        <Select value={f.sort} onChange={(_, d) => set("sort", d.value === "opened" ? "opened" : "due")}>
          <option value="due">Must be held by</option>
          <option value="opened">Opened</option>
        </Select>
      </Field>
      <Checkbox label="Overdue only" checked={f.overdue} onChange={(_, d) => set("overdue", d.checked === true)} />
      <Button type="submit" appearance="primary">Apply filters</Button>
    </form>
  );
}

/** A drill-down's filters (from the dashboard's numbers) as removable chips: removing one lists again without it. */
export function DrillChips({ drill, onRemove }: { drill: ListFilters["drill"]; onRemove: (key: string) => void }) {
  const entries = Object.entries(drill);
  if (entries.length === 0) return null;
  return (
    <TagGroup aria-label="Filters from the dashboard" onDismiss={(_, d) => onRemove(String(d.value))}>
      {entries.map(([k, v]) => (
        <Tag key={k} value={k} dismissible dismissIcon={{ "aria-label": "remove" }}>{drillWords(k, v)}</Tag>
      ))}
    </TagGroup>
  );
}

/**
 * "Download CSV" with the list's filters: outside a host a plain link (the dev sign-in's cookie goes with it); inside a
 * host (`token`) a plain link carries no Bearer token, so the file is fetched with it and saved (issue 15 point 2).
 */
export function CsvDownload({ filters, token, onError }: { filters: ListFilters; token: (() => Promise<string | null>) | null; onError: (e: string) => void }) {
  const href = `/api/tab/list.csv?${listQuery(filters)}`;
  if (!token) return <Link href={href} download="strats.csv">Download CSV</Link>;
  return <Button appearance="transparent" onClick={() => void downloadFile(token, href, "strats.csv").catch((e: Error) => onError(e.message))}>Download CSV</Button>;
}

/**
 * The list, fetched page by page: "Load more" follows the server's cursor; new filters start from the first page.
 * `initial`: the route's filters (a drill-down from the dashboard, `#/list?late=true&…`).
 */
export function StratList({ get, open, openError, initial = NO_FILTERS, token }: { get: GetJson; open: OpenStrats | null; openError: string | null; initial?: ListFilters; token: (() => Promise<string | null>) | null }) {
  const styles = useStyles();
  const [filters, setFilters] = useState<ListFilters>(initial);
  const [rows, setRows] = useState<ListRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (f: ListFilters, after: string | null) => {
    setLoading(true);
    try {
      const page = await get(`/api/tab/list?${listQuery(f, after)}`, ZListPage);
      setRows((old) => (after ? [...old, ...page.rows] : page.rows));
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [get]);
  useEffect(() => void load(filters, null), [load, filters]);
  // The viewer's teams by name (the Team filter and column); none if they cannot be had (ids are shown instead).
  const [teams, setTeams] = useState<readonly Team[]>([]);
  useEffect(() => void get("/api/tab/teams", ZTeams).then((t) => setTeams(t.teams), () => setTeams([])), [get]);

  const countdowns: Countdowns = new Map((open?.strats ?? []).map((s) => [s.ref, s]));
  const overdue = open?.strats.filter((s) => s.overdue).length ?? 0;
  return (
    <section aria-labelledby="list-title">
      <h2 id="list-title">Strategy discussions</h2>
      <Text as="p" id="summary">
        {openError ? `Could not load the list: ${openError}`
          : !open ? "Loading…"
          : open.strats.length === 0 ? "No open strategy discussions. A chair opens one by typing new to the bot."
          : `${open.strats.length} open, ${overdue} overdue. Times are UK time.`}
      </Text>
      <ListFilterForm initial={filters} teams={teams} onApply={(f) => setFilters((old) => ({ ...f, drill: old.drill }))} />
      <DrillChips drill={filters.drill} onRemove={(key) => setFilters((old) => ({ ...old, drill: Object.fromEntries(Object.entries(old.drill).filter(([k]) => k !== key)) }))} />
      {error && <MessageBar intent="error"><MessageBarBody>{error}</MessageBarBody></MessageBar>}
      {rows.length > 0 ? <StratTable rows={rows} countdowns={countdowns} teams={teams} /> : !loading && !error && <Text as="p">No strategy discussions match these filters.</Text>}
      <div className={styles.actions}>
        {next && <Button onClick={() => void load(filters, next)} disabled={loading}>Load more</Button>}
        <Text aria-live="polite">{loading ? "Loading…" : `${rows.length} shown${next ? "; more to load" : ""}.`}</Text>
        <CsvDownload filters={filters} token={token} onError={setError} />
      </div>
    </section>
  );
}

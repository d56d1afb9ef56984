/**
 * Counted (issue 12 point 9): short notice, late and inquorate (Q-1) meetings in a period, with the strats behind
 * them; the missing-children figures (issue 14 point 7). Fluent cards; the chart loads only when asked (React.lazy).
 */
import {
  Button, Card, CardHeader, Field, Input, makeStyles, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens,
} from "@fluentui/react-components";
import { lazy, Suspense, useCallback, useEffect, useState, type FormEvent } from "react";
import { ZFigures, type Figures as FiguresData, type GetJson } from "./api.js";
import { duration, ukTime } from "./words.js";

const FiguresChart = lazy(() => import("./FiguresChart.js"));

const useStyles = makeStyles({
  form: { display: "flex", gap: "12px", alignItems: "end", flexWrap: "wrap" },
  cards: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(260px, 1fr))", gap: "12px" },
  count: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold },
  error: { color: tokens.colorPaletteRedForeground1 },
});

const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const kept = (k: { kept: number; due: number }) => `${k.kept} of ${k.due}`;

type Kind = "shortNotice" | "late" | "inquorate";
const KINDS: readonly { kind: Kind; title: string; hint: string; row: (f: FiguresData, i: number) => string }[] = [
  {
    kind: "shortNotice", title: "Short notice", hint: "Convened less than 2 hours before the start: allowed, but must not become routine.",
    row: (f, i) => { const s = f.shortNotice.strats[i]!; return `${s.ref} (case ${s.caseRef}): ${ukTime(s.start)}, set ${duration(s.minutesAhead)} ahead`; },
  },
  {
    kind: "late", title: "Held after the due time", hint: "Each with the chair's rationale.",
    row: (f, i) => { const s = f.late.strats[i]!; return `${s.ref} (case ${s.caseRef}): ${ukTime(s.start)}, ${duration(s.minutesLate)} after the due time${s.rationale ? `; rationale: ${s.rationale}` : ""}`; },
  },
  {
    kind: "inquorate", title: "Inquorate", hint: "Police or health did not attend.",
    row: (f, i) => { const s = f.inquorate.strats[i]!; return `${s.ref} (case ${s.caseRef}): no ${s.missing.join(" or ")}${s.reason ? `; reason: ${s.reason}` : ""}`; },
  },
];

/** The figures of one period as cards and a table (data in, no fetching: the component tests render it). */
export function FigureCards({ figures }: { figures: FiguresData }) {
  const styles = useStyles();
  const m = figures.missing;
  const o = m.openByDaysMissing;
  const missingRows: readonly [string, string][] = [
    ["Open episodes, missing 0–1 days", String(o["0-1"])], ["Open episodes, missing 2–3 days", String(o["2-3"])],
    ["Open episodes, missing 4–7 days", String(o["4-7"])], ["Open episodes, missing more than 7 days", String(o["over-7"])],
    ["Weekly strategy meetings held (of due)", kept(m.weeklyMeetings)], ["Escalations sent on time (of due)", kept(m.escalationsOnTime)],
    ["Return home interviews within 72 hours (of due)", kept(m.rhiWithin72h)],
  ];
  return (
    <>
      <div className={styles.cards}>
        {KINDS.map(({ kind, title, hint, row }) => (
          <Card key={kind}>
            <CardHeader header={<h3>{title}</h3>} description={<Text>{hint}</Text>} action={<span className={styles.count} id={`count-${kind}`}>{figures[kind].count}</span>} />
            <ul id={`list-${kind}`}>{figures[kind].strats.map((s, i) => <li key={s.ref}>{row(figures, i)}</li>)}</ul>
          </Card>
        ))}
      </div>
      <h3>Missing children</h3>
      <Text as="p">Episodes open now or returned in the period.</Text>
      <Table id="missing-figures" aria-label="Missing children figures">
        <TableHeader><TableRow><TableHeaderCell>Figure</TableHeaderCell><TableHeaderCell>Count</TableHeaderCell></TableRow></TableHeader>
        <TableBody>
          {missingRows.map(([label, n]) => <TableRow key={label}><TableCell>{label}</TableCell><TableCell>{n}</TableCell></TableRow>)}
        </TableBody>
      </Table>
    </>
  );
}

export function Figures({ get }: { get: GetJson }) {
  const styles = useStyles();
  const today = new Date();
  const [from, setFrom] = useState(day(addDays(today, -27)));
  const [to, setTo] = useState(day(addDays(today, 14)));
  const [figures, setFigures] = useState<FiguresData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chart, setChart] = useState(false);

  const load = useCallback(async (f: string, t: string) => {
    try {
      setFigures(await get(`/api/tab/figures?${new URLSearchParams({ from: f, to: t })}`, ZFigures));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [get]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the first period only; later ones on "Show"
  useEffect(() => void load(from, to), [load]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(from, to);
  };

  return (
    <section aria-labelledby="counted-title">
      <h2 id="counted-title">Counted: short notice, late and inquorate</h2>
      <form className={styles.form} onSubmit={submit} aria-label="Period">
        <Field label="From"><Input type="date" required value={from} onChange={(_, d) => setFrom(d.value)} /></Field>
        <Field label="To"><Input type="date" required value={to} onChange={(_, d) => setTo(d.value)} /></Field>
        <Button type="submit">Show</Button>
        <Button onClick={() => setChart((c) => !c)} aria-pressed={chart} disabled={!figures}>Chart</Button>
      </form>
      <Text as="p" id="counted-summary" className={error ? styles.error : undefined}>
        {error ? `Could not load the figures: ${error}` : figures ? `${figures.meetings} meeting(s) from ${figures.from} to ${figures.to} (UK days).` : "Loading…"}
      </Text>
      {chart && figures && <Suspense fallback={<Spinner label="Loading the chart…" />}><FiguresChart figures={figures} /></Suspense>}
      {figures && <FigureCards figures={figures} />}
    </section>
  );
}

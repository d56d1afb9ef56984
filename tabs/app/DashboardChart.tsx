/**
 * The dashboard's charts (issue 15 point 3), loaded on demand (React.lazy in Dashboard.tsx): @fluentui/react-charts is its
 * own chunk, not in the first view. Each chart sits in a <figure> whose caption (visually hidden) gives the values in words.
 * Colours are the Teams theme's tokens (light, dark, high contrast); the rate lines differ by dash and marker shape too,
 * as the high-contrast theme draws every line in the same colour.
 */
import { tokens } from "@fluentui/react-components";
import { LineChart, VerticalBarChart, type LegendShape } from "@fluentui/react-charts";
import { dayLabel } from "./routes.js";

/** Bars with a label each (a week's date, an agency); a bar with `href` opens the strats behind it. */
export interface BarsSpec {
  kind: "bars";
  legend: string;
  bars: readonly { x: string; y: number; href?: string }[];
  xAxisTitle?: string;
  yAxisTitle?: string;
}
/**
 * Rates (0–100 %) on days (YYYY-MM-DD), one line per series; `null` is a day with nothing to rate: a gap, not 0 or 100.
 * `counts`: the values are counts (the axis from 0 to the largest), not rates.
 */
export interface LinesSpec {
  kind: "lines";
  counts?: boolean;
  legend: string;
  days: readonly string[];
  series: readonly { legend: string; values: readonly (number | null)[] }[];
  xAxisTitle?: string;
  yAxisTitle?: string;
}
export type ChartSpec = BarsSpec | LinesSpec;

// The chart draws the first series on top: each line wider than the one before, so lines on the same values (often
// 100 %) all still show, the later ones as a coloured edge round the earlier.
const LINE_STYLES: readonly { color: string; shape: LegendShape; width: number; dash?: string }[] = [
  { color: tokens.colorBrandForeground1, shape: "circle", width: 2 },
  { color: tokens.colorPaletteDarkOrangeForeground1, shape: "square", width: 6, dash: "10 4" },
  { color: tokens.colorPaletteGreenForeground1, shape: "diamond", width: 10, dash: "3 3" },
];
const HEIGHT = 260;

function Lines({ spec }: { spec: LinesSpec }) {
  const dates = spec.days.map((d) => new Date(`${d}T12:00:00Z`));
  const data = spec.series.map((s, i) => {
    const style = LINE_STYLES[i % LINE_STYLES.length]!;
    const kept = s.values.flatMap((y, k) => (y === null ? [] : [{ k, y }]));
    return {
      legend: s.legend,
      legendShape: style.shape,
      color: style.color,
      lineOptions: { strokeWidth: style.width, ...(style.dash ? { strokeDasharray: style.dash } : {}) },
      data: kept.map(({ k, y }) => ({ x: dates[k]!, y })),
      // A week with nothing to rate breaks the line (no point is drawn for it).
      gaps: kept.flatMap((p, j) => (j > 0 && p.k - kept[j - 1]!.k > 1 ? [{ startIndex: j - 1, endIndex: j }] : [])),
    };
  }).filter((s) => s.data.length > 0);
  if (data.length === 0) return <p>{spec.counts ? "Nothing to count in these weeks." : "Nothing to rate in these weeks."}</p>;
  return (
    <LineChart
      data={{ chartTitle: spec.legend, lineChartData: data }}
      height={HEIGHT}
      yMinValue={0}
      // Counts: at least 0–4, so the axis ticks whole numbers (a scale to 1 would tick 0.25).
      yMaxValue={spec.counts ? Math.max(4, ...spec.series.flatMap((x) => x.values.map((v) => v ?? 0))) : 100}
      tickValues={dates}
      customDateTimeFormatter={(d) => dayLabel(d.toISOString().slice(0, 10))}
      allowMultipleShapesForPoints
      xAxisTitle={spec.xAxisTitle}
      yAxisTitle={spec.yAxisTitle}
      enableReflow
    />
  );
}

function Bars({ spec }: { spec: BarsSpec }) {
  return (
    <VerticalBarChart
      chartTitle={spec.legend}
      data={spec.bars.map((b) => ({
        x: b.x, y: b.y, legend: b.x, color: tokens.colorBrandBackground,
        ...(b.href ? { onClick: () => void (window.location.hash = b.href!) } : {}),
      }))}
      height={HEIGHT}
      hideLegend
      barWidth={24}
      xAxisTitle={spec.xAxisTitle}
      yAxisTitle={spec.yAxisTitle}
      enableReflow
    />
  );
}

export default function DashboardChart({ spec }: { spec: ChartSpec }) {
  return spec.kind === "lines" ? <Lines spec={spec} /> : <Bars spec={spec} />;
}

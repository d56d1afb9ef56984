/**
 * The dashboard's charts (issue 15 point 3), loaded on demand (React.lazy in Dashboard.tsx): @fluentui/react-charts is its
 * own chunk, not in the first view. Each chart sits in a <figure> whose caption (visually hidden) gives the values in words.
 */
import { Sparkline, VerticalBarChart } from "@fluentui/react-charts";

export type ChartSpec =
  | { kind: "trend"; legend: string; points: readonly { x: string; y: number }[] }
  | { kind: "bars"; legend: string; bars: readonly { x: string; y: number }[] };

export default function DashboardChart({ spec }: { spec: ChartSpec }) {
  if (spec.kind === "trend") {
    return (
      <Sparkline
        data={{ chartTitle: spec.legend, lineChartData: [{ legend: spec.legend, data: spec.points.map((p, i) => ({ x: i, y: p.y })) }] }}
        width={160}
        height={32}
      />
    );
  }
  return (
    <VerticalBarChart
      chartTitle={spec.legend}
      data={spec.bars.map((b) => ({ x: b.x, y: b.y, legend: b.x }))}
      height={220}
      hideLegend
      barWidth={32}
    />
  );
}

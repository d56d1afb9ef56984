/** The counted figures as a donut (loaded on demand: @fluentui/react-charts is its own chunk, not in the first view). */
import { DonutChart } from "@fluentui/react-charts";
import type { Figures } from "./api.js";

export default function FiguresChart({ figures }: { figures: Figures }) {
  return (
    <DonutChart
      data={{
        chartTitle: "Counted meetings",
        chartData: [
          { legend: "Short notice", data: figures.shortNotice.count },
          { legend: "Held after the due time", data: figures.late.count },
          { legend: "Inquorate", data: figures.inquorate.count },
        ],
      }}
      innerRadius={40}
      hideLabels={false}
    />
  );
}

/** The missing-child risk tool (M-RAG) as a card: the 69 items, and the saved score and band. */
import { RISK_ITEMS, RISK_SECTIONS, scoreMissingRisk } from "../../src/domain/protocol/index.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { stratHeader } from "./labels.js";

const COLOR: Record<string, string> = { blue: "Accent", green: "Good", amber: "Warning", red: "Attention" };

/** `error`: why nothing was saved (beside the form); `notice`: what the press did ("Scored and saved."). */
export function missingCard(
  s: Strat, cards: CardRenderer, answers: Record<string, string>, opts: { error?: string; notice?: string } = {},
): AdaptiveCard {
  const saved = s.state.missingRisk;
  const titles = new Map(RISK_SECTIONS.map((x) => [x.id, x.title]));
  return cards.render("missing-risk", {
    ...stratHeader(s),
    error: opts.error ?? "",
    notice: opts.notice ?? "",
    comments: saved?.comments ?? "",
    result: saved
      ? {
          score: saved.score, band: saved.band.toUpperCase(), outcome: saved.outcome, at: showLondon(saved.at), color: COLOR[saved.band] ?? "Default",
          sections: Object.entries(scoreMissingRisk(saved.answers).sections).map(([id, score]) => ({ title: titles.get(id) ?? id, score: String(score) })),
        }
      : null,
    sections: RISK_SECTIONS.map((sec) => {
      const items = RISK_ITEMS.filter((i) => i.section === sec.id);
      return {
        title: sec.title,
        toggles: items.filter((i) => i.allowed.length === 2).map((i) => ({ id: i.id, text: i.text, weight: String(i.allowed[1]), value: answers[i.id] ?? "0" })),
        choices: items.filter((i) => i.allowed.length > 2).map((i) => ({ id: i.id, text: i.text, value: answers[i.id] ?? "0" })),
      };
    }),
  });
}

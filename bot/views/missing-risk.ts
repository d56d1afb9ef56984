/**
 * The missing-child risk tool (M-RAG) as a card: the 69 items and the saved score and band. Per episode (issue 14
 * point 2): the child, the latest version ("version 3 of 3 · changed: 4 items"), the history, the team manager's
 * sign-off (comments and one of the form's four outcomes), where it is sent, and for Amber/Red the offer to convene a
 * missing child protection strategy meeting by the T-MIS due time.
 */
import type { MissingEpisode } from "../../src/domain/missing/episode.js";
import { SIGN_OFF_OUTCOMES, type RiskVersion } from "../../src/domain/missing/risk-versions.js";
import { RISK_ITEMS, RISK_SECTIONS, scoreMissingRisk } from "../../src/domain/protocol/index.js";
import type { Strat } from "../../src/domain/strat/strat.js";
import { showLondon } from "../../src/domain/time/london.js";
import type { AdaptiveCard, CardRenderer } from "../cards/render-card.js";
import { stratHeader } from "./labels.js";

const COLOR: Record<string, string> = { blue: "Accent", green: "Good", amber: "Warning", red: "Attention" };

/** An episode's risk tool as the card shows it (src/app/missing-risk.ts computes the offer and the coordinator). */
export interface EpisodeRisk {
  episode: MissingEpisode;
  versions: readonly RiskVersion[];
  /** Amber/Red: the T-MIS due time of a missing child protection strategy meeting. */
  convene: { due: Date; rule: string } | null;
  coordinator: { name: string; address: string | null } | null;
}

/** Earlier versions listed on the card (the rest are kept, and counted): the card stays under Teams' 28 KB. */
const HISTORY_SHOWN = 10;
const items = (n: number) => `${n} item${n === 1 ? "" : "s"}`;
const scored = (v: RiskVersion) => `score ${v.score} (${v.band.toUpperCase()}) · ${showLondon(v.at)} by ${v.by}`;

function episodeView(r: EpisodeRisk, form: Record<string, string>) {
  const latest = r.versions.at(-1) ?? null;
  const n = r.versions.length;
  const sign = latest?.signOff ?? null;
  return {
    episodeId: r.episode.id, childRef: r.episode.childRef, riskVersion: String(latest?.version ?? ""),
    versionLine: latest ? `version ${latest.version} of ${n} · changed: ${items(latest.changed.length)} · by ${latest.by}` : "Not scored yet for this child.",
    history: [
      ...r.versions.slice(0, -1).reverse().slice(0, HISTORY_SHOWN).map((v) => ({
        text: `Version ${v.version}: ${scored(v)} · changed: ${items(v.changed.length)}${v.signOff ? ` · signed off (${SIGN_OFF_OUTCOMES[v.signOff.outcome]})` : ""}`,
      })),
      ...(n - 1 > HISTORY_SHOWN ? [{ text: `… and ${n - 1 - HISTORY_SHOWN} earlier versions (kept; not shown on this card)` }] : []),
    ],
    signedOff: sign ? `Signed off by ${sign.byName} (team manager) on ${showLondon(sign.at)}: ${SIGN_OFF_OUTCOMES[sign.outcome]}. Comments: ${sign.comments}` : "",
    canSignOff: Boolean(latest && !sign),
    sendTo: !r.coordinator?.address ? "On sign-off it is sent to the Missing/Gang coordinator: no address configured."
      : `On sign-off it is sent to the ${r.coordinator.name}: ${r.coordinator.address}.`,
    outcomes: Object.entries(SIGN_OFF_OUTCOMES).map(([value, title]) => ({ value, title })),
    signOffOutcome: form.signOffOutcome ?? "", signOffComments: form.signOffComments ?? "",
    convene: r.convene ? `Amber or Red: convene a missing child protection strategy meeting by ${showLondon(r.convene.due)} (${r.convene.rule}).` : "",
  };
}

/** `error`: why nothing was saved (beside the form); `notice`: what the press did ("Scored and saved."). */
export function missingCard(
  s: Strat, cards: CardRenderer, answers: Record<string, string>,
  opts: { error?: string; notice?: string; episode?: EpisodeRisk; form?: Record<string, string> } = {},
): AdaptiveCard {
  const latest = opts.episode?.versions.at(-1);
  const saved = opts.episode ? (latest ? { ...latest, at: latest.at.toISOString(), comments: null } : null) : s.state.missingRisk;
  const titles = new Map(RISK_SECTIONS.map((x) => [x.id, x.title]));
  const scoredNow = saved ? scoreMissingRisk({ ...saved.answers }) : null;
  return cards.render("missing-risk", {
    ...stratHeader(s),
    error: opts.error ?? "",
    episodeId: opts.episode?.episode.id ?? "",
    // The version the card shows: a press on a refreshed card is a new scoring, the same press again is not.
    riskVersion: String(latest?.version ?? ""),
    notice: opts.notice ?? "",
    comments: saved?.comments ?? "",
    episode: opts.episode ? episodeView(opts.episode, opts.form ?? {}) : null,
    result: saved && scoredNow
      ? {
          score: saved.score, band: saved.band.toUpperCase(), outcome: scoredNow.outcome, at: showLondon(saved.at), color: COLOR[saved.band] ?? "Default",
          sections: Object.entries(scoredNow.sections).map(([id, score]) => ({ title: titles.get(id) ?? id, score: String(score) })),
        }
      : null,
    sections: RISK_SECTIONS.map((sec) => {
      const list = RISK_ITEMS.filter((i) => i.section === sec.id);
      return {
        title: sec.title,
        toggles: list.filter((i) => i.allowed.length === 2).map((i) => ({ id: i.id, text: i.text, weight: String(i.allowed[1]), value: answers[i.id] ?? "0" })),
        choices: list.filter((i) => i.allowed.length > 2).map((i) => ({ id: i.id, text: i.text, value: answers[i.id] ?? "0" })),
      };
    }),
  });
}

/**
 * M-RAG: the Bromley Missing Risk Assessment Tool (bromley-missing-2020 Appendix 4; DOMAIN.md §6).
 *
 * 69 items in 8 sections, transcribed to missing-risk-items.json with stable ids ("vulnerability.1",
 * "risk-factors.8", …). Each item scores 0 (not applicable, "Put zero for not applicable question")
 * or its weight; items marked 2/3 score 0, 2 or 3 by judgement. Items not answered count 0.
 * Bands (DOMAIN.md fixes the seed's overlapping "10 - 30" / "30 - 50"): < 10 blue; 10–29 green;
 * 30–50 amber; > 50 red. Amber and red → convene a missing/exploitation child protection strategy
 * meeting. The team manager signs the assessment with comments and the outcome (not modelled here).
 */
import { AppError } from "../errors.js";
import data from "./missing-risk-items.json" with { type: "json" };

export type RagBand = "blue" | "green" | "amber" | "red";

export interface RiskItem {
  id: string;
  section: string;
  text: string;
  weight: string;
  allowed: number[];
}

export interface MissingRiskResult {
  rule: "M-RAG";
  score: number;
  band: RagBand;
  sections: Record<string, number>;
  outcome: string;
  convene: boolean;
}

export const RISK_ITEMS: readonly RiskItem[] = data.items;
export const RISK_SECTIONS: readonly { id: string; title: string }[] = data.sections;
const BY_ID: ReadonlyMap<string, RiskItem> = new Map(RISK_ITEMS.map((i) => [i.id, i]));

export function ragBand(score: number): RagBand {
  if (score < 10) return "blue";
  if (score < 30) return "green";
  if (score <= 50) return "amber";
  return "red";
}

const OUTCOMES: Record<RagBand, string> = {
  blue: "No concerns (Blue): concerns unsubstantiated",
  green: "Vulnerable to missing (Green): provide preventative social work support or refer to early help for preventative support",
  amber: "Amber: follow child protection procedures and convene a Missing/Gang child protection strategy meeting",
  red: "Red: follow child protection procedures and convene a Missing/Gang child protection strategy meeting",
};

/** Score answers (item id → score). Unknown ids and disallowed scores → AppError naming the item id. */
export function scoreMissingRisk(answers: Record<string, number>): MissingRiskResult {
  if (answers === null || typeof answers !== "object" || Array.isArray(answers)) {
    throw new AppError("invalid_input", "answers: must be an object mapping item ids to scores", "answers");
  }
  const sections: Record<string, number> = {};
  for (const s of RISK_SECTIONS) sections[s.id] = 0;
  let score = 0;
  for (const [id, value] of Object.entries(answers)) {
    const item = BY_ID.get(id);
    if (!item) throw new AppError("invalid_input", `answers.${id}: unknown item id (ids look like "vulnerability.1" … "pull.16")`, `answers.${id}`);
    if (typeof value !== "number" || !item.allowed.includes(value)) {
      throw new AppError("invalid_input", `answers.${id}: score must be one of ${item.allowed.join(", ")}`, `answers.${id}`);
    }
    sections[item.section] = (sections[item.section] ?? 0) + value;
    score += value;
  }
  const band = ragBand(score);
  return { rule: "M-RAG", score, band, sections, outcome: OUTCOMES[band], convene: band === "amber" || band === "red" };
}

/**
 * What an amendment says, in a chair's words (issue 13 point 6, R-*: a verified version never changes; an amendment
 * is a new version with who, when and why). One wording for the channel record's reply and the amendment's mail.
 */
import type { AMENDABLE_SECTIONS } from "../strat/state.js";
import type { Strat } from "../strat/strat.js";
import { showLondon } from "../time/london.js";

const SECTION_WORDS: Record<(typeof AMENDABLE_SECTIONS)[number], string> = {
  attendance: "the attendance", decisions: "the decisions", plan: "the interim safety plan", actions: "the actions",
  dissent: "the dissent", other: "the record",
};

/** Who amended: the chair by name; anyone else allowed to amend is a deputy chair (the audit trail has the id). */
export const amendedBy = (s: Pick<Strat, "chairId" | "chairName">, by: string) => (by === s.chairId ? s.chairName ?? "the chair" : "a deputy chair");

const sentence = (t: string) => t.trim().replace(/[.\s]+$/, "");

/** "version 2 amends the interim safety plan: … Why: … By Sam Chair, 23/11/2026 14:00." */
export function amendmentWords(a: { version: number; section: string; text: string; why: string; at: string }, who: string): string {
  const part = SECTION_WORDS[a.section as keyof typeof SECTION_WORDS] ?? "the record";
  return `version ${a.version} amends ${part}: ${sentence(a.text)}. Why: ${sentence(a.why)}. By ${who}, ${showLondon(a.at)}.`;
}

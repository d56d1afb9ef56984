/**
 * The missing-child risk tool (M-RAG, DOMAIN.md §6) per child per episode (issue 14 point 2): every scoring is kept
 * as a version ("risk tool reviewed when new information comes", bromley-missing-2020 Appendix 4) with who, when and
 * the items changed since the previous version; the team manager signs a version off with comments and one of the
 * four outcomes the form offers. Pure: validates and returns the new version or sign-off; the store keeps them.
 */
import { AppError } from "../errors.js";
import { RISK_ITEMS, scoreMissingRisk, type RagBand } from "../protocol/index.js";

/** The form's four outcomes / decisions for the team manager (bromley-missing-2020 Appendix 4). */
export const SIGN_OFF_OUTCOMES = {
  convene: "Convene Missing/Gang Child Protection Strategy Meeting (Red or Amber RAG rating)",
  preventative: "Provide preventative social work support (Green RAG rating)",
  "early-help": "Refer to Early help for preventative support (Green RAG rating)",
  unsubstantiated: "Concerns unsubstantiated",
} as const;
export type SignOffOutcome = keyof typeof SIGN_OFF_OUTCOMES;
export const isSignOffOutcome = (v: string): v is SignOffOutcome => Object.hasOwn(SIGN_OFF_OUTCOMES, v);

export interface RiskSignOff { by: string; byName: string; at: Date; outcome: SignOffOutcome; comments: string }

export interface RiskVersion {
  episodeId: string;
  version: number;
  answers: Readonly<Record<string, number>>;
  score: number;
  band: RagBand;
  /** Item ids whose score differs from the previous version (all scored items for version 1). */
  changed: readonly string[];
  by: string;
  at: Date;
  signOff: RiskSignOff | null;
}

const bad = (field: string, message: string) => new AppError("invalid_input", message, field);
const TEXT_OF = new Map(RISK_ITEMS.map((i) => [i.id, i.text]));

/**
 * M-RAG: scores `answers` (item id → score; 0 = does not apply) as the version after `previous`. A score outside an
 * item's allowed values names the item (its words and id); nothing is kept.
 */
export function scoreVersion(
  episodeId: string, previous: RiskVersion | null, answers: Record<string, number>, by: string, at: Date,
): RiskVersion {
  let r;
  try {
    r = scoreMissingRisk(answers);
  } catch (e) {
    const id = e instanceof AppError && e.field?.startsWith("answers.") ? e.field.slice("answers.".length) : null;
    const item = id ? RISK_ITEMS.find((i) => i.id === id) : undefined;
    if (!item) throw e;
    throw bad(`answers.${item.id}`, `"${item.text}" (item ${item.id}): the score must be one of ${item.allowed.join(", ")}. Nothing was saved.`);
  }
  const kept = Object.fromEntries(Object.entries(answers).filter(([, v]) => v !== 0));
  return {
    episodeId, version: (previous?.version ?? 0) + 1, answers: kept, score: r.score, band: r.band,
    changed: changedItems(previous?.answers ?? {}, kept), by, at, signOff: null,
  };
}

/** The item ids whose score differs between two scorings (an item not answered counts 0), in the form's order. */
export function changedItems(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): string[] {
  return RISK_ITEMS.map((i) => i.id).filter((id) => (before[id] ?? 0) !== (after[id] ?? 0));
}

/** The words of a changed item for the card's history ("Under the age of 14"). */
export const itemText = (id: string): string => TEXT_OF.get(id) ?? id;

/** Anyone without the manager role (MANAGER_IDS): refused naming `signOff`. */
export const signOffRefused = (): AppError =>
  new AppError("forbidden", "Only a team manager can sign off the risk assessment (sign-off); nothing was saved.", "signOff");

/**
 * The team manager signs off version `v` (M-RAG: "All Missing risk assessments should be signed by the team manager").
 * Only someone with the manager role (`isManager`); anyone else is refused naming `signOff`. One sign-off per version.
 */
export function signOffVersion(
  v: RiskVersion, input: { outcome: string; comments: string }, actor: { id: string; name: string; isManager: boolean }, at: Date,
): RiskVersion {
  if (!actor.isManager) {
    throw signOffRefused();
  }
  if (v.signOff) throw bad("signOff", `Version ${v.version} of the risk assessment is already signed off; nothing was changed. Score it again to review it.`);
  if (!isSignOffOutcome(input.outcome)) throw bad("signOffOutcome", "Choose the outcome of the risk assessment (one of the four on the form).");
  const comments = input.comments.trim();
  if (!comments) throw bad("signOffComments", "Enter the team manager's comments: agreement with the outcome and what further action will be taken.");
  if (comments.length > 2000) throw bad("signOffComments", "The team manager's comments are too long (at most 2000 characters).");
  return { ...v, signOff: { by: actor.id, byName: actor.name, at, outcome: input.outcome, comments } };
}

/** Amber and Red: convene a missing child protection strategy meeting (M-RAG). */
export const offersConvene = (band: RagBand): boolean => band === "amber" || band === "red";

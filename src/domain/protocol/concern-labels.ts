import type { Concern } from "./referral.js";

/** What the chair and invitees read for each concern category (DOMAIN.md §3): category labels, never free text. */
export const CONCERN_LABELS: Readonly<Record<Concern, string>> = {
  standard: "Significant harm (standard)",
  "serious-harm": "Serious physical injury or serious neglect",
  "sexual-abuse-forensic": "Penetrative sexual abuse (forensic window)",
  "immediate-action": "An agency took immediate protective action",
  complex: "Complex or organised abuse, fabricated or induced illness",
  "allegation-against-staff": "Allegation against staff (LADO)",
  missing: "Missing child",
};

/** The presenting issues of a referral as category labels (I-WORD: what an invitation may say). */
export const concernLabels = (referral: { concerns: readonly Concern[] }): string[] => referral.concerns.map((c) => CONCERN_LABELS[c]);

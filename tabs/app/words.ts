/** The tab's words for codes: UK times, concerns, states, roles (plain words, not codes; issue 15 point 5). */
import { CONCERN_LABELS } from "../../src/domain/protocol/concern-labels.js";
import type { Concern } from "../../src/domain/protocol/referral.js";
import { londonLabel } from "../../src/domain/time/london.js";
export { ruleWords } from "../../src/domain/protocol/rule-words.js";
import type { Viewer } from "./api.js";

/** An instant in UK time, e.g. "Tue 1 Dec, 14:00" (the bot's own words for times); "" for none. */
export const ukTime = (iso: string | null): string => (iso ? londonLabel(iso) : "");

const isConcern = (c: string): c is Concern => Object.hasOwn(CONCERN_LABELS, c);
/** A strat's concern categories in words (DOMAIN.md §3 labels). */
export const concernWords = (concerns: readonly string[]): string => concerns.map((c) => (isConcern(c) ? CONCERN_LABELS[c] : c)).join("; ");

export const STATUS_WORDS = { open: "Open", closed: "Closed", cancelled: "Cancelled" } as const;
export const ROLE_WORDS: Record<Viewer["role"], string> = { chair: "chair", manager: "manager", head: "head of service" };

/** A duration in minutes as "45 min" or "2 h 5 min". */
export const duration = (m: number): string => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}`);

/** Q-1 in words: quorate, inquorate, or not recorded yet. */
export const quorumWords = (q: boolean | null): string => (q === null ? "not recorded" : q ? "quorate" : "inquorate");

/** The dashboard's drill parameters in words, for the list's filter chips (e.g. "Held from 2026-11-01", "Late"). */
const DRILL_WORDS: Record<string, (v: string) => string> = {
  held_from: (v) => `Held from ${v}`, held_to: (v) => `Held to ${v}`,
  late: (v) => (v === "true" ? "Held after the due time" : "Held within the due time"),
  short_notice: (v) => (v === "true" ? "Short notice" : "Not short notice"),
  quorate: (v) => (v === "true" ? "Quorate" : "Inquorate"),
  target_met: (v) => (v === "true" ? "Within the local target" : "Missed the local target"),
  distributed_on_time: (v) => (v === "true" ? "Record distributed on time" : "Record distributed late"),
  concern: (v) => `Concern: ${concernWords([v])}`,
  action_overdue: () => "Has an overdue action", agency: (v) => `Agency: ${v}`,
  dissent_open: () => "Has open dissent", dissent_stage: (v) => `Dissent stage: ${v === "chair" ? "with the chair" : "with senior managers"}`,
  dissent_age: (v) => `Dissent open ${v.replace("-plus", " or more")} days`,
  as_at: (v) => `As at the end of ${v}`,
};
export const drillWords = (key: string, value: string): string => DRILL_WORDS[key]?.(value) ?? `${key.replace(/_/g, " ")}: ${value}`;
